// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Peer commands of the "shoal" generic netlink family. A request is
 * parsed and checked whole, keys and prefix entries allocated, before
 * anything changes, so a refused request (even for want of memory)
 * leaves the peer, and every other peer, as it was.
 */

#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/shoal.h>

#include "allowedips.h"
#include "device.h"
#include "keys.h"
#include "netlink.h"
#include "peer.h"

/* Attributes of one prefix entry. */
const struct nla_policy shoal_nl_prefix_policy[SHOAL_A_PREFIX_MAX + 1] = {
	[SHOAL_A_PREFIX_FAMILY]	= { .type = NLA_U16 },
	[SHOAL_A_PREFIX_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[SHOAL_A_PREFIX_CIDR]	= NLA_POLICY_MAX(NLA_U8, 128),
};

/*
 * One receive key entry: a new key (@key), a new pairwise mark for the
 * installed key with @id (@pairwise >= 0, no @key), or else its removal.
 */
struct shoal_nl_rxop {
	u8 id;
	s8 pairwise;
	struct shoal_rxkey *key;
	struct nlattr *attr;
};

/* A peer-new/peer-set request, checked and ready to apply. */
struct shoal_nl_peer_conf {
	struct shoal_peer_ep *ep;	/* NULL: keep the endpoint */
	bool has_aips;
	u32 naips;
	struct shoal_lpm_node *aips;
	struct shoal_aip **spare;	/* entries for prefixes not yet routed */
	u32 nrx;
	struct shoal_nl_rxop rx[SHOAL_PEER_RX_KEYS * 2];
	bool has_tx;
	u8 tx_id;
	struct shoal_txkey *tx;		/* NULL: remove the pairwise key */
	struct nlattr *tx_attr;
	bool has_keepalive;
	u16 keepalive;
};

/* Whether @op only changes the pairwise mark of an installed key. */
static bool shoal_nl_rxop_mark_only(const struct shoal_nl_rxop *op)
{
	return !op->key && op->pairwise >= 0;
}

static void shoal_nl_peer_conf_free(struct shoal_nl_peer_conf *c)
{
	u32 i;

	/* Never published, but the keys own more than themselves. */
	for (i = 0; i < c->nrx; i++)
		shoal_rxkey_free(c->rx[i].key);
	shoal_txkey_free(c->tx);
	for (i = 0; c->spare && i < c->naips; i++)
		kfree(c->spare[i]);
	kfree(c->spare);
	kfree(c->aips);
	shoal_peer_ep_free(c->ep);
}

static int shoal_nl_parse_endpoint(struct nlattr **attrs,
				   struct shoal_nl_peer_conf *c,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *a4 = attrs[SHOAL_A_PEER_ENDPOINT_IPV4];
	struct nlattr *a6 = attrs[SHOAL_A_PEER_ENDPOINT_IPV6];
	struct nlattr *port = attrs[SHOAL_A_PEER_ENDPOINT_PORT];
	union shoal_endpoint addr;

	if (!a4 && !a6 && !port)
		return 0;
	if (a4 && a6) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "An endpoint is IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (!port) {
		NL_SET_ERR_MSG_ATTR(extack, a4 ?: a6,
				    "An endpoint address needs a port");
		return -EINVAL;
	}
	if (!a4 && !a6) {
		NL_SET_ERR_MSG_ATTR(extack, port,
				    "An endpoint port needs an address");
		return -EINVAL;
	}
	memset(&addr, 0, sizeof(addr));
	if (a4) {
		addr.addr4.sin_family = AF_INET;
		memcpy(&addr.addr4.sin_addr, nla_data(a4), 4);
		addr.addr4.sin_port = htons(nla_get_u16(port));
	} else {
		addr.addr6.sin6_family = AF_INET6;
		memcpy(&addr.addr6.sin6_addr, nla_data(a6), 16);
		addr.addr6.sin6_port = htons(nla_get_u16(port));
	}
	c->ep = shoal_peer_ep_new(&addr, GFP_KERNEL_ACCOUNT);
	return c->ep ? 0 : -ENOMEM;
}

