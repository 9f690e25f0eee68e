// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* Counters of a device, a peer or a group (the "stats" attribute set). */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>

#include "json.h"
#include "spec.h"
#include "stats.h"

/**
 * shoal_stats_parse - decode a stats nest
 * @nest: the nest
 * @s: filled in; counters the kernel left out are not present
 *
 * Every counter is a u64; counters of a newer kernel are ignored. The
 * nest is walked once rather than through nla_parse_nested() and a
 * policy: a dump decodes one for every peer, and that took a quarter of
 * the tool's instructions in dumping 10,000 peers.
 *
 * Return: 0, or -EBADMSG for a counter shorter than a u64.
 */
int shoal_stats_parse(struct nlattr *nest, struct shoal_stats *s)
{
	struct nlattr *a;
	int rem;

	memset(s, 0, sizeof(*s));
	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type < 1 || type >= SHOAL_A_STATS_PAD)
			continue;
		if (nla_len(a) < (int)sizeof(uint64_t))
			return -EBADMSG;
		s->val[type] = nla_get_u64(a);
		s->present[type] = true;
	}
	return 0;
}

/**
 * shoal_stats_text - print the counters that are not zero on one line
 * @f: the stream
 * @indent: printed first
 * @s: the counters
 *
 * Nothing at all when every counter is zero: a quiet device stays short.
 */
void shoal_stats_text(FILE *f, const char *indent, const struct shoal_stats *s)
{
	bool any = false;
	int i;

	for (i = 1; i < SHOAL_A_STATS_PAD; i++) {
		if (!s->present[i] || !s->val[i])
			continue;
		if (!any)
			fprintf(f, "%sstats", indent);
		fprintf(f, " %s %" PRIu64,
			shoal_spec_name(&shoal_spec_stats, i), s->val[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

/**
 * shoal_stats_json - the "stats" object member: every counter reported
 * @j: the writer, inside an object
 * @s: the counters
 */
void shoal_stats_json(struct shoal_json *j, const struct shoal_stats *s)
{
	/* Made once: a dump prints them for every peer. */
	static char keys[SHOAL_A_STATS_PAD][32];
	int i;

	if (!keys[1][0]) {
		for (i = 1; i < SHOAL_A_STATS_PAD; i++)
			shoal_spec_json_name(keys[i], sizeof(keys[i]),
					     shoal_spec_name(&shoal_spec_stats, i));
	}
	shoal_json_begin_object(j, "stats");
	for (i = 1; i < SHOAL_A_STATS_PAD; i++) {
		if (s->present[i])
			shoal_json_uint(j, keys[i], s->val[i]);
	}
	shoal_json_end_object(j);
}
