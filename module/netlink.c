// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The "shoal" generic netlink family; Documentation/netlink/shoal.yaml
 * specifies it and uapi/linux/shoal.h carries its numbers. This file has
 * the family, the device and transmit key commands and the events; peers
 * are in netlink_peer.c, groups in netlink_group.c.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <uapi/linux/shoal.h>

#include "device.h"
#include "keys.h"
#include "netlink.h"
#include "peer.h"
#include "replay.h"

/*
 * A key entry takes different attributes where it appears: each place has
 * its own policy, which names what does not belong there.
 */
#define SHOAL_NLA_REJECT(msg) { .type = NLA_REJECT, .reject_message = (msg) }
#define SHOAL_NLA_NOT_PAIRWISE \
	SHOAL_NLA_REJECT("Only a peer's receive key is marked pairwise")
#define SHOAL_NLA_SLOT_ALONE \
	SHOAL_NLA_REJECT("A key is activated or deleted by its slot alone")

/* key-set: a device transmit key. */
static const struct nla_policy shoal_dev_key_policy[SHOAL_A_KEY_MAX + 1] = {
	[SHOAL_A_KEY_SLOT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SHOAL_A_KEY_ID]	= { .type = NLA_U8 },
	[SHOAL_A_KEY_MATERIAL]	= NLA_POLICY_EXACT_LEN(SHOAL_KEY_LEN),
	[SHOAL_A_KEY_PAIRWISE]	= SHOAL_NLA_NOT_PAIRWISE,
};

/* key-activate and key-del: a slot alone. */
static const struct nla_policy shoal_key_slot_policy[SHOAL_A_KEY_MAX + 1] = {
	[SHOAL_A_KEY_SLOT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SHOAL_A_KEY_ID]	= SHOAL_NLA_SLOT_ALONE,
	[SHOAL_A_KEY_MATERIAL]	= SHOAL_NLA_SLOT_ALONE,
	[SHOAL_A_KEY_PAIRWISE]	= SHOAL_NLA_NOT_PAIRWISE,
};

/* A peer's receive key: by id, and the only one marked pairwise. */
const struct nla_policy shoal_peer_rxkey_policy[SHOAL_A_KEY_MAX + 1] = {
	[SHOAL_A_KEY_SLOT]	=
		SHOAL_NLA_REJECT("Receive keys have no slot, only an id"),
	[SHOAL_A_KEY_ID]	= { .type = NLA_U8 },
	[SHOAL_A_KEY_MATERIAL]	= NLA_POLICY_EXACT_LEN(SHOAL_KEY_LEN),
	[SHOAL_A_KEY_PAIRWISE]	= NLA_POLICY_MAX(NLA_U8, 1),
};

/* A peer's pairwise transmit key: by id. */
const struct nla_policy shoal_peer_txkey_policy[SHOAL_A_KEY_MAX + 1] = {
	[SHOAL_A_KEY_SLOT]	=
		SHOAL_NLA_REJECT("A pairwise key has an id and no slot"),
	[SHOAL_A_KEY_ID]	= { .type = NLA_U8 },
	[SHOAL_A_KEY_MATERIAL]	= NLA_POLICY_EXACT_LEN(SHOAL_KEY_LEN),
	[SHOAL_A_KEY_PAIRWISE]	= SHOAL_NLA_NOT_PAIRWISE,
};

static struct netlink_range_validation shoal_replay_window_range = {
	.min = SHOAL_REPLAY_WINDOW_MIN,
	.max = SHOAL_REPLAY_WINDOW_MAX,
};

static const struct nla_policy shoal_dev_get_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
};

static const struct nla_policy shoal_dev_set_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_DEV_PORT]	= { .type = NLA_U16 },
	[SHOAL_A_DEV_SENDER_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_REPLAY_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &shoal_replay_window_range),
	[SHOAL_A_DEV_EPOCH_MAX_AGE] = NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_KEY_LIMIT]	= NLA_POLICY_MIN(NLA_U64, 1),
	[SHOAL_A_DEV_CIPHER]	= NLA_POLICY_MAX(NLA_U32,
						 SHOAL_CIPHER_AES_256_GCM),
};

static const struct nla_policy shoal_key_set_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_DEV_KEYS]	= NLA_POLICY_NESTED_ARRAY(shoal_dev_key_policy),
};

/* key-activate and key-del. */
static const struct nla_policy shoal_key_slot_op_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_DEV_KEYS]	= NLA_POLICY_NESTED_ARRAY(shoal_key_slot_policy),
};

