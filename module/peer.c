// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Peers: creation, lookup by sender id, endpoint, keepalives, deletion.
 * Changes happen under RTNL; the data path finds peers under RCU.
 */

#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "allowedips.h"
#include "device.h"
#include "group.h"
#include "peer.h"
#include "send.h"

static const struct rhashtable_params shoal_peer_params = {
	.key_len = sizeof_field(struct shoal_peer, sender_id),
	.key_offset = offsetof(struct shoal_peer, sender_id),
	.head_offset = offsetof(struct shoal_peer, hnode),
	.automatic_shrinking = true,
};

/**
 * shoal_peer_table_init - set up a device's empty table of peers
 * @sd: the device
 *
 * Return: 0 or a negative errno.
 */
int shoal_peer_table_init(struct shoal_dev *sd)
{
	return rhashtable_init(&sd->peer_table, &shoal_peer_params);
}

/**
 * shoal_peer_table_destroy - free a device's table, once it has no peers
 * @sd: the device
 */
void shoal_peer_table_destroy(struct shoal_dev *sd)
{
	rhashtable_destroy(&sd->peer_table);
}

static void shoal_peer_keepalive_fire(struct timer_list *t)
{
	struct shoal_peer *peer = from_timer(peer, t, keepalive_timer);
	unsigned long period = READ_ONCE(peer->keepalive) * HZ;

	if (!period)
		return;
	/* Only an idle peer needs one: any datagram keeps NAT state alive. */
	if (time_after_eq(jiffies, READ_ONCE(peer->last_tx) + period))
		shoal_send_keepalive(peer);
	mod_timer(&peer->keepalive_timer, jiffies + period);
}

/**
 * shoal_peer_new - add a peer with no endpoint, prefixes or keys
 * @sd: the device
 * @sender_id: its sender id, not yet used by another peer
 *
 * Under RTNL.
 *
 * Return: the peer, or an ERR_PTR: -ENOMEM, or what the table's insertion
 * returned (-EEXIST for a sender id in use).
 */
struct shoal_peer *shoal_peer_new(struct shoal_dev *sd, u32 sender_id)
{
	struct shoal_peer *peer;
	int err = -ENOMEM;

	ASSERT_RTNL();
	peer = kzalloc(sizeof(*peer), GFP_KERNEL_ACCOUNT);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	peer->stats = shoal_stats_alloc();
	if (!peer->stats)
		goto err_free;
	peer->sd = sd;
	peer->sender_id = sender_id;
	INIT_LIST_HEAD(&peer->aips);
	spin_lock_init(&peer->ep_lock);
	timer_setup(&peer->keepalive_timer, shoal_peer_keepalive_fire, 0);
	peer->last_tx = jiffies;

	/* Published whole: the data path may find it from here on. */
	err = rhashtable_lookup_insert_fast(&sd->peer_table, &peer->hnode,
					    shoal_peer_params);
	if (err)
		goto err_stats;
	list_add_tail_rcu(&peer->node, &sd->peers);
	sd->peer_gen++;
	return peer;

err_stats:
	free_percpu(peer->stats);
err_free:
	kfree(peer);
	return ERR_PTR(err);
}

static void shoal_peer_ep_free_rcu(struct rcu_head *rcu)
{
	shoal_peer_ep_free(container_of(rcu, struct shoal_peer_ep, rcu));
}

static void shoal_peer_free_rcu(struct rcu_head *rcu)
{
	struct shoal_peer *peer = container_of(rcu, struct shoal_peer, rcu);
	struct shoal_peer_ep *ep = rcu_dereference_raw(peer->ep);
	int i;

	/* A grace period has passed: no reader holds its keys either. */
	for (i = 0; i < SHOAL_PEER_RX_KEYS; i++)
		shoal_rxkey_destroy(rcu_dereference_raw(peer->rxkeys[i]));
	shoal_txkey_destroy(rcu_dereference_raw(peer->txkey));
	shoal_peer_ep_free(ep);
	free_percpu(peer->stats);
	kfree(peer);
}

/**
 * shoal_peer_del - remove a peer; freed once no reader can see it
 * @peer: the peer
 *
 * Under RTNL.
 */
void shoal_peer_del(struct shoal_peer *peer)
{
	struct shoal_dev *sd = peer->sd;

	ASSERT_RTNL();
	shoal_aip_remove_peer(&sd->aips, peer, false);
	shoal_group_peer_gone(peer);
	rhashtable_remove_fast(&sd->peer_table, &peer->hnode, shoal_peer_params);
	list_del_rcu(&peer->node);
	sd->peer_gen++;
	WRITE_ONCE(peer->keepalive, 0);
	del_timer_sync(&peer->keepalive_timer);
	call_rcu(&peer->rcu, shoal_peer_free_rcu);
}

/**
 * shoal_peer_del_all - remove every peer of a device
 * @sd: the device
 */
void shoal_peer_del_all(struct shoal_dev *sd)
{
	struct shoal_peer *peer, *tmp;

	list_for_each_entry_safe(peer, tmp, &sd->peers, node)
		shoal_peer_del(peer);
}

