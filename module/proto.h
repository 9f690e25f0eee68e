/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Sizes of the wire format (Documentation/protocol.rst) that the device
 * needs to reserve room for: headroom for the outer headers, tailroom for
 * the authentication tag and an MTU that keeps datagrams within the
 * underlay's.
 */

#ifndef _SHOAL_PROTO_H
#define _SHOAL_PROTO_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#define SHOAL_HDR_LEN		24
#define SHOAL_TAG_LEN		16

#define SHOAL_OVERHEAD_V4	(sizeof(struct iphdr) + sizeof(struct udphdr) + \
				 SHOAL_HDR_LEN + SHOAL_TAG_LEN)
#define SHOAL_OVERHEAD_V6	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + \
				 SHOAL_HDR_LEN + SHOAL_TAG_LEN)

/* Default MTU: an IPv6 underlay with a 1500-byte MTU carries it unfragmented. */
#define SHOAL_DEFAULT_MTU	(ETH_DATA_LEN - SHOAL_OVERHEAD_V6)
/* Largest inner packet whose datagram still fits an IPv4 total length. */
#define SHOAL_MAX_MTU		(IP_MAX_MTU - SHOAL_OVERHEAD_V4)

#endif /* _SHOAL_PROTO_H */