/**
 * shoal_nl_dev_find - the shoal device a request names
 * @net: netns of the requesting socket
 * @attrs: the request's attributes
 * @ifindex_attr: type of its ifindex attribute
 * @ifname_attr: type of its name attribute
 * @extack: where to explain a failure
 *
 * Under RTNL.
 *
 * Return: the device, or an ERR_PTR.
 */
struct shoal_dev *shoal_nl_dev_find(struct net *net, struct nlattr **attrs,
				    int ifindex_attr, int ifname_attr,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[ifindex_attr];
	struct nlattr *ifname = attrs[ifname_attr];
	struct net_device *dev = NULL;
	struct shoal_dev *sd;

	if (!ifindex && !ifname) {
		NL_SET_ERR_MSG(extack, "A device ifindex or name is required");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = __dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = __dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "No such device");
		return ERR_PTR(-ENODEV);
	}
	if (ifindex && ifname && strcmp(dev->name, nla_data(ifname))) {
		NL_SET_ERR_MSG_ATTR(extack, ifname,
				    "The ifindex and the name are different devices");
		return ERR_PTR(-EINVAL);
	}
	sd = shoal_dev_from_netdev(dev);
	if (!sd) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "Not a shoal device");
		return ERR_PTR(-ENODEV);
	}
	return sd;
}

/**
 * shoal_nl_dump_dev - the shoal device a dump is about, in each of its parts
 * @skb: the part's message
 * @cb: the dump; cb->args[@slot] keeps the device's serial between parts
 * @ifindex_attr: type of the request's ifindex attribute
 * @ifname_attr: type of its name attribute
 * @slot: the entry of cb->args the caller leaves to this
 *
 * A dump that finds another device in a later part (the first deleted
 * and a new one created with its name, or its ifindex) ends there, rather
 * than going on with the new device's objects as if they were the
 * first's: their generation counts need not differ.
 *
 * Under RTNL.
 *
 * Return: the device, or an ERR_PTR.
 */
struct shoal_dev *shoal_nl_dump_dev(struct sk_buff *skb,
				    struct netlink_callback *cb,
				    int ifindex_attr, int ifname_attr,
				    unsigned int slot)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct shoal_dev *sd;

	sd = shoal_nl_dev_find(sock_net(skb->sk), info->attrs, ifindex_attr,
			       ifname_attr, cb->extack);
	if (IS_ERR(sd))
		return sd;
	if (cb->args[slot] && cb->args[slot] != sd->serial) {
		NL_SET_ERR_MSG(cb->extack,
			       "The device was replaced during the dump");
		return ERR_PTR(-ENODEV);
	}
	cb->args[slot] = sd->serial;
	return sd;
}

static struct shoal_dev *shoal_nl_dev_from_info(struct genl_info *info)
{
	return shoal_nl_dev_find(genl_info_net(info), info->attrs,
				 SHOAL_A_DEV_IFINDEX, SHOAL_A_DEV_IFNAME,
				 info->extack);
}

/**
 * shoal_nl_put_txkey - describe a transmit key, never its material
 * @msg: netlink message
 * @attr: type of the nest
 * @k: the key
 * @slot: its device slot, or -1 for a pairwise key
 * @active: whether the device sends with it
 *
 * Return: 0 or -EMSGSIZE.
 */
