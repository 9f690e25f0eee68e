/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * shoal: encrypted UDP tunnel with encrypt-once fan-out.
 *
 * The generic netlink family "shoal" (version 1) configures shoal devices.
 * Documentation/netlink/shoal.yaml is the source of truth for this API;
 * this header must agree with it (checked by the selftests).
 *
 * Devices are created through rtnetlink ("ip link add shoal0 type shoal"),
 * optionally with IFLA_SHOAL_PORT and IFLA_SHOAL_SENDER_ID, and are then
 * inspected and changed with SHOAL_CMD_DEV_GET and SHOAL_CMD_DEV_SET.
 *
 * A device is addressed by SHOAL_A_*_IFINDEX or SHOAL_A_*_IFNAME, looked up
 * in the network namespace of the netlink socket. Its UDP sockets live in
 * the namespace where it was created, even after the device is moved.
 *
 * Keys belong to senders: a device encrypts what it sends with its own
 * transmit key (two slots, SHOAL_CMD_KEY_SET then SHOAL_CMD_KEY_ACTIVATE),
 * and every receiver holds that key as one of the sender's receive keys
 * (SHOAL_A_PEER_RX_KEYS). A peer may also be given a pairwise transmit key
 * (SHOAL_A_PEER_TX_KEY) used for unicast to that peer only. Key material
 * is write-only: no reply or notification ever carries it.
 *
 * Documentation/protocol.rst specifies the datagrams byte by byte.
 */

#ifndef _UAPI_LINUX_SHOAL_H
#define _UAPI_LINUX_SHOAL_H

#define SHOAL_FAMILY_NAME	"shoal"
#define SHOAL_FAMILY_VERSION	1
#define SHOAL_MCGRP_EVENTS	"events"

#define SHOAL_KEY_LEN		32
#define SHOAL_KEY_SLOTS		2
#define SHOAL_PEER_RX_KEYS	4

enum shoal_cipher {
	SHOAL_CIPHER_CHACHA20_POLY1305,
	SHOAL_CIPHER_AES_256_GCM,
};

enum {
	SHOAL_A_DEV_IFINDEX = 1,
	SHOAL_A_DEV_IFNAME,
	SHOAL_A_DEV_PORT,
	SHOAL_A_DEV_SENDER_ID,
	SHOAL_A_DEV_REPLAY_WINDOW,
	SHOAL_A_DEV_EPOCH_MAX_AGE,
	SHOAL_A_DEV_KEY_LIMIT,
	SHOAL_A_DEV_KEYS,
	SHOAL_A_DEV_STATS,
	SHOAL_A_DEV_PEERS,
	SHOAL_A_DEV_PEER_ID,
	SHOAL_A_DEV_PAD,
	SHOAL_A_DEV_CIPHER,

	__SHOAL_A_DEV_MAX,
	SHOAL_A_DEV_MAX = (__SHOAL_A_DEV_MAX - 1)
};

enum {
	SHOAL_A_KEY_SLOT = 1,
	SHOAL_A_KEY_ID,
	SHOAL_A_KEY_MATERIAL,
	SHOAL_A_KEY_ACTIVE,
	SHOAL_A_KEY_PACKETS,
	SHOAL_A_KEY_EPOCH,
	SHOAL_A_KEY_EXHAUSTED,
	SHOAL_A_KEY_PAIRWISE,
	SHOAL_A_KEY_PAD,

	__SHOAL_A_KEY_MAX,
	SHOAL_A_KEY_MAX = (__SHOAL_A_KEY_MAX - 1)
};

enum {
	SHOAL_A_PREFIX_FAMILY = 1,
	SHOAL_A_PREFIX_ADDR,
	SHOAL_A_PREFIX_CIDR,

	__SHOAL_A_PREFIX_MAX,
	SHOAL_A_PREFIX_MAX = (__SHOAL_A_PREFIX_MAX - 1)
};

enum {
	SHOAL_A_PEER_IFINDEX = 1,
	SHOAL_A_PEER_IFNAME,
	SHOAL_A_PEER_SENDER_ID,
	SHOAL_A_PEER_ENDPOINT_IPV4,
	SHOAL_A_PEER_ENDPOINT_IPV6,
	SHOAL_A_PEER_ENDPOINT_PORT,
	SHOAL_A_PEER_ALLOWED_IPS,
	SHOAL_A_PEER_RX_KEYS,
	SHOAL_A_PEER_TX_KEY,
	SHOAL_A_PEER_KEEPALIVE,
	SHOAL_A_PEER_RX_AGE_MS,
	SHOAL_A_PEER_STATS,
	SHOAL_A_PEER_PAD,

