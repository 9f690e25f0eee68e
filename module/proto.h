/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The wire format (Documentation/protocol.rst): a 24-byte header, which is
 * the AEAD's associated data, then the ciphertext and a 16-byte tag. Also
 * the room the device reserves for them and the MTUs they imply.
 */

#ifndef _SHOAL_PROTO_H
#define _SHOAL_PROTO_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#define SHOAL_VERSION		1
#define SHOAL_TYPE_DATA		1
#define SHOAL_TYPE_VERSION	((SHOAL_VERSION << 4) | SHOAL_TYPE_DATA)

/**
 * struct shoal_hdr - header of every datagram, in network order
 * @type: version in the high nibble, type in the low one
 * @flags: none defined; must be 0
 * @key_id: which of the sender's keys protects the datagram
 * @reserved: must be 0
 * @sender_id: the sender
 * @epoch: unix seconds << 32 | random: selects the traffic key
 * @counter: AEAD nonce, unique per key
 */
struct shoal_hdr {
	u8 type;
	u8 flags;
	u8 key_id;
	u8 reserved;
	__be32 sender_id;
	__be64 epoch;
	__be64 counter;
} __packed;

#define SHOAL_HDR_LEN		sizeof(struct shoal_hdr)
#define SHOAL_TAG_LEN		16

static_assert(SHOAL_HDR_LEN == 24);

#define SHOAL_OVERHEAD_V4	(sizeof(struct iphdr) + sizeof(struct udphdr) + \
				 SHOAL_HDR_LEN + SHOAL_TAG_LEN)
#define SHOAL_OVERHEAD_V6	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + \
				 SHOAL_HDR_LEN + SHOAL_TAG_LEN)

/* Default MTU: an IPv6 underlay with a 1500-byte MTU carries it unfragmented. */
#define SHOAL_DEFAULT_MTU	(ETH_DATA_LEN - SHOAL_OVERHEAD_V6)
/* Largest inner packet whose datagram still fits an IPv4 total length. */
#define SHOAL_MAX_MTU		(IP_MAX_MTU - SHOAL_OVERHEAD_V4)

#endif /* _SHOAL_PROTO_H */
