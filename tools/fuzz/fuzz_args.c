// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The command line parsers: shoal_parse_u64() against its definition, and
 * shoal_set_parse() on arbitrary argument vectors (NUL-separated input).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../set.h"
#include "../util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 16

static void check_u64(const char *s, uint64_t max)
{
	uint64_t v = 0xdeadbeef;
	char back[32];
	const char *p;
	int err;

	err = shoal_parse_u64(s, max, &v);
	if (err) {
		if (err != -EINVAL && err != -ERANGE)
			abort();
		/* -ERANGE only for digits-only text. */
		if (err == -ERANGE && (!*s || strspn(s, "0123456789") != strlen(s)))
			abort();
		if (err == -EINVAL && *s && strspn(s, "0123456789") == strlen(s))
			abort();
		return;
	}
	if (v > max)
		abort();
	/* Printed back, it is the input without its leading zeros. */
	for (p = s; *p == '0' && p[1]; p++)
		;
	snprintf(back, sizeof(back), "%" PRIu64, v);
	if (strcmp(back, p))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 1];
	struct shoal_set_args a;
	uint64_t max = 0;
	int argc;

	if (size < sizeof(max))
		return 0;
	memcpy(&max, data, sizeof(max));
	data += sizeof(max);
	size -= sizeof(max);

	buf = fuzz_text(data, size);
	if (!buf)
		return 0;

	check_u64(buf, max);
	check_u64(buf, UINT16_MAX);
	check_u64(buf, UINT64_MAX);

	argv[0] = "set";
	argc = 1 + fuzz_argv(buf, size, argv + 1, MAX_ARGS - 1);
	if (!shoal_set_parse(argc, argv, &a)) {
		if (!a.has_port && !a.has_sender_id && !a.has_replay_window &&
		    !a.has_epoch_max_age && !a.has_key_limit)
			abort();
		if (strlen(a.ifname) >= 16 || !*a.ifname)
			abort();
	}
	free(buf);
	return 0;
}
