// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

#include <inttypes.h>

#include "json.h"

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
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
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
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

/* Length of the UTF-8 sequence at @s; 0 unless well-formed (RFC 3629). */
static size_t shoal_json_utf8_len(const unsigned char *s)
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

/**
 * shoal_json_escape - print a string as a JSON string literal
 * @f: the stream
 * @s: the string, any bytes
 *
 * Device names are bytes, not text: a byte that is not part of valid UTF-8
 * becomes U+FFFD, so the output is always valid JSON.
 */
void shoal_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n;

		/* Printable ASCII but the quote and backslash, in one go. */
		for (n = 0; p[n] >= 0x20 && p[n] < 0x80 && p[n] != '"' &&
			    p[n] != '\\'; n++)
			;
		if (n) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		n = shoal_json_utf8_len(p);
		if (!n) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
		p++;
	}
	fputc('"', f);
}

static void shoal_json_open(struct shoal_json *j, const char *key, char c)
{
	shoal_json_member(j, key);
	fputc(c, j->f);
	j->depth++;
	j->empty = true;
}

static void shoal_json_close(struct shoal_json *j, char c)
{
	j->depth--;
	if (!j->empty)
		shoal_json_newline(j);
	fputc(c, j->f);
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
	fprintf(j->f, "%" PRIu64, v);
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
	fprintf(j->f, "%" PRId64, v);
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
	fputs(v ? "true" : "false", j->f);
}

/**
 * shoal_json_null - a null member
 * @j: the writer
 * @key: the member's key, NULL in an array
 */
void shoal_json_null(struct shoal_json *j, const char *key)
{
	shoal_json_member(j, key);
	fputs("null", j->f);
}

/**
 * shoal_json_finish - end the document with a newline
 * @j: the writer, with every container closed
 */
void shoal_json_finish(struct shoal_json *j)
{
	fputc('\n', j->f);
}
