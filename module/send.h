/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_SEND_H
#define _SHOAL_SEND_H

#include <linux/netdevice.h>

struct shoal_peer;

netdev_tx_t shoal_xmit(struct sk_buff *skb, struct net_device *dev);
void shoal_send_keepalive(struct shoal_peer *peer);

#endif /* _SHOAL_SEND_H */
