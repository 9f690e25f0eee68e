// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The writer is called a few dozen times for every peer of a dump, tens of
 * thousands of peers at a time: it gathers its text in a buffer of its own,
 * handed to stdio when full and at the end, and formats numbers itself
 * rather than through printf.
 */

#define _GNU_SOURCE
#include <string.h>

#include "json.h"
#include "util.h"

static void shoal_json_flush(struct shoal_json *j)
{
	fwrite_unlocked(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void shoal_json_put(struct shoal_json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		shoal_json_flush(j);
		if (n > sizeof(j->buf)) {
			fwrite_unlocked(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void shoal_json_puts(struct shoal_json *j, const char *s)
{
	shoal_json_put(j, s, strlen(s));
}

static void shoal_json_putc(struct shoal_json *j, char c)
{
	if (j->len == sizeof(j->buf))
		shoal_json_flush(j);
	j->buf[j->len++] = c;
}

/* @v in decimal, after @sign when that is not NUL. */
static void shoal_json_decimal(struct shoal_json *j, char sign, uint64_t v)
{
	char buf[21];
	size_t n = 0;

	if (sign)
		buf[n++] = sign;
	n += shoal_format_u64(buf + n, v);
	shoal_json_put(j, buf, n);
}

/* The low @digits hexadecimal digits of @v, in lower case. */
static void shoal_json_hexdigits(struct shoal_json *j, uint64_t v,
				 unsigned int digits)
{
	while (digits--)
		shoal_json_putc(j, "0123456789abcdef"[(v >> (4 * digits)) & 15]);
}

/* The bytes a string literal holds as they are: printable ASCII but " and \. */
static const bool shoal_json_plain[256] = {
	[0x20 ... 0x21] = true,
	[0x23 ... 0x5b] = true,
	[0x5d ... 0x7e] = true,
};

/*
 * shoal_json_escape - write a string as a JSON string literal
 * @j: the writer
 * @s: the string, any bytes
 *
 * Device names are bytes, not text: a byte that is not part of valid UTF-8
 * becomes U+FFFD, so the output is always valid JSON. Control characters,
 * DEL and C1 included, are escaped, so that printing it to a terminal
 * cannot send it commands.
 */
static void shoal_json_escape(struct shoal_json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	shoal_json_putc(j, '"');
	while (*p) {
		size_t n;

		/* Printable ASCII but the quote and backslash, in one go. */
		for (n = 0; shoal_json_plain[p[n]]; n++)
			;
		if (n) {
			shoal_json_put(j, (const char *)p, n);
			p += n;
			continue;
		}
		n = shoal_utf8_len(p);
		if (!n) {
			shoal_json_puts(j, "\\ufffd");
			p++;
			continue;
		}
		if (shoal_utf8_c1(p, n)) {
			shoal_json_put(j, "\\u00", 4);
			shoal_json_hexdigits(j, p[1], 2);
			p += n;
			continue;
		}
		if (n > 1) {
			shoal_json_put(j, (const char *)p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			shoal_json_puts(j, "\\\"");
			break;
		case '\\':
			shoal_json_puts(j, "\\\\");
			break;
		case '\b':
			shoal_json_puts(j, "\\b");
			break;
		case '\f':
			shoal_json_puts(j, "\\f");
			break;
		case '\n':
			shoal_json_puts(j, "\\n");
			break;
		case '\r':
			shoal_json_puts(j, "\\r");
			break;
		case '\t':
			shoal_json_puts(j, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				shoal_json_put(j, "\\u00", 4);
				shoal_json_hexdigits(j, *p, 2);
			} else {
				shoal_json_putc(j, *p);
			}
		}
		p++;
	}
	shoal_json_putc(j, '"');
}

/**
 * shoal_json_init - start a JSON document
 * @j: the writer
 * @f: where the document goes
 * @pretty: indent by four spaces, one member a line; otherwise compact, as
 *	    "ip -j" prints
 */
void shoal_json_init(struct shoal_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->len = 0;
	j->pretty = pretty;
	j->empty = true;
	j->depth = 0;
}

static void shoal_json_newline(struct shoal_json *j)
{
	unsigned int i;

	if (!j->pretty)
		return;
	shoal_json_putc(j, '\n');
	for (i = 0; i < j->depth; i++)
		shoal_json_put(j, "    ", 4);
}

/* Separator, indentation and key before any value. */
static void shoal_json_member(struct shoal_json *j, const char *key)
{
	if (!j->empty)
		shoal_json_putc(j, ',');
	if (j->depth)
		shoal_json_newline(j);
	j->empty = false;
	if (key) {
		shoal_json_escape(j, key);
		if (j->pretty)
			shoal_json_put(j, ": ", 2);
		else
			shoal_json_putc(j, ':');
	}
}

static void shoal_json_open(struct shoal_json *j, const char *key, char c)
{
	shoal_json_member(j, key);
	shoal_json_putc(j, c);
	j->depth++;
	j->empty = true;
}

static void shoal_json_close(struct shoal_json *j, char c)
{
	j->depth--;
	if (!j->empty)
		shoal_json_newline(j);
	shoal_json_putc(j, c);
	/* The parent now holds at least this container. */
	j->empty = false;
}

/**
 * shoal_json_begin_object - open an object
 * @j: the writer
 * @key: its key in the enclosing object, NULL in an array or at the top
 */
void shoal_json_begin_object(struct shoal_json *j, const char *key)
{
	shoal_json_open(j, key, '{');
}

/**
 * shoal_json_end_object - close the innermost object
 * @j: the writer
 */
void shoal_json_end_object(struct shoal_json *j)
{
	shoal_json_close(j, '}');
}

/**
 * shoal_json_begin_array - open an array
 * @j: the writer
 * @key: its key in the enclosing object, NULL in an array or at the top
 */
void shoal_json_begin_array(struct shoal_json *j, const char *key)
{
	shoal_json_open(j, key, '[');
}

/**
 * shoal_json_end_array - close the innermost array
 * @j: the writer
 */
void shoal_json_end_array(struct shoal_json *j)
{
	shoal_json_close(j, ']');
}

/**
 * shoal_json_string - a string member
 * @j: the writer
 * @key: the member's key, NULL in an array
 * @s: the value
 */
void shoal_json_string(struct shoal_json *j, const char *key, const char *s)
{
	shoal_json_member(j, key);
	shoal_json_escape(j, s);
}

/**
 * shoal_json_uint - an unsigned number member
 * @j: the writer
 * @key: the member's key, NULL in an array
 * @v: the value
 */
void shoal_json_uint(struct shoal_json *j, const char *key, uint64_t v)
{
	shoal_json_member(j, key);
	shoal_json_decimal(j, 0, v);
}

/**
 * shoal_json_int - a signed number member
 * @j: the writer
 * @key: the member's key, NULL in an array
 * @v: the value
 */
void shoal_json_int(struct shoal_json *j, const char *key, int64_t v)
{
	shoal_json_member(j, key);
	/* The magnitude of INT64_MIN is only a uint64_t. */
	shoal_json_decimal(j, v < 0 ? '-' : 0,
			   v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/**
 * shoal_json_hex - a 64-bit identifier as a "0x%016x" string member
 * @j: the writer
 * @key: the member's key, NULL in an array
 * @v: the value
 *
 * A string, because JSON readers that hold numbers as doubles would lose
 * the low bits of values past 2^53.
 */
void shoal_json_hex(struct shoal_json *j, const char *key, uint64_t v)
{
	shoal_json_member(j, key);
	shoal_json_put(j, "\"0x", 3);
	shoal_json_hexdigits(j, v, 16);
	shoal_json_putc(j, '"');
}

/**
 * shoal_json_bool - a boolean member
 * @j: the writer
 * @key: the member's key, NULL in an array
 * @v: the value
 */
void shoal_json_bool(struct shoal_json *j, const char *key, bool v)
{
	shoal_json_member(j, key);
	shoal_json_puts(j, v ? "true" : "false");
}

/**
 * shoal_json_null - a null member
 * @j: the writer
 * @key: the member's key, NULL in an array
 */
void shoal_json_null(struct shoal_json *j, const char *key)
{
	shoal_json_member(j, key);
	shoal_json_put(j, "null", 4);
}

/**
 * shoal_json_finish - end the document with a newline
 * @j: the writer, with every container closed
 *
 * Nothing reaches the stream before this: the writer's buffer goes to it
 * here (the stream's own buffering and errors are the caller's).
 */
void shoal_json_finish(struct shoal_json *j)
{
	shoal_json_putc(j, '\n');
	shoal_json_flush(j);
}