/**
 * shoal_nl_parse_prefix - parse a prefix nest
 * @entry: the nest
 * @p: its family, cidr and address are filled in
 * @extack: where to explain a failure
 *
 * Return: 0, or a negative errno with @extack set.
 */
int shoal_nl_parse_prefix(struct nlattr *entry, struct shoal_lpm_node *p,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SHOAL_A_PREFIX_MAX + 1];
	unsigned int alen;
	u16 family;
	int err;

	err = nla_parse_nested(tb, SHOAL_A_PREFIX_MAX, entry,
			       shoal_nl_prefix_policy, extack);
	if (err)
		return err;
	if (!tb[SHOAL_A_PREFIX_FAMILY] || !tb[SHOAL_A_PREFIX_ADDR] ||
	    !tb[SHOAL_A_PREFIX_CIDR]) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "A prefix needs a family, an address and a length");
		return -EINVAL;
	}
	family = nla_get_u16(tb[SHOAL_A_PREFIX_FAMILY]);
	alen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	if (!alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SHOAL_A_PREFIX_FAMILY],
				    "A prefix family is AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	p->family = family;
	p->cidr = nla_get_u8(tb[SHOAL_A_PREFIX_CIDR]);
	if (nla_len(tb[SHOAL_A_PREFIX_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SHOAL_A_PREFIX_ADDR],
				    "The address length does not match the family");
		return -EINVAL;
	}
	memset(&p->addr, 0, sizeof(p->addr));
	memcpy(&p->addr, nla_data(tb[SHOAL_A_PREFIX_ADDR]), alen);
	if (!shoal_lpm_prefix_valid(p->family, &p->addr, p->cidr)) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "Invalid prefix: too long, or bits set past its length");
		return -EINVAL;
	}
	return 0;
}

static int shoal_nl_parse_aips(struct nlattr *aips,
			       struct shoal_nl_peer_conf *c,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *entry;
	int rem, n = 0, err;

	c->has_aips = true;
	nla_for_each_nested(entry, aips, rem)
		n++;
	if (!n)
		return 0;
	c->aips = kcalloc(n, sizeof(*c->aips), GFP_KERNEL);
	if (!c->aips)
		return -ENOMEM;
	nla_for_each_nested(entry, aips, rem) {
		err = shoal_nl_parse_prefix(entry, &c->aips[c->naips], extack);
		if (err)
			return err;
		c->naips++;
	}
	return 0;
}

static int shoal_nl_parse_rxkeys(struct shoal_dev *sd, struct nlattr *keys,
				 struct shoal_nl_peer_conf *c,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SHOAL_A_KEY_MAX + 1];
	struct nlattr *entry;
	int rem, err;
	u32 i;

	nla_for_each_nested(entry, keys, rem) {
		struct shoal_nl_rxop *op = &c->rx[c->nrx];

		if (c->nrx == ARRAY_SIZE(c->rx)) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "Too many receive key entries");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, SHOAL_A_KEY_MAX, entry,
				       shoal_peer_rxkey_policy, extack);
		if (err)
			return err;
		if (!tb[SHOAL_A_KEY_ID]) {
			NL_SET_ERR_MSG_ATTR(extack, entry,
					    "A receive key needs an id");
			return -EINVAL;
		}
		op->id = nla_get_u8(tb[SHOAL_A_KEY_ID]);
		op->pairwise = tb[SHOAL_A_KEY_PAIRWISE] ?
			       nla_get_u8(tb[SHOAL_A_KEY_PAIRWISE]) : -1;
		op->attr = entry;
		for (i = 0; i < c->nrx; i++) {
			if (c->rx[i].id == op->id) {
				NL_SET_ERR_MSG_ATTR(extack, entry,
						    "A key id appears twice");
				return -EINVAL;
			}
		}
		if (tb[SHOAL_A_KEY_MATERIAL]) {
			op->key = shoal_rxkey_new(op->id, sd->cipher,
						  nla_data(tb[SHOAL_A_KEY_MATERIAL]));
			if (!op->key)
				return -ENOMEM;
			op->key->pairwise = op->pairwise > 0;
		}
		c->nrx++;
	}
	return 0;
}

