/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_PEERINFO_H
#define SHOAL_PEERINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "stats.h"

struct shoal_json;
struct shoal_nl;

/* A peer as SHOAL_CMD_PEER_GET reports it. */
struct shoal_peer {
	uint32_t sender_id;
	bool has_endpoint;
	bool has_tx_key;
	bool has_tx_packets;
	bool has_tx_epoch;
	bool has_keepalive;
	bool has_rx_age;
	bool has_stats;
	struct shoal_endpoint endpoint;
	struct shoal_prefix *ips;	/* allocated */
	size_t n_ips;
	uint8_t rx_keys[256 / 8];	/* a bit per key id */
	uint8_t rx_pairwise[256 / 8];	/* ... marked pairwise */
	uint8_t tx_id;
	uint16_t keepalive;
	uint64_t tx_packets;
	uint64_t tx_epoch;
	uint64_t rx_age_ms;
	struct shoal_stats stats;
};

/* The peers of one device, collected so that a retried dump prints once. */
struct shoal_peer_list {
	struct shoal_peer *peers;
	size_t n;
	size_t cap;
};

int shoal_peers_get(struct shoal_nl *nl, uint32_t ifindex, const char *ifname,
		    uint32_t sender_id, struct shoal_peer_list *l);
void shoal_peers_free(struct shoal_peer_list *l);
void shoal_peers_text(FILE *f, const char *indent,
		      const struct shoal_peer_list *l);
void shoal_peers_json(struct shoal_json *j, const char *key,
		      const struct shoal_peer_list *l);

#endif /* SHOAL_PEERINFO_H */
