// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Group commands of the "shoal" generic netlink family. Every request is
 * checked whole before anything changes: a refused request leaves the
 * groups as they were.
 */

#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/shoal.h>

#include "device.h"
#include "group.h"
#include "netlink.h"
#include "peer.h"

static struct shoal_dev *shoal_nl_group_dev(struct genl_info *info)
{
	return shoal_nl_dev_find(genl_info_net(info), info->attrs,
				 SHOAL_A_GROUP_IFINDEX, SHOAL_A_GROUP_IFNAME,
				 info->extack);
}

/* Under RTNL: the group a request names on its device. */
static struct shoal_group *shoal_nl_group_find(struct genl_info *info)
{
	struct nlattr *id = info->attrs[SHOAL_A_GROUP_ID];
	struct shoal_group *g;
	struct shoal_dev *sd;

	if (!id) {
		NL_SET_ERR_MSG(info->extack, "A group id is required");
		return ERR_PTR(-EINVAL);
	}
	sd = shoal_nl_group_dev(info);
	if (IS_ERR(sd))
		return ERR_CAST(sd);
	g = shoal_group_find(sd, nla_get_u32(id));
	if (!g) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "No group with this id");
		return ERR_PTR(-ENOENT);
	}
	return g;
}

/*
 * A member list may be longer than one attribute can hold (8191 ids): a
 * request then carries several members attributes, one list together.
 * The first entry of them that holds @id, for error reports.
 */
static struct nlattr *shoal_nl_member_attr(struct genl_info *info, u32 id)
{
	struct nlattr *head = genlmsg_data(info->genlhdr), *list, *e;
	int len = genlmsg_len(info->genlhdr), rem, erem;

	nla_for_each_attr(list, head, len, rem) {
		if (nla_type(list) != SHOAL_A_GROUP_MEMBERS)
			continue;
		nla_for_each_nested(e, list, erem)
			if (nla_get_u32(e) == id)
				return e;
	}
	return info->attrs[SHOAL_A_GROUP_MEMBERS];
}

/*
 * The peers the member lists of a request name, in their order; every
 * entry must be a u32 sender id of a peer of @sd. Free with kvfree().
 */
static struct shoal_peer **shoal_nl_member_peers(struct shoal_dev *sd,
						 struct genl_info *info,
						 u32 *n)
{
	struct nlattr *head = genlmsg_data(info->genlhdr), *list, *e;
	int len = genlmsg_len(info->genlhdr), rem, erem;
	struct shoal_peer **peers;
	u32 count = 0;

	nla_for_each_attr(list, head, len, rem) {
		if (nla_type(list) != SHOAL_A_GROUP_MEMBERS)
			continue;
		nla_for_each_nested(e, list, erem) {
			if (nla_len(e) != sizeof(u32) || !nla_get_u32(e)) {
				NL_SET_ERR_MSG_ATTR(info->extack, e,
						    "A member is a sender id: a u32 other than 0");
				return ERR_PTR(-EINVAL);
			}
			count++;
		}
		if (erem) {
			NL_SET_ERR_MSG_ATTR(info->extack, list,
					    "A member list ends in a partial entry");
			return ERR_PTR(-EINVAL);
		}
	}
	if (!count) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SHOAL_A_GROUP_MEMBERS],
				    "No member given");
		return ERR_PTR(-EINVAL);
	}
	peers = kvmalloc_array(count, sizeof(*peers), GFP_KERNEL);
	if (!peers)
		return ERR_PTR(-ENOMEM);
	*n = 0;
	nla_for_each_attr(list, head, len, rem) {
		if (nla_type(list) != SHOAL_A_GROUP_MEMBERS)
			continue;
		nla_for_each_nested(e, list, erem) {
			peers[*n] = shoal_peer_lookup(sd, nla_get_u32(e));
			if (!peers[*n]) {
				NL_SET_ERR_MSG_ATTR(info->extack, e,
						    "No peer with this sender id");
				kvfree(peers);
				return ERR_PTR(-ENOENT);
			}
			(*n)++;
		}
	}
	return peers;
}

