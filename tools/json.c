// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The writer is called a few dozen times for every peer of a dump, tens of
 * thousands of peers at a time: it writes with the stdio calls that do not
 * take the stream's lock (the tool has one thread) and formats numbers
 * itself rather than through printf.
 */

#define _GNU_SOURCE
#include <inttypes.h>

#include "json.h"
#include "util.h"

static void shoal_json_put(FILE *f, const char *s, size_t n)
{
	fwrite_unlocked(s, 1, n, f);
}

static void shoal_json_puts(FILE *f, const char *s)
{
	fputs_unlocked(s, f);
}

static void shoal_json_putc(FILE *f, char c)
{
	fputc_unlocked(c, f);
}

/* @v in decimal, after @sign when that is not NUL. */
static void shoal_json_decimal(FILE *f, char sign, uint64_t v)
{
	char buf[21];
	size_t i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	if (sign)
		buf[--i] = sign;
	shoal_json_put(f, buf + i, sizeof(buf) - i);
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
	j->pretty = pretty;
	j->empty = true;
	j->depth = 0;
}

static void shoal_json_newline(struct shoal_json *j)
{
	unsigned int i;

	if (!j->pretty)
		return;
	shoal_json_putc(j->f, '\n');
	for (i = 0; i < j->depth; i++)
		shoal_json_puts(j->f, "    ");
}

/* Separator, indentation and key before any value. */
static void shoal_json_member(struct shoal_json *j, const char *key)
{
	if (!j->empty)
		fputc(',', j->f);
	if (j->depth)
		shoal_json_newline(j);
	j->empty = false;
	if (key) {
		shoal_json_escape(j->f, key);
		shoal_json_puts(j->f, j->pretty ? ": " : ":");
	}
}

/**
 * shoal_json_escape - print a string as a JSON string literal
 * @f: the stream
 * @s: the string, any bytes
 *
 * Device names are bytes, not text: a byte that is not part of valid UTF-8
 * becomes U+FFFD, so the output is always valid JSON. Control characters,
 * DEL and C1 included, are escaped, so that printing it to a terminal
 * cannot send it commands.
 */
void shoal_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	shoal_json_putc(f, '"');
	while (*p) {
		size_t n;

		/* Printable ASCII but the quote and backslash, in one go. */
		for (n = 0; p[n] >= 0x20 && p[n] < 0x7f && p[n] != '"' &&
			    p[n] != '\\'; n++)
			;
		if (n) {
			shoal_json_put(f, (const char *)p, n);
			p += n;
			continue;
		}
		n = shoal_utf8_len(p);
		if (!n) {
			shoal_json_puts(f, "\\ufffd");
			p++;
			continue;
		}
		if (shoal_utf8_c1(p, n)) {
			fprintf(f, "\\u%04x", p[1]);
			p += n;
			continue;
		}
		if (n > 1) {
			shoal_json_put(f, (const char *)p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			shoal_json_puts(f, "\\\"");
			break;
		case '\\':
			shoal_json_puts(f, "\\\\");
			break;
		case '\b':
			shoal_json_puts(f, "\\b");
			break;
		case '\f':
			shoal_json_puts(f, "\\f");
			break;
		case '\n':
			shoal_json_puts(f, "\\n");
			break;
		case '\r':
			shoal_json_puts(f, "\\r");
			break;
		case '\t':
			shoal_json_puts(f, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				shoal_json_putc(f, *p);
		}
		p++;
	}
	shoal_json_putc(f, '"');
}

static void shoal_json_open(struct shoal_json *j, const char *key, char c)
{
	shoal_json_member(j, key);
	shoal_json_putc(j->f, c);
	j->depth++;
	j->empty = true;
}

static void shoal_json_close(struct shoal_json *j, char c)
{
	j->depth--;
	if (!j->empty)
		shoal_json_newline(j);
	shoal_json_putc(j->f, c);
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
	shoal_json_escape(j->f, s);
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
	shoal_json_decimal(j->f, 0, v);
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
	shoal_json_decimal(j->f, v < 0 ? '-' : 0,
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
	fprintf(j->f, "\"0x%016" PRIx64 "\"", v);
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
	shoal_json_puts(j->f, v ? "true" : "false");
}

/**
 * shoal_json_null - a null member
 * @j: the writer
 * @key: the member's key, NULL in an array
 */
void shoal_json_null(struct shoal_json *j, const char *key)
{
	shoal_json_member(j, key);
	shoal_json_puts(j->f, "null");
}

/**
 * shoal_json_finish - end the document with a newline
 * @j: the writer, with every container closed
 */
void shoal_json_finish(struct shoal_json *j)
{
	shoal_json_putc(j->f, '\n');
}
