// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * A string member of arbitrary bytes (shoal_json_string() in an array, so
 * without a key): the output must be one valid JSON string and the
 * newline that ends the document, checked here by an independent
 * validator.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8259 string, with RFC 3629 UTF-8 inside. */
static bool valid_json_string(const unsigned char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	while (i < n - 1) {
		unsigned char c = s[i];

		if (c < 0x20 || c == '"')
			return false;
		if (c == '\\') {
			if (i + 1 >= n - 1)
				return false;
			c = s[i + 1];
			if (c == 'u') {
				if (i + 5 >= n - 1 ||
				    strspn((const char *)s + i + 2,
					   "0123456789abcdefABCDEF") < 4)
					return false;
				i += 6;
			} else if (strchr("\"\\/bfnrt", c) && c) {
				i += 2;
			} else {
				return false;
			}
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		{
			unsigned int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			unsigned char lo = 0x80, hi = 0xbf;
			unsigned int k;

			if (c < 0xc2 || c > 0xf4 || i + len > n - 1)
				return false;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
			else if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
			if (s[i + 1] < lo || s[i + 1] > hi)
				return false;
			for (k = 2; k < len; k++)
				if (s[i + k] < 0x80 || s[i + k] > 0xbf)
					return false;
			i += len;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *out = NULL;
	struct shoal_json j;
	size_t outlen = 0;
	FILE *f;

	in = fuzz_text(data, size);
	if (!in)
		return 0;
	f = open_memstream(&out, &outlen);
	if (!f) {
		free(in);
		return 0;
	}
	shoal_json_init(&j, f, false);
	shoal_json_string(&j, NULL, in);
	shoal_json_finish(&j);
	fclose(f);
	if (!outlen || out[outlen - 1] != '\n' ||
	    !valid_json_string((unsigned char *)out, outlen - 1))
		abort();
	free(out);
	free(in);
	return 0;
}