static int shoal_nl_parse_txkey(struct shoal_dev *sd, struct nlattr *attr,
				struct shoal_nl_peer_conf *c,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SHOAL_A_KEY_MAX + 1];
	int err;

	err = nla_parse_nested(tb, SHOAL_A_KEY_MAX, attr,
			       shoal_peer_txkey_policy, extack);
	if (err)
		return err;
	if (!tb[SHOAL_A_KEY_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "A pairwise key needs an id");
		return -EINVAL;
	}
	c->has_tx = true;
	c->tx_attr = attr;
	c->tx_id = nla_get_u8(tb[SHOAL_A_KEY_ID]);
	if (!tb[SHOAL_A_KEY_MATERIAL])
		return 0;
	c->tx = shoal_txkey_new(c->tx_id, sd->cipher,
				nla_data(tb[SHOAL_A_KEY_MATERIAL]),
				sd->key_limit, READ_ONCE(sd->sender_id));
	return c->tx ? 0 : -ENOMEM;
}

static int shoal_nl_peer_parse(struct shoal_dev *sd, struct nlattr **attrs,
			       struct shoal_nl_peer_conf *c,
			       struct netlink_ext_ack *extack)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = shoal_nl_parse_endpoint(attrs, c, extack);
	if (!err && attrs[SHOAL_A_PEER_ALLOWED_IPS])
		err = shoal_nl_parse_aips(attrs[SHOAL_A_PEER_ALLOWED_IPS], c,
					  extack);
	if (!err && attrs[SHOAL_A_PEER_RX_KEYS])
		err = shoal_nl_parse_rxkeys(sd, attrs[SHOAL_A_PEER_RX_KEYS], c,
					    extack);
	if (!err && attrs[SHOAL_A_PEER_TX_KEY])
		err = shoal_nl_parse_txkey(sd, attrs[SHOAL_A_PEER_TX_KEY], c,
					   extack);
	if (!err && attrs[SHOAL_A_PEER_KEEPALIVE]) {
		c->has_keepalive = true;
		c->keepalive = nla_get_u16(attrs[SHOAL_A_PEER_KEEPALIVE]);
	}
	return err;
}

/* Which receive key slot each operation lands in; -1 for none. */
static int shoal_nl_rx_plan(struct shoal_peer *peer,
			    struct shoal_nl_peer_conf *c, int *slot,
			    struct netlink_ext_ack *extack)
{
	u8 ids[SHOAL_PEER_RX_KEYS];
	bool used[SHOAL_PEER_RX_KEYS];
	u32 i;
	int s;

	for (s = 0; s < SHOAL_PEER_RX_KEYS; s++) {
		struct shoal_rxkey *k = rtnl_dereference(peer->rxkeys[s]);

		used[s] = k;
		ids[s] = k ? k->id : 0;
	}
	for (i = 0; i < c->nrx; i++) {
		for (s = 0; s < SHOAL_PEER_RX_KEYS; s++)
			if (used[s] && ids[s] == c->rx[i].id)
				break;
		if (s == SHOAL_PEER_RX_KEYS && !c->rx[i].key) {
			NL_SET_ERR_MSG_ATTR(extack, c->rx[i].attr,
					    "The peer has no receive key with this id");
			return -ENOENT;
		}
		if (shoal_nl_rxop_mark_only(&c->rx[i])) {
			/* A new mark for the key in slot s: it stays. */
			slot[i] = s;
			continue;
		}
		if (s == SHOAL_PEER_RX_KEYS) {
			for (s = 0; s < SHOAL_PEER_RX_KEYS; s++)
				if (!used[s])
					break;
			if (s == SHOAL_PEER_RX_KEYS) {
				NL_SET_ERR_MSG_ATTR(extack, c->rx[i].attr,
						    "The peer has all its receive keys: remove one first");
				return -ENOSPC;
			}
		}
		used[s] = !!c->rx[i].key;
		ids[s] = c->rx[i].id;
		slot[i] = s;
	}
	return 0;
}

/* The table entries the request's new prefixes need, allocated now. */
static int shoal_nl_aips_spare(struct shoal_dev *sd,
			       struct shoal_nl_peer_conf *c)
{
	struct shoal_aip *a;
	u32 i;

