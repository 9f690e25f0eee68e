// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Longest-prefix match over IPv4 and IPv6 prefixes, for the peers' allowed
 * prefixes and for the groups' prefixes. One hash table holds every
 * prefix, keyed by (family, length, prefix); a lookup probes the lengths
 * in use from the longest down, so a table of /32s costs one probe. The
 * table grows and shrinks with its prefixes. Writers hold RTNL; readers
 * use RCU.
 */

#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>

#include "lpm.h"

/*
 * A table has a bucket per prefix at most and four at least, within these
 * bounds: it doubles past one prefix a bucket, and halves below a quarter.
 */
#define SHOAL_LPM_MAX_BITS	20U

/* Readers hold RCU of any flavour (the transmit path: bottom halves off). */
#define shoal_lpm_deref(p)						\
	rcu_dereference_check(p, lockdep_rtnl_is_held() ||		\
			      rcu_read_lock_any_held())

static struct shoal_lpm_buckets *
shoal_lpm_buckets_new(unsigned int bits, unsigned int link)
{
	struct shoal_lpm_buckets *b;

	/* A table that stays as it is beats reclaim or the OOM killer. */
	b = kvzalloc(struct_size(b, head, 1U << bits),
		     GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (b) {
		b->bits = bits;
		b->link = link;
	}
	return b;
}

/**
 * shoal_lpm_init - an empty table
 * @t: the table
 * @min_bits: log2 of its number of buckets, which it never goes below
 *
 * Return: 0 or -ENOMEM.
 */
int shoal_lpm_init(struct shoal_lpm *t, unsigned int min_bits)
{
	struct shoal_lpm_buckets *b = shoal_lpm_buckets_new(min_bits, 0);

	memset(t, 0, sizeof(*t));
	if (!b)
		return -ENOMEM;
	RCU_INIT_POINTER(t->buckets, b);
	t->min_bits = min_bits;
	get_completed_synchronize_rcu_full(&t->retired);
	return 0;
}

/**
 * shoal_lpm_destroy - free an empty table
 * @t: the table, whose prefixes have all been removed, and which no
 *	reader can reach any more
 */
void shoal_lpm_destroy(struct shoal_lpm *t)
{
	WARN_ON_ONCE(t->n4 || t->n6);
	kvfree(rcu_dereference_protected(t->buckets, true));
	RCU_INIT_POINTER(t->buckets, NULL);
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

static u32 shoal_lpm_hash(u8 family, u8 cidr, const struct in6_addr *prefix)
{
	return jhash(prefix, sizeof(*prefix), family << 8 | cidr);
}

static struct shoal_lpm_node __rcu **
shoal_lpm_bucket(struct shoal_lpm_buckets *b, u8 family, u8 cidr,
		 const struct in6_addr *prefix)
{
	return &b->head[hash_32(shoal_lpm_hash(family, cidr, prefix), b->bits)];
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

static struct shoal_lpm_node *shoal_lpm_find_in(struct shoal_lpm_buckets *b,
						u8 family, u8 cidr,
						const struct in6_addr *prefix)
{
	struct shoal_lpm_node *n;

	n = shoal_lpm_deref(*shoal_lpm_bucket(b, family, cidr, prefix));
	for (; n; n = shoal_lpm_deref(n->next[b->link]))
		if (n->family == family && n->cidr == cidr &&
		    ipv6_addr_equal(&n->addr, prefix))
			return n;
	return NULL;
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
	return shoal_lpm_find_in(shoal_lpm_deref(t->buckets), family, cidr,
				 prefix);
}

/*
 * Rehashes the table into 1 << @bits buckets, chained through the link the
 * current buckets do not use. Readers go on walking the current buckets
 * until they see the new ones; those that walked the buckets before may
 * still follow the link this rewrites, until the grace period that began
 * when those were replaced ends. A table that must grow waits for it (an
 * expedited one, as synchronize_net() under RTNL does: rare, as the
 * table doubles); one that may shrink does not, and a later change tries
 * again. A table short of memory keeps its size.
 */
static void shoal_lpm_resize(struct shoal_lpm *t, unsigned int bits,
			     bool wait)
{
	struct shoal_lpm_buckets *old = rtnl_dereference(t->buckets), *b;
	struct shoal_lpm_node *n;
	u32 i;

	if (!poll_state_synchronize_rcu_full(&t->retired)) {
		if (!wait)
			return;
		synchronize_rcu_expedited();
	}
	b = shoal_lpm_buckets_new(bits, !old->link);
	if (!b)
		return;
	for (i = 0; i < (1U << old->bits); i++) {
		n = rtnl_dereference(old->head[i]);
		for (; n; n = rtnl_dereference(n->next[old->link])) {
			struct shoal_lpm_node __rcu **head;

			head = shoal_lpm_bucket(b, n->family, n->cidr, &n->addr);
			RCU_INIT_POINTER(n->next[b->link], rtnl_dereference(*head));
			RCU_INIT_POINTER(*head, n);
		}
	}
	rcu_assign_pointer(t->buckets, b);
	get_state_synchronize_rcu_full(&t->retired);
	kvfree_rcu(old, rcu);
}

/* Resizes the table if its number of prefixes left its size behind. */
static void shoal_lpm_fit(struct shoal_lpm *t)
{
	unsigned int bits = rtnl_dereference(t->buckets)->bits;
	u32 n = t->n4 + t->n6;
	unsigned int want = order_base_2(n);

	if (n > (1U << bits) && bits < SHOAL_LPM_MAX_BITS)
		shoal_lpm_resize(t, min(want, SHOAL_LPM_MAX_BITS), true);
	else if (n < (1U << bits) / 4 && bits > t->min_bits)
		shoal_lpm_resize(t, max(want + 1, t->min_bits), false);
}

/**
 * shoal_lpm_add - insert a node whose prefix is not in the table yet
 * @t: the table
 * @n: the node, its family, cidr and valid prefix set
 *
 * Under RTNL, in process context: the table may grow.
 */
void shoal_lpm_add(struct shoal_lpm *t, struct shoal_lpm_node *n)
{
	struct shoal_lpm_buckets *b = rtnl_dereference(t->buckets);
	u32 *count = shoal_lpm_count(t, n->family, n->cidr);
	u32 *total = n->family == AF_INET ? &t->n4 : &t->n6;
	struct shoal_lpm_node __rcu **head;

	ASSERT_RTNL();
	/* Counted first, so a reader that finds the node probes its length. */
	WRITE_ONCE(*count, *count + 1);
	WRITE_ONCE(*total, *total + 1);
	head = shoal_lpm_bucket(b, n->family, n->cidr, &n->addr);
	RCU_INIT_POINTER(n->next[b->link], rtnl_dereference(*head));
	rcu_assign_pointer(*head, n);
	shoal_lpm_fit(t);
}

/**
 * shoal_lpm_del - remove a node; its owner frees it after a grace period
 * @t: the table
 * @n: the node
 *
 * Under RTNL, in process context: the table may shrink.
 */
void shoal_lpm_del(struct shoal_lpm *t, struct shoal_lpm_node *n)
{
	struct shoal_lpm_buckets *b = rtnl_dereference(t->buckets);
	u32 *count = shoal_lpm_count(t, n->family, n->cidr);
	u32 *total = n->family == AF_INET ? &t->n4 : &t->n6;
	struct shoal_lpm_node __rcu **pp;
	struct shoal_lpm_node *p;

	ASSERT_RTNL();
	pp = shoal_lpm_bucket(b, n->family, n->cidr, &n->addr);
	while ((p = rtnl_dereference(*pp)) != n) {
		if (WARN_ON_ONCE(!p))
			return;
		pp = &p->next[b->link];
	}
	/* Readers on @n go on along its link, which stays as it is. */
	RCU_INIT_POINTER(*pp, rtnl_dereference(n->next[b->link]));
	WRITE_ONCE(*count, *count - 1);
	WRITE_ONCE(*total, *total - 1);
	shoal_lpm_fit(t);
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
	struct shoal_lpm_buckets *b;
	struct shoal_lpm_node *n;
	struct in6_addr prefix;

	if (shoal_lpm_empty(t, family))
		return NULL;
	/* One bucket array for all the probes, whatever a resize does. */
	b = shoal_lpm_deref(t->buckets);
	for (; cidr >= 0; cidr--) {
		if (!READ_ONCE(count[cidr]))
			continue;
		shoal_lpm_mask(family, addr, cidr, &prefix);
		n = shoal_lpm_find_in(b, family, cidr, &prefix);
		if (n)
			return n;
	}
	return NULL;
}

#define SHOAL_LPM_TEST_N	3000

/* The /8 or the /32 each address must find, after the table resized. */
static bool shoal_lpm_check(struct shoal_lpm *t, struct shoal_lpm_node *nodes,
			    u32 kept, const char *phase)
{
	struct shoal_lpm_node *n, *want;
	__be32 addr;
	u32 i;

	rcu_read_lock();
	for (i = 1; i < SHOAL_LPM_TEST_N; i++) {
		addr = nodes[i].addr.s6_addr32[0];
		want = i < kept ? &nodes[i] : &nodes[0];
		n = shoal_lpm_lookup(t, AF_INET, &addr);
		if (n != want)
			break;
	}
	addr = htonl(0x0b000001);
	if (i == SHOAL_LPM_TEST_N && shoal_lpm_lookup(t, AF_INET, &addr))
		i = 0;
	rcu_read_unlock();
	if (i != SHOAL_LPM_TEST_N)
		pr_err("lpm self-test, %s: wrong match for address %u\n",
		       phase, i);
	return i == SHOAL_LPM_TEST_N;
}

static bool shoal_lpm_sized(struct shoal_lpm *t, unsigned int bits,
			    const char *phase)
{
	unsigned int now = rtnl_dereference(t->buckets)->bits;

	if (now == bits)
		return true;
	pr_err("lpm self-test, %s: %u bits, not %u\n", phase, now, bits);
	return false;
}

/**
 * shoal_lpm_selftest - grow a table to thousands of prefixes and back
 *
 * A /8 and /32s within it: the table must have grown to their number,
 * every /32 must find itself, and the /8 once removed; after the
 * removals, the table must have shrunk.
 *
 * Return: true if every check passed.
 */
bool shoal_lpm_selftest(void)
{
	const u32 kept = 10;
	struct shoal_lpm_node *nodes;
	struct shoal_lpm t;
	bool ok;
	u32 i;

	nodes = kvcalloc(SHOAL_LPM_TEST_N, sizeof(*nodes), GFP_KERNEL);
	if (!nodes)
		return false;
	rtnl_lock();
	ok = !shoal_lpm_init(&t, 2);
	for (i = 0; ok && i < SHOAL_LPM_TEST_N; i++) {
		nodes[i].family = AF_INET;
		nodes[i].cidr = i ? 32 : 8;
		nodes[i].addr.s6_addr32[0] = htonl(i ? 0x0a000000 | i :
						   0x0a000000);
		shoal_lpm_add(&t, &nodes[i]);
	}
	/* Grown as it went, each resize waiting for the last one's readers. */
	ok = ok && shoal_lpm_sized(&t, order_base_2(SHOAL_LPM_TEST_N), "grown");
	ok = ok && shoal_lpm_check(&t, nodes, SHOAL_LPM_TEST_N, "grown");
	for (i = SHOAL_LPM_TEST_N - 1; ok && i >= kept; i--)
		shoal_lpm_del(&t, &nodes[i]);
	/* Shrinks do not wait: once the readers are gone, the next one runs. */
	synchronize_rcu();
	shoal_lpm_fit(&t);
	ok = ok && shoal_lpm_sized(&t, order_base_2(kept) + 1, "shrunk");
	ok = ok && shoal_lpm_check(&t, nodes, kept, "shrunk");
	if (!ok) {
		/* Left as it is: the nodes are freed with it, none reads it. */
		kvfree(rtnl_dereference(t.buckets));
	} else {
		for (i = 0; i < kept; i++)
			shoal_lpm_del(&t, &nodes[i]);
		shoal_lpm_destroy(&t);
	}
	rtnl_unlock();
	synchronize_rcu();
	kvfree(nodes);
	if (ok)
		pr_info("lpm self-tests: pass\n");
	return ok;
}
