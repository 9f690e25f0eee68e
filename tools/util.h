/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_UTIL_H
#define SHOAL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SHOAL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit status of the tool; shoal(8) documents them under EXIT STATUS. */
enum shoal_exit {
	SHOAL_EXIT_OK		= 0,	/* success */
	SHOAL_EXIT_FAIL		= 1,	/* the kernel or the system refused */
	SHOAL_EXIT_USAGE	= 2,	/* bad command line */
};

void shoal_err_push(const char *where);
void shoal_err_pop(void);
void shoal_err_begin(void);
void shoal_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void shoal_perror(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int shoal_stdin_claim(void);

int shoal_parse_u64(const char *s, uint64_t max, uint64_t *out);
int shoal_parse_num(const char *what, const char *s, uint64_t max,
		    uint64_t *out);
int shoal_parse_once(bool *has, const char *what);
int shoal_parse_ifname(const char *s);
int shoal_parse_dev(int argc, char **argv);

void *shoal_grow_full(void *array, size_t n, size_t *cap, size_t first,
		      size_t size, bool secret);

/**
 * shoal_grow - make room for one more entry at the end of an array
 * @array: the array, NULL while it has no room
 * @n: the entries it holds
 * @cap: the entries it has room for; raised when it grows
 * @first: the room to give an array that has none
 * @size: the size of an entry
 *
 * The room doubles when it runs out, so that adding entries one at a time
 * (thousands of members, peers or sender ids) copies each only a few times.
 *
 * Return: the array, moved when it grew; or NULL when memory ran out,
 * leaving @array and @cap as they were.
 */
static inline void *shoal_grow(void *array, size_t n, size_t *cap,
			       size_t first, size_t size)
{
	if (n < *cap)
		return array;
	return shoal_grow_full(array, n, cap, first, size, false);
}

/**
 * shoal_grow_secret - shoal_grow() for an array that holds keys
 * @array: the array, NULL while it has no room
 * @n: the entries it holds
 * @cap: the entries it has room for; raised when it grows
 * @first: the room to give an array that has none
 * @size: the size of an entry
 *
 * As shoal_grow(), but the old room is wiped before it is freed.
 *
 * Return: the array, moved when it grew; or NULL when memory ran out,
 * leaving @array and @cap as they were.
 */
static inline void *shoal_grow_secret(void *array, size_t n, size_t *cap,
				      size_t first, size_t size)
{
	if (n < *cap)
		return array;
	return shoal_grow_full(array, n, cap, first, size, true);
}

size_t shoal_format_u64(char *buf, uint64_t v);
size_t shoal_utf8_len(const unsigned char *s);
bool shoal_utf8_c1(const unsigned char *s, size_t n);
void shoal_print_name(FILE *f, const char *s);

#endif /* SHOAL_UTIL_H */
