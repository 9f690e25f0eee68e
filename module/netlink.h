/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_NETLINK_H
#define _SHOAL_NETLINK_H

#include <linux/sizes.h>
#include <net/genetlink.h>

struct shoal_dev;
struct shoal_lpm_node;
struct shoal_peer;
struct shoal_txkey;

extern struct genl_family shoal_genl_family;
extern const struct nla_policy shoal_peer_rxkey_policy[SHOAL_A_KEY_MAX + 1];
extern const struct nla_policy shoal_peer_txkey_policy[SHOAL_A_KEY_MAX + 1];
extern const struct nla_policy shoal_nl_prefix_policy[SHOAL_A_PREFIX_MAX + 1];

/*
 * The largest get reply: 32 KiB, as large as a dump message (an order-3
 * allocation with 4 KiB pages, the largest the page allocator is reliable
 * for; and within a nest's 16-bit length). An object larger than that
 * (thousands of prefixes or members) is read with a dump of it alone, by
 * its id.
 */
#define SHOAL_NL_REPLY_MAX						\
	(SKB_WITH_OVERHEAD(SZ_32K) - NLMSG_HDRLEN - GENL_HDRLEN)

int shoal_genl_init(void);
void shoal_genl_uninit(void);

struct shoal_dev *shoal_nl_dev_find(struct net *net, struct nlattr **attrs,
				    int ifindex_attr, int ifname_attr,
				    struct netlink_ext_ack *extack);
struct shoal_dev *shoal_nl_dump_dev(struct sk_buff *skb,
				    struct netlink_callback *cb,
				    int ifindex_attr, int ifname_attr,
				    unsigned int slot);
int shoal_nl_put_txkey(struct sk_buff *msg, int attr,
		       const struct shoal_txkey *k, int slot, bool active);
void shoal_nl_notify_exhausted(struct shoal_dev *sd,
			       const struct shoal_txkey *k,
			       const struct shoal_peer *peer);

int shoal_nl_parse_prefix(struct nlattr *entry, struct shoal_lpm_node *p,
			  struct netlink_ext_ack *extack);
int shoal_nl_put_prefix(struct sk_buff *msg, int attr,
			const struct shoal_lpm_node *p);

int shoal_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int shoal_nl_group_new_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_group_del_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_group_get_doit(struct sk_buff *skb, struct genl_info *info);
int shoal_nl_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int shoal_nl_group_member_add_doit(struct sk_buff *skb,
				   struct genl_info *info);
int shoal_nl_group_member_del_doit(struct sk_buff *skb,
				   struct genl_info *info);

#endif /* _SHOAL_NETLINK_H */