/* Adds (or removes) the members a request lists; all or none. */
static int shoal_nl_group_members(struct shoal_group *g,
				  struct genl_info *info, bool add)
{
	struct netlink_ext_ack *extack = info->extack;
	struct shoal_peer **peers;
	u32 n, bad = 0;
	int err;

	if (g->all_peers) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[SHOAL_A_GROUP_MEMBERS],
				    "An all-peers group has no member list");
		return -EINVAL;
	}
	peers = shoal_nl_member_peers(g->sd, info, &n);
	if (IS_ERR(peers))
		return PTR_ERR(peers);
	err = add ? shoal_group_add_members(g, peers, n, &bad) :
		    shoal_group_del_members(g, peers, n, &bad);
	kvfree(peers);
	if (err == -EINVAL)
		NL_SET_ERR_MSG_ATTR(extack, shoal_nl_member_attr(info, bad),
				    "A peer is listed twice");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, shoal_nl_member_attr(info, bad),
				    "The peer is a member already");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(extack, shoal_nl_member_attr(info, bad),
				    "The peer is not a member");
	return err;
}

/* Under RTNL: checks a group-new request's match against @sd's groups. */
static int shoal_nl_group_match(struct shoal_dev *sd, struct nlattr **attrs,
				struct shoal_lpm_node *match,
				struct netlink_ext_ack *extack)
{
	struct nlattr *prefix = attrs[SHOAL_A_GROUP_PREFIX];
	struct nlattr *bcast = attrs[SHOAL_A_GROUP_BROADCAST];
	int err;

	if (!prefix && !bcast) {
		NL_SET_ERR_MSG(extack,
			       "A group needs a prefix or the broadcast flag");
		return -EINVAL;
	}
	if (prefix && bcast) {
		NL_SET_ERR_MSG_ATTR(extack, bcast,
				    "A group has a prefix or the broadcast flag, not both");
		return -EINVAL;
	}
	if (bcast) {
		if (rtnl_dereference(sd->bcast_group)) {
			NL_SET_ERR_MSG_ATTR(extack, bcast,
					    "The device has a broadcast group already");
			return -EEXIST;
		}
		return 0;
	}
	err = shoal_nl_parse_prefix(prefix, match, extack);
	if (err)
		return err;
	if (shoal_lpm_find(&sd->group_lpm, match->family, match->cidr,
			   &match->addr)) {
		NL_SET_ERR_MSG_ATTR(extack, prefix,
				    "Another group has this prefix");
		return -EEXIST;
	}
	return 0;
}

int shoal_nl_group_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct shoal_lpm_node match = {};
	struct shoal_group *g;
	struct shoal_dev *sd;
	bool all_peers;
	int err;

	if (!attrs[SHOAL_A_GROUP_ID]) {
		NL_SET_ERR_MSG(info->extack, "A group id is required");
		return -EINVAL;
	}
	all_peers = nla_get_flag(attrs[SHOAL_A_GROUP_ALL_PEERS]);
	if (all_peers && attrs[SHOAL_A_GROUP_MEMBERS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHOAL_A_GROUP_MEMBERS],
				    "An all-peers group takes no member list");
		return -EINVAL;
	}
	rtnl_lock();
	sd = shoal_nl_group_dev(info);
	if (IS_ERR(sd)) {
		err = PTR_ERR(sd);
		goto out;
	}
	if (shoal_group_find(sd, nla_get_u32(attrs[SHOAL_A_GROUP_ID]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHOAL_A_GROUP_ID],
				    "A group with this id exists");
		err = -EEXIST;
		goto out;
	}
	err = shoal_nl_group_match(sd, attrs, &match, info->extack);
	if (err)
		goto out;
	g = shoal_group_new(sd, nla_get_u32(attrs[SHOAL_A_GROUP_ID]),
			    attrs[SHOAL_A_GROUP_PREFIX] ? &match : NULL,
			    all_peers);
	if (!g) {
		err = -ENOMEM;
		goto out;
	}
	if (attrs[SHOAL_A_GROUP_MEMBERS])
		err = shoal_nl_group_members(g, info, true);
	if (!err)
		err = shoal_group_publish(g);
	if (err)
		shoal_group_free(g);
