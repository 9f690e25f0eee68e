// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The fake kernel's groups: their lines in the state file, the group
 * commands (all or nothing, as the spec says), and the replies to a get,
 * which split a long member list over several messages as the kernel may.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fakenl.h"

#define FAKE_SPLIT_MAX	4096

static struct fake_group *fake_groups;
static size_t fake_ngroups, fake_groups_cap;
static int fake_group_intr_left = -1;

static struct fake_group *group_new(void)
{
	if (fake_ngroups == fake_groups_cap) {
		fake_groups_cap = fake_groups_cap ? 2 * fake_groups_cap : 16;
		fake_groups = realloc(fake_groups,
				      fake_groups_cap * sizeof(*fake_groups));
		if (!fake_groups)
			abort();
	}
	memset(&fake_groups[fake_ngroups], 0, sizeof(*fake_groups));
	return &fake_groups[fake_ngroups++];
}

static void group_add_member(struct fake_group *g, uint32_t id)
{
	g->members = realloc(g->members, (g->n + 1) * sizeof(*g->members));
	if (!g->members)
		abort();
	g->members[g->n++] = id;
}

static int group_has(const struct fake_group *g, uint32_t id)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->members[i] == id)
			return 1;
	return 0;
}

static struct fake_group *group_find(uint32_t ifindex, uint32_t id)
{
	size_t i;

	for (i = 0; i < fake_ngroups; i++)
		if (fake_groups[i].ifindex == ifindex && fake_groups[i].id == id)
			return &fake_groups[i];
	return NULL;
}