	__SHOAL_A_PEER_MAX,
	SHOAL_A_PEER_MAX = (__SHOAL_A_PEER_MAX - 1)
};

/*
 * Groups fan one packet out to many peers. A group matches inner
 * destinations by one prefix (SHOAL_A_GROUP_PREFIX, e.g. 239.1.0.0/16) or
 * by being the device's broadcast group (SHOAL_A_GROUP_BROADCAST); the
 * longest matching prefix wins, and groups win over the peers' allowed
 * prefixes. Its members are peers, by sender id (SHOAL_A_GROUP_MEMBERS,
 * an array of u32), or every peer of the device (SHOAL_A_GROUP_ALL_PEERS).
 */
enum {
	SHOAL_A_GROUP_IFINDEX = 1,
	SHOAL_A_GROUP_IFNAME,
	SHOAL_A_GROUP_ID,
	SHOAL_A_GROUP_PREFIX,
	SHOAL_A_GROUP_BROADCAST,
	SHOAL_A_GROUP_ALL_PEERS,
	SHOAL_A_GROUP_MEMBERS,
	SHOAL_A_GROUP_MEMBER_COUNT,
	SHOAL_A_GROUP_STATS,
	SHOAL_A_GROUP_PAD,

	__SHOAL_A_GROUP_MAX,
	SHOAL_A_GROUP_MAX = (__SHOAL_A_GROUP_MAX - 1)
};

/*
 * Counters, per device (SHOAL_A_DEV_STATS), per peer (SHOAL_A_PEER_STATS) and
 * per group (SHOAL_A_GROUP_STATS).
 * Every dropped datagram or packet is counted under exactly one reason.
 */
enum {
	SHOAL_A_STATS_RX_PACKETS = 1,
	SHOAL_A_STATS_RX_BYTES,
	SHOAL_A_STATS_TX_PACKETS,
	SHOAL_A_STATS_TX_BYTES,
	SHOAL_A_STATS_TX_ENCRYPTIONS,
	SHOAL_A_STATS_TX_GSO_BATCHES,
	SHOAL_A_STATS_TX_GSO_SEGMENTS,
	SHOAL_A_STATS_RX_KEEPALIVES,
	SHOAL_A_STATS_DROP_MALFORMED,
	SHOAL_A_STATS_DROP_UNKNOWN_SENDER,
	SHOAL_A_STATS_DROP_NO_KEY,
	SHOAL_A_STATS_DROP_EPOCH,
	SHOAL_A_STATS_DROP_REPLAY,
	SHOAL_A_STATS_DROP_AUTH,
	SHOAL_A_STATS_DROP_SOURCE,
	SHOAL_A_STATS_DROP_NO_ROUTE,
	SHOAL_A_STATS_DROP_TOO_BIG,
	SHOAL_A_STATS_DROP_TX_ERROR,
	SHOAL_A_STATS_TX_FANOUT_PACKETS,
	SHOAL_A_STATS_TX_FANOUT_COPIES,
	SHOAL_A_STATS_DROP_NOT_PAIRWISE,
	SHOAL_A_STATS_PAD,

	__SHOAL_A_STATS_MAX,
	SHOAL_A_STATS_MAX = (__SHOAL_A_STATS_MAX - 1)
};

enum {
	SHOAL_CMD_DEV_GET = 1,
	SHOAL_CMD_DEV_SET,
	SHOAL_CMD_PEER_NEW,
	SHOAL_CMD_PEER_SET,
	SHOAL_CMD_PEER_DEL,
	SHOAL_CMD_PEER_GET,
	SHOAL_CMD_KEY_SET,
	SHOAL_CMD_KEY_ACTIVATE,
	SHOAL_CMD_KEY_DEL,
	SHOAL_CMD_KEY_EXHAUSTED,
	SHOAL_CMD_GROUP_NEW,
	SHOAL_CMD_GROUP_DEL,
	SHOAL_CMD_GROUP_GET,
	SHOAL_CMD_GROUP_MEMBER_ADD,
	SHOAL_CMD_GROUP_MEMBER_DEL,

	__SHOAL_CMD_MAX,
	SHOAL_CMD_MAX = (__SHOAL_CMD_MAX - 1)
};

/* rtnetlink: IFLA_INFO_DATA attributes of link kind "shoal" */
enum {
	IFLA_SHOAL_UNSPEC,
	IFLA_SHOAL_PORT,
	IFLA_SHOAL_SENDER_ID,

	__IFLA_SHOAL_MAX,
	IFLA_SHOAL_MAX = (__IFLA_SHOAL_MAX - 1)
};

#endif /* _UAPI_LINUX_SHOAL_H */