/**
 * shoal_peer_count - number of peers of a device
 * @sd: the device
 *
 * Under RTNL, which every insertion and removal holds: the table's own
 * count is exact then.
 *
 * Return: the number of peers.
 */
u32 shoal_peer_count(struct shoal_dev *sd)
{
	ASSERT_RTNL();
	return atomic_read(&sd->peer_table.nelems);
}

/**
 * shoal_peer_lookup - the peer with a sender id
 * @sd: the device
 * @sender_id: the id
 *
 * Under RTNL, the control plane's lookup.
 *
 * Return: the peer or NULL; valid until the caller drops RTNL.
 */
struct shoal_peer *shoal_peer_lookup(struct shoal_dev *sd, u32 sender_id)
{
	return rhashtable_lookup_fast(&sd->peer_table, &sender_id,
				      shoal_peer_params);
}

/**
 * shoal_peer_lookup_rcu - the peer with a sender id, on the data path
 * @sd: the device
 * @sender_id: the id
 *
 * Under rcu_read_lock(), as a UDP socket's encap_rcv is.
 *
 * Return: the peer or NULL; valid until the caller leaves RCU.
 */
struct shoal_peer *shoal_peer_lookup_rcu(struct shoal_dev *sd, u32 sender_id)
{
	return rhashtable_lookup(&sd->peer_table, &sender_id,
				 shoal_peer_params);
}

/**
 * shoal_peer_ep_new - an endpoint, not yet any peer's
 * @addr: its address and port
 * @gfp: GFP_KERNEL_ACCOUNT from netlink, GFP_ATOMIC when roaming
 *
 * Return: the endpoint, with an empty route cache, or NULL without memory.
 */
struct shoal_peer_ep *shoal_peer_ep_new(const union shoal_endpoint *addr,
					gfp_t gfp)
{
	struct shoal_peer_ep *ep;

	ep = kmalloc(sizeof(*ep), gfp);
	if (!ep)
		return NULL;
	if (dst_cache_init(&ep->dst_cache, gfp)) {
		kfree(ep);
		return NULL;
	}
	ep->addr = *addr;
	ep->hash = get_random_u32();
	return ep;
}

/**
 * shoal_peer_ep_free - free an endpoint no reader can see
 * @ep: the endpoint, or NULL
 */
void shoal_peer_ep_free(struct shoal_peer_ep *ep)
{
	if (!ep)
		return;
	dst_cache_destroy(&ep->dst_cache);
	kfree(ep);
}

/**
 * shoal_peer_set_ep - point a peer at another endpoint
 * @peer: the peer
 * @ep: from shoal_peer_ep_new(); the peer owns it from now on
 *
 * Any context: roaming calls it from softirq. Senders still holding the
 * old endpoint finish with it; it is freed after them.
 */
void shoal_peer_set_ep(struct shoal_peer *peer, struct shoal_peer_ep *ep)
{
	struct shoal_peer_ep *old;

	spin_lock_bh(&peer->ep_lock);
	old = rcu_replace_pointer(peer->ep, ep, lockdep_is_held(&peer->ep_lock));
	spin_unlock_bh(&peer->ep_lock);
	if (old)
		call_rcu(&old->rcu, shoal_peer_ep_free_rcu);
}

/**
 * shoal_peer_set_keepalive - change the keepalive period
 * @peer: the peer
 * @secs: seconds; 0 stops keepalives
 */
void shoal_peer_set_keepalive(struct shoal_peer *peer, u16 secs)
{
	WRITE_ONCE(peer->keepalive, secs);
	if (secs)
		mod_timer(&peer->keepalive_timer, jiffies + secs * HZ);
	else
		del_timer_sync(&peer->keepalive_timer);
}

/**
 * shoal_peer_rxkey - a peer's receive key by id
 * @peer: the peer
 * @id: key id
 *
 * Return: the key or NULL; valid until the caller leaves RCU.
 */
struct shoal_rxkey *shoal_peer_rxkey(struct shoal_peer *peer, u8 id)
{
	struct shoal_rxkey *k;
	int i;

	for (i = 0; i < SHOAL_PEER_RX_KEYS; i++) {
		k = rcu_dereference_bh(peer->rxkeys[i]);
		if (k && k->id == id)
			return k;
	}
	return NULL;
}

/**
 * shoal_peer_update_pairwise - recompute whether a peer must use pairwise keys
 * @peer: the peer, whose receive keys just changed
 *
 * Once one of its receive keys is marked pairwise, the peer is known to
 * protect what it sends to this device with a key only the two of them
 * hold; a datagram under any other of its keys (its sender keys, which
 * other hosts hold too) may be forged and is refused. Under RTNL.
 */
void shoal_peer_update_pairwise(struct shoal_peer *peer)
{
	bool pairwise = false;
	int i;

	for (i = 0; i < SHOAL_PEER_RX_KEYS; i++) {
		struct shoal_rxkey *k = rtnl_dereference(peer->rxkeys[i]);

		pairwise |= k && k->pairwise;
	}
	WRITE_ONCE(peer->pairwise_only, pairwise);
}
