/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_SHOW_H
#define SHOAL_SHOW_H

#include <stdbool.h>
#include <stddef.h>

#include "device.h"
#include "groupinfo.h"
#include "peerinfo.h"

struct shoal_nl;

/* What shoal_show_collect() gets beside the devices. */
enum {
	SHOAL_SHOW_PEERS	= 1 << 0,
	SHOAL_SHOW_GROUPS	= 1 << 1,
};

/*
 * Devices, their peers and their groups are collected first, so that a
 * retried dump prints once and a failure prints nothing.
 */
struct shoal_show_dev {
	struct shoal_device dev;
	struct shoal_peer_list peers;
	struct shoal_group_list groups;
	bool gone;		/* deleted between the dumps */
};

struct shoal_show_list {
	struct shoal_show_dev *devs;
	size_t n;
	size_t cap;
};

int shoal_show_collect(struct shoal_nl *nl, const char *ifname,
		       unsigned int what, struct shoal_show_list *l);
void shoal_show_free(struct shoal_show_list *l);

#endif /* SHOAL_SHOW_H */
