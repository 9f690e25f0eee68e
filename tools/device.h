/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_DEVICE_H
#define SHOAL_DEVICE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/shoal.h>

#include "stats.h"

struct nlattr;

/* More than the kernel's SHOAL_KEY_SLOTS, for a newer kernel. */
#define SHOAL_DEV_KEYS_MAX	8

/* A transmit key slot: never its material, which the kernel keeps. */
struct shoal_dev_key {
	uint8_t slot;
	uint8_t id;
	bool active;
	bool exhausted;
	bool pairwise;
	bool has_packets;
	bool has_epoch;
	uint64_t packets;
	uint64_t epoch;
};

/* A shoal device as SHOAL_CMD_DEV_GET reports it. */
struct shoal_device {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint32_t sender_id;
	uint16_t port;
	bool has_port;
	bool has_sender_id;
	bool has_replay_window;
	bool has_epoch_max_age;
	bool has_key_limit;
	bool has_peers;
	bool has_stats;
	bool has_cipher;
	uint32_t replay_window;
	uint32_t epoch_max_age;
	uint64_t key_limit;
	uint32_t peers;
	uint32_t cipher;
	unsigned int n_keys;
	struct shoal_dev_key keys[SHOAL_DEV_KEYS_MAX];
	struct shoal_stats stats;
};

int shoal_device_parse(struct nlattr *attrs, int len, struct shoal_device *d);
const char *shoal_cipher_name(uint32_t cipher);
int shoal_cipher_parse(const char *name, uint32_t *cipher);
int shoal_dev_key_parse(struct nlattr *nest, struct shoal_dev_key *k,
		    bool *has_slot, bool *has_id);

#endif /* SHOAL_DEVICE_H */
