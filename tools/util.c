// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shoal.h"
#include "util.h"

/*
 * Where the input being read comes from, outermost first: a line of a
 * batch ("line 3"), then a line of a file it names ("peers.conf:12").
 */
#define SHOAL_ERR_DEPTH	4
static const char *shoal_err_where[SHOAL_ERR_DEPTH];
static unsigned int shoal_err_depth;

/* Set once standard input was claimed: it holds one key or one file. */
static bool shoal_stdin_claimed;

/**
 * shoal_err_push - name the input that later errors are about
 * @where: "FILE:LINE" or "line N", kept (not copied) until shoal_err_pop();
 *	   its text may change in between
 *
 * Contexts nest: errors print each, outermost first.
 */
void shoal_err_push(const char *where)
{
	if (shoal_err_depth < SHOAL_ERR_DEPTH)
		shoal_err_where[shoal_err_depth] = where;
	shoal_err_depth++;
}

/**
 * shoal_err_pop - forget the context of the last shoal_err_push()
 */
void shoal_err_pop(void)
{
	if (shoal_err_depth)
		shoal_err_depth--;
}

/**
 * shoal_err_begin - print the start of an error message on stderr
 *
 * "shoal: ", then the contexts set by shoal_err_push() if any.
 */
void shoal_err_begin(void)
{
	unsigned int i;

	fputs("shoal: ", stderr);
	for (i = 0; i < shoal_err_depth && i < SHOAL_ERR_DEPTH; i++)
		fprintf(stderr, "%s: ", shoal_err_where[i]);
}

/**
 * shoal_err - print "shoal: MESSAGE" on stderr
 * @fmt: printf format of the message, without a trailing newline
 */
void shoal_err(const char *fmt, ...)
{
	va_list ap;

	shoal_err_begin();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * shoal_perror - print "shoal: MESSAGE: strerror(errno)" on stderr
 * @fmt: printf format of the message
 */
void shoal_perror(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	shoal_err_begin();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	errno = saved;
}

/**
 * shoal_stdin_claim - claim standard input for a key, a file or a batch
 *
 * Standard input can only be read once, so that a key and a peer file, or
 * a batch and a member list, cannot both come from it.
 *
 * Return: 0, or -EINVAL after printing an error when it was claimed before.
 */
int shoal_stdin_claim(void)
{
	if (shoal_stdin_claimed) {
		shoal_err("standard input was already read: it holds one key or one file at most");
		return -EINVAL;
	}
	shoal_stdin_claimed = true;
	return 0;
}

/**
 * shoal_parse_u64 - parse a decimal number, strictly
 * @s: the text: digits only, no sign, blanks, base prefix or suffix
 * @max: the largest value accepted
 * @out: where the value goes on success
 *
 * strtoul() would take " -1" as ULONG_MAX and "12abc" as 12; here both are
 * errors.
 *
 * Return: 0, -EINVAL when @s is not a decimal number, -ERANGE above @max.
 */
int shoal_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = *s - '0';
		if (d > max || v > (max - d) / 10)
			goto range;
		v = v * 10 + d;
	}
	*out = v;
	return 0;

range:
	/* Still tell junk from a large number: "99999x" is not a number. */
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return -EINVAL;
	return -ERANGE;
}

/**
 * shoal_parse_num - parse a command line number, or say why not
 * @what: what the number is, for the message ("port")
 * @s: the argument
 * @max: the largest value accepted
 * @out: where the value goes on success
 *
 * Return: 0, or -EINVAL/-ERANGE after printing a usage error.
 */
int shoal_parse_num(const char *what, const char *s, uint64_t max,
		    uint64_t *out)
{
	int err = shoal_parse_u64(s, max, out);

	if (err == -EINVAL)
		shoal_err("invalid %s \"%s\": not a decimal number", what, s);
	else if (err)
		shoal_err("invalid %s \"%s\": out of range 0-%" PRIu64,
			  what, s, max);
	return err;
}

/**
 * shoal_parse_once - note a keyword that may be given once
 * @has: whether it was given before; set
 * @what: its name, for the message
 *
 * Return: 0, or -EINVAL after printing a usage error the second time.
 */
int shoal_parse_once(bool *has, const char *what)
{
	if (*has) {
		shoal_err("%s given twice", what);
		return -EINVAL;
	}
	*has = true;
	return 0;
}

/**
 * shoal_parse_ifname - check a device name given on the command line
 * @s: the argument
 *
 * Only what the kernel's policy would refuse anyway (empty, longer than
 * IFNAMSIZ - 1) is caught here, so that it is a usage error.
 *
 * Return: 0, or -EINVAL after printing a usage error.
 */