out:
	rtnl_unlock();
	return err;
}

int shoal_nl_group_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_group *g;
	int err = 0;

	rtnl_lock();
	g = shoal_nl_group_find(info);
	if (IS_ERR(g))
		err = PTR_ERR(g);
	else
		shoal_group_del(g);
	rtnl_unlock();
	return err;
}

static int shoal_nl_group_change(struct genl_info *info, bool add)
{
	struct nlattr *members = info->attrs[SHOAL_A_GROUP_MEMBERS];
	struct shoal_group *g;
	int err;

	if (!members) {
		NL_SET_ERR_MSG(info->extack, "A member list is required");
		return -EINVAL;
	}
	rtnl_lock();
	g = shoal_nl_group_find(info);
	err = IS_ERR(g) ? PTR_ERR(g) : shoal_nl_group_members(g, info, add);
	rtnl_unlock();
	return err;
}

int shoal_nl_group_member_add_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	return shoal_nl_group_change(info, true);
}

int shoal_nl_group_member_del_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	return shoal_nl_group_change(info, false);
}

/* What a group's first message carries besides its members. */
static int shoal_nl_group_put_head(struct sk_buff *msg, struct shoal_group *g)
{
	if (shoal_group_is_broadcast(g) ?
	    nla_put_flag(msg, SHOAL_A_GROUP_BROADCAST) :
	    shoal_nl_put_prefix(msg, SHOAL_A_GROUP_PREFIX, &g->match))
		return -EMSGSIZE;
	if ((g->all_peers && nla_put_flag(msg, SHOAL_A_GROUP_ALL_PEERS)) ||
	    nla_put_u32(msg, SHOAL_A_GROUP_MEMBER_COUNT,
			shoal_group_count(g)) ||
	    shoal_stats_fill(msg, SHOAL_A_GROUP_STATS, g->stats))
		return -EMSGSIZE;
	return 0;
}

/* Ids per members attribute: its length must fit 16 bits. */
#define SHOAL_NL_MEMBERS_PER_ATTR	8000

/*
 * Puts members from *@next on, in as many members attributes as they need;
 * a dump that runs out of room stops at a member and sets *@next to it,
 * else to 0.
 */
static int shoal_nl_group_put_members(struct sk_buff *msg,
				      struct shoal_group *g, u32 *next,
				      bool partial)
{
	struct shoal_members *m = rtnl_dereference(g->members);
	struct nlattr *nest;
	u32 i = *next, idx = 0;

	if (g->all_peers)
		return 0;
	nest = nla_nest_start(msg, SHOAL_A_GROUP_MEMBERS);
	if (!nest)
		return -EMSGSIZE;
	for (; m && i < m->n; i++) {
		if (!rcu_access_pointer(m->m[i].peer))
			continue;
		if (idx == SHOAL_NL_MEMBERS_PER_ATTR) {
			nla_nest_end(msg, nest);
			nest = nla_nest_start(msg, SHOAL_A_GROUP_MEMBERS);
			idx = 0;
			if (!nest)
				goto full;
		}
		if (nla_put_u32(msg, ++idx, m->m[i].id)) {
			/* Keeps the members put so far. */
			nla_nest_end(msg, nest);
			goto full;
		}
	}
	nla_nest_end(msg, nest);
	*next = 0;
	return 0;

full:
	if (!partial || i == *next)
		return -EMSGSIZE;
	*next = i;
	return 0;
}

/*
 * Under RTNL. With @cb (a dump), a group whose members do not fit ends the
 * message early: *@next is where the next message goes on.
 */
