// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The attribute names of Documentation/netlink/shoal.yaml. Error messages
 * name attributes with them, and the output uses them as keys: text as
 * they are, JSON with '-' turned into '_'.
 */

#include <linux/shoal.h>

#include "spec.h"
#include "util.h"

#define SHOAL_SPEC_SET(name, table) \
	const struct shoal_nl_attr_set name = { \
		.attrs = table, \
		.max = SHOAL_ARRAY_SIZE(table) - 1, \
	}

static const struct shoal_nl_attr shoal_spec_key_attrs[SHOAL_A_KEY_MAX + 1] = {
	[SHOAL_A_KEY_SLOT]	= { .name = "slot" },
	[SHOAL_A_KEY_ID]	= { .name = "id" },
	[SHOAL_A_KEY_MATERIAL]	= { .name = "material" },
	[SHOAL_A_KEY_ACTIVE]	= { .name = "active" },
	[SHOAL_A_KEY_PACKETS]	= { .name = "packets" },
	[SHOAL_A_KEY_EPOCH]	= { .name = "epoch" },
	[SHOAL_A_KEY_EXHAUSTED]	= { .name = "exhausted" },
	[SHOAL_A_KEY_PAIRWISE]	= { .name = "pairwise" },
	[SHOAL_A_KEY_PAD]	= { .name = "pad" },
};
SHOAL_SPEC_SET(shoal_spec_key, shoal_spec_key_attrs);

static const struct shoal_nl_attr shoal_spec_prefix_attrs[SHOAL_A_PREFIX_MAX + 1] = {
	[SHOAL_A_PREFIX_FAMILY]	= { .name = "family" },
	[SHOAL_A_PREFIX_ADDR]	= { .name = "addr" },
	[SHOAL_A_PREFIX_CIDR]	= { .name = "cidr" },
};
SHOAL_SPEC_SET(shoal_spec_prefix, shoal_spec_prefix_attrs);

static const struct shoal_nl_attr shoal_spec_stats_attrs[SHOAL_A_STATS_MAX + 1] = {
	[SHOAL_A_STATS_RX_PACKETS]		= { .name = "rx-packets" },
	[SHOAL_A_STATS_RX_BYTES]		= { .name = "rx-bytes" },
	[SHOAL_A_STATS_TX_PACKETS]		= { .name = "tx-packets" },
	[SHOAL_A_STATS_TX_BYTES]		= { .name = "tx-bytes" },
	[SHOAL_A_STATS_TX_ENCRYPTIONS]		= { .name = "tx-encryptions" },
	[SHOAL_A_STATS_TX_GSO_BATCHES]		= { .name = "tx-gso-batches" },
	[SHOAL_A_STATS_TX_GSO_SEGMENTS]		= { .name = "tx-gso-segments" },
	[SHOAL_A_STATS_RX_KEEPALIVES]		= { .name = "rx-keepalives" },
	[SHOAL_A_STATS_DROP_MALFORMED]		= { .name = "drop-malformed" },
	[SHOAL_A_STATS_DROP_UNKNOWN_SENDER]	= { .name = "drop-unknown-sender" },
	[SHOAL_A_STATS_DROP_NO_KEY]		= { .name = "drop-no-key" },
	[SHOAL_A_STATS_DROP_EPOCH]		= { .name = "drop-epoch" },
	[SHOAL_A_STATS_DROP_REPLAY]		= { .name = "drop-replay" },
	[SHOAL_A_STATS_DROP_AUTH]		= { .name = "drop-auth" },
	[SHOAL_A_STATS_DROP_SOURCE]		= { .name = "drop-source" },
	[SHOAL_A_STATS_DROP_NO_ROUTE]		= { .name = "drop-no-route" },
	[SHOAL_A_STATS_DROP_TOO_BIG]		= { .name = "drop-too-big" },
	[SHOAL_A_STATS_DROP_TX_ERROR]		= { .name = "drop-tx-error" },
	[SHOAL_A_STATS_TX_FANOUT_PACKETS]	= { .name = "tx-fanout-packets" },
	[SHOAL_A_STATS_TX_FANOUT_COPIES]	= { .name = "tx-fanout-copies" },
	[SHOAL_A_STATS_DROP_NOT_PAIRWISE]	= { .name = "drop-not-pairwise" },
	[SHOAL_A_STATS_PAD]			= { .name = "pad" },
};
SHOAL_SPEC_SET(shoal_spec_stats, shoal_spec_stats_attrs);

