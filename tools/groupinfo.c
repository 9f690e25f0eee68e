// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * Groups as the kernel reports them (the "group" attribute set): getting
 * one or dumping all of a device, and printing them as text or JSON, for
 * "shoal group show" and "shoal show".
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/shoal.h>

#include "groupinfo.h"
#include "json.h"
#include "netlink.h"
#include "spec.h"
#include "util.h"

/* Members listed in text; -j lists them all. */
#define SHOAL_GROUP_TEXT_MEMBERS	32

/* Appends the entries of every members array of a message. */
static int shoal_group_members(struct nlattr *attrs, int len,
			       struct shoal_group *g)
{
	struct nlattr *nla, *entry;
	int rem, erem;
	uint32_t *m;

	nla_for_each_attr(nla, attrs, len, rem) {
		if (nla_type(nla) != SHOAL_A_GROUP_MEMBERS)
			continue;
		nla_for_each_nested(entry, nla, erem) {
			if (nla_len(entry) != sizeof(uint32_t))
				return -EBADMSG;
			m = shoal_grow(g->members, g->n_members,
				       &g->cap_members, 64, sizeof(*m));
			if (!m)
				return -ENOMEM;
			g->members = m;
			g->members[g->n_members++] = nla_get_u32(entry);
		}
	}
	return 0;
}

/* The group a message is about: a new one, or one it continues. */
static struct shoal_group *shoal_group_slot(struct shoal_group_list *l,
					    uint32_t ifindex, uint32_t id,
					    bool *fresh)
{
	struct shoal_group *groups;
	size_t i;

	/* A long member list comes in consecutive messages: look back. */
	for (i = l->n; i > 0; i--) {
		if (l->groups[i - 1].id == id &&
		    l->groups[i - 1].ifindex == ifindex) {
			*fresh = false;
			return &l->groups[i - 1];
		}
	}
	groups = shoal_grow(l->groups, l->n, &l->cap, 16, sizeof(*groups));
	if (!groups)
		return NULL;
	l->groups = groups;
	*fresh = true;
	memset(&l->groups[l->n], 0, sizeof(l->groups[l->n]));
	l->groups[l->n].ifindex = ifindex;
	l->groups[l->n].id = id;
	return &l->groups[l->n++];
}

/*
 * A group-get reply: the group's first message has its match, flags,
 * count and counters; the ones continuing it carry ifindex, id and more
 * members only.
 */
static int shoal_groups_reply(struct nlattr *attrs, int len, void *arg)
{
	static const struct nla_policy policy[SHOAL_A_GROUP_MAX + 1] = {
		[SHOAL_A_GROUP_IFINDEX]		= { .type = NLA_U32 },
		[SHOAL_A_GROUP_ID]		= { .type = NLA_U32 },
		[SHOAL_A_GROUP_PREFIX]		= { .type = NLA_NESTED },
		[SHOAL_A_GROUP_BROADCAST]	= { .type = NLA_FLAG },
		[SHOAL_A_GROUP_ALL_PEERS]	= { .type = NLA_FLAG },
		[SHOAL_A_GROUP_MEMBERS]		= { .type = NLA_NESTED },
		[SHOAL_A_GROUP_MEMBER_COUNT]	= { .type = NLA_U32 },
		[SHOAL_A_GROUP_STATS]		= { .type = NLA_NESTED },
	};
	struct nlattr *tb[SHOAL_A_GROUP_MAX + 1];
	struct shoal_group_list *l = arg;
	struct shoal_group *g;
	uint32_t ifindex;
	bool fresh;

	if (nla_parse(tb, SHOAL_A_GROUP_MAX, attrs, len, policy) ||
	    !tb[SHOAL_A_GROUP_ID])
		return -EBADMSG;
	ifindex = tb[SHOAL_A_GROUP_IFINDEX] ?
		  nla_get_u32(tb[SHOAL_A_GROUP_IFINDEX]) : 0;
	g = shoal_group_slot(l, ifindex, nla_get_u32(tb[SHOAL_A_GROUP_ID]),
			     &fresh);
	if (!g)
		return -ENOMEM;
	if (fresh) {
		if (tb[SHOAL_A_GROUP_PREFIX]) {
			if (shoal_prefix_get(tb[SHOAL_A_GROUP_PREFIX],
					     &g->prefix))
				return -EBADMSG;
			g->has_prefix = true;
		}
		g->broadcast = tb[SHOAL_A_GROUP_BROADCAST];
		g->all_peers = tb[SHOAL_A_GROUP_ALL_PEERS];
		if (tb[SHOAL_A_GROUP_MEMBER_COUNT]) {
			g->member_count =
				nla_get_u32(tb[SHOAL_A_GROUP_MEMBER_COUNT]);
			g->has_member_count = true;
		}
		if (tb[SHOAL_A_GROUP_STATS]) {
			if (shoal_stats_parse(tb[SHOAL_A_GROUP_STATS],
					      &g->stats))
				return -EBADMSG;
			g->has_stats = true;
		}
	}
	return shoal_group_members(attrs, len, g);
}