	if (!c->naips)
		return 0;
	c->spare = kcalloc(c->naips, sizeof(*c->spare), GFP_KERNEL);
	if (!c->spare)
		return -ENOMEM;
	for (i = 0; i < c->naips; i++) {
		a = shoal_aip_spare(&sd->aips, c->aips[i].family,
				    &c->aips[i].addr, c->aips[i].cidr);
		if (IS_ERR(a))
			return PTR_ERR(a);
		c->spare[i] = a;
	}
	return 0;
}

static int shoal_nl_peer_check(struct shoal_peer *peer,
			       struct shoal_nl_peer_conf *c, int *slot,
			       struct netlink_ext_ack *extack)
{
	struct shoal_txkey *tx = rtnl_dereference(peer->txkey);
	int err;

	if (c->has_tx && !c->tx && (!tx || tx->id != c->tx_id)) {
		NL_SET_ERR_MSG_ATTR(extack, c->tx_attr,
				    "The peer has no pairwise key with this id");
		return -ENOENT;
	}
	err = shoal_nl_rx_plan(peer, c, slot, extack);
	return err ?: shoal_nl_aips_spare(peer->sd, c);
}

/* Replaces the peer's prefixes: the new ones first, so kept ones never lapse. */
static void shoal_nl_peer_set_aips(struct shoal_peer *peer,
				   struct shoal_nl_peer_conf *c)
{
	struct shoal_lpm *t = &peer->sd->aips;
	struct shoal_aip *a;
	u32 i;

	list_for_each_entry(a, &peer->aips, pnode)
		a->mark = false;
	for (i = 0; i < c->naips; i++)
		shoal_aip_insert(t, peer, c->aips[i].family, &c->aips[i].addr,
				 c->aips[i].cidr, true, &c->spare[i]);
	shoal_aip_remove_peer(t, peer, true);
}

/* Applies a checked request, whose allocations are all made: cannot fail. */
static void shoal_nl_peer_apply(struct shoal_peer *peer,
				struct shoal_nl_peer_conf *c, const int *slot)
{
	u32 i;

	if (c->ep) {
		shoal_peer_set_ep(peer, c->ep);
		c->ep = NULL;
	}
	for (i = 0; i < c->nrx; i++) {
		struct shoal_rxkey *old = rtnl_dereference(peer->rxkeys[slot[i]]);

		if (shoal_nl_rxop_mark_only(&c->rx[i])) {
			WRITE_ONCE(old->pairwise, c->rx[i].pairwise);
			continue;
		}
		rcu_assign_pointer(peer->rxkeys[slot[i]], c->rx[i].key);
		c->rx[i].key = NULL;
		shoal_rxkey_free(old);
	}
	if (c->nrx)
		shoal_peer_update_pairwise(peer);
	if (c->has_tx) {
		struct shoal_txkey *old = rtnl_dereference(peer->txkey);

		rcu_assign_pointer(peer->txkey, c->tx);
		c->tx = NULL;
		shoal_txkey_free(old);
	}
	if (c->has_keepalive)
		shoal_peer_set_keepalive(peer, c->keepalive);
	peer->sd->peer_gen++;
	if (c->has_aips)
		shoal_nl_peer_set_aips(peer, c);
}

