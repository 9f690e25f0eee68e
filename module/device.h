/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_DEVICE_H
#define _SHOAL_DEVICE_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <net/sock.h>

/**
 * struct shoal_dev - private state of a shoal net_device
 * @dev: the net_device this state belongs to
 * @creating_net: netns the device was created in, where its sockets live;
 *	NULL once that netns is being dismantled (RTNL)
 * @sock4: IPv4 UDP socket, NULL when closed (RCU, written under RTNL)
 * @sock6: IPv6 UDP socket, NULL when closed or IPv6 is off (as @sock4)
 * @port: UDP port both sockets are bound to, host order; 0 when closed (RTNL)
 * @sender_id: local sender id put in every datagram; 0 when unset
 * @node: entry in the list of all shoal devices (RTNL)
 */
struct shoal_dev {
	struct net_device *dev;
	struct net *creating_net;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 port;
	u32 sender_id;
	struct list_head node;
};

extern struct rtnl_link_ops shoal_link_ops;

int shoal_device_init(void);
void shoal_device_uninit(void);

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
