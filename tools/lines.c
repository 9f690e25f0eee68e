// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * Text read a line at a time: peer files, member files and batches. A line
 * is split into words at blanks; double quotes keep blanks in a word, and
 * a word starting with '#' starts a comment. Errors about a line name it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "lines.h"
#include "util.h"

/* isspace() in the C locale, the tool's, without a call per character. */
static bool shoal_lines_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Room in @words for the word at @count and the NULL after it. */
static int shoal_lines_grow(char ***words, size_t *cap, int count)
{
	char **grown;

	if ((size_t)count + 2 <= *cap)
		return 0;
	grown = reallocarray(*words, 2 * (count + 2), sizeof(**words));
	if (!grown)
		return -ENOMEM;
	*words = grown;
	*cap = 2 * (count + 2);
	return 0;
}

/**
 * shoal_split_words - split a line into words, in place
 * @line: the line; quotes and the backslashes escaping them are removed
 * @words: a NULL-terminated array of pointers into @line, reallocated
 *	   (NULL at first) when it has no room; free() it
 * @cap: the room in @words (0 at first), kept from call to call
 * @n: set to the number of words
 *
 * Within double quotes, \" is a quote and \\ a backslash; quoted text
 * joins the word it touches, as in a shell ("a"b is ab, "" is a word).
 *
 * Return: 0, -EINVAL for an unterminated quote (after printing it), or
 * -ENOMEM.
 */
