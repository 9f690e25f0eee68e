/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_GROUPINFO_H
#define SHOAL_GROUPINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "stats.h"

struct shoal_json;
struct shoal_nl;

/* A group as SHOAL_CMD_GROUP_GET reports it, its messages merged. */
struct shoal_group {
	uint32_t ifindex;
	uint32_t id;
	bool has_prefix;
	bool broadcast;
	bool all_peers;
	bool has_member_count;
	bool has_stats;
	struct shoal_prefix prefix;
	uint32_t member_count;
	uint32_t *members;	/* allocated */
	size_t n_members;
	size_t cap_members;
	struct shoal_stats stats;
};

/* The groups of one device, collected so that a retried dump prints once. */
struct shoal_group_list {
	struct shoal_group *groups;
	size_t n;
	size_t cap;
};

int shoal_groups_get(struct shoal_nl *nl, uint32_t ifindex, const char *ifname,
		     uint32_t id, struct shoal_group_list *l);
void shoal_groups_free(struct shoal_group_list *l);
void shoal_groups_text(FILE *f, const char *indent,
		       const struct shoal_group_list *l, bool brief);
void shoal_groups_json(struct shoal_json *j, const char *ifname,
		       const struct shoal_group_list *l);

#endif /* SHOAL_GROUPINFO_H */
