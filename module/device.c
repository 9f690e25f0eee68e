// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The shoal net_device: an L3 point-to-point device created through
 * rtnetlink, whose UDP sockets stay in the netns it was created in.
 */

#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <net/icmp.h>
#include <net/rtnetlink.h>
#include <uapi/linux/shoal.h>

#include "device.h"
#include "group.h"
#include "keys.h"
#include "peer.h"
#include "proto.h"
#include "replay.h"
#include "send.h"
#include "socket.h"

/*
 * Inner GSO super-packets are accepted whole and segmented here, so the
 * stack above does not segment them for each packet it sends.
 */
#define SHOAL_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE)

/* Every shoal device of every netns, to find those a dying netns hosts. */
static LIST_HEAD(shoal_dev_list);
/* Devices made so far, under RTNL: each one's serial. */
static u64 shoal_dev_serial;

static int shoal_ndo_init(struct net_device *dev)
{
	struct shoal_dev *sd = netdev_priv(dev);
	int err = -ENOMEM;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	sd->stats = shoal_stats_alloc();
	if (!sd->stats)
		goto err_tstats;
	err = shoal_peer_table_init(sd);
	if (err)
		goto err_stats;
	err = shoal_lpm_init(&sd->aips, SHOAL_AIP_MIN_BITS);
	if (err)
		goto err_hash;
	err = shoal_lpm_init(&sd->group_lpm, SHOAL_GROUP_MIN_BITS);
	if (err)
		goto err_aips;
	xa_init(&sd->groups);
	err = gro_cells_init(&sd->gro_cells, dev);
	if (err)
		goto err_groups;
	sd->serial = ++shoal_dev_serial;
	return 0;

err_groups:
	shoal_lpm_destroy(&sd->group_lpm);
err_aips:
	shoal_lpm_destroy(&sd->aips);
err_hash:
	shoal_peer_table_destroy(sd);
err_stats:
	free_percpu(sd->stats);
err_tstats:
	free_percpu(dev->tstats);
	return err;
}

static void shoal_ndo_uninit(struct net_device *dev)
{
	struct shoal_dev *sd = netdev_priv(dev);
	int i;

	/* unregister_netdevice_many() waited for a grace period since dellink. */
	shoal_socket_release_retired(sd);
	/* Groups first: the peers then leave no member arrays behind. */
	shoal_group_del_all(sd);
	shoal_peer_del_all(sd);
	RCU_INIT_POINTER(sd->tx_active, NULL);
	for (i = 0; i < SHOAL_KEY_SLOTS; i++) {
		shoal_txkey_free(rtnl_dereference(sd->txkeys[i]));
		RCU_INIT_POINTER(sd->txkeys[i], NULL);
	}
	gro_cells_destroy(&sd->gro_cells);
	/* Entries are freed by RCU callbacks; the table is empty now. */
	shoal_lpm_destroy(&sd->aips);
	shoal_lpm_destroy(&sd->group_lpm);
	xa_destroy(&sd->groups);
	shoal_peer_table_destroy(sd);
}

/**
 * shoal_dev_drops - count dropped packets or datagrams
 * @sd: the device
 * @pstats: counters of the peer they came from or went to, or NULL
 * @reason: why (SHOAL_STAT_NOMEM: no reason's counter)
 * @n: how many
 * @rx: whether they were received (else sent)
 *
 * Counts them per device and per peer under their reason, and in the
 * device's rx/tx dropped counters that ip -s link shows.
 */
void shoal_dev_drops(struct shoal_dev *sd, struct shoal_stats __percpu *pstats,
		     enum shoal_stat reason, unsigned int n, bool rx)
{
	if (likely(reason < SHOAL_STAT_COUNT)) {
		shoal_stats_add(sd->stats, reason, n);
		if (pstats)
			shoal_stats_add(pstats, reason, n);
	}
	if (rx) {
		DEV_STATS_ADD(sd->dev, rx_dropped, n);
		if (reason == SHOAL_STAT_DROP_AUTH ||
		    reason == SHOAL_STAT_DROP_MALFORMED)
			DEV_STATS_ADD(sd->dev, rx_errors, n);
	} else {
		DEV_STATS_ADD(sd->dev, tx_dropped, n);
		if (reason == SHOAL_STAT_DROP_TX_ERROR)
			DEV_STATS_ADD(sd->dev, tx_errors, n);
	}
}

static const struct net_device_ops shoal_netdev_ops = {
	.ndo_init		= shoal_ndo_init,
	.ndo_uninit		= shoal_ndo_uninit,
	.ndo_start_xmit		= shoal_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void shoal_destruct(struct net_device *dev)
{
	struct shoal_dev *sd = netdev_priv(dev);

	free_percpu(sd->stats);
	free_percpu(dev->tstats);
}

static void shoal_setup(struct net_device *dev)
{
	dev->netdev_ops = &shoal_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->features |= NETIF_F_LLTX | SHOAL_FEATURES;
	dev->hw_features |= SHOAL_FEATURES;
	dev->hw_enc_features |= SHOAL_FEATURES;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	/* Room to push the outer headers without reallocating. */
	dev->needed_headroom = LL_MAX_HEADER + SHOAL_OVERHEAD_V6 -
			       SHOAL_TAG_LEN;
	dev->needed_tailroom = SHOAL_TAG_LEN;
	dev->mtu = SHOAL_DEFAULT_MTU;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = SHOAL_MAX_MTU;
	dev->needs_free_netdev = true;
	dev->priv_destructor = shoal_destruct;
	netif_keep_dst(dev);
}

static int shoal_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "A shoal device has no link-layer address");
		return -EINVAL;
	}
	return 0;
}

