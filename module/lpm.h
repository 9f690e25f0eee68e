/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_LPM_H
#define _SHOAL_LPM_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/types.h>

/**
 * struct shoal_lpm_node - one prefix in a table, embedded in its owner
 * @next: the next node of its bucket, one link per table generation: a
 *	resize links the nodes into the new buckets through the link the
 *	current table does not use, while readers go on walking the other
 *	(RCU)
 * @addr: the prefix, host bits zero; IPv4 in the first word
 * @family: AF_INET or AF_INET6
 * @cidr: prefix length
 */
struct shoal_lpm_node {
	struct shoal_lpm_node __rcu *next[2];
	struct in6_addr addr;
	u8 family;
	u8 cidr;
};

/**
 * struct shoal_lpm_buckets - the bucket array of a table
 * @rcu: frees it once the readers of the table it replaced are done
 * @bits: log2 of the number of buckets
 * @link: which of a node's @next links chains these buckets
 * @head: the buckets
 */
struct shoal_lpm_buckets {
	struct rcu_head rcu;
	unsigned int bits;
	unsigned int link;
	struct shoal_lpm_node __rcu *head[];
};

/**
 * struct shoal_lpm - prefixes for longest-prefix match
 * @buckets: hash of (family, cidr, prefix); replaced by a resize (RCU,
 *	written under RTNL)
 * @min_bits: the table never shrinks below 1 << @min_bits buckets
 * @retired: RCU state when the last resize published its buckets: until
 *	the grace period after it ends, readers may walk the link the next
 *	resize would rewrite (RTNL)
 * @count4: prefixes per IPv4 length, so lookups probe only lengths in use
 * @count6: the same for IPv6
 * @n4: IPv4 prefixes in the table
 * @n6: IPv6 prefixes in the table
 */
struct shoal_lpm {
	struct shoal_lpm_buckets __rcu *buckets;
	unsigned int min_bits;
	struct rcu_gp_oldstate retired;
	u32 count4[33];
	u32 count6[129];
	u32 n4;
	u32 n6;
};

int shoal_lpm_init(struct shoal_lpm *t, unsigned int min_bits);
void shoal_lpm_destroy(struct shoal_lpm *t);
bool shoal_lpm_selftest(void);
bool shoal_lpm_prefix_valid(u8 family, const struct in6_addr *addr, u8 cidr);
struct shoal_lpm_node *shoal_lpm_find(struct shoal_lpm *t, u8 family, u8 cidr,
				      const struct in6_addr *prefix);
void shoal_lpm_add(struct shoal_lpm *t, struct shoal_lpm_node *n);
void shoal_lpm_del(struct shoal_lpm *t, struct shoal_lpm_node *n);
struct shoal_lpm_node *shoal_lpm_lookup(struct shoal_lpm *t, u8 family,
					const void *addr);

/**
 * shoal_lpm_empty - whether a table holds no prefix of a family
 * @t: the table
 * @family: AF_INET or AF_INET6
 *
 * Lock-free; lets the packet path skip a table nobody configured.
 */
static inline bool shoal_lpm_empty(const struct shoal_lpm *t, u8 family)
{
	return family == AF_INET ? !READ_ONCE(t->n4) : !READ_ONCE(t->n6);
}

#endif /* _SHOAL_LPM_H */