int shoal_split_words(char *line, char ***words, size_t *cap, int *n)
{
	char *in = line, *out = line;
	int count = 0;

	*n = 0;
	for (;;) {
		bool quoted = false;
		char *start;

		while (shoal_lines_blank(*in))
			in++;
		if (!*in || *in == '#')
			break;
		start = out;
		while (*in && (quoted || !shoal_lines_blank(*in))) {
			if (*in == '"') {
				quoted = !quoted;
				in++;
				continue;
			}
			if (quoted && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
				in++;
			*out++ = *in++;
		}
		if (quoted) {
			shoal_err("unterminated quote");
			return -EINVAL;
		}
		/* @out is behind @in: ending the word overwrites used text. */
		if (*in)
			in++;
		*out++ = '\0';
		if (shoal_lines_grow(words, cap, count))
			return -ENOMEM;
		(*words)[count++] = start;
	}
	if (shoal_lines_grow(words, cap, count))
		return -ENOMEM;
	(*words)[count] = NULL;
	*n = count;
	return 0;
}

/*
 * Standard input's stream buffer: it stays the stream's after the reader
 * is done, so it cannot be freed.
 */
static char shoal_lines_stdin_buf[BUFSIZ];

/**
 * shoal_lines_open - open a file to read it a line at a time
 * @r: the reader; shoal_lines_close() it whatever this returns
 * @path: the file, or "-" for standard input (see shoal_stdin_claim())
 * @numbered: name a line "line N" in errors, rather than "FILE:N"
 *
 * Return: 0; -EINVAL when standard input was read already; -EIO when the
 * file cannot be opened; -ENOMEM. All after printing why.
 */
int shoal_lines_open(struct shoal_lines *r, const char *path, bool numbered)
{
	bool in = !strcmp(path, "-");

	memset(r, 0, sizeof(*r));
	r->numbered = numbered;
	r->name = in ? "standard input" : path;
	if (numbered)
		snprintf(r->where, sizeof(r->where), "line ");
	else
		snprintf(r->where, sizeof(r->where), "%s:", r->name);
	r->where_len = strlen(r->where);
	if (in) {
		if (shoal_stdin_claim())
			return -EINVAL;
		r->f = stdin;
		r->iobuf = shoal_lines_stdin_buf;
	} else {
		r->f = fopen(path, "re");
		if (!r->f) {
			shoal_perror("opening %s", path);
			return -EIO;
		}
		r->iobuf = malloc(BUFSIZ);
		if (!r->iobuf) {
			shoal_err("reading %s: %s", path, strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	/* A line may be a key: its text must not stay in a freed buffer. */
	setvbuf(r->f, r->iobuf, _IOFBF, BUFSIZ);
	return 0;
}

/* Room in the line buffer for a byte after @len; outgrown room is wiped. */
static int shoal_lines_room(struct shoal_lines *r, size_t len)
{
	char *line = shoal_grow_secret(r->line, len, &r->size, 128, 1);

	if (!line)
		return -ENOMEM;
	r->line = line;
	return 0;
}

/*
 * getline(), but without leaving text in freed memory. Return: the line's
 * length, 0 at the end of the file or on a read error (a line it broke
 * off is not taken), or -ENOMEM.
 */
static ssize_t shoal_lines_read(struct shoal_lines *r)
{
	size_t len = 0;
	int c;

	/* The tool has one thread: no stream lock per character. */
	while ((c = getc_unlocked(r->f)) != EOF) {
		if (shoal_lines_room(r, len))
			return -ENOMEM;
		r->line[len++] = c;
		if (c == '\n')
			break;
	}
	if (ferror(r->f))
		return 0;
	if (len) {
		if (shoal_lines_room(r, len))
			return -ENOMEM;
		r->line[len] = '\0';
	}
	return len;
}

/*
 * "FILE:LINE" or "line N" for the line just read: its number after the
 * prefix shoal_lines_open() wrote, as every line of a file of thousands of
 * peers is named.
 */
static void shoal_lines_where(struct shoal_lines *r)
{
	char digits[20];
	size_t n = shoal_format_u64(digits, r->lineno);
	size_t room = sizeof(r->where) - 1 - r->where_len;

	if (n > room)
		n = room;
	memcpy(r->where + r->where_len, digits, n);
	r->where[r->where_len + n] = '\0';
}

/**
 * shoal_lines_next - read the next line that holds a word
 * @r: the reader
 * @argc: set to the number of words
 * @argv: set to the words, NULL-terminated, valid until the next call
 *
 * Errors printed until the next call or shoal_lines_close() name the line.
 *
 * Return: 1 for a line; 0 at the end; -EINVAL for a line that cannot be
 * split or holds a NUL byte (after printing why; the next call reads on);
 * -EIO when the file cannot be read, -ENOMEM (both after printing why).
 */
int shoal_lines_next(struct shoal_lines *r, int *argc, char ***argv)
{
	ssize_t len;
	int err;

	if (!r->pushed) {
		shoal_err_push(r->where);
		r->pushed = true;
	}
	for (;;) {
		len = shoal_lines_read(r);
		if (len == -ENOMEM) {
			/* No line number: it is none of the lines read. */
			shoal_err_pop();
			r->pushed = false;
			shoal_err("reading %s: %s", r->name, strerror(ENOMEM));
			return -ENOMEM;
		}
		if (!len)
			break;
		r->lineno++;
		shoal_lines_where(r);
		/* Text after a NUL would be dropped unseen. */
		if (strlen(r->line) != (size_t)len) {
			shoal_err("a NUL byte in the line");
			return -EINVAL;
		}
		err = shoal_split_words(r->line, &r->words, &r->words_cap,
					argc);
		if (err == -ENOMEM)
			shoal_err("%s", strerror(ENOMEM));
		if (err)
			return err;
		if (*argc) {
			*argv = r->words;
			return 1;
		}
	}
	shoal_err_pop();
	r->pushed = false;
	if (ferror(r->f)) {
		shoal_perror("reading %s", r->name);
		return -EIO;
	}
	return 0;
}

/**
 * shoal_lines_close - close what shoal_lines_open() opened
 * @r: the reader
 *
 * The line and stream buffers are wiped: a line may hold a key inline,
 * name a key file, or be a key put where a file name should be.
 */
void shoal_lines_close(struct shoal_lines *r)
{
	if (r->pushed)
		shoal_err_pop();
	if (r->line)
		shoal_wipe(r->line, r->size);
	free(r->line);
	free(r->words);
	if (r->f && r->f != stdin)
		fclose(r->f);
	if (r->iobuf) {
		shoal_wipe(r->iobuf, BUFSIZ);
		if (r->iobuf != shoal_lines_stdin_buf)
			free(r->iobuf);
	}
	memset(r, 0, sizeof(*r));
}