int shoal_nl_put_txkey(struct sk_buff *msg, int attr,
		       const struct shoal_txkey *k, int slot, bool active)
{
	const struct shoal_epoch *ep;
	struct nlattr *nest;
	u64 packets;

	packets = min_t(u64, atomic64_read(&k->counter), k->limit);
	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock_bh();
	ep = rcu_dereference_bh(k->epoch);
	if ((slot >= 0 && nla_put_u8(msg, SHOAL_A_KEY_SLOT, slot)) ||
	    nla_put_u8(msg, SHOAL_A_KEY_ID, k->id) ||
	    (active && nla_put_flag(msg, SHOAL_A_KEY_ACTIVE)) ||
	    nla_put_u64_64bit(msg, SHOAL_A_KEY_PACKETS, packets,
			      SHOAL_A_KEY_PAD) ||
	    nla_put_u64_64bit(msg, SHOAL_A_KEY_EPOCH, ep->epoch,
			      SHOAL_A_KEY_PAD) ||
	    (test_bit(SHOAL_TXKEY_EXHAUSTED, &k->flags) &&
	     nla_put_flag(msg, SHOAL_A_KEY_EXHAUSTED))) {
		rcu_read_unlock_bh();
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	rcu_read_unlock_bh();
	nla_nest_end(msg, nest);
	return 0;
}

static int shoal_nl_dev_put_keys(struct sk_buff *msg, struct shoal_dev *sd)
{
	struct shoal_txkey *active = rtnl_dereference(sd->tx_active);
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, SHOAL_A_DEV_KEYS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SHOAL_KEY_SLOTS; i++) {
		struct shoal_txkey *k = rtnl_dereference(sd->txkeys[i]);

		if (k && shoal_nl_put_txkey(msg, i + 1, k, i, k == active)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Under RTNL. */
static int shoal_nl_dev_fill(struct sk_buff *skb, struct shoal_dev *sd,
			     u32 portid, u32 seq, int flags,
			     struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &shoal_genl_family, flags,
			  SHOAL_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, SHOAL_A_DEV_IFINDEX, sd->dev->ifindex) ||
	    nla_put_string(skb, SHOAL_A_DEV_IFNAME, sd->dev->name) ||
	    nla_put_u16(skb, SHOAL_A_DEV_PORT, sd->port) ||
	    nla_put_u32(skb, SHOAL_A_DEV_SENDER_ID, READ_ONCE(sd->sender_id)) ||
	    nla_put_u32(skb, SHOAL_A_DEV_REPLAY_WINDOW, sd->replay_window) ||
	    nla_put_u32(skb, SHOAL_A_DEV_EPOCH_MAX_AGE, sd->epoch_max_age) ||
	    nla_put_u64_64bit(skb, SHOAL_A_DEV_KEY_LIMIT, sd->key_limit,
			      SHOAL_A_DEV_PAD) ||
	    nla_put_u32(skb, SHOAL_A_DEV_CIPHER, sd->cipher) ||
	    shoal_nl_dev_put_keys(skb, sd) ||
	    shoal_stats_fill(skb, SHOAL_A_DEV_STATS, sd->stats) ||
	    nla_put_u32(skb, SHOAL_A_DEV_PEERS, shoal_peer_count(sd))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int shoal_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_dev *sd;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	sd = shoal_nl_dev_from_info(info);
	err = IS_ERR(sd) ? PTR_ERR(sd) :
	      shoal_nl_dev_fill(msg, sd, info->snd_portid, info->snd_seq, 0,
				NULL);
	rtnl_unlock();

	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int shoal_nl_dev_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long skip = cb->args[0], idx = 0;
	struct net_device *dev;

	rtnl_lock();
	/* The device list's sequence number flags dumps that raced a change. */
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		struct shoal_dev *sd = shoal_dev_from_netdev(dev);

		if (!sd)
			continue;
		if (idx >= skip &&
		    shoal_nl_dev_fill(skb, sd, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		idx++;
	}
	rtnl_unlock();

	cb->args[0] = idx;
	return skb->len;
}

/*
 * Every key of a device (its own, and its peers' receive and pairwise
 * keys) is of the device's cipher: it changes only while there are none.
 */
static bool shoal_nl_dev_keyless(struct shoal_dev *sd)
{
	unsigned int slot;

	for (slot = 0; slot < SHOAL_KEY_SLOTS; slot++)
		if (rtnl_dereference(sd->txkeys[slot]))
			return false;
	return !shoal_peer_count(sd);
}

static int shoal_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *cipher = attrs[SHOAL_A_DEV_CIPHER];
	struct shoal_dev *sd;
	int err = 0;

	/* Outside RTNL: it may load aesni_intel's algorithms. */
	if (cipher && !shoal_aead_prepare(nla_get_u32(cipher)))
		NL_SET_ERR_MSG_ATTR(info->extack, cipher,
				    "AES-256-GCM without AES-NI (aesni_intel) runs on slower generic code");

	rtnl_lock();
	sd = shoal_nl_dev_from_info(info);
	if (IS_ERR(sd)) {
		err = PTR_ERR(sd);
		goto out;
	}
	if (cipher && nla_get_u32(cipher) != sd->cipher &&
	    !shoal_nl_dev_keyless(sd)) {
		NL_SET_ERR_MSG_ATTR(info->extack, cipher,
				    "The cipher changes only while the device has no keys and no peers");
		err = -EBUSY;
		goto out;
	}
	/* The port is the only change that can fail once begun: it goes first. */
	if (attrs[SHOAL_A_DEV_PORT]) {
		err = shoal_dev_set_port(sd, nla_get_u16(attrs[SHOAL_A_DEV_PORT]),
					 info->extack);
		if (err)
			goto out;
	}
	if (attrs[SHOAL_A_DEV_SENDER_ID])
		WRITE_ONCE(sd->sender_id,
			   nla_get_u32(attrs[SHOAL_A_DEV_SENDER_ID]));
	if (attrs[SHOAL_A_DEV_REPLAY_WINDOW])
		WRITE_ONCE(sd->replay_window,
			   nla_get_u32(attrs[SHOAL_A_DEV_REPLAY_WINDOW]));
	if (attrs[SHOAL_A_DEV_EPOCH_MAX_AGE])
		WRITE_ONCE(sd->epoch_max_age,
			   nla_get_u32(attrs[SHOAL_A_DEV_EPOCH_MAX_AGE]));
	if (attrs[SHOAL_A_DEV_KEY_LIMIT])
		sd->key_limit = min(nla_get_u64(attrs[SHOAL_A_DEV_KEY_LIMIT]),
				    SHOAL_KEY_LIMIT_MAX);
	if (cipher)
		sd->cipher = nla_get_u32(cipher);
out:
	rtnl_unlock();
	return err;
}

/*
 * The one key entry of a key-set/activate/del request, parsed into @tb
 * by the command's key @policy; its slot is required.
 */
static int shoal_nl_key_parse(struct genl_info *info,
			      const struct nla_policy *policy,
			      struct nlattr *tb[SHOAL_A_KEY_MAX + 1])
{
	struct nlattr *keys = info->attrs[SHOAL_A_DEV_KEYS];
	struct nlattr *entry = NULL, *cur;
	int rem, err;

	if (!keys) {
		NL_SET_ERR_MSG(info->extack, "A keys entry is required");
		return -EINVAL;
	}
	nla_for_each_nested(cur, keys, rem) {
		if (entry) {
			NL_SET_ERR_MSG_ATTR(info->extack, cur,
					    "Exactly one keys entry is allowed");
			return -EINVAL;
		}
		entry = cur;
	}
	if (!entry) {
		NL_SET_ERR_MSG_ATTR(info->extack, keys,
				    "A keys entry is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, SHOAL_A_KEY_MAX, entry, policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[SHOAL_A_KEY_SLOT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, entry, "A key slot is required");
		return -EINVAL;
	}
	return 0;
}

enum shoal_key_op {
	SHOAL_KEY_OP_SET,
	SHOAL_KEY_OP_ACTIVATE,
	SHOAL_KEY_OP_DEL,
};

static int shoal_nl_key_apply(struct shoal_dev *sd, enum shoal_key_op op,
			      struct nlattr **tb, struct netlink_ext_ack *extack)
{
	u8 slot = nla_get_u8(tb[SHOAL_A_KEY_SLOT]);
	struct shoal_txkey *k = rtnl_dereference(sd->txkeys[slot]);
	struct shoal_txkey *other = rtnl_dereference(sd->txkeys[!slot]);
	struct shoal_txkey *active = rtnl_dereference(sd->tx_active);
	struct shoal_txkey *nk;
	u8 id;

	if (op != SHOAL_KEY_OP_SET) {
		if (!k) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SHOAL_A_KEY_SLOT],
					    "The key slot is empty");
			return -ENOENT;
		}
		if (op == SHOAL_KEY_OP_ACTIVATE) {
			rcu_assign_pointer(sd->tx_active, k);
			return 0;
		}
		if (k == active)
			rcu_assign_pointer(sd->tx_active, NULL);
		rcu_assign_pointer(sd->txkeys[slot], NULL);
		shoal_txkey_free(k);
		return 0;
	}

	if (!tb[SHOAL_A_KEY_ID] || !tb[SHOAL_A_KEY_MATERIAL]) {
		NL_SET_ERR_MSG(extack, "A key needs an id and material");
		return -EINVAL;
	}
	if (k && k == active) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SHOAL_A_KEY_SLOT],
				    "The slot is active: install into the other slot, then activate it");
		return -EBUSY;
	}
	id = nla_get_u8(tb[SHOAL_A_KEY_ID]);
	if (other && other->id == id) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SHOAL_A_KEY_ID],
				    "The other slot has a key with this id");
		return -EEXIST;
	}
	nk = shoal_txkey_new(id, sd->cipher, nla_data(tb[SHOAL_A_KEY_MATERIAL]),
			     sd->key_limit, READ_ONCE(sd->sender_id));
	if (!nk)
		return -ENOMEM;
	rcu_assign_pointer(sd->txkeys[slot], nk);
	shoal_txkey_free(k);
	return 0;
}