static const struct shoal_nl_attr shoal_spec_dev_attrs[SHOAL_A_DEV_MAX + 1] = {
	[SHOAL_A_DEV_IFINDEX]		= { .name = "ifindex" },
	[SHOAL_A_DEV_IFNAME]		= { .name = "ifname" },
	[SHOAL_A_DEV_PORT]		= { .name = "port" },
	[SHOAL_A_DEV_SENDER_ID]		= { .name = "sender-id" },
	[SHOAL_A_DEV_REPLAY_WINDOW]	= { .name = "replay-window" },
	[SHOAL_A_DEV_EPOCH_MAX_AGE]	= { .name = "epoch-max-age" },
	[SHOAL_A_DEV_KEY_LIMIT]		= { .name = "key-limit" },
	[SHOAL_A_DEV_KEYS]		= { .name = "keys", .nest = &shoal_spec_key,
					    .array = true },
	[SHOAL_A_DEV_STATS]		= { .name = "stats",
					    .nest = &shoal_spec_stats },
	[SHOAL_A_DEV_PEERS]		= { .name = "peers" },
	[SHOAL_A_DEV_PEER_ID]		= { .name = "peer-id" },
	[SHOAL_A_DEV_PAD]		= { .name = "pad" },
	[SHOAL_A_DEV_CIPHER]		= { .name = "cipher" },
};
SHOAL_SPEC_SET(shoal_spec_dev, shoal_spec_dev_attrs);

static const struct shoal_nl_attr shoal_spec_peer_attrs[SHOAL_A_PEER_MAX + 1] = {
	[SHOAL_A_PEER_IFINDEX]		= { .name = "ifindex" },
	[SHOAL_A_PEER_IFNAME]		= { .name = "ifname" },
	[SHOAL_A_PEER_SENDER_ID]	= { .name = "sender-id" },
	[SHOAL_A_PEER_ENDPOINT_IPV4]	= { .name = "endpoint-ipv4" },
	[SHOAL_A_PEER_ENDPOINT_IPV6]	= { .name = "endpoint-ipv6" },
	[SHOAL_A_PEER_ENDPOINT_PORT]	= { .name = "endpoint-port" },
	[SHOAL_A_PEER_ALLOWED_IPS]	= { .name = "allowed-ips",
					    .nest = &shoal_spec_prefix,
					    .array = true },
	[SHOAL_A_PEER_RX_KEYS]		= { .name = "rx-keys",
					    .nest = &shoal_spec_key,
					    .array = true },
	[SHOAL_A_PEER_TX_KEY]		= { .name = "tx-key",
					    .nest = &shoal_spec_key },
	[SHOAL_A_PEER_KEEPALIVE]	= { .name = "keepalive" },
	[SHOAL_A_PEER_RX_AGE_MS]	= { .name = "rx-age-ms" },
	[SHOAL_A_PEER_STATS]		= { .name = "stats",
					    .nest = &shoal_spec_stats },
	[SHOAL_A_PEER_PAD]		= { .name = "pad" },
};
SHOAL_SPEC_SET(shoal_spec_peer, shoal_spec_peer_attrs);

static const struct shoal_nl_attr shoal_spec_group_attrs[SHOAL_A_GROUP_MAX + 1] = {
	[SHOAL_A_GROUP_IFINDEX]		= { .name = "ifindex" },
	[SHOAL_A_GROUP_IFNAME]		= { .name = "ifname" },
	[SHOAL_A_GROUP_ID]		= { .name = "id" },
	[SHOAL_A_GROUP_PREFIX]		= { .name = "prefix",
					    .nest = &shoal_spec_prefix },
	[SHOAL_A_GROUP_BROADCAST]	= { .name = "broadcast" },
	[SHOAL_A_GROUP_ALL_PEERS]	= { .name = "all-peers" },
	/* An indexed array of u32: its entries are named by index only. */
	[SHOAL_A_GROUP_MEMBERS]		= { .name = "members", .array = true },
	[SHOAL_A_GROUP_MEMBER_COUNT]	= { .name = "member-count" },
	[SHOAL_A_GROUP_STATS]		= { .name = "stats",
					    .nest = &shoal_spec_stats },
	[SHOAL_A_GROUP_PAD]		= { .name = "pad" },
};
SHOAL_SPEC_SET(shoal_spec_group, shoal_spec_group_attrs);

/**
 * shoal_spec_name - the spec's name of an attribute
 * @set: its attribute set
 * @type: its type
 *
 * Return: the name, or NULL for a type the set does not have.
 */
const char *shoal_spec_name(const struct shoal_nl_attr_set *set,
			    unsigned int type)
{
	return type <= set->max ? set->attrs[type].name : NULL;
}

/**
 * shoal_spec_json_name - a spec name as a JSON key ("rx-packets" -> "rx_packets")
 * @buf: where the key goes
 * @size: its size; longer names are cut
 * @name: the spec's name
 */
void shoal_spec_json_name(char *buf, size_t size, const char *name)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
}
