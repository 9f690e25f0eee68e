// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Allowed IPs: inner prefixes routed to peers, looked up by longest prefix
 * match on transmit (which peer gets a packet) and on receive (may this
 * peer send from this source). The device's table (lpm.c) holds every
 * peer's prefixes; each peer lists its own for dumps and replacement.
 * Writers hold RTNL; readers use RCU.
 */

#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "allowedips.h"
#include "peer.h"

/**
 * shoal_aip_spare - an entry for shoal_aip_insert(), if it will need one
 * @t: the device's table
 * @family: AF_INET or AF_INET6
 * @addr: a valid prefix (see shoal_lpm_prefix_valid())
 * @cidr: its length
 *
 * Allocating before anything changes lets a request that inserts many
 * prefixes be applied whole or not at all. Under RTNL, held until the
 * insertion.
 *
 * Return: a new entry if the prefix is not in @t, NULL if it is, or
 * ERR_PTR(-ENOMEM).
 */
struct shoal_aip *shoal_aip_spare(struct shoal_lpm *t, u8 family,
				  const struct in6_addr *addr, u8 cidr)
{
	struct shoal_aip *a;

	ASSERT_RTNL();
	if (shoal_lpm_find(t, family, cidr, addr))
		return NULL;
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	return a ?: ERR_PTR(-ENOMEM);
}

/**
 * shoal_aip_insert - route a prefix to a peer
 * @t: the device's table
 * @peer: the peer
 * @family: AF_INET or AF_INET6
 * @addr: a valid prefix (see shoal_lpm_prefix_valid())
 * @cidr: its length
 * @mark: value of the entry's mark afterwards
 * @spare: from shoal_aip_spare() for this prefix; taken if used
 *
 * A prefix routed to another peer moves to this one, at once for readers.
 * Under RTNL.
 */
void shoal_aip_insert(struct shoal_lpm *t, struct shoal_peer *peer,
		      u8 family, const struct in6_addr *addr, u8 cidr,
		      bool mark, struct shoal_aip **spare)
{
	struct shoal_lpm_node *n;
	struct shoal_aip *a;

	ASSERT_RTNL();
	n = shoal_lpm_find(t, family, cidr, addr);
	if (n) {
		a = container_of(n, struct shoal_aip, node);
		if (a->peer != peer) {
			WRITE_ONCE(a->peer, peer);
			list_move_tail(&a->pnode, &peer->aips);
		}
		a->mark = mark;
		return;
	}
	a = *spare;
	if (WARN_ON_ONCE(!a))
		return;
	*spare = NULL;
	a->peer = peer;
	a->node.addr = *addr;
	a->node.family = family;
	a->node.cidr = cidr;
	a->mark = mark;
	list_add_tail(&a->pnode, &peer->aips);
	shoal_lpm_add(t, &a->node);
}

/**
 * shoal_aip_remove_peer - remove a peer's prefixes
 * @t: the device's table
 * @peer: the peer
 * @unmarked_only: keep the entries whose mark is set
 *
 * The entries are freed after a grace period. Under RTNL.
 */
void shoal_aip_remove_peer(struct shoal_lpm *t, struct shoal_peer *peer,
			   bool unmarked_only)
{
	struct shoal_aip *a, *tmp;

	list_for_each_entry_safe(a, tmp, &peer->aips, pnode) {
		if (unmarked_only && a->mark)
			continue;
		shoal_lpm_del(t, &a->node);
		list_del(&a->pnode);
		kfree_rcu(a, rcu);
	}
}

/**
 * shoal_aip_lookup - the peer an address routes to
 * @t: the device's table
 * @family: AF_INET or AF_INET6
 * @addr: a __be32 or a struct in6_addr
 *
 * Called under RCU (bottom halves off, or rcu_read_lock()).
 *
 * Return: the peer of the longest matching prefix, or NULL.
 */
struct shoal_peer *shoal_aip_lookup(struct shoal_lpm *t, u8 family,
				    const void *addr)
{
	struct shoal_lpm_node *n = shoal_lpm_lookup(t, family, addr);

	return n ? READ_ONCE(container_of(n, struct shoal_aip, node)->peer) :
		   NULL;
}
