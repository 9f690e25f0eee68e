/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_SHOAL_H
#define SHOAL_SHOAL_H

#include <stdbool.h>
#include <stdio.h>

/* A subcommand; shoal.c dispatches on @name. */
struct shoal_cmd {
	const char *name;
	/* argv[0] is the command's name; returns an enum shoal_exit. */
	int (*main)(const struct shoal_cmd *cmd, int argc, char **argv);
	const char *args;	/* its synopsis after the name */
	const char *summary;	/* one line for "shoal help" */
	const char *details;	/* more for "shoal COMMAND help"; may be NULL */
};

/* The global options, given before the command. */
struct shoal_opts {
	bool json;
	bool pretty;
};

extern struct shoal_opts shoal_opts;

extern const struct shoal_cmd shoal_cmd_genkey;
extern const struct shoal_cmd shoal_cmd_group;
extern const struct shoal_cmd shoal_cmd_key;
extern const struct shoal_cmd shoal_cmd_peer;
extern const struct shoal_cmd shoal_cmd_set;
extern const struct shoal_cmd shoal_cmd_show;

int shoal_run(int argc, char **argv, const char *netns);
void shoal_usage(const struct shoal_cmd *cmd, FILE *f);
int shoal_usage_error(const struct shoal_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* SHOAL_SHOAL_H */