static int shoal_nl_key_do(struct genl_info *info, enum shoal_key_op op)
{
	struct nlattr *tb[SHOAL_A_KEY_MAX + 1];
	struct shoal_dev *sd;
	int err;

	err = shoal_nl_key_parse(info, op == SHOAL_KEY_OP_SET ?
				 shoal_dev_key_policy : shoal_key_slot_policy,
				 tb);
	if (err)
		return err;
	rtnl_lock();
	sd = shoal_nl_dev_from_info(info);
	err = IS_ERR(sd) ? PTR_ERR(sd) :
	      shoal_nl_key_apply(sd, op, tb, info->extack);
	rtnl_unlock();
	return err;
}

static int shoal_nl_key_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return shoal_nl_key_do(info, SHOAL_KEY_OP_SET);
}

static int shoal_nl_key_activate_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	return shoal_nl_key_do(info, SHOAL_KEY_OP_ACTIVATE);
}

static int shoal_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return shoal_nl_key_do(info, SHOAL_KEY_OP_DEL);
}

/**
 * shoal_nl_notify_exhausted - tell userspace a transmit key is worn out
 * @sd: the device
 * @k: the key
 * @peer: the peer whose pairwise key it is, or NULL for a device key
 *
 * Called once per key, from the data path.
 */
