// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Allowed IPs: inner prefixes routed to peers, looked up by longest prefix
 * match on transmit (which peer gets a packet) and on receive (may this
 * peer send from this source). One hash table holds every prefix, keyed
 * by (family, length, prefix); a lookup probes the lengths in use from the
 * longest down, so a device whose peers all have /32s pays one probe.
 * Writers hold RTNL; readers use RCU.
 */

#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>

#include "allowedips.h"
#include "peer.h"

#define SHOAL_AIP_BITS	12

/**
 * shoal_aip_init - an empty table
 * @t: the table
 *
 * Return: 0 or -ENOMEM.
 */
int shoal_aip_init(struct shoal_aip_table *t)
{
	memset(t, 0, sizeof(*t));
	t->bits = SHOAL_AIP_BITS;
	t->buckets = kvcalloc(1U << t->bits, sizeof(*t->buckets),
			      GFP_KERNEL_ACCOUNT);
	return t->buckets ? 0 : -ENOMEM;
}

/**
 * shoal_aip_destroy - free an empty table
 * @t: the table, whose peers have all been removed
 */
void shoal_aip_destroy(struct shoal_aip_table *t)
{
	kvfree(t->buckets);
	t->buckets = NULL;
}

static u32 *shoal_aip_count(struct shoal_aip_table *t, u8 family, u8 cidr)
{
	return family == AF_INET ? &t->count4[cidr] : &t->count6[cidr];
}

static void shoal_aip_mask(u8 family, const void *addr, u8 cidr,
			   struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET)
		out->s6_addr32[0] = *(const __be32 *)addr &
				    (cidr ? htonl(~0U << (32 - cidr)) : 0);
	else
		ipv6_addr_prefix(out, addr, cidr);
}

static struct hlist_head *shoal_aip_bucket(struct shoal_aip_table *t,
					   u8 family, u8 cidr,
					   const struct in6_addr *prefix)
{
	u32 h = jhash(prefix, sizeof(*prefix), family << 8 | cidr);

	return &t->buckets[hash_32(h, t->bits)];
}

/**
 * shoal_aip_prefix_valid - is this a prefix with its host bits clear?
 * @family: AF_INET or AF_INET6
 * @addr: the address (IPv4 in the first word)
 * @cidr: prefix length
 *
 * Return: true if @cidr fits @family and no bit past it is set.
 */
bool shoal_aip_prefix_valid(u8 family, const struct in6_addr *addr, u8 cidr)
{
	struct in6_addr m;

	if ((family == AF_INET && cidr > 32) ||
	    (family == AF_INET6 && cidr > 128) ||
	    (family != AF_INET && family != AF_INET6))
		return false;
	shoal_aip_mask(family, addr, cidr, &m);
	if (family == AF_INET)
		return m.s6_addr32[0] == addr->s6_addr32[0];
	return ipv6_addr_equal(&m, addr);
}

static struct shoal_aip *shoal_aip_find(struct shoal_aip_table *t, u8 family,
					u8 cidr, const struct in6_addr *prefix)
{
	struct hlist_head *b = shoal_aip_bucket(t, family, cidr, prefix);
	struct shoal_aip *a;

	hlist_for_each_entry_rcu(a, b, hnode, lockdep_rtnl_is_held())
		if (a->family == family && a->cidr == cidr &&
		    ipv6_addr_equal(&a->addr, prefix))
			return a;
	return NULL;
}

/**
 * shoal_aip_insert - route a prefix to a peer
 * @t: the table
 * @peer: the peer
 * @family: AF_INET or AF_INET6
 * @addr: a valid prefix (see shoal_aip_prefix_valid())
 * @cidr: its length
 * @mark: value of the entry's mark afterwards
 *
 * A prefix routed to another peer moves to this one, at once for readers.
 * Under RTNL.
 *
 * Return: 0 or -ENOMEM.
 */
int shoal_aip_insert(struct shoal_aip_table *t, struct shoal_peer *peer,
		     u8 family, const struct in6_addr *addr, u8 cidr,
		     bool mark)
{
	struct shoal_aip *a;

	ASSERT_RTNL();
	a = shoal_aip_find(t, family, cidr, addr);
	if (a) {
		if (a->peer != peer) {
			WRITE_ONCE(a->peer, peer);
			list_move_tail(&a->pnode, &peer->aips);
		}
		a->mark = mark;
		return 0;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->peer = peer;
	a->addr = *addr;
	a->family = family;
	a->cidr = cidr;
	a->mark = mark;
	list_add_tail(&a->pnode, &peer->aips);
	/* Counted first, so a reader that finds the entry probes its length. */
	WRITE_ONCE(*shoal_aip_count(t, family, cidr),
		   *shoal_aip_count(t, family, cidr) + 1);
	hlist_add_head_rcu(&a->hnode, shoal_aip_bucket(t, family, cidr, addr));
	return 0;
}

/* Removes one prefix; the entry is freed after a grace period. */
static void shoal_aip_remove(struct shoal_aip_table *t, struct shoal_aip *a)
{
	ASSERT_RTNL();
	hlist_del_rcu(&a->hnode);
	list_del(&a->pnode);
	WRITE_ONCE(*shoal_aip_count(t, a->family, a->cidr),
		   *shoal_aip_count(t, a->family, a->cidr) - 1);
	kfree_rcu(a, rcu);
}

/**
 * shoal_aip_remove_peer - remove a peer's prefixes
 * @t: the table
 * @peer: the peer
 * @unmarked_only: keep the entries whose mark is set
 */
void shoal_aip_remove_peer(struct shoal_aip_table *t, struct shoal_peer *peer,
			   bool unmarked_only)
{
	struct shoal_aip *a, *tmp;

	list_for_each_entry_safe(a, tmp, &peer->aips, pnode)
		if (!unmarked_only || !a->mark)
			shoal_aip_remove(t, a);
}

/**
 * shoal_aip_lookup - the peer an address routes to
 * @t: the table
 * @family: AF_INET or AF_INET6
 * @addr: a __be32 or a struct in6_addr
 *
 * Called under RCU (bottom halves off, or rcu_read_lock()).
 *
 * Return: the peer of the longest matching prefix, or NULL.
 */
struct shoal_peer *shoal_aip_lookup(struct shoal_aip_table *t, u8 family,
				    const void *addr)
{
	const u32 *count = family == AF_INET ? t->count4 : t->count6;
	int cidr = family == AF_INET ? 32 : 128;
	struct in6_addr prefix;
	struct shoal_aip *a;

	for (; cidr >= 0; cidr--) {
		if (!READ_ONCE(count[cidr]))
			continue;
		shoal_aip_mask(family, addr, cidr, &prefix);
		a = shoal_aip_find(t, family, cidr, &prefix);
		if (a)
			return READ_ONCE(a->peer);
	}
	return NULL;
}
