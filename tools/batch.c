// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal -b FILE: a command per line of FILE, all in one process over one
 * netlink socket, for configurations that a process per command would
 * make slow (thousands of devices).
 */

#include <errno.h>
#include <stdio.h>

#include "batch.h"
#include "lines.h"
#include "netlink.h"
#include "shoal.h"
#include "util.h"

/* One line: its exit status, as the command would have exited. */
static int shoal_batch_line(int argc, char **argv)
{
	/* What would set an option for one line only is refused. */
	if (argv[0][0] == '-') {
		shoal_err("option \"%s\" on a line: options go before -b and apply to every line",
			  argv[0]);
		return SHOAL_EXIT_USAGE;
	}
	return shoal_run(argc, argv, NULL);
}

/**
 * shoal_batch - run the commands of a file
 * @path: the file, or "-" for standard input
 * @force: go on after a line fails
 *
 * A line is what follows "shoal [OPTIONS]" on a command line: the global
 * options given before -b apply to every line. Words are split at blanks,
 * double quotes keep blanks in one, '#' starts a comment. A failing line
 * names itself ("line N: ...") and stops the batch, unless @force.
 *
 * Return: SHOAL_EXIT_OK when every line succeeded, else SHOAL_EXIT_FAIL.
 */
int shoal_batch(const char *path, bool force)
{
	unsigned int lines = 0, failed = 0;
	bool fatal = false;
	struct shoal_lines r;
	int argc, ret, err;
	char **argv;

	if (shoal_lines_open(&r, path, true)) {
		shoal_lines_close(&r);
		return SHOAL_EXIT_FAIL;
	}
	shoal_nl_keep(true);
	while ((err = shoal_lines_next(&r, &argc, &argv))) {
		if (err != -EINVAL && err < 0) {
			fatal = true;
			break;
		}
		lines++;
		/* A line that cannot be split is a failing line. */
		ret = err < 0 ? SHOAL_EXIT_USAGE : shoal_batch_line(argc, argv);
		/* The output of a line is out before the next one's errors. */
		if (fflush(stdout) || ferror(stdout)) {
			shoal_perror("writing the output");
			fatal = true;
			break;
		}
		if (ret != SHOAL_EXIT_OK) {
			failed++;
			if (!force)
				break;
		}
	}
	shoal_lines_close(&r);
	shoal_nl_keep(false);
	if (failed && force && !fatal)
		shoal_err("%u of %u commands failed", failed, lines);
	return fatal || failed ? SHOAL_EXIT_FAIL : SHOAL_EXIT_OK;
}