static int shoal_nl_peer_change(struct genl_info *info, bool create)
{
	struct nlattr **attrs = info->attrs;
	int slot[ARRAY_SIZE(((struct shoal_nl_peer_conf *)0)->rx)];
	struct shoal_nl_peer_conf c;
	struct shoal_peer *peer;
	struct shoal_dev *sd;
	u32 id;
	int err;

	if (!attrs[SHOAL_A_PEER_SENDER_ID]) {
		NL_SET_ERR_MSG(info->extack, "A peer sender id is required");
		return -EINVAL;
	}
	id = nla_get_u32(attrs[SHOAL_A_PEER_SENDER_ID]);

	rtnl_lock();
	sd = shoal_nl_dev_find(genl_info_net(info), attrs,
			       SHOAL_A_PEER_IFINDEX, SHOAL_A_PEER_IFNAME,
			       info->extack);
	if (IS_ERR(sd)) {
		rtnl_unlock();
		return PTR_ERR(sd);
	}
	err = shoal_nl_peer_parse(sd, attrs, &c, info->extack);
	if (err)
		goto out;
	peer = shoal_peer_lookup(sd, id);
	if (create && peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHOAL_A_PEER_SENDER_ID],
				    "A peer with this sender id exists");
		err = -EEXIST;
		goto out;
	}
	if (!create && !peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHOAL_A_PEER_SENDER_ID],
				    "No peer with this sender id");
		err = -ENOENT;
		goto out;
	}
	if (create) {
		peer = shoal_peer_new(sd, id);
		if (IS_ERR(peer)) {
			NL_SET_ERR_MSG(info->extack, "Cannot add a peer now");
			err = PTR_ERR(peer);
			goto out;
		}
	}
	err = shoal_nl_peer_check(peer, &c, slot, info->extack);
	if (!err)
		shoal_nl_peer_apply(peer, &c, slot);
	else if (create)
		shoal_peer_del(peer);
out:
	rtnl_unlock();
	shoal_nl_peer_conf_free(&c);
	return err;
}

int shoal_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return shoal_nl_peer_change(info, true);
}

int shoal_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return shoal_nl_peer_change(info, false);
}