int shoal_parse_ifname(const char *s)
{
	if (!*s) {
		shoal_err("empty device name");
		return -EINVAL;
	}
	if (strlen(s) >= IFNAMSIZ) {
		shoal_err("device name \"%s\" is longer than %d bytes", s,
			  IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

/**
 * shoal_parse_dev - check the device name a command takes as argv[1]
 * @argc: argument count, argv[0] being the command or its action
 * @argv: the arguments
 *
 * Return: 0, or -EINVAL after printing a usage error.
 */
int shoal_parse_dev(int argc, char **argv)
{
	if (argc < 2) {
		shoal_err("a device name is required");
		return -EINVAL;
	}
	return shoal_parse_ifname(argv[1]);
}

/**
 * shoal_grow_full - double the room of a full array
 * @array: the array, NULL while it has no room
 * @n: the entries it holds, as many as @cap
 * @cap: the entries it has room for; raised when it grows
 * @first: the room to give an array that has none
 * @size: the size of an entry
 * @secret: copy to new room and wipe the old before freeing it, where
 *	    realloc() would leave a copy of the entries in freed memory
 *
 * The out-of-line half of shoal_grow() and shoal_grow_secret(), which
 * check for room inline: a line of text grows a byte at a time.
 *
 * Return: the array, moved; or NULL when memory ran out, leaving @array
 * and @cap as they were.
 */
void *shoal_grow_full(void *array, size_t n, size_t *cap, size_t first,
		      size_t size, bool secret)
{
	size_t room = *cap ? 2 * *cap : first;
	void *grown;

	if (!secret) {
		grown = reallocarray(array, room, size);
	} else {
		grown = calloc(room, size);
		if (grown && n) {
			memcpy(grown, array, n * size);
			explicit_bzero(array, n * size);
		}
		if (grown)
			free(array);
	}
	if (grown)
		*cap = room;
	return grown;
}

/**
 * shoal_format_u64 - write a number in decimal
 * @buf: room for 20 characters; not terminated
 * @v: the number
 *
 * By hand rather than through printf: dumps and files of thousands of
 * peers print or name a number or more for each.
 *
 * Return: the digits written.
 */
size_t shoal_format_u64(char *buf, uint64_t v)
{
	char digits[20];
	size_t n = 0, i;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = digits[n - 1 - i];
	return n;
}

/**
 * shoal_utf8_len - length of the UTF-8 sequence a string starts with
 * @s: the string
 *
 * Return: 1 to 4; 0 unless the sequence is well-formed (RFC 3629).
 */
size_t shoal_utf8_len(const unsigned char *s)
{
	unsigned int cp, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

/* Whether the UTF-8 sequence of @n bytes at @s is a C1 control character. */
bool shoal_utf8_c1(const unsigned char *s, size_t n)
{
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

/**
 * shoal_print_name - print a name that came from the kernel, for a terminal
 * @f: the stream
 * @s: the name
 *
 * Device names may hold any byte but '/', ':' and blanks, escape sequences
 * included. Control characters (C0, DEL and C1), backslashes and bytes
 * outside UTF-8 are printed as \xNN.
 */
void shoal_print_name(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = shoal_utf8_len(p), i;

		if (n == 1 && *p >= 0x20 && *p != 0x7f && *p != '\\') {
			fputc(*p++, f);
			continue;
		}
		if (n > 1 && !shoal_utf8_c1(p, n)) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		for (i = 0; i < (n ?: 1); i++)
			fprintf(f, "\\x%02x", p[i]);
		p += n ?: 1;
	}
}

/**
 * shoal_usage - print the synopsis and help of a command
 * @cmd: the command
 * @f: stdout when asked for, stderr after a usage error
 */
void shoal_usage(const struct shoal_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: shoal [OPTIONS] %s%s%s\n", cmd->name,
		*cmd->args ? " " : "", cmd->args);
	if (f != stdout)
		return;
	/* The summary is a line of "shoal help"; here, a sentence. */
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)cmd->summary[0]),
		cmd->summary + 1);
	if (cmd->details)
		fprintf(f, "\n%s", cmd->details);
}

/**
 * shoal_usage_error - report a bad command line
 * @cmd: the command
 * @fmt: printf format of what is wrong; NULL when it was already printed
 *
 * Return: SHOAL_EXIT_USAGE
 */
int shoal_usage_error(const struct shoal_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		shoal_err_begin();
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	shoal_usage(cmd, stderr);
	fprintf(stderr, "Try \"shoal %s help\".\n", cmd->name);
	return SHOAL_EXIT_USAGE;
}
