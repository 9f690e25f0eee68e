/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_STATS_H
#define SHOAL_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/shoal.h>

struct nlattr;
struct shoal_json;

/* The "stats" attribute set: the counters the kernel reported. */
struct shoal_stats {
	uint64_t val[SHOAL_A_STATS_MAX + 1];
	bool present[SHOAL_A_STATS_MAX + 1];
};

int shoal_stats_parse(struct nlattr *nest, struct shoal_stats *s);
void shoal_stats_text(FILE *f, const char *indent, const struct shoal_stats *s);
void shoal_stats_json(struct shoal_json *j, const struct shoal_stats *s);

#endif /* SHOAL_STATS_H */
