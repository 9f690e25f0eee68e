/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_LINES_H
#define SHOAL_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Room for "FILE:LINE", the context errors about a line print. */
#define SHOAL_LINES_WHERE_MAX	(4096 + 16)

/* A file read a line at a time, each line split into words. */
struct shoal_lines {
	FILE *f;
	const char *name;	/* the file's name, or "standard input" */
	bool numbered;		/* errors say "line N" rather than "NAME:N" */
	bool pushed;		/* the error context is set */
	unsigned int lineno;
	char *line;
	size_t size;
	char *iobuf;		/* the stream's buffer, wiped at the end */
	char **words;		/* NULL-terminated, pointing into @line */
	size_t words_cap;
	char where[SHOAL_LINES_WHERE_MAX];
	size_t where_len;	/* its prefix, before the line's number */
};

int shoal_split_words(char *line, char ***words, size_t *cap, int *n);
int shoal_lines_open(struct shoal_lines *r, const char *path, bool numbered);
int shoal_lines_next(struct shoal_lines *r, int *argc, char ***argv);
void shoal_lines_close(struct shoal_lines *r);

#endif /* SHOAL_LINES_H */
