/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_GROUPCONF_H
#define SHOAL_GROUPCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct nl_msg;

/* What the words after "group ACTION DEV" may say. */
enum shoal_group_mode {
	SHOAL_GROUP_ADD,	/* group-new: everything */
	SHOAL_GROUP_MEMBERS,	/* group-member-add/del: id and members */
	SHOAL_GROUP_ONE,	/* group-del: id */
	SHOAL_GROUP_SHOW,	/* group-get: id, or nothing for a dump */
};

/* Sender ids, in the order given. */
struct shoal_id_list {
	uint32_t *ids;		/* allocated */
	size_t n;
	size_t cap;
};

/* The "group" attributes of a request. */
struct shoal_group_conf {
	uint32_t id;
	bool has_id;
	bool has_prefix;
	bool broadcast;
	bool all_peers;
	bool has_members;	/* "members" given */
	struct shoal_prefix prefix;
	struct shoal_id_list members;
	const char *file;	/* members-file until loaded, "-" for stdin */
	enum shoal_group_mode mode;
};

int shoal_id_list_parse(struct shoal_id_list *l, const char *word);
int shoal_id_list_read(struct shoal_id_list *l, const char *path);
int shoal_id_list_put(struct nl_msg *msg, int type,
		      const struct shoal_id_list *l);
size_t shoal_id_list_room(const struct shoal_id_list *l);
void shoal_id_list_free(struct shoal_id_list *l);

int shoal_group_conf_parse(int argc, char **argv, enum shoal_group_mode mode,
			   struct shoal_group_conf *c);
int shoal_group_conf_load(struct shoal_group_conf *c);
int shoal_group_conf_put(struct nl_msg *msg, const struct shoal_group_conf *c);
void shoal_group_conf_free(struct shoal_group_conf *c);

#endif /* SHOAL_GROUPCONF_H */