/* Under RTNL: the device and the peer a del/get request names. */
static struct shoal_peer *shoal_nl_peer_find(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct shoal_peer *peer;
	struct shoal_dev *sd;

	if (!attrs[SHOAL_A_PEER_SENDER_ID]) {
		NL_SET_ERR_MSG(info->extack, "A peer sender id is required");
		return ERR_PTR(-EINVAL);
	}
	sd = shoal_nl_dev_find(genl_info_net(info), attrs,
			       SHOAL_A_PEER_IFINDEX, SHOAL_A_PEER_IFNAME,
			       info->extack);
	if (IS_ERR(sd))
		return ERR_CAST(sd);
	peer = shoal_peer_lookup(sd, nla_get_u32(attrs[SHOAL_A_PEER_SENDER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHOAL_A_PEER_SENDER_ID],
				    "No peer with this sender id");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

int shoal_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_peer *peer;
	int err = 0;

	rtnl_lock();
	peer = shoal_nl_peer_find(info);
	if (IS_ERR(peer))
		err = PTR_ERR(peer);
	else
		shoal_peer_del(peer);
	rtnl_unlock();
	return err;
}

static int shoal_nl_put_endpoint(struct sk_buff *msg, struct shoal_peer *peer)
{
	union shoal_endpoint ep = {};
	struct shoal_peer_ep *cur;

	rcu_read_lock();
	cur = rcu_dereference(peer->ep);
	if (cur)
		ep = cur->addr;
	rcu_read_unlock();
	if (ep.addr.sa_family == AF_INET)
		return nla_put_in_addr(msg, SHOAL_A_PEER_ENDPOINT_IPV4,
				       ep.addr4.sin_addr.s_addr) ||
		       nla_put_u16(msg, SHOAL_A_PEER_ENDPOINT_PORT,
				   ntohs(ep.addr4.sin_port));
	if (ep.addr.sa_family == AF_INET6)
		return nla_put_in6_addr(msg, SHOAL_A_PEER_ENDPOINT_IPV6,
					&ep.addr6.sin6_addr) ||
		       nla_put_u16(msg, SHOAL_A_PEER_ENDPOINT_PORT,
				   ntohs(ep.addr6.sin6_port));
	return 0;
}

/**
 * shoal_nl_put_prefix - put a prefix nest
 * @msg: netlink message
 * @attr: type of the nest
 * @p: the prefix
 *
 * Return: 0, or -EMSGSIZE with nothing of it left in @msg.
 */
int shoal_nl_put_prefix(struct sk_buff *msg, int attr,
			const struct shoal_lpm_node *p)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, SHOAL_A_PREFIX_FAMILY, p->family) ||
	    nla_put(msg, SHOAL_A_PREFIX_ADDR, p->family == AF_INET ? 4 : 16,
		    &p->addr) ||
	    nla_put_u8(msg, SHOAL_A_PREFIX_CIDR, p->cidr)) {
		/* A list that goes on in the next message keeps what is put. */
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Room for one prefix of an allowed-ips nest, at most. */
#define SHOAL_NL_PREFIX_SIZE						\
	(nla_total_size(0) + nla_total_size(sizeof(u16)) +		\
	 nla_total_size(sizeof(struct in6_addr)) + nla_total_size(sizeof(u8)))

/*
 * The peer's prefixes from the *@next-th on. In a dump (@partial) a list
 * that does not fit ends the message early, keeping what was put, and
 * *@next is where the next message goes on; 0 once all are out.
 */
static int shoal_nl_put_aips(struct sk_buff *msg, struct shoal_peer *peer,
			     u32 *next, bool partial)
{
	struct nlattr *nest;
	struct shoal_aip *a;
	u32 i = 0;

	nest = nla_nest_start(msg, SHOAL_A_PEER_ALLOWED_IPS);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(a, &peer->aips, pnode) {
		if (i < *next) {
			i++;
			continue;
		}
		if (shoal_nl_put_prefix(msg, i - *next + 1, &a->node))
			goto full;
		i++;
	}
	nla_nest_end(msg, nest);
	*next = 0;
	return 0;

full:
	if (!partial || i == *next) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	*next = i;
	return 0;
}

static int shoal_nl_put_rxkeys(struct sk_buff *msg, struct shoal_peer *peer)
{
	struct nlattr *nest, *entry;
	int i, n = 0;

	nest = nla_nest_start(msg, SHOAL_A_PEER_RX_KEYS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SHOAL_PEER_RX_KEYS; i++) {
		struct shoal_rxkey *k = rtnl_dereference(peer->rxkeys[i]);

		if (!k)
			continue;
		entry = nla_nest_start(msg, ++n);
		if (!entry || nla_put_u8(msg, SHOAL_A_KEY_ID, k->id) ||
		    (k->pairwise && nla_put_u8(msg, SHOAL_A_KEY_PAIRWISE, 1))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Everything about a peer but its prefixes: its first message. */
static int shoal_nl_peer_put_head(struct sk_buff *msg, struct shoal_peer *peer)
{
	struct shoal_txkey *tx = rtnl_dereference(peer->txkey);
	unsigned long last_rx = READ_ONCE(peer->last_rx);

	if (shoal_nl_put_endpoint(msg, peer) ||
	    shoal_nl_put_rxkeys(msg, peer) ||
	    (tx && shoal_nl_put_txkey(msg, SHOAL_A_PEER_TX_KEY, tx, -1, true)) ||
	    nla_put_u16(msg, SHOAL_A_PEER_KEEPALIVE, peer->keepalive) ||
	    (last_rx &&
	     nla_put_u64_64bit(msg, SHOAL_A_PEER_RX_AGE_MS,
			       jiffies_to_msecs(jiffies - last_rx),
			       SHOAL_A_PEER_PAD)) ||
	    shoal_stats_fill(msg, SHOAL_A_PEER_STATS, peer->stats))
		return -EMSGSIZE;
	return 0;
}

/*
 * Under RTNL. With @cb (a dump), a peer whose prefixes do not fit ends the
 * message early: *@next is where the next message goes on, with the
 * peer's ifindex, sender id and more prefixes only.
 */
static int shoal_nl_peer_fill(struct sk_buff *msg, struct shoal_peer *peer,
			      u32 portid, u32 seq, int flags,
			      struct netlink_callback *cb, u32 *next)
{
	bool first = !*next;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &shoal_genl_family, flags,
			  SHOAL_CMD_PEER_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(msg, SHOAL_A_PEER_IFINDEX, peer->sd->dev->ifindex) ||
	    nla_put_u32(msg, SHOAL_A_PEER_SENDER_ID, peer->sender_id) ||
	    (first && shoal_nl_peer_put_head(msg, peer)) ||
	    shoal_nl_put_aips(msg, peer, next, cb)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int shoal_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_peer *peer;
	struct sk_buff *msg;
	u32 next = 0;
	int err;

	rtnl_lock();
	peer = shoal_nl_peer_find(info);
	if (IS_ERR(peer)) {
		rtnl_unlock();
		return PTR_ERR(peer);
	}
	msg = genlmsg_new(min_t(size_t, SHOAL_NL_REPLY_MAX, NLMSG_GOODSIZE +
				list_count_nodes(&peer->aips) *
				SHOAL_NL_PREFIX_SIZE), GFP_KERNEL);
	err = msg ? shoal_nl_peer_fill(msg, peer, info->snd_portid,
				       info->snd_seq, 0, NULL, &next) :
		    -ENOMEM;
	rtnl_unlock();
	if (err) {
		if (err == -EMSGSIZE)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SHOAL_A_PEER_SENDER_ID],
					    "The peer does not fit one message: dump it by its sender id");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * A dump of the one peer the request names, in as many messages as its
 * prefixes take. cb->args[0]: whether it is out whole; cb->args[2]: the
 * prefix the next message goes on from.
 */
static int shoal_nl_peer_dump_one(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct shoal_dev *sd, const struct nlattr *id)
{
	u32 next = cb->args[2];
	struct shoal_peer *peer;
	int err;

	if (cb->args[0])
		return 0;
	peer = shoal_peer_lookup(sd, nla_get_u32(id));
	if (!peer) {
		/* Gone between two parts: the generation flags the dump. */
		if (next)
			return 0;
		NL_SET_ERR_MSG_ATTR(cb->extack, id, "No peer with this sender id");
		return -ENOENT;
	}
	err = shoal_nl_peer_fill(skb, peer, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI, cb, &next);
	if (err)
		return err;
	cb->args[0] = !next;
	cb->args[2] = next;
	return skb->len;
}

/*
 * cb->args[0]: peers already sent whole; cb->args[1]: the sender id of the
 * last one, where the next part resumes without walking the list again,
 * or of the one a message stopped in; cb->args[2]: the prefix of that one
 * the next message goes on from (0: none stopped); cb->args[3]: the
 * device's serial. The device's peer generation is the dump's sequence,
 * so a dump that raced a change is flagged. A request with a sender id
 * dumps that peer alone.
 */
int shoal_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 portid = NETLINK_CB(cb->skb).portid, seq = cb->nlh->nlmsg_seq;
	long skip = cb->args[0], idx = 0;
	struct shoal_peer *peer, *last;
	const struct nlattr *id;
	u32 next = cb->args[2];
	struct shoal_dev *sd;
	int err = 0;

	rtnl_lock();
	sd = shoal_nl_dump_dev(skb, cb, SHOAL_A_PEER_IFINDEX,
			       SHOAL_A_PEER_IFNAME, 3);
	if (IS_ERR(sd)) {
		rtnl_unlock();
		return PTR_ERR(sd);
	}
	cb->seq = sd->peer_gen + 1;
	id = genl_dumpit_info(cb)->attrs[SHOAL_A_PEER_SENDER_ID];
	if (id) {
		err = shoal_nl_peer_dump_one(skb, cb, sd, id);
		rtnl_unlock();
		return err;
	}
	last = skip || next ? shoal_peer_lookup(sd, cb->args[1]) : NULL;
	/* Under RTNL, a peer found is on the list. */
	if (last && next) {
		/* The peer a message stopped in goes on first. */
		err = shoal_nl_peer_fill(skb, last, portid, seq, NLM_F_MULTI,
					 cb, &next);
		if (err || next)
			goto out;
		skip++;
	}
	if (last) {
		peer = last;
		idx = skip;
	} else {
		/* Gone: the generation flags the dump; go on by position. */
		next = 0;
		peer = list_entry(&sd->peers, struct shoal_peer, node);
	}
	list_for_each_entry_continue(peer, &sd->peers, node) {
		if (idx < skip) {
			idx++;
			continue;
		}
		err = shoal_nl_peer_fill(skb, peer, portid, seq, NLM_F_MULTI,
					 cb, &next);
		if (err)
			break;
		cb->args[1] = peer->sender_id;
		if (next)
			break;
		idx++;
	}
	skip = idx;
out:
	rtnl_unlock();
	cb->args[0] = skip;
	cb->args[2] = next;
	/* A peer too big for an empty message would loop forever. */
	if (err && !skb->len)
		return err;
	return skb->len;
}
