/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_ALLOWEDIPS_H
#define _SHOAL_ALLOWEDIPS_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/types.h>

struct shoal_peer;

/**
 * struct shoal_aip - one prefix routed to a peer
 * @hnode: entry in its table bucket (RCU)
 * @pnode: entry in the peer's list of prefixes (RTNL)
 * @peer: the peer (RCU readers load it)
 * @addr: the prefix, host bits zero; IPv4 in the first word
 * @family: AF_INET or AF_INET6
 * @cidr: prefix length
 * @mark: scratch flag for replacing a peer's set (RTNL)
 * @rcu: for freeing after readers are done
 */
struct shoal_aip {
	struct hlist_node hnode;
	struct list_head pnode;
	struct shoal_peer *peer;
	struct in6_addr addr;
	u8 family;
	u8 cidr;
	bool mark;
	struct rcu_head rcu;
};

/**
 * struct shoal_aip_table - the prefixes of all peers of a device
 * @buckets: hash of (family, cidr, prefix)
 * @bits: log2 of the number of buckets
 * @count4: prefixes per IPv4 length, so lookups probe only lengths in use
 * @count6: the same for IPv6
 */
struct shoal_aip_table {
	struct hlist_head *buckets;
	unsigned int bits;
	u32 count4[33];
	u32 count6[129];
};

int shoal_aip_init(struct shoal_aip_table *t);
void shoal_aip_destroy(struct shoal_aip_table *t);
int shoal_aip_insert(struct shoal_aip_table *t, struct shoal_peer *peer,
		     u8 family, const struct in6_addr *addr, u8 cidr,
		     bool mark);
void shoal_aip_remove_peer(struct shoal_aip_table *t, struct shoal_peer *peer,
			   bool unmarked_only);
struct shoal_peer *shoal_aip_lookup(struct shoal_aip_table *t, u8 family,
				    const void *addr);
bool shoal_aip_prefix_valid(u8 family, const struct in6_addr *addr, u8 cidr);

#endif /* _SHOAL_ALLOWEDIPS_H */
