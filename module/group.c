// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Groups: fan-out sets of peers. A group matches inner destinations by one
 * prefix (in the device's group prefix table, longest match wins) or is
 * the device's broadcast group. Its members are a sorted array of peers
 * that changes by whole replacement, so the transmit path walks it under
 * RCU without a lock; or, for an all-peers group, the device's peer list.
 * Writers hold RTNL.
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "device.h"
#include "group.h"
#include "peer.h"

/**
 * shoal_group_new - an unpublished group without members
 * @sd: its device
 * @id: its id
 * @match: its prefix, or NULL for the broadcast group
 * @all_peers: whether every peer is a member
 *
 * Return: the group, or NULL without memory.
 */
struct shoal_group *shoal_group_new(struct shoal_dev *sd, u32 id,
				    const struct shoal_lpm_node *match,
				    bool all_peers)
{
	struct shoal_group *g;

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return NULL;
	g->stats = shoal_stats_alloc();
	if (!g->stats) {
		kfree(g);
		return NULL;
	}
	g->sd = sd;
	g->id = id;
	g->all_peers = all_peers;
	if (match) {
		g->match.addr = match->addr;
		g->match.family = match->family;
		g->match.cidr = match->cidr;
	}
	return g;
}

/**
 * shoal_group_free - free a group no reader can see
 * @g: the group
 */
void shoal_group_free(struct shoal_group *g)
{
	kvfree(rcu_dereference_raw(g->members));
	free_percpu(g->stats);
	kfree(g);
}

static void shoal_group_free_rcu(struct rcu_head *rcu)
{
	shoal_group_free(container_of(rcu, struct shoal_group, rcu));
}

/**
 * shoal_group_publish - make a new group visible to the packet path
 * @g: the group, from shoal_group_new()
 *
 * Under RTNL. The caller checked that its id, prefix or broadcast role
 * is free.
 *
 * Return: 0, or -ENOMEM (the group is then not published).
 */
int shoal_group_publish(struct shoal_group *g)
{
	struct shoal_dev *sd = g->sd;
	int err;

	ASSERT_RTNL();
	err = xa_insert(&sd->groups, g->id, g, GFP_KERNEL_ACCOUNT);
	if (err)
		return err == -EBUSY ? -EEXIST : err;
	if (shoal_group_is_broadcast(g))
		rcu_assign_pointer(sd->bcast_group, g);
	else
		shoal_lpm_add(&sd->group_lpm, &g->match);
	sd->group_gen++;
	return 0;
}

/**
 * shoal_group_del - remove a group; freed once no reader can see it
 * @g: the group
 *
 * Under RTNL.
 */
void shoal_group_del(struct shoal_group *g)
{
	struct shoal_dev *sd = g->sd;

	ASSERT_RTNL();
	xa_erase(&sd->groups, g->id);
	if (shoal_group_is_broadcast(g))
		RCU_INIT_POINTER(sd->bcast_group, NULL);
	else
		shoal_lpm_del(&sd->group_lpm, &g->match);
	sd->group_gen++;
	call_rcu(&g->rcu, shoal_group_free_rcu);
}

/**
 * shoal_group_del_all - remove every group of a device
 * @sd: the device
 */
void shoal_group_del_all(struct shoal_dev *sd)
{
	struct shoal_group *g;
	unsigned long id;

	xa_for_each(&sd->groups, id, g)
		shoal_group_del(g);
}

/**
 * shoal_group_find - the group with an id
 * @sd: the device
 * @id: the id
 *
 * Under RTNL.
 *
 * Return: the group, or NULL.
 */
struct shoal_group *shoal_group_find(struct shoal_dev *sd, u32 id)
{
	ASSERT_RTNL();
	return xa_load(&sd->groups, id);
}

static int shoal_member_cmp(const void *a, const void *b)
{
	u32 x = (*(struct shoal_peer * const *)a)->sender_id;
	u32 y = (*(struct shoal_peer * const *)b)->sender_id;

	return x < y ? -1 : x > y;
}

/* Sorts a request's peers; a peer listed twice is refused. */
static int shoal_group_sort(struct shoal_peer **peers, u32 n, u32 *bad)
{
	u32 i;

	sort(peers, n, sizeof(*peers), shoal_member_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (peers[i] == peers[i - 1]) {
			*bad = peers[i]->sender_id;
			return -EINVAL;
		}
	}
	return 0;
}

static struct shoal_members *shoal_members_alloc(u32 n)
{
	struct shoal_members *m;

	m = kvmalloc(struct_size(m, m, n), GFP_KERNEL_ACCOUNT);
	if (m)
		m->n = 0;
	return m;
}

static void shoal_members_push(struct shoal_members *m, u32 id,
			       struct shoal_peer *peer)
{
	m->m[m->n].id = id;
	RCU_INIT_POINTER(m->m[m->n].peer, peer);
	m->n++;
}

static void shoal_group_replace(struct shoal_group *g,
				struct shoal_members *m)
{
	struct shoal_members *old = rtnl_dereference(g->members);

	rcu_assign_pointer(g->members, m);
	if (old)
		kvfree_rcu(old, rcu);
	g->sd->group_gen++;
}

/* Whether an entry of the array stands for a live member. */
static bool shoal_member_live(const struct shoal_member *e)
{
	return rcu_access_pointer(e->peer);
}

/**
 * shoal_group_add_members - add peers to a group, all or none
 * @g: the group, not all-peers
 * @peers: the peers, any order (sorted on return)
 * @n: how many
 * @bad: set to the sender id refused, on -EINVAL or -EEXIST
 *
 * Under RTNL.
 *
 * Return: 0; -EINVAL if a peer is listed twice, -EEXIST if one is a
 * member already, or -ENOMEM. The group is unchanged on error.
 */
int shoal_group_add_members(struct shoal_group *g, struct shoal_peer **peers,
			    u32 n, u32 *bad)
{
	struct shoal_members *old = rtnl_dereference(g->members), *m;
	u32 i = 0, j = 0, on = old ? old->n : 0;
	int err;

	err = shoal_group_sort(peers, n, bad);
	if (err)
		return err;
	m = shoal_members_alloc(on + n);
	if (!m)
		return -ENOMEM;
	while (i < on || j < n) {
		if (i < on && j < n && old->m[i].id == peers[j]->sender_id &&
		    shoal_member_live(&old->m[i])) {
			*bad = peers[j]->sender_id;
			kvfree(m);
			return -EEXIST;
		}
		if (i < on && !shoal_member_live(&old->m[i])) {
			i++;
		} else if (j == n ||
			   (i < on && old->m[i].id < peers[j]->sender_id)) {
			shoal_members_push(m, old->m[i].id,
					   rtnl_dereference(old->m[i].peer));
			i++;
		} else {
			shoal_members_push(m, peers[j]->sender_id, peers[j]);
			j++;
		}
	}
	shoal_group_replace(g, m);
	return 0;
}

/* The index of the live entry of @id in @m, or -1. */
static long shoal_members_find(const struct shoal_members *m, u32 id)
{
	u32 lo = 0, hi = m ? m->n : 0;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (m->m[mid].id == id)
			return shoal_member_live(&m->m[mid]) ? mid : -1;
		if (m->m[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/**
 * shoal_group_del_members - remove peers from a group, all or none
 * @g: the group, not all-peers
 * @peers: the peers, any order (sorted on return)
 * @n: how many
 * @bad: set to the sender id refused, on -EINVAL or -ENOENT
 *
 * Under RTNL.
 *
 * Return: 0; -EINVAL if a peer is listed twice, -ENOENT if one is not a
 * member, or -ENOMEM. The group is unchanged on error.
 */
int shoal_group_del_members(struct shoal_group *g, struct shoal_peer **peers,
			    u32 n, u32 *bad)
{
	struct shoal_members *old = rtnl_dereference(g->members), *m;
	u32 i, j = 0;
	int err;

	err = shoal_group_sort(peers, n, bad);
	if (err)
		return err;
	for (j = 0; j < n; j++) {
		if (shoal_members_find(old, peers[j]->sender_id) < 0) {
			*bad = peers[j]->sender_id;
			return -ENOENT;
		}
	}
	m = shoal_members_alloc(old->n - n);
	if (!m)
		return -ENOMEM;
	for (i = 0, j = 0; i < old->n; i++) {
		if (j < n && old->m[i].id == peers[j]->sender_id) {
			j++;
			continue;
		}
		if (shoal_member_live(&old->m[i]))
			shoal_members_push(m, old->m[i].id,
					   rtnl_dereference(old->m[i].peer));
	}
	shoal_group_replace(g, m);
	return 0;
}

/**
 * shoal_group_peer_gone - remove a peer being deleted from every group
 * @peer: the peer
 *
 * Cannot fail: without memory for a smaller array, the peer's entry is
 * cleared in place, which readers skip. Under RTNL, before the peer is
 * freed after a grace period.
 */
void shoal_group_peer_gone(struct shoal_peer *peer)
{
	struct shoal_members *old, *m;
	struct shoal_group *g;
	unsigned long id;
	long idx;
	u32 i;

	xa_for_each(&peer->sd->groups, id, g) {
		old = rtnl_dereference(g->members);
		idx = shoal_members_find(old, peer->sender_id);
		if (idx < 0)
			continue;
		m = shoal_members_alloc(old->n - 1);
		if (!m) {
			RCU_INIT_POINTER(old->m[idx].peer, NULL);
			g->sd->group_gen++;
			continue;
		}
		for (i = 0; i < old->n; i++)
			if (i != idx && shoal_member_live(&old->m[i]))
				shoal_members_push(m, old->m[i].id,
						   rtnl_dereference(old->m[i].peer));
		shoal_group_replace(g, m);
	}
}

/**
 * shoal_group_count - number of members of a group
 * @g: the group
 *
 * Under RTNL.
 */
u32 shoal_group_count(struct shoal_group *g)
{
	struct shoal_members *m = rtnl_dereference(g->members);
	u32 i, n = 0;

	if (g->all_peers)
		return shoal_peer_count(g->sd);
	for (i = 0; m && i < m->n; i++)
		n += shoal_member_live(&m->m[i]);
	return n;
}

/*
 * 255.255.255.255, or the broadcast address of an address of the device; an
 * address added without one has 0.0.0.0 there, which is no broadcast.
 */
static bool shoal_group_is_bcast_dst(struct shoal_dev *sd, __be32 daddr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	bool found = false;

	if (ipv4_is_lbcast(daddr))
		return true;
	if (!daddr)
		return false;
	rcu_read_lock();
	in_dev = __in_dev_get_rcu(sd->dev);
	if (in_dev) {
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (ifa->ifa_broadcast == daddr) {
				found = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * shoal_group_match - the group an inner packet goes to
 * @sd: the device
 * @family: AF_INET or AF_INET6, whose header is in the skb's linear part
 * @daddr: the inner destination
 *
 * Under RCU-bh.
 *
 * Return: the broadcast group for a broadcast destination, else the group
 * of the longest matching prefix; NULL when no group matches.
 */
struct shoal_group *shoal_group_match(struct shoal_dev *sd, u8 family,
				      const void *daddr)
{
	struct shoal_lpm_node *n;
	struct shoal_group *g;

	if (family == AF_INET) {
		g = rcu_dereference_bh(sd->bcast_group);
		if (g && shoal_group_is_bcast_dst(sd, *(const __be32 *)daddr))
			return g;
	}
	n = shoal_lpm_lookup(&sd->group_lpm, family, daddr);
	return n ? container_of(n, struct shoal_group, match) : NULL;
}
