/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_GROUP_H
#define _SHOAL_GROUP_H

#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "lpm.h"
#include "stats.h"

struct netlink_ext_ack;
struct shoal_dev;
struct shoal_peer;

/**
 * struct shoal_member - one member of a group
 * @id: its sender id
 * @peer: the peer; NULL once deleted, when no memory was left to shrink
 *	the array (readers skip it, the next change drops it)
 */
struct shoal_member {
	u32 id;
	struct shoal_peer __rcu *peer;
};

/**
 * struct shoal_members - the members of a group, replaced whole (RCU)
 * @n: number of entries
 * @rcu: for freeing after readers are done
 * @m: the entries, by ascending sender id
 */
struct shoal_members {
	u32 n;
	struct rcu_head rcu;
	struct shoal_member m[];
};

/**
 * struct shoal_group - a fan-out set
 * @match: the inner destinations it matches; family 0 for the broadcast
 *	group, which is not in the device's prefix table
 * @sd: its device
 * @id: its id, unique per device
 * @all_peers: every peer of the device is a member
 * @members: its members when not @all_peers (RCU, written under RTNL)
 * @stats: its counters
 * @rcu: for freeing after readers are done
 */
struct shoal_group {
	struct shoal_lpm_node match;
	struct shoal_dev *sd;
	u32 id;
	bool all_peers;
	struct shoal_members __rcu *members;
	struct shoal_stats __percpu *stats;
	struct rcu_head rcu;
};

struct shoal_group *shoal_group_new(struct shoal_dev *sd, u32 id,
				    const struct shoal_lpm_node *match,
				    bool all_peers);
int shoal_group_publish(struct shoal_group *g);
void shoal_group_free(struct shoal_group *g);
void shoal_group_del(struct shoal_group *g);
void shoal_group_del_all(struct shoal_dev *sd);
struct shoal_group *shoal_group_find(struct shoal_dev *sd, u32 id);
int shoal_group_add_members(struct shoal_group *g, struct shoal_peer **peers,
			    u32 n, u32 *bad);
int shoal_group_del_members(struct shoal_group *g, struct shoal_peer **peers,
			    u32 n, u32 *bad);
void shoal_group_peer_gone(struct shoal_peer *peer);
struct shoal_group *shoal_group_match(struct shoal_dev *sd, u8 family,
				      const void *daddr);
u32 shoal_group_count(struct shoal_group *g);

/**
 * shoal_group_is_broadcast - whether a group is its device's broadcast one
 * @g: the group
 */
static inline bool shoal_group_is_broadcast(const struct shoal_group *g)
{
	return !g->match.family;
}

#endif /* _SHOAL_GROUP_H */
