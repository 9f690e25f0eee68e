// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The "shoal" generic netlink family; Documentation/netlink/shoal.yaml
 * specifies it and uapi/linux/shoal.h carries its numbers.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <uapi/linux/shoal.h>

#include "device.h"
#include "netlink.h"

static const struct nla_policy shoal_dev_get_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
};

static const struct nla_policy shoal_dev_set_policy[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHOAL_A_DEV_IFNAME]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SHOAL_A_DEV_PORT]	= { .type = NLA_U16 },
	[SHOAL_A_DEV_SENDER_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static struct genl_family shoal_genl_family;

/* Under RTNL: the device named by ifindex or name in the caller's netns. */
static struct shoal_dev *shoal_nl_dev_find(struct genl_info *info)
{
	struct nlattr *ifindex = info->attrs[SHOAL_A_DEV_IFINDEX];
	struct nlattr *ifname = info->attrs[SHOAL_A_DEV_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;
	struct shoal_dev *sd;

	if (!ifindex && !ifname) {
		NL_SET_ERR_MSG(info->extack,
			       "A device ifindex or name is required");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = __dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = __dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
				    "No such device");
		return ERR_PTR(-ENODEV);
	}
	if (ifindex && ifname && strcmp(dev->name, nla_data(ifname))) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifname,
				    "The ifindex and the name are different devices");
		return ERR_PTR(-EINVAL);
	}
	sd = shoal_dev_from_netdev(dev);
	if (!sd) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
				    "Not a shoal device");
		return ERR_PTR(-ENODEV);
	}
	return sd;
}

static int shoal_nl_dev_fill(struct sk_buff *skb, const struct shoal_dev *sd,
			     u32 portid, u32 seq, int flags,
			     struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &shoal_genl_family, flags,
			  SHOAL_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, SHOAL_A_DEV_IFINDEX, sd->dev->ifindex) ||
	    nla_put_string(skb, SHOAL_A_DEV_IFNAME, sd->dev->name) ||
	    nla_put_u16(skb, SHOAL_A_DEV_PORT, sd->port) ||
	    nla_put_u32(skb, SHOAL_A_DEV_SENDER_ID, READ_ONCE(sd->sender_id))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int shoal_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shoal_dev *sd;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	sd = shoal_nl_dev_find(info);
	err = IS_ERR(sd) ? PTR_ERR(sd) :
	      shoal_nl_dev_fill(msg, sd, info->snd_portid, info->snd_seq, 0,
				NULL);
	rtnl_unlock();

	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int shoal_nl_dev_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long skip = cb->args[0], idx = 0;
	struct net_device *dev;

	rtnl_lock();
	/* The device list's sequence number flags dumps that raced a change. */
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		struct shoal_dev *sd = shoal_dev_from_netdev(dev);

		if (!sd)
			continue;
		if (idx >= skip &&
		    shoal_nl_dev_fill(skb, sd, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		idx++;
	}
	rtnl_unlock();

	cb->args[0] = idx;
	return skb->len;
}

static int shoal_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct shoal_dev *sd;
	int err = 0;

	rtnl_lock();
	sd = shoal_nl_dev_find(info);
	if (IS_ERR(sd)) {
		err = PTR_ERR(sd);
		goto out;
	}
	if (attrs[SHOAL_A_DEV_PORT]) {
		err = shoal_dev_set_port(sd, nla_get_u16(attrs[SHOAL_A_DEV_PORT]),
					 info->extack);
		if (err)
			goto out;
	}
	if (attrs[SHOAL_A_DEV_SENDER_ID])
		WRITE_ONCE(sd->sender_id,
			   nla_get_u32(attrs[SHOAL_A_DEV_SENDER_ID]));
out:
	rtnl_unlock();
	return err;
}

static const struct genl_ops shoal_genl_ops[] = {
	{
		.cmd	= SHOAL_CMD_DEV_GET,
		.doit	= shoal_nl_dev_get_doit,
		.dumpit	= shoal_nl_dev_get_dumpit,
		.policy	= shoal_dev_get_policy,
		.maxattr = SHOAL_A_DEV_MAX,
	},
	{
		.cmd	= SHOAL_CMD_DEV_SET,
		.doit	= shoal_nl_dev_set_doit,
		.policy	= shoal_dev_set_policy,
		.maxattr = SHOAL_A_DEV_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family shoal_genl_family __ro_after_init = {
	.name		= SHOAL_FAMILY_NAME,
	.version	= SHOAL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= shoal_genl_ops,
	.n_ops		= ARRAY_SIZE(shoal_genl_ops),
};

/**
 * shoal_genl_init - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int shoal_genl_init(void)
{
	return genl_register_family(&shoal_genl_family);
}

/**
 * shoal_genl_uninit - unregister the generic netlink family
 */
void shoal_genl_uninit(void)
{
	genl_unregister_family(&shoal_genl_family);
}
