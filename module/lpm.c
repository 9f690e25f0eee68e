// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Longest-prefix match over IPv4 and IPv6 prefixes, for the peers' allowed
 * prefixes and for the groups' prefixes. One hash table holds every
 * prefix, keyed by (family, length, prefix); a lookup probes the lengths
 * in use from the longest down, so a table of /32s costs one probe.
 * Writers hold RTNL; readers use RCU.
 */

#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>

#include "lpm.h"

/**
 * shoal_lpm_init - an empty table
 * @t: the table
 * @bits: log2 of its number of buckets
 *
 * Return: 0 or -ENOMEM.
 */
int shoal_lpm_init(struct shoal_lpm *t, unsigned int bits)
{
	memset(t, 0, sizeof(*t));
	t->bits = bits;
	t->buckets = kvcalloc(1U << bits, sizeof(*t->buckets),
			      GFP_KERNEL_ACCOUNT);
	return t->buckets ? 0 : -ENOMEM;
}

/**
 * shoal_lpm_destroy - free an empty table
 * @t: the table, whose prefixes have all been removed
 */
void shoal_lpm_destroy(struct shoal_lpm *t)
{
	WARN_ON_ONCE(t->n4 || t->n6);
	kvfree(t->buckets);
	t->buckets = NULL;
}

static u32 *shoal_lpm_count(struct shoal_lpm *t, u8 family, u8 cidr)
{
	return family == AF_INET ? &t->count4[cidr] : &t->count6[cidr];
}

static void shoal_lpm_mask(u8 family, const void *addr, u8 cidr,
			   struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET)
		out->s6_addr32[0] = *(const __be32 *)addr &
				    (cidr ? htonl(~0U << (32 - cidr)) : 0);
	else
		ipv6_addr_prefix(out, addr, cidr);
}

static struct hlist_head *shoal_lpm_bucket(struct shoal_lpm *t, u8 family,
					   u8 cidr,
					   const struct in6_addr *prefix)
{
	u32 h = jhash(prefix, sizeof(*prefix), family << 8 | cidr);

	return &t->buckets[hash_32(h, t->bits)];
}

/**
 * shoal_lpm_prefix_valid - is this a prefix with its host bits clear?
 * @family: AF_INET or AF_INET6
 * @addr: the address (IPv4 in the first word)
 * @cidr: prefix length
 *
 * Return: true if @cidr fits @family and no bit past it is set.
 */
bool shoal_lpm_prefix_valid(u8 family, const struct in6_addr *addr, u8 cidr)
{
	struct in6_addr m;

	if ((family == AF_INET && cidr > 32) ||
	    (family == AF_INET6 && cidr > 128) ||
	    (family != AF_INET && family != AF_INET6))
		return false;
	shoal_lpm_mask(family, addr, cidr, &m);
	if (family == AF_INET)
		return m.s6_addr32[0] == addr->s6_addr32[0];
	return ipv6_addr_equal(&m, addr);
}

/**
 * shoal_lpm_find - the node of exactly this prefix
 * @t: the table
 * @family: AF_INET or AF_INET6
 * @cidr: prefix length
 * @prefix: a valid prefix
 *
 * Under RTNL or RCU.
 *
 * Return: the node, or NULL.
 */
struct shoal_lpm_node *shoal_lpm_find(struct shoal_lpm *t, u8 family, u8 cidr,
				      const struct in6_addr *prefix)
{
	struct hlist_head *b = shoal_lpm_bucket(t, family, cidr, prefix);
	struct shoal_lpm_node *n;

	hlist_for_each_entry_rcu(n, b, hnode, lockdep_rtnl_is_held())
		if (n->family == family && n->cidr == cidr &&
		    ipv6_addr_equal(&n->addr, prefix))
			return n;
	return NULL;
}

/**
 * shoal_lpm_add - insert a node whose prefix is not in the table yet
 * @t: the table
 * @n: the node, its family, cidr and valid prefix set
 *
 * Under RTNL.
 */
void shoal_lpm_add(struct shoal_lpm *t, struct shoal_lpm_node *n)
{
	u32 *count = shoal_lpm_count(t, n->family, n->cidr);
	u32 *total = n->family == AF_INET ? &t->n4 : &t->n6;

	ASSERT_RTNL();
	/* Counted first, so a reader that finds the node probes its length. */
	WRITE_ONCE(*count, *count + 1);
	WRITE_ONCE(*total, *total + 1);
	hlist_add_head_rcu(&n->hnode,
			   shoal_lpm_bucket(t, n->family, n->cidr, &n->addr));
}

/**
 * shoal_lpm_del - remove a node; its owner frees it after a grace period
 * @t: the table
 * @n: the node
 *
 * Under RTNL.
 */
void shoal_lpm_del(struct shoal_lpm *t, struct shoal_lpm_node *n)
{
	u32 *count = shoal_lpm_count(t, n->family, n->cidr);
	u32 *total = n->family == AF_INET ? &t->n4 : &t->n6;

	ASSERT_RTNL();
	hlist_del_rcu(&n->hnode);
	WRITE_ONCE(*count, *count - 1);
	WRITE_ONCE(*total, *total - 1);
}

/**
 * shoal_lpm_lookup - the longest prefix matching an address
 * @t: the table
 * @family: AF_INET or AF_INET6
 * @addr: a __be32 or a struct in6_addr
 *
 * Called under RCU (bottom halves off, or rcu_read_lock()).
 *
 * Return: the node of the longest matching prefix, or NULL.
 */
struct shoal_lpm_node *shoal_lpm_lookup(struct shoal_lpm *t, u8 family,
					const void *addr)
{
	const u32 *count = family == AF_INET ? t->count4 : t->count6;
	int cidr = family == AF_INET ? 32 : 128;
	struct shoal_lpm_node *n;
	struct in6_addr prefix;

	if (shoal_lpm_empty(t, family))
		return NULL;
	for (; cidr >= 0; cidr--) {
		if (!READ_ONCE(count[cidr]))
			continue;
		shoal_lpm_mask(family, addr, cidr, &prefix);
		n = shoal_lpm_find(t, family, cidr, &prefix);
		if (n)
			return n;
	}
	return NULL;
}