void shoal_nl_notify_exhausted(struct shoal_dev *sd,
			       const struct shoal_txkey *k,
			       const struct shoal_peer *peer)
{
	struct nlattr *keys;
	struct sk_buff *msg;
	int slot = -1, i;
	void *hdr;

	for (i = 0; i < SHOAL_KEY_SLOTS && !peer; i++)
		if (rcu_access_pointer(sd->txkeys[i]) == k)
			slot = i;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &shoal_genl_family, 0,
			  SHOAL_CMD_KEY_EXHAUSTED);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, SHOAL_A_DEV_IFINDEX, sd->dev->ifindex) ||
	    nla_put_string(msg, SHOAL_A_DEV_IFNAME, sd->dev->name))
		goto err;
	keys = nla_nest_start(msg, SHOAL_A_DEV_KEYS);
	if (!keys || shoal_nl_put_txkey(msg, 1, k, slot, false))
		goto err;
	nla_nest_end(msg, keys);
	if (peer && nla_put_u32(msg, SHOAL_A_DEV_PEER_ID, peer->sender_id))
		goto err;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&shoal_genl_family, dev_net(sd->dev), msg, 0,
				0, GFP_ATOMIC);
	return;
err:
	nlmsg_free(msg);
}

static const struct nla_policy shoal_peer_new_policy[SHOAL_A_PEER_MAX + 1] = {
	[SHOAL_A_PEER_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_PEER_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_PEER_SENDER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_PEER_ENDPOINT_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[SHOAL_A_PEER_ENDPOINT_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[SHOAL_A_PEER_ENDPOINT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[SHOAL_A_PEER_ALLOWED_IPS] = NLA_POLICY_NESTED_ARRAY(shoal_nl_prefix_policy),
	[SHOAL_A_PEER_RX_KEYS]	= NLA_POLICY_NESTED_ARRAY(shoal_peer_rxkey_policy),
	[SHOAL_A_PEER_TX_KEY]	= NLA_POLICY_NESTED(shoal_peer_txkey_policy),
	[SHOAL_A_PEER_KEEPALIVE] = { .type = NLA_U16 },
};

static const struct nla_policy shoal_peer_del_policy[SHOAL_A_PEER_MAX + 1] = {
	[SHOAL_A_PEER_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_PEER_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_PEER_SENDER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy shoal_group_new_policy[SHOAL_A_GROUP_MAX + 1] = {
	[SHOAL_A_GROUP_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_GROUP_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_GROUP_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_GROUP_PREFIX]	= NLA_POLICY_NESTED(shoal_nl_prefix_policy),
	[SHOAL_A_GROUP_BROADCAST] = { .type = NLA_FLAG },
	[SHOAL_A_GROUP_ALL_PEERS] = { .type = NLA_FLAG },
	[SHOAL_A_GROUP_MEMBERS]	= { .type = NLA_NESTED },
};

/* group-del and group-get. */
static const struct nla_policy shoal_group_get_policy[SHOAL_A_GROUP_MAX + 1] = {
	[SHOAL_A_GROUP_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_GROUP_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_GROUP_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy shoal_group_member_policy[SHOAL_A_GROUP_MAX + 1] = {
	[SHOAL_A_GROUP_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_GROUP_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_GROUP_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_GROUP_MEMBERS]	= { .type = NLA_NESTED },
};

static const struct genl_ops shoal_genl_ops[] = {
	{
		.cmd	= SHOAL_CMD_DEV_GET,
		.doit	= shoal_nl_dev_get_doit,
		.dumpit	= shoal_nl_dev_get_dumpit,
		.policy	= shoal_dev_get_policy,
		.maxattr = SHOAL_A_DEV_MAX,
	},
	{
		.cmd	= SHOAL_CMD_DEV_SET,
		.doit	= shoal_nl_dev_set_doit,
		.policy	= shoal_dev_set_policy,
		.maxattr = SHOAL_A_DEV_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_PEER_NEW,
		.doit	= shoal_nl_peer_new_doit,
		.policy	= shoal_peer_new_policy,
		.maxattr = SHOAL_A_PEER_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_PEER_SET,
		.doit	= shoal_nl_peer_set_doit,
		.policy	= shoal_peer_new_policy,
		.maxattr = SHOAL_A_PEER_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_PEER_DEL,
		.doit	= shoal_nl_peer_del_doit,
		.policy	= shoal_peer_del_policy,
		.maxattr = SHOAL_A_PEER_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_PEER_GET,
		.doit	= shoal_nl_peer_get_doit,
		.dumpit	= shoal_nl_peer_get_dumpit,
		.policy	= shoal_peer_del_policy,
		.maxattr = SHOAL_A_PEER_MAX,
	},
	{
		.cmd	= SHOAL_CMD_KEY_SET,
		.doit	= shoal_nl_key_set_doit,
		.policy	= shoal_key_set_policy,
		.maxattr = SHOAL_A_DEV_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_KEY_ACTIVATE,
		.doit	= shoal_nl_key_activate_doit,
		.policy	= shoal_key_slot_op_policy,
		.maxattr = SHOAL_A_DEV_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_KEY_DEL,
		.doit	= shoal_nl_key_del_doit,
		.policy	= shoal_key_slot_op_policy,
		.maxattr = SHOAL_A_DEV_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_GROUP_NEW,
		.doit	= shoal_nl_group_new_doit,
		.policy	= shoal_group_new_policy,
		.maxattr = SHOAL_A_GROUP_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_GROUP_DEL,
		.doit	= shoal_nl_group_del_doit,
		.policy	= shoal_group_get_policy,
		.maxattr = SHOAL_A_GROUP_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_GROUP_GET,
		.doit	= shoal_nl_group_get_doit,
		.dumpit	= shoal_nl_group_get_dumpit,
		.policy	= shoal_group_get_policy,
		.maxattr = SHOAL_A_GROUP_MAX,
	},
	{
		.cmd	= SHOAL_CMD_GROUP_MEMBER_ADD,
		.doit	= shoal_nl_group_member_add_doit,
		.policy	= shoal_group_member_policy,
		.maxattr = SHOAL_A_GROUP_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SHOAL_CMD_GROUP_MEMBER_DEL,
		.doit	= shoal_nl_group_member_del_doit,
		.policy	= shoal_group_member_policy,
		.maxattr = SHOAL_A_GROUP_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group shoal_genl_mcgrps[] = {
	{ .name = SHOAL_MCGRP_EVENTS },
};

struct genl_family shoal_genl_family __ro_after_init = {
	.name		= SHOAL_FAMILY_NAME,
	.version	= SHOAL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= shoal_genl_ops,
	.n_ops		= ARRAY_SIZE(shoal_genl_ops),
	.mcgrps		= shoal_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(shoal_genl_mcgrps),
};

/**
 * shoal_genl_init - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int shoal_genl_init(void)
{
	return genl_register_family(&shoal_genl_family);
}

/**
 * shoal_genl_uninit - unregister the generic netlink family
 */
void shoal_genl_uninit(void)
{
	genl_unregister_family(&shoal_genl_family);
}
