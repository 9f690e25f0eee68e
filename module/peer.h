/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_PEER_H
#define _SHOAL_PEER_H

#include <linux/jiffies.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/dst_cache.h>
#include <net/ip_tunnels.h>
#include <uapi/linux/shoal.h>

#include "keys.h"
#include "stats.h"

struct shoal_dev;

/**
 * union shoal_endpoint - a peer's underlay address and port
 * @addr: family and port, common to both
 * @addr4: IPv4
 * @addr6: IPv6
 */
union shoal_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

/**
 * struct shoal_peer_ep - where a peer's datagrams go, and the route there
 * @addr: the address and port
 * @dst_cache: route to @addr, per CPU
 * @hash: the flow hash of every datagram sent to @addr (random)
 * @rcu: for freeing after readers are done
 *
 * Never changed once published: a new endpoint replaces the whole object,
 * so that a route cached for one address cannot be used for another, and
 * senders read it under RCU alone.
 */
struct shoal_peer_ep {
	union shoal_endpoint addr;
	struct dst_cache dst_cache;
	u32 hash;
	struct rcu_head rcu;
};

/**
 * struct shoal_peer - a remote sender and receiver
 * @sd: its device
 * @hnode: entry in the device's table of peers by sender id (RCU)
 * @node: entry in the device's peer list, in creation order (RTNL)
 * @aips: its allowed prefixes (RTNL)
 * @sender_id: its sender id
 * @ep_lock: serializes replacing @ep: netlink does under RTNL, roaming
 *	in softirq
 * @ep: where its datagrams go (RCU), or NULL when unknown
 * @roamed: jiffies of the last change of @ep by roaming
 * @pmtu: the largest inner packet its route carries whole (the route's
 *	MTU less shoal's overhead), as of the last send; 0 before one
 * @rxkeys: its keys this device decrypts with (RCU, written under RTNL)
 * @txkey: pairwise key for unicast to it, or NULL (as @rxkeys)
 * @pairwise_only: one of @rxkeys is marked pairwise: datagrams under its
 *	other keys are refused (as @rxkeys)
 * @keepalive: seconds between keepalives; 0 for none
 * @keepalive_timer: sends them
 * @last_rx: jiffies of the last authenticated datagram; 0 before any
 * @last_tx: jiffies of the last datagram sent to it
 * @stats: its counters
 * @rcu: for freeing after readers are done
 */
struct shoal_peer {
	struct shoal_dev *sd;
	struct rhash_head hnode;
	struct list_head node;
	struct list_head aips;
	u32 sender_id;
	spinlock_t ep_lock;	/* writers of @ep */
	struct shoal_peer_ep __rcu *ep;
	unsigned long roamed;
	unsigned int pmtu;
	struct shoal_rxkey __rcu *rxkeys[SHOAL_PEER_RX_KEYS];
	struct shoal_txkey __rcu *txkey;
	bool pairwise_only;
	u16 keepalive;
	struct timer_list keepalive_timer;
	unsigned long last_rx;
	unsigned long last_tx;
	struct shoal_stats __percpu *stats;
	struct rcu_head rcu;
};

/*
 * Sets @stamp (a peer's last_rx or last_tx) to the current jiffies,
 * writing at most once a tick: the CPUs sending to one peer, or receiving
 * from it, then do not take its cache line from each other on every
 * packet.
 */
static inline void shoal_peer_stamp(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

int shoal_peer_table_init(struct shoal_dev *sd);
void shoal_peer_table_destroy(struct shoal_dev *sd);
struct shoal_peer *shoal_peer_new(struct shoal_dev *sd, u32 sender_id);
void shoal_peer_del(struct shoal_peer *peer);
void shoal_peer_del_all(struct shoal_dev *sd);
u32 shoal_peer_count(struct shoal_dev *sd);
struct shoal_peer *shoal_peer_lookup(struct shoal_dev *sd, u32 sender_id);
struct shoal_peer *shoal_peer_lookup_rcu(struct shoal_dev *sd, u32 sender_id);
struct shoal_peer_ep *shoal_peer_ep_new(const union shoal_endpoint *addr,
					gfp_t gfp);
void shoal_peer_ep_free(struct shoal_peer_ep *ep);
void shoal_peer_set_ep(struct shoal_peer *peer, struct shoal_peer_ep *ep);
void shoal_peer_set_keepalive(struct shoal_peer *peer, u16 secs);
struct shoal_rxkey *shoal_peer_rxkey(struct shoal_peer *peer, u8 id);
void shoal_peer_update_pairwise(struct shoal_peer *peer);

#endif /* _SHOAL_PEER_H */
