/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_ALLOWEDIPS_H
#define _SHOAL_ALLOWEDIPS_H

#include <linux/list.h>
#include <linux/rcupdate.h>

#include "lpm.h"

struct shoal_peer;

/**
 * struct shoal_aip - one prefix routed to a peer
 * @node: its prefix in the device's table of allowed prefixes
 * @pnode: entry in the peer's list of prefixes (RTNL)
 * @peer: the peer (RCU readers load it)
 * @mark: scratch flag for replacing a peer's set (RTNL)
 * @rcu: for freeing after readers are done
 */
struct shoal_aip {
	struct shoal_lpm_node node;
	struct list_head pnode;
	struct shoal_peer *peer;
	bool mark;
	struct rcu_head rcu;
};

struct shoal_aip *shoal_aip_spare(struct shoal_lpm *t, u8 family,
				  const struct in6_addr *addr, u8 cidr);
void shoal_aip_insert(struct shoal_lpm *t, struct shoal_peer *peer,
		      u8 family, const struct in6_addr *addr, u8 cidr,
		      bool mark, struct shoal_aip **spare);
void shoal_aip_remove_peer(struct shoal_lpm *t, struct shoal_peer *peer,
			   bool unmarked_only);
struct shoal_peer *shoal_aip_lookup(struct shoal_lpm *t, u8 family,
				    const void *addr);

#endif /* _SHOAL_ALLOWEDIPS_H */
