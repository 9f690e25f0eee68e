/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

/* What the harnesses make of their input: text, and argument vectors. */

#ifndef SHOAL_FUZZ_H
#define SHOAL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The input with a NUL after it, as the parsers take text; libFuzzer's
 * data has none. NULL when memory ran out; free() it.
 */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

/*
 * The @size bytes of @text split at each NUL into at most @max words, in
 * @argv and NULL after the last, as main() gets them: so that the input
 * reaches the parsers as any argument vector does.
 *
 * Return: the number of words.
 */
static inline int fuzz_argv(char *text, size_t size, char **argv, int max)
{
	size_t i;
	int argc = 0;

	argv[argc++] = text;
	for (i = 0; i < size && argc < max; i++)
		if (!text[i])
			argv[argc++] = text + i + 1;
	argv[argc] = NULL;
	return argc;
}

#endif /* SHOAL_FUZZ_H */
