// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The parsers of "shoal group" and of batch lines: shoal_split_words() on
 * arbitrary text, checked against strtok() where no quote or comment can
 * change the split, and shoal_group_conf_parse() on arbitrary argument
 * vectors (NUL-separated input, the mode in the first byte), checked for
 * what a successful parse promises.
 */

#include <stdlib.h>
#include <string.h>

#include "../groupconf.h"
#include "../lines.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32
#define BLANKS " \t\r\n\v\f"

static void check_split(const char *text)
{
	char *line = strdup(text), *model = strdup(text), *w, *save = NULL;
	char **words = NULL;
	size_t cap = 0;
	int n, i;

	if (!line || !model)
		abort();
	if (!shoal_split_words(line, &words, &cap, &n)) {
		if (words[n])
			abort();
		for (i = 0; i < n; i++)
			if (words[i] < line || words[i] > line + strlen(text))
				abort();
		/* Without quotes and comments, words are what strtok() finds. */
		if (!strpbrk(text, "\"#")) {
			for (i = 0, w = strtok_r(model, BLANKS, &save); w;
			     i++, w = strtok_r(NULL, BLANKS, &save))
				if (i >= n || strcmp(w, words[i]))
					abort();
			if (i != n)
				abort();
		}
	}
	free(words);
	free(line);
	free(model);
}

static void check_group(const struct shoal_group_conf *c)
{
	size_t i;

	for (i = 0; i < c->members.n; i++)
		if (!c->members.ids[i])
			abort();
	switch (c->mode) {
	case SHOAL_GROUP_ADD:
		if (!c->has_id || c->has_prefix == c->broadcast ||
		    (c->all_peers && (c->has_members || c->file)))
			abort();
		break;
	case SHOAL_GROUP_MEMBERS:
		if (!c->has_id || c->has_prefix || c->broadcast ||
		    c->all_peers || (!c->has_members && !c->file))
			abort();
		break;
	case SHOAL_GROUP_ONE:
		if (!c->has_id || c->members.n || c->file || c->has_prefix)
			abort();
		break;
	case SHOAL_GROUP_SHOW:
		if ((c->has_id && !c->id) || c->members.n || c->file)
			abort();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 1];
	struct shoal_group_conf c;
	enum shoal_group_mode mode;
	int argc;

	if (size < 1)
		return 0;
	mode = data[0] % 4;
	buf = fuzz_text(data + 1, size - 1);
	if (!buf)
		return 0;

	check_split(buf);

	argc = fuzz_argv(buf, size - 1, argv, MAX_ARGS);
	if (!shoal_group_conf_parse(argc, argv, mode, &c))
		check_group(&c);
	shoal_group_conf_free(&c);
	free(buf);
	return 0;
}
