/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_SET_H
#define SHOAL_SET_H

#include <stdbool.h>
#include <stdint.h>

/* What "shoal set" was asked to change. */
struct shoal_set_args {
	const char *ifname;
	uint32_t sender_id;
	uint16_t port;
	uint32_t replay_window;
	uint32_t epoch_max_age;
	uint64_t key_limit;
	uint32_t cipher;
	bool has_port;
	bool has_sender_id;
	bool has_replay_window;
	bool has_epoch_max_age;
	bool has_key_limit;
	bool has_cipher;
};

int shoal_set_parse(int argc, char **argv, struct shoal_set_args *a);

#endif /* SHOAL_SET_H */
