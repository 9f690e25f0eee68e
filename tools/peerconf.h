/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_PEERCONF_H
#define SHOAL_PEERCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/shoal.h>

#include "addr.h"
#include "keyfile.h"

struct nl_msg;

enum shoal_peer_mode {
	SHOAL_PEER_ADD,		/* peer-new: nothing to remove */
	SHOAL_PEER_SET,		/* peer-set: keys can be removed */
	SHOAL_PEER_FILE,	/* peer-new from a peer file: keys can be inline */
};

/* A receive or pairwise key to install, or (@remove) to remove. */
struct shoal_peer_key {
	const char *path;	/* its file until loaded, "-" for stdin */
	bool remove;
	bool mark_only;		/* rx keys: no material, only a new @pairwise */
	bool pairwise;		/* rx keys: the peer's pairwise key */
	bool given_inline;	/* @material came with the options */
	uint8_t id;
	uint8_t material[SHOAL_KEY_LEN];
};

/* The "peer" attributes of a peer-new or peer-set request. */
struct shoal_peer_conf {
	uint32_t sender_id;
	bool has_sender_id;
	bool has_endpoint;
	bool has_ips;
	bool has_tx;
	bool has_keepalive;
	bool tx_remove_current;	/* "tx-key remove": look its id up */
	uint16_t keepalive;
	struct shoal_endpoint endpoint;
	struct shoal_prefix *ips;	/* allocated; NULL for none */
	size_t n_ips;
	struct shoal_peer_key *rx;	/* allocated */
	size_t n_rx;
	size_t rx_cap;
	struct shoal_peer_key tx;
};

int shoal_peer_conf_parse(int argc, char **argv, enum shoal_peer_mode mode,
			  struct shoal_peer_conf *c);
int shoal_peer_conf_load_keys(struct shoal_peer_conf *c, int dirfd,
			      struct shoal_key_cache *kc);
int shoal_peer_conf_put(struct nl_msg *msg, const struct shoal_peer_conf *c);
void shoal_peer_conf_free(struct shoal_peer_conf *c);

#endif /* SHOAL_PEERCONF_H */
