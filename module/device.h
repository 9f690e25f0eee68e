/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_DEVICE_H
#define _SHOAL_DEVICE_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <net/gro_cells.h>
#include <net/sock.h>
#include <uapi/linux/shoal.h>

#include "allowedips.h"
#include "lpm.h"
#include "stats.h"

struct shoal_group;
struct shoal_txkey;

#define SHOAL_AIP_MIN_BITS	6
#define SHOAL_GROUP_MIN_BITS	4

/**
 * struct shoal_dev - private state of a shoal net_device
 * @dev: the net_device this state belongs to
 * @creating_net: netns the device was created in, where its sockets live;
 *	NULL once that netns is being dismantled (RTNL)
 * @sock4: IPv4 UDP socket, NULL when closed (RCU, written under RTNL)
 * @sock6: IPv6 UDP socket, NULL when closed or IPv6 is off (as @sock4)
 * @retired: sockets taken out of use, released after the next grace
 *	period; lets one grace period serve many devices (RTNL)
 * @port: UDP port both sockets are bound to, host order; 0 when closed (RTNL)
 * @sender_id: local sender id put in every datagram; 0 when unset
 * @node: entry in the list of all shoal devices (RTNL)
 * @gro_cells: hands decrypted packets to GRO on the receiving CPU
 * @stats: the device's counters
 * @peer_table: peers by sender id (RCU, written under RTNL); grows and
 *	shrinks with their number, which it counts
 * @peers: peers in creation order, for dumps and all-peers groups (RCU,
 *	written under RTNL)
 * @peer_gen: changes with every peer change, for consistent dumps (RTNL)
 * @aips: allowed prefixes of all peers
 * @groups: groups by id (RTNL)
 * @group_lpm: prefixes of the groups
 * @bcast_group: the broadcast group, or NULL (RCU, written under RTNL)
 * @group_gen: changes with every group change, for consistent dumps (RTNL)
 * @txkeys: transmit key slots (RCU, written under RTNL)
 * @tx_active: the slot's key the device sends with, or NULL (as @txkeys)
 * @replay_window: replay window of new receive epochs, in packets
 * @epoch_max_age: seconds; older first epochs of a sender are refused
 * @key_limit: packets a transmit key installed from now on may protect
 * @cipher: SHOAL_CIPHER_* of all its keys (RTNL)
 * @serial: unique among the devices this module has made; tells a device
 *	from a later one that took its ifindex or name (RTNL)
 */
struct shoal_dev {
	struct net_device *dev;
	struct net *creating_net;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	struct sock *retired[2];
	u16 port;
	u32 sender_id;
	struct list_head node;
	struct gro_cells gro_cells;
	struct shoal_stats __percpu *stats;
	struct rhashtable peer_table;
	struct list_head peers;
	u32 peer_gen;
	struct shoal_lpm aips;
	struct xarray groups;
	struct shoal_lpm group_lpm;
	struct shoal_group __rcu *bcast_group;
	u32 group_gen;
	struct shoal_txkey __rcu *txkeys[SHOAL_KEY_SLOTS];
	struct shoal_txkey __rcu *tx_active;
	u32 replay_window;
	u32 epoch_max_age;
	u64 key_limit;
	u8 cipher;
	u64 serial;
};

extern struct rtnl_link_ops shoal_link_ops;

int shoal_device_init(void);
void shoal_device_uninit(void);

void shoal_dev_drops(struct shoal_dev *sd, struct shoal_stats __percpu *pstats,
		     enum shoal_stat reason, unsigned int n, bool rx);

/* One dropped packet or datagram: see shoal_dev_drops(). */
static inline void shoal_dev_drop(struct shoal_dev *sd,
				  struct shoal_stats __percpu *pstats,
				  enum shoal_stat reason, bool rx)
{
	shoal_dev_drops(sd, pstats, reason, 1, rx);
}

int shoal_dev_set_port(struct shoal_dev *sd, u16 port,
		       struct netlink_ext_ack *extack);

/**
 * shoal_dev_from_netdev - shoal state of @dev, or NULL if it is not shoal
 * @dev: any net_device
 */
static inline struct shoal_dev *shoal_dev_from_netdev(struct net_device *dev)
{
	return dev->rtnl_link_ops == &shoal_link_ops ? netdev_priv(dev) : NULL;
}

#endif /* _SHOAL_DEVICE_H */