static int shoal_nl_group_fill(struct sk_buff *msg, struct shoal_group *g,
			       u32 portid, u32 seq, int flags,
			       struct netlink_callback *cb, u32 *next)
{
	bool first = !*next;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &shoal_genl_family, flags,
			  SHOAL_CMD_GROUP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(msg, SHOAL_A_GROUP_IFINDEX, g->sd->dev->ifindex) ||
	    nla_put_u32(msg, SHOAL_A_GROUP_ID, g->id) ||
	    (first && shoal_nl_group_put_head(msg, g)) ||
	    shoal_nl_group_put_members(msg, g, next, cb)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int shoal_nl_group_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_group *g;
	struct sk_buff *msg;
	u32 next = 0;
	int err;

	rtnl_lock();
	g = shoal_nl_group_find(info);
	if (IS_ERR(g)) {
		err = PTR_ERR(g);
		goto err_unlock;
	}
	msg = genlmsg_new(min_t(size_t, SHOAL_NL_REPLY_MAX, NLMSG_GOODSIZE +
				shoal_group_count(g) *
				nla_total_size(sizeof(u32))), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_unlock;
	}
	err = shoal_nl_group_fill(msg, g, info->snd_portid, info->snd_seq, 0,
				  NULL, &next);
	rtnl_unlock();
	if (err) {
		if (err == -EMSGSIZE)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SHOAL_A_GROUP_ID],
					    "The group does not fit one message: dump it by its id");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	return err;
}

/*
 * A dump of the one group the request names, in as many messages as its
 * members take. cb->args[0]: whether it is out whole; cb->args[1]: the
 * member the next message goes on from.
 */
static int shoal_nl_group_dump_one(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   struct shoal_dev *sd, const struct nlattr *id)
{
	u32 next = cb->args[1];
	struct shoal_group *g;
	int err;

	if (cb->args[0])
		return 0;
	g = shoal_group_find(sd, nla_get_u32(id));
	if (!g) {
		/* Gone between two parts: the generation flags the dump. */
		if (next)
			return 0;
		NL_SET_ERR_MSG_ATTR(cb->extack, id, "No group with this id");
		return -ENOENT;
	}
	err = shoal_nl_group_fill(skb, g, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb, &next);
	if (err)
		return err;
	cb->args[0] = !next;
	cb->args[1] = next;
	return skb->len;
}

/*
 * cb->args[0]: id of the group the dump is at; cb->args[1]: member of it
 * the next message goes on from (0: the group is not started);
 * cb->args[2]: the device's serial. The device's group generation is the
 * dump's sequence, so a dump that raced a change is flagged. A request
 * with a group id dumps that group alone.
 */
int shoal_nl_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long resume = cb->args[0], id;
	u32 next = cb->args[1];
	const struct nlattr *one;
	struct shoal_group *g;
	struct shoal_dev *sd;
	int err = 0;

	rtnl_lock();
	sd = shoal_nl_dump_dev(skb, cb, SHOAL_A_GROUP_IFINDEX,
			       SHOAL_A_GROUP_IFNAME, 2);
	if (IS_ERR(sd)) {
		rtnl_unlock();
		return PTR_ERR(sd);
	}
	cb->seq = sd->group_gen + 1;
	one = genl_dumpit_info(cb)->attrs[SHOAL_A_GROUP_ID];
	if (one) {
		err = shoal_nl_group_dump_one(skb, cb, sd, one);
		rtnl_unlock();
		return err;
	}
	xa_for_each_start(&sd->groups, id, g, cb->args[0]) {
		/* The group a message stopped in is gone: start the next. */
		if (id != cb->args[0])
			next = 0;
		err = shoal_nl_group_fill(skb, g, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb,
					  &next);
		if (err || next) {
			resume = id;
			break;
		}
		resume = id + 1;
	}
	rtnl_unlock();
	cb->args[0] = resume;
	cb->args[1] = next;
	/* A group too big for an empty message would loop forever. */
	if (err && !skb->len)
		return err;
	return skb->len;
}