static void shoal_groups_reset(void *arg)
{
	struct shoal_group_list *l = arg;
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->groups[i].members);
	l->n = 0;
}

/**
 * shoal_groups_free - free a list of groups
 * @l: the list, empty afterwards
 */
void shoal_groups_free(struct shoal_group_list *l)
{
	shoal_groups_reset(l);
	free(l->groups);
	memset(l, 0, sizeof(*l));
}

/**
 * shoal_groups_get - get one group of a device, or dump them all
 * @nl: an open socket
 * @ifindex: the device by index, or 0 to give @ifname
 * @ifname: the device by name, when @ifindex is 0
 * @id: the group, or 0 for every group of the device
 * @l: an empty list, which the groups are added to; free it even on error
 *
 * The messages of a group whose member list was split are merged, by
 * ifindex and id. A dump that races changes is read again (see
 * shoal_nl_send()), so the list is one consistent snapshot.
 *
 * Return: 0, or a negative errno with the details in @nl->err.
 */
int shoal_groups_get(struct shoal_nl *nl, uint32_t ifindex, const char *ifname,
		     uint32_t id, struct shoal_group_list *l)
{
	static const struct shoal_nl_get get = {
		.cmd		= SHOAL_CMD_GROUP_GET,
		.ifindex_attr	= SHOAL_A_GROUP_IFINDEX,
		.ifname_attr	= SHOAL_A_GROUP_IFNAME,
		.id_attr	= SHOAL_A_GROUP_ID,
		.attrs		= &shoal_spec_group,
		.reply		= shoal_groups_reply,
		.reset		= shoal_groups_reset,
	};

	return shoal_nl_get(nl, &get, ifindex, ifname, id, l);
}

static uint32_t shoal_group_count(const struct shoal_group *g)
{
	return g->has_member_count ? g->member_count : g->n_members;
}

static void shoal_group_text(FILE *f, const char *indent,
			     const struct shoal_group *g, bool brief)
{
	char buf[SHOAL_PREFIX_STRLEN];
	size_t i;

	fprintf(f, "%sgroup %u:", indent, g->id);
	if (g->has_prefix) {
		shoal_format_prefix(buf, sizeof(buf), &g->prefix);
		fprintf(f, " prefix %s", buf);
	}
	if (g->broadcast)
		fputs(" broadcast", f);
	if (g->all_peers)
		fputs(" all-peers", f);
	fprintf(f, " member-count %u\n", shoal_group_count(g));
	if (brief)
		return;

	/* With all-peers, the members are the device's peers. */
	if (!g->all_peers || g->n_members) {
		fprintf(f, "%s  members", indent);
		for (i = 0; i < g->n_members && i < SHOAL_GROUP_TEXT_MEMBERS; i++)
			fprintf(f, " %u", g->members[i]);
		if (i < g->n_members)
			fprintf(f, " ... (%zu more)", g->n_members - i);
		fputs(g->n_members ? "\n" : " none\n", f);
	}
	if (g->has_stats) {
		char sub[64];

		snprintf(sub, sizeof(sub), "%s  ", indent);
		shoal_stats_text(f, sub, &g->stats);
	}
}

/**
 * shoal_groups_text - print groups
 * @f: the stream
 * @indent: before each group's first line; its other lines get two more
 *	    spaces
 * @l: the groups
 * @brief: one line per group, without its members and counters
 *
 * A long member list is cut after 32 sender ids, saying how many more
 * there are.
 */
void shoal_groups_text(FILE *f, const char *indent,
		       const struct shoal_group_list *l, bool brief)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		shoal_group_text(f, indent, &l->groups[i], brief);
}

static void shoal_group_json(struct shoal_json *j, const char *ifname,
			     const struct shoal_group *g)
{
	char buf[SHOAL_PREFIX_STRLEN];
	size_t i;

	shoal_json_begin_object(j, NULL);
	shoal_json_string(j, "ifname", ifname);
	shoal_json_uint(j, "ifindex", g->ifindex);
	shoal_json_uint(j, "id", g->id);
	if (g->has_prefix) {
		shoal_format_prefix(buf, sizeof(buf), &g->prefix);
		shoal_json_string(j, "prefix", buf);
	}
	if (g->broadcast)
		shoal_json_bool(j, "broadcast", true);
	shoal_json_bool(j, "all_peers", g->all_peers);
	shoal_json_uint(j, "member_count", shoal_group_count(g));
	shoal_json_begin_array(j, "members");
	for (i = 0; i < g->n_members; i++)
		shoal_json_uint(j, NULL, g->members[i]);
	shoal_json_end_array(j);
	if (g->has_stats)
		shoal_stats_json(j, &g->stats);
	shoal_json_end_object(j);
}

/**
 * shoal_groups_json - groups as JSON objects, in the enclosing array
 * @j: the writer, inside an array
 * @ifname: the name of the groups' device
 * @l: the groups
 *
 * Every member is listed, however many.
 */
void shoal_groups_json(struct shoal_json *j, const char *ifname,
		       const struct shoal_group_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		shoal_group_json(j, ifname, &l->groups[i]);
}