/* group IFINDEX ID PREFIX|broadcast ALLPEERS MEMBERS */
void load_group(char *line)
{
	char match[64], *members, *tok, *save = NULL;
	struct fake_group g = { 0 };
	int off = 0;

	if (sscanf(line, "group %u %u %63s %d %n", &g.ifindex, &g.id, match,
		   &g.all_peers, &off) < 4 || !off)
		return;
	if (!strcmp(match, "broadcast"))
		g.broadcast = 1;
	else if (parse_prefix(match, &g.prefix))
		return;
	members = line + off;
	members[strcspn(members, "\n ")] = '\0';
	if (strcmp(members, "-"))
		for (tok = strtok_r(members, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			group_add_member(&g, strtoul(tok, NULL, 10));
	*group_new() = g;
}

void save_groups(FILE *f)
{
	size_t i, k;

	for (i = 0; i < fake_ngroups; i++) {
		const struct fake_group *g = &fake_groups[i];

		fprintf(f, "group %u %u ", g->ifindex, g->id);
		if (g->broadcast)
			fputs("broadcast", f);
		else
			print_prefix(f, &g->prefix);
		fprintf(f, " %d ", g->all_peers);
		for (k = 0; k < g->n; k++)
			fprintf(f, "%s%u", k ? "," : "", g->members[k]);
		fputs(g->n ? "\n" : "-\n", f);
	}
}

void free_groups(void)
{
	size_t i;

	for (i = 0; i < fake_ngroups; i++)
		free(fake_groups[i].members);
	free(fake_groups);
	fake_groups = NULL;
	fake_ngroups = 0;
	fake_groups_cap = 0;
}

/* Replies. */

static uint32_t group_count(const struct fake_group *g)
{
	uint32_t n = 0;
	size_t i;

	if (!g->all_peers)
		return g->n;
	for (i = 0; i < fake_npeers; i++)
		n += fake_peers[i].ifindex == g->ifindex;
	return n;
}

/* A message about @g: everything if @first, members [@from, @to) anyway. */
static void put_group(struct nlmsghdr *nlh, const struct fake_group *g,
		      size_t from, size_t to, int first)
{
	uint64_t stats[SHOAL_A_STATS_MAX + 1] = { 0 };
	uint32_t nest, count;
	size_t k;

	genl_put(nlh, SHOAL_CMD_GROUP_GET);
	attr_put(nlh, SHOAL_A_GROUP_IFINDEX, &g->ifindex, 4);
	attr_put(nlh, SHOAL_A_GROUP_ID, &g->id, 4);
	if (first) {
		if (g->broadcast) {
			attr_put(nlh, SHOAL_A_GROUP_BROADCAST, NULL, 0);
		} else {
			uint16_t family = g->prefix.family;
			uint8_t cidr = g->prefix.cidr;

			nest = nest_start(nlh, SHOAL_A_GROUP_PREFIX);
			attr_put(nlh, SHOAL_A_PREFIX_FAMILY, &family, 2);
			attr_put(nlh, SHOAL_A_PREFIX_ADDR, g->prefix.addr,
				 addr_len(family));
			attr_put(nlh, SHOAL_A_PREFIX_CIDR, &cidr, 1);
			nest_end(nlh, nest);
		}
		if (g->all_peers)
			attr_put(nlh, SHOAL_A_GROUP_ALL_PEERS, NULL, 0);
		count = group_count(g);
		attr_put(nlh, SHOAL_A_GROUP_MEMBER_COUNT, &count, 4);
		/* Made up, but distinct, and the fan-out counters not zero. */
		stats[SHOAL_A_STATS_TX_PACKETS] = 10ULL * g->id * count;
		stats[SHOAL_A_STATS_TX_BYTES] = 1000ULL * g->id * count;
		stats[SHOAL_A_STATS_TX_ENCRYPTIONS] = 10ULL * g->id;
		stats[SHOAL_A_STATS_TX_FANOUT_PACKETS] = 10ULL * g->id;
		stats[SHOAL_A_STATS_TX_FANOUT_COPIES] = 10ULL * g->id * count;
		put_stats(nlh, SHOAL_A_GROUP_STATS, stats);
	}
	if (to > from) {
		nest = nest_start(nlh, SHOAL_A_GROUP_MEMBERS);
		for (k = from; k < to; k++)
			attr_put(nlh, k - from + 1, &g->members[k], 4);
		nest_end(nlh, nest);
	}
}

/* The messages of a reply: a group's first, then its continuations. */
struct fake_chunk {
	const struct fake_group *g;
	size_t from, to;
};

static struct fake_chunk *fake_chunks;

static size_t group_chunks(const struct fake_group *g, struct fake_chunk *c)
{
	size_t split = env_int("SHOAL_FAKE_GROUP_SPLIT", 1000), n = 0, from = 0;

	if (!split || split > FAKE_SPLIT_MAX)
		split = FAKE_SPLIT_MAX;
	do {
		if (c) {
			c[n].g = g;
			c[n].from = from;
			c[n].to = from + split < g->n ? from + split : g->n;
		}
		n++;
		from += split;
	} while (from < g->n);
	return n;
}

static void put_chunk_i(struct nlmsghdr *nlh, int i)
{
	const struct fake_chunk *c = &fake_chunks[i];

	put_group(nlh, c->g, c->from, c->to, !c->from);
}

static int group_dumped(const struct fake_group *g, const struct fake_dev *dev,
			const struct nlattr *idattr)
{
	return g->ifindex == dev->ifindex &&
	       (!idattr || g->id == nla_uint(idattr));
}

/* A dump of the device's groups, or of the one @idattr names. */
static void group_dump(const struct nlmsghdr *req, const struct fake_dev *dev,
		       const struct nlattr *idattr)
{
	size_t i, n = 0;

	if (idattr && !group_find(dev->ifindex, nla_uint(idattr))) {
		fake_dump_done(req, 0, ENOENT, "No such group");
		return;
	}
	for (i = 0; i < fake_ngroups; i++)
		if (group_dumped(&fake_groups[i], dev, idattr))
			n += group_chunks(&fake_groups[i], NULL);
	fake_chunks = calloc(n + 1, sizeof(*fake_chunks));
	if (!fake_chunks)
		abort();
	for (i = 0, n = 0; i < fake_ngroups; i++)
		if (group_dumped(&fake_groups[i], dev, idattr))
			n += group_chunks(&fake_groups[i], fake_chunks + n);
	fake_dump(req, n, env_int("SHOAL_FAKE_PER_MSG", 0),
		  take_intr(&fake_group_intr_left, "SHOAL_FAKE_GROUP_INTR"),
		  put_chunk_i);
	free(fake_chunks);
	fake_chunks = NULL;
}

/* Commands. */

/*
 * The entries of every members array of the request: a nest's length is
 * 16 bits, so a list past 8191 ids comes as several arrays, one list.
 */
struct fake_ids {
	uint32_t *ids;
	const struct nlattr **at;
	size_t n;
};

static int id_cmp(const void *a, const void *b, void *arg)
{
	const uint32_t *ids = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (ids[x] != ids[y])
		return ids[x] < ids[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void ids_collect(const struct nlmsghdr *req, struct fake_ids *l)
{
	const void *data = (const char *)req + NLMSG_HDRLEN + GENL_HDRLEN;
	int len = req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *nla, *entry;

	memset(l, 0, sizeof(*l));
	for_each_attr(nla, data, len) {
		if (nla_kind(nla) != SHOAL_A_GROUP_MEMBERS)
			continue;
		for_each_attr(entry, nla_payload(nla), nla_plen(nla)) {
			l->ids = realloc(l->ids, (l->n + 1) * sizeof(*l->ids));
			l->at = realloc(l->at, (l->n + 1) * sizeof(*l->at));
			if (!l->ids || !l->at)
				abort();
			l->ids[l->n] = nla_uint(entry);
			l->at[l->n++] = entry;
		}
	}
}

/*
 * Each id must be a peer of the device, listed once, and (@adding) not a
 * member of @g yet or (!@adding) one; 0, or -1 once refused.
 */
static int ids_check(const struct nlmsghdr *req, const struct fake_ids *l,
		     const struct fake_group *g, int adding)
{
	size_t *order, i;
	int ret = 0;

	order = calloc(l->n + 1, sizeof(*order));
	if (!order)
		abort();
	for (i = 0; i < l->n; i++)
		order[i] = i;
	qsort_r(order, l->n, sizeof(*order), id_cmp, l->ids);
	for (i = 1; i < l->n; i++) {
		if (l->ids[order[i]] == l->ids[order[i - 1]]) {
			fake_error(req, EINVAL, "Sender id listed twice",
				   off_of(req, l->at[order[i]]));
			ret = -1;
			goto out;
		}
	}
	for (i = 0; i < l->n; i++) {
		const char *why = NULL;
		int err = 0;

		if (adding && !peer_find(g->ifindex, l->ids[i]))
			why = "No such peer", err = ENOENT;
		else if (adding && group_has(g, l->ids[i]))
			why = "Already a member", err = EEXIST;
		else if (!adding && !group_has(g, l->ids[i]))
			why = "Not a member", err = ENOENT;
		if (why) {
			fake_error(req, err, why, off_of(req, l->at[i]));
			ret = -1;
			goto out;
		}
	}
out:
	free(order);
	return ret;
}

static void group_del_members(struct fake_group *g, const struct fake_ids *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++)
		for (k = 0; k < g->n; k++)
			if (g->members[k] == l->ids[i])
				g->members[k--] = g->members[--g->n];
}

static int group_new_checks(const struct nlmsghdr *req,
			    const struct fake_attrs *a,
			    const struct fake_dev *dev, struct fake_group *g)
{
	const struct nlattr *pfx = a->tb[SHOAL_A_GROUP_PREFIX];
	const struct nlattr *bc = a->tb[SHOAL_A_GROUP_BROADCAST];
	size_t i;

	if (pfx && bc) {
		fake_error(req, EINVAL, "Cannot specify both a prefix and broadcast",
			   off_of(req, bc));
		return -1;
	}
	if (!pfx && !bc) {
		fake_error_full(req, EINVAL, "A prefix or the broadcast flag is required",
				0, SHOAL_A_GROUP_PREFIX, 0);
		return -1;
	}
	if (a->tb[SHOAL_A_GROUP_ALL_PEERS] && a->tb[SHOAL_A_GROUP_MEMBERS]) {
		fake_error(req, EINVAL, "Cannot specify members with all-peers",
			   off_of(req, a->tb[SHOAL_A_GROUP_MEMBERS]));
		return -1;
	}
	if (pfx && prefix_from_nest(req, pfx, &g->prefix))
		return -1;
	for (i = 0; i < fake_ngroups; i++) {
		const struct fake_group *o = &fake_groups[i];

		if (o->ifindex != dev->ifindex)
			continue;
		if (o->id == g->id) {
			fake_error(req, EEXIST, "A group with this id exists",
				   off_of(req, a->tb[SHOAL_A_GROUP_ID]));
			return -1;
		}
		if (pfx && !o->broadcast && prefix_equal(&o->prefix, &g->prefix)) {
			fake_error(req, EEXIST, "A group has this prefix",
				   off_of(req, pfx));
			return -1;
		}
		if (bc && o->broadcast) {
			fake_error(req, EEXIST, "The device has a broadcast group",
				   off_of(req, bc));
			return -1;
		}
	}
	return 0;
}

void cmd_group(const struct nlmsghdr *req, uint8_t cmd, int dump,
	       const struct fake_attrs *a, const struct fake_dev *dev)
{
	const struct nlattr *idattr = a->tb[SHOAL_A_GROUP_ID];
	struct fake_group new = { 0 }, *g;
	struct fake_ids l = { 0 };
	size_t i;

	if (cmd == SHOAL_CMD_GROUP_GET) {
		if (dump)
			group_dump(req, dev, idattr);
		else
			fake_get_refused(req);
		return;
	}
	if (!idattr) {
		fake_error_full(req, EINVAL, NULL, 0, SHOAL_A_GROUP_ID, 0);
		return;
	}
	g = group_find(dev->ifindex, nla_uint(idattr));
	if (!g && cmd != SHOAL_CMD_GROUP_NEW) {
		fake_error(req, ENOENT, "No such group", off_of(req, idattr));
		return;
	}
	ids_collect(req, &l);
	switch (cmd) {
	case SHOAL_CMD_GROUP_DEL:
		free(g->members);
		*g = fake_groups[--fake_ngroups];
		fake_dirty = 1;
		fake_ack(req);
		break;
	case SHOAL_CMD_GROUP_NEW:
		new.ifindex = dev->ifindex;
		new.id = nla_uint(idattr);
		new.broadcast = !!a->tb[SHOAL_A_GROUP_BROADCAST];
		new.all_peers = !!a->tb[SHOAL_A_GROUP_ALL_PEERS];
		if (group_new_checks(req, a, dev, &new) ||
		    ids_check(req, &l, &new, 1))
			break;
		g = group_new();
		*g = new;
		for (i = 0; i < l.n; i++)
			group_add_member(g, l.ids[i]);
		fake_dirty = 1;
		fake_ack(req);
		break;
	default:
		if (!a->tb[SHOAL_A_GROUP_MEMBERS]) {
			fake_error_full(req, EINVAL, NULL, 0,
					SHOAL_A_GROUP_MEMBERS, 0);
			break;
		}
		if (g->all_peers) {
			fake_error(req, EINVAL, "Every peer is a member of an all-peers group",
				   off_of(req, idattr));
			break;
		}
		if (ids_check(req, &l, g, cmd == SHOAL_CMD_GROUP_MEMBER_ADD))
			break;
		if (cmd == SHOAL_CMD_GROUP_MEMBER_ADD)
			for (i = 0; i < l.n; i++)
				group_add_member(g, l.ids[i]);
		else
			group_del_members(g, &l);
		fake_dirty = 1;
		fake_ack(req);
	}
	free(l.ids);
	free(l.at);
}