/**
 * shoal_dev_set_port - move the device's sockets to another UDP port
 * @sd: the device
 * @port: new port, host order; 0 picks a free one
 * @extack: where to explain a failure
 *
 * The sockets live in the netns the device was created in, so binding
 * needs CAP_NET_ADMIN there, not only where the device is now. Under RTNL.
 *
 * Return: 0 or a negative errno; on error the old port stays.
 */
int shoal_dev_set_port(struct shoal_dev *sd, u16 port,
		       struct netlink_ext_ack *extack)
{
	if (sd->creating_net &&
	    !ns_capable(sd->creating_net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "Changing the port needs CAP_NET_ADMIN in the netns the device was created in");
		return -EPERM;
	}
	return shoal_socket_bind(sd, port, extack);
}

static int shoal_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct shoal_dev *sd = netdev_priv(dev);
	u16 port = 0;
	int err;

	sd->dev = dev;
	sd->creating_net = src_net;
	INIT_LIST_HEAD(&sd->peers);
	sd->replay_window = SHOAL_REPLAY_WINDOW_DEFAULT;
	sd->epoch_max_age = SHOAL_EPOCH_MAX_AGE_DEFAULT;
	sd->key_limit = SHOAL_KEY_LIMIT_MAX;
	if (data && data[IFLA_SHOAL_SENDER_ID])
		sd->sender_id = nla_get_u32(data[IFLA_SHOAL_SENDER_ID]);
	if (data && data[IFLA_SHOAL_PORT])
		port = nla_get_u16(data[IFLA_SHOAL_PORT]);

	err = shoal_socket_bind(sd, port, extack);
	if (err)
		return err;
	err = register_netdevice(dev);
	if (err) {
		shoal_socket_close(sd);
		return err;
	}
	shoal_socket_attach(sd);
	list_add(&sd->node, &shoal_dev_list);
	return 0;
}

static int shoal_changelink(struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct shoal_dev *sd = netdev_priv(dev);
	int err;

	if (!data)
		return 0;
	if (data[IFLA_SHOAL_PORT]) {
		err = shoal_dev_set_port(sd, nla_get_u16(data[IFLA_SHOAL_PORT]),
					 extack);
		if (err)
			return err;
	}
	if (data[IFLA_SHOAL_SENDER_ID])
		WRITE_ONCE(sd->sender_id,
			   nla_get_u32(data[IFLA_SHOAL_SENDER_ID]));
	return 0;
}

static void shoal_dellink(struct net_device *dev, struct list_head *head)
{
	struct shoal_dev *sd = netdev_priv(dev);

	list_del(&sd->node);
	/* Released in ndo_uninit, after the grace period of the batch. */
	shoal_socket_retire(sd);
	unregister_netdevice_queue(dev, head);
}

static size_t shoal_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u16)) +	/* IFLA_SHOAL_PORT */
	       nla_total_size(sizeof(u32));	/* IFLA_SHOAL_SENDER_ID */
}

static int shoal_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct shoal_dev *sd = netdev_priv(dev);

	if (nla_put_u16(skb, IFLA_SHOAL_PORT, sd->port) ||
	    nla_put_u32(skb, IFLA_SHOAL_SENDER_ID, READ_ONCE(sd->sender_id)))
		return -EMSGSIZE;
	return 0;
}

static struct net *shoal_get_link_net(const struct net_device *dev)
{
	const struct shoal_dev *sd = netdev_priv(dev);

	return sd->creating_net ?: dev_net(dev);
}

static const struct nla_policy shoal_link_policy[IFLA_SHOAL_MAX + 1] = {
	/* rtnetlink parses leniently: a wrong length is refused all the same. */
	[IFLA_SHOAL_UNSPEC]	= { .strict_start_type = IFLA_SHOAL_PORT },
	[IFLA_SHOAL_PORT]	= { .type = NLA_U16 },
	[IFLA_SHOAL_SENDER_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
};

struct rtnl_link_ops shoal_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct shoal_dev),
	.maxtype	= IFLA_SHOAL_MAX,
	.policy		= shoal_link_policy,
	.setup		= shoal_setup,
	.validate	= shoal_validate,
	.newlink	= shoal_newlink,
	.changelink	= shoal_changelink,
	.dellink	= shoal_dellink,
	.get_size	= shoal_get_size,
	.fill_info	= shoal_fill_info,
	.get_link_net	= shoal_get_link_net,
};

/*
 * Kernel sockets hold no reference on their netns: when the netns a device
 * was created in goes away, its sockets must go first. The device itself
 * may live elsewhere and stays, without a port. One grace period serves
 * all the devices of the netns, which may be thousands.
 */
static void __net_exit shoal_net_pre_exit(struct net *net)
{
	bool retired = false;
	struct shoal_dev *sd;

	rtnl_lock();
	list_for_each_entry(sd, &shoal_dev_list, node) {
		if (sd->creating_net != net)
			continue;
		sd->creating_net = NULL;
		retired |= shoal_socket_retire(sd);
	}
	if (retired) {
		synchronize_net();
		list_for_each_entry(sd, &shoal_dev_list, node)
			shoal_socket_release_retired(sd);
	}
	rtnl_unlock();
}

static struct pernet_operations shoal_net_ops = {
	.pre_exit = shoal_net_pre_exit,
};

/**
 * shoal_device_init - register the link type and the netns hooks
 *
 * Return: 0 or a negative errno.
 */
int shoal_device_init(void)
{
	int err;

	err = register_pernet_device(&shoal_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&shoal_link_ops);
	if (err)
		unregister_pernet_device(&shoal_net_ops);
	return err;
}

/**
 * shoal_device_uninit - delete every shoal device and unregister the type
 */
void shoal_device_uninit(void)
{
	rtnl_link_unregister(&shoal_link_ops);
	unregister_pernet_device(&shoal_net_ops);
}
