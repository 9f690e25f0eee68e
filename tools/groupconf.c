// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The words of "shoal group" and "shoal group member": a group's id, its
 * match, and sender ids from the command line or a file; and their
 * encoding as "group" attributes. Parsing only parses; member files are
 * read by a separate step, so that the parser can be fuzzed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "groupconf.h"
#include "lines.h"
#include "util.h"

/*
 * An attribute's length is 16 bits, so one indexed array of u32 holds
 * 8191 entries; a longer list goes in several, one after the other.
 */
#define SHOAL_ID_NEST_MAX \
	((UINT16_MAX - NLA_HDRLEN) / (NLA_HDRLEN + sizeof(uint32_t)))

static const char *const shoal_group_keywords[] = {
	"id", "prefix", "broadcast", "all-peers", "members", "members-file",
};

static int shoal_id_list_add(struct shoal_id_list *l, uint32_t id)
{
	uint32_t *ids = shoal_grow(l->ids, l->n, &l->cap, 64, sizeof(*ids));

	if (!ids) {
		shoal_err("parsing sender ids: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	l->ids = ids;
	l->ids[l->n++] = id;
	return 0;
}

static int shoal_id_parse_one(struct shoal_id_list *l, const char *s,
			      const char *word)
{
	uint64_t v;
	int err;

	if (!*s) {
		shoal_err("invalid sender ids \"%s\": empty entry in the list",
			  word);
		return -EINVAL;
	}
	err = shoal_parse_u64(s, UINT32_MAX, &v);
	if (err == -EINVAL) {
		shoal_err("invalid sender id \"%s\": not a decimal number", s);
		return -EINVAL;
	}
	if (err || !v) {
		shoal_err("invalid sender id \"%s\": out of range 1-%u", s,
			  UINT32_MAX);
		return -EINVAL;
	}
	return shoal_id_list_add(l, v);
}

/**
 * shoal_id_list_parse - add the sender ids of a word to a list
 * @l: the list
 * @word: one sender id or several separated by commas, each 1-4294967295
 *
 * Return: 0, or -EINVAL (-ENOMEM) after printing why.
 */
int shoal_id_list_parse(struct shoal_id_list *l, const char *word)
{
	char *copy = strdup(word), *start, *comma;
	int err;

	if (!copy) {
		shoal_err("parsing sender ids: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (start = copy;; start = comma + 1) {
		comma = strchr(start, ',');
		if (comma)
			*comma = '\0';
		err = shoal_id_parse_one(l, start, word);
		if (err || !comma)
			break;
	}
	free(copy);
	return err;
}

/**
 * shoal_id_list_read - add the sender ids of a file to a list
 * @l: the list
 * @path: the file, or "-" for standard input: sender ids separated by
 *	  blanks, commas or newlines; '#' starts a comment
 *
 * Return: 0; -EINVAL for a bad id or a second use of standard input;
 * -EIO when the file cannot be read; -ENOMEM. All after printing why, a
 * bad id with its file and line.
 */
int shoal_id_list_read(struct shoal_id_list *l, const char *path)
{
	struct shoal_lines r;
	int argc, i, err;
	char **argv;

	err = shoal_lines_open(&r, path, false);
	while (!err) {
		err = shoal_lines_next(&r, &argc, &argv);
		if (err <= 0)
			break;
		for (i = 0, err = 0; i < argc && !err; i++)
			err = shoal_id_list_parse(l, argv[i]);
	}
	shoal_lines_close(&r);
	return err;
}

static int shoal_id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The kernel takes a list all or nothing: a repeated id would fail it. */
static int shoal_id_list_check(const struct shoal_id_list *l)
{
	uint32_t *sorted;
	size_t i;
	int err = 0;

	if (l->n < 2)
		return 0;
	sorted = malloc(l->n * sizeof(*sorted));
	if (!sorted) {
		shoal_err("checking sender ids: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	memcpy(sorted, l->ids, l->n * sizeof(*sorted));
	qsort(sorted, l->n, sizeof(*sorted), shoal_id_cmp);
	for (i = 1; i < l->n && !err; i++) {
		if (sorted[i] == sorted[i - 1]) {
			shoal_err("sender id %u is listed twice", sorted[i]);
			err = -EINVAL;
		}
	}
	free(sorted);
	return err;
}

/**
 * shoal_id_list_put - add sender ids to a request, as indexed arrays
 * @msg: the request, with shoal_id_list_room() bytes free for the list
 * @type: the attribute type of the array
 * @l: the list, not empty
 *
 * A list past 8191 ids is split over several consecutive attributes of
 * @type, each numbering its entries from 1: a nest cannot be longer.
 *
 * Return: 0, or -ENOMEM when the message is full.
 */
int shoal_id_list_put(struct nl_msg *msg, int type,
		      const struct shoal_id_list *l)
{
	size_t i = 0, k;

	while (i < l->n) {
		struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

		if (!nest)
			return -ENOMEM;
		for (k = 0; k < SHOAL_ID_NEST_MAX && i < l->n; k++, i++)
			if (nla_put_u32(msg, k + 1, l->ids[i]))
				return -ENOMEM;
		if (nla_nest_end(msg, nest))
			return -ENOMEM;
	}
	return 0;
}

/**
 * shoal_id_list_room - bytes a list takes in a request
 * @l: the list
 */
size_t shoal_id_list_room(const struct shoal_id_list *l)
{
	return l->n * (NLA_HDRLEN + sizeof(uint32_t)) +
	       (l->n / SHOAL_ID_NEST_MAX + 1) * NLA_HDRLEN;
}

/**
 * shoal_id_list_free - free a list of sender ids
 * @l: the list, empty afterwards
 */
void shoal_id_list_free(struct shoal_id_list *l)
{
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

static bool shoal_group_is_keyword(const char *w)
{
	size_t i;

	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_group_keywords); i++)
		if (!strcmp(w, shoal_group_keywords[i]))
			return true;
	return false;
}

static bool shoal_group_allows(enum shoal_group_mode mode, const char *kw)
{
	if (!strcmp(kw, "id") || mode == SHOAL_GROUP_ADD)
		return true;
	return mode == SHOAL_GROUP_MEMBERS &&
	       (!strcmp(kw, "members") || !strcmp(kw, "members-file"));
}

static int shoal_group_value(const char *kw, const char *val)
{
	if (val)
		return 0;
	shoal_err("%s needs a value", kw);
	return -EINVAL;
}

/* One keyword and its values; returns the words used. */
static int shoal_group_option(int argc, char **argv,
			      enum shoal_group_mode mode,
			      struct shoal_group_conf *c)
{
	const char *kw = argv[0], *val = argc > 1 ? argv[1] : NULL;
	uint64_t v;
	int i;

	if (!shoal_group_is_keyword(kw) &&
	    (mode == SHOAL_GROUP_ADD || mode == SHOAL_GROUP_MEMBERS)) {
		shoal_err("unknown keyword \"%s\"", kw);
		return -EINVAL;
	}
	if (!shoal_group_is_keyword(kw) || !shoal_group_allows(mode, kw)) {
		shoal_err("unexpected argument \"%s\"", kw);
		return -EINVAL;
	}
	if (!strcmp(kw, "id")) {
		if (shoal_parse_once(&c->has_id, "group id") ||
		    shoal_group_value(kw, val) ||
		    shoal_parse_num("group id", val, UINT32_MAX, &v))
			return -EINVAL;
		c->id = v;
		return 2;
	}
	if (!strcmp(kw, "prefix")) {
		if (shoal_parse_once(&c->has_prefix, kw) ||
		    shoal_group_value(kw, val))
			return -EINVAL;
		return shoal_parse_prefix(val, &c->prefix) ?: 2;
	}
	if (!strcmp(kw, "broadcast"))
		return shoal_parse_once(&c->broadcast, kw) ?: 1;
	if (!strcmp(kw, "all-peers"))
		return shoal_parse_once(&c->all_peers, kw) ?: 1;
	if (!strcmp(kw, "members-file")) {
		if (c->file) {
			shoal_err("members-file given twice");
			return -EINVAL;
		}
		if (shoal_group_value(kw, val))
			return -EINVAL;
		c->file = val;
		return 2;
	}
	/* members ID..., up to the next keyword */
	if (shoal_parse_once(&c->has_members, kw))
		return -EINVAL;
	for (i = 1; i < argc && !shoal_group_is_keyword(argv[i]); i++)
		if (shoal_id_list_parse(&c->members, argv[i]))
			return -EINVAL;
	if (i == 1) {
		shoal_err("members needs at least one sender id");
		return -EINVAL;
	}
	return i;
}

/* What the words said as a whole, for @mode. */
static int shoal_group_conf_check(const struct shoal_group_conf *c)
{
	bool members = c->has_members || c->file;

	if (!c->has_id && c->mode != SHOAL_GROUP_SHOW) {
		shoal_err("the group's id is required: id N");
		return -EINVAL;
	}
	/* 0 asks for a dump: the kernel must refuse it, as it would. */
	if (c->has_id && !c->id && c->mode == SHOAL_GROUP_SHOW) {
		shoal_err("invalid group id \"0\": groups have ids from 1");
		return -EINVAL;
	}
	if (c->mode == SHOAL_GROUP_MEMBERS && !members) {
		shoal_err("no member given: members ID... or members-file FILE");
		return -EINVAL;
	}
	if (c->mode != SHOAL_GROUP_ADD)
		return 0;
	if (c->has_prefix && c->broadcast) {
		shoal_err("prefix and broadcast exclude each other: a group matches a prefix or is the broadcast group");
		return -EINVAL;
	}
	if (!c->has_prefix && !c->broadcast) {
		shoal_err("what the group matches is required: prefix PREFIX or broadcast");
		return -EINVAL;
	}
	if (c->all_peers && members) {
		shoal_err("all-peers and members exclude each other: with all-peers, every peer is a member");
		return -EINVAL;
	}
	return 0;
}

/**
 * shoal_group_conf_parse - parse the words after "group ACTION DEV"
 * @argc: number of words
 * @argv: the words, NULL-terminated
 * @mode: the action, which says which keywords it takes
 * @c: filled in; shoal_group_conf_free() it whatever this returns
 *
 * Keywords come in any order, each once; "members" takes the words up to
 * the next keyword. A members-file is only named here;
 * shoal_group_conf_load() reads it.
 *
 * Return: 0, or a negative errno after printing why.
 */
int shoal_group_conf_parse(int argc, char **argv, enum shoal_group_mode mode,
			   struct shoal_group_conf *c)
{
	int i = 0, used;

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	while (i < argc) {
		used = shoal_group_option(argc - i, argv + i, mode, c);
		if (used < 0)
			return used;
		i += used;
	}
	return shoal_group_conf_check(c);
}

/**
 * shoal_group_conf_load - read the members-file, and check the members
 * @c: the parsed words
 *
 * Return: 0; -EINVAL for a bad or repeated sender id, or for no sender id
 * at all to add or remove; -EIO when the file cannot be read. All after
 * printing why.
 */
int shoal_group_conf_load(struct shoal_group_conf *c)
{
	int err;

	if (c->file) {
		err = shoal_id_list_read(&c->members, c->file);
		if (err)
			return err;
		if (!c->members.n && c->mode == SHOAL_GROUP_MEMBERS) {
			shoal_err("no sender id in %s",
				  strcmp(c->file, "-") ? c->file : "standard input");
			return -EINVAL;
		}
	}
	c->file = NULL;
	return shoal_id_list_check(&c->members);
}

/**
 * shoal_group_conf_put - add a group's attributes to a request
 * @msg: the request, its device already in it, with room for the members
 *	 (shoal_id_list_room())
 * @c: the group, loaded
 *
 * Return: 0, or -ENOMEM when the message is full.
 */
int shoal_group_conf_put(struct nl_msg *msg, const struct shoal_group_conf *c)
{
	if (nla_put_u32(msg, SHOAL_A_GROUP_ID, c->id) ||
	    (c->has_prefix &&
	     shoal_prefix_put(msg, SHOAL_A_GROUP_PREFIX, &c->prefix)) ||
	    (c->broadcast && nla_put_flag(msg, SHOAL_A_GROUP_BROADCAST)) ||
	    (c->all_peers && nla_put_flag(msg, SHOAL_A_GROUP_ALL_PEERS)) ||
	    (c->members.n &&
	     shoal_id_list_put(msg, SHOAL_A_GROUP_MEMBERS, &c->members)))
		return -ENOMEM;
	return 0;
}

/**
 * shoal_group_conf_free - free a group's parsed words
 * @c: the words
 */
void shoal_group_conf_free(struct shoal_group_conf *c)
{
	shoal_id_list_free(&c->members);
	memset(c, 0, sizeof(*c));
}
