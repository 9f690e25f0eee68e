// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* shoal: configure shoal devices. Global options, then a subcommand. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/shoal.h>

#include "batch.h"
#include "shoal.h"
#include "util.h"

#ifndef SHOAL_VERSION
#define SHOAL_VERSION "unknown"
#endif

/* getopt_long() value of --force, which has no short form. */
#define SHOAL_OPT_FORCE	256

struct shoal_opts shoal_opts;

static int shoal_help_main(const struct shoal_cmd *cmd, int argc, char **argv);

static const struct shoal_cmd shoal_cmd_help = {
	.name		= "help",
	.main		= shoal_help_main,
	.args		= "[COMMAND]",
	.summary	= "show this help, or the help of COMMAND",
};

static const struct shoal_cmd *const shoal_cmds[] = {
	&shoal_cmd_show,
	&shoal_cmd_set,
	&shoal_cmd_peer,
	&shoal_cmd_group,
	&shoal_cmd_key,
	&shoal_cmd_genkey,
	&shoal_cmd_help,
};

static const struct shoal_cmd *shoal_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_cmds); i++)
		if (!strcmp(shoal_cmds[i]->name, name))
			return shoal_cmds[i];
	return NULL;
}

static void shoal_help(FILE *f)
{
	size_t i;

	fputs("Usage: shoal [OPTIONS] COMMAND [ARGS]\n"
	      "       shoal [OPTIONS] -b FILE|- [--force]\n", f);
	if (f != stdout)
		return;
	fputs("\nConfigure shoal devices: encrypted UDP tunnels that encrypt a packet once\n"
	      "and fan it out to many peers.\n\nCommands:\n", f);
	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_cmds); i++) {
		const struct shoal_cmd *c = shoal_cmds[i];
		int len;

		/* A long synopsis gets a line of its own. */
		len = fprintf(f, "  %s%s%s", c->name, *c->args ? " " : "", c->args);
		if (len > 28)
			fprintf(f, "\n%29s%s\n", "", c->summary);
		else
			fprintf(f, "%*s%s\n", 29 - len, "", c->summary);
	}
	fputs("\nOptions:\n"
	      "  -j, --json                 JSON output\n"
	      "  -p, --pretty               indented JSON output\n"
	      "  -n, --netns NAME           act in network namespace NAME\n"
	      "  -b, --batch FILE|-         run a command per line of FILE (\"-\":\n"
	      "                             standard input), over one socket\n"
	      "      --force                with -b, go on after a failing line\n"
	      "  -V, --version              print the version\n"
	      "  -h, --help                 print this help\n"
	      "\nRun \"shoal COMMAND help\" for the details of a command; see shoal(8).\n",
	      f);
}

static int shoal_help_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	const struct shoal_cmd *c;

	if (argc > 2)
		return shoal_usage_error(cmd, "unexpected argument \"%s\"",
					 argv[2]);
	if (argc == 1) {
		shoal_help(stdout);
		return SHOAL_EXIT_OK;
	}
	c = shoal_find_cmd(argv[1]);
	if (!c)
		return shoal_usage_error(cmd, "unknown command \"%s\"", argv[1]);
	shoal_usage(c, stdout);
	return SHOAL_EXIT_OK;
}

/* As "ip -n NAME" does, without remounting /sys: we only talk netlink. */
static int shoal_enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		shoal_perror("entering network namespace %s", name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* "shoal show -j" is a common slip: say so rather than look up "-j". */
static const char *shoal_misplaced_option(int argc, char **argv)
{
	static const char *const opts[] = {
		"-j", "--json", "-p", "--pretty", "-n", "--netns", "-V",
		"--version", "-b", "--batch", "--force",
	};
	size_t i;
	int a;

	for (a = 1; a < argc; a++)
		for (i = 0; i < SHOAL_ARRAY_SIZE(opts); i++)
			if (!strcmp(argv[a], opts[i]))
				return argv[a];
	return NULL;
}

static int shoal_bad_option(char **argv, int c)
{
	if (c == ':')
		shoal_err("option \"%s\" needs an argument", argv[optind - 1]);
	else if (optopt)
		shoal_err("unknown option \"-%c\"", optopt);
	else
		shoal_err("unknown option \"%s\"", argv[optind - 1]);
	shoal_help(stderr);
	fputs("Try \"shoal help\".\n", stderr);
	return SHOAL_EXIT_USAGE;
}

/**
 * shoal_run - run a command
 * @argc: number of words, at least 1
 * @argv: the command and its arguments, NULL-terminated
 * @netns: the network namespace to enter first, or NULL
 *
 * Return: the command's exit status, an enum shoal_exit.
 */
int shoal_run(int argc, char **argv, const char *netns)
{
	const struct shoal_cmd *cmd;
	const char *misplaced;

	cmd = shoal_find_cmd(argv[0]);
	if (!cmd) {
		shoal_err("unknown command \"%s\"", argv[0]);
		fputs("Try \"shoal help\".\n", stderr);
		return SHOAL_EXIT_USAGE;
	}
	if (argc > 1 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "--help")) && cmd != &shoal_cmd_help) {
		shoal_usage(cmd, stdout);
		return SHOAL_EXIT_OK;
	}
	misplaced = shoal_misplaced_option(argc, argv);
	if (misplaced)
		return shoal_usage_error(cmd, "option \"%s\" goes before the command",
					 misplaced);
	if (netns && cmd != &shoal_cmd_help && shoal_enter_netns(netns))
		return SHOAL_EXIT_FAIL;
	return cmd->main(cmd, argc, argv);
}

static int shoal_no_command(const char *why)
{
	shoal_err("%s", why);
	shoal_help(stderr);
	fputs("Try \"shoal help\".\n", stderr);
	return SHOAL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "pretty",	no_argument,		NULL, 'p' },
		{ "netns",	required_argument,	NULL, 'n' },
		{ "batch",	required_argument,	NULL, 'b' },
		{ "force",	no_argument,		NULL, SHOAL_OPT_FORCE },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char *netns = NULL, *batch = NULL;
	bool force = false;
	int c, ret;

	/* '+': options end at the command; ':': we word the errors. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpn:b:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			shoal_opts.json = true;
			break;
		case 'p':
			shoal_opts.pretty = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'b':
			batch = optarg;
			break;
		case SHOAL_OPT_FORCE:
			force = true;
			break;
		case 'V':
			printf("shoal %s (generic netlink family \"%s\" version %d)\n",
			       SHOAL_VERSION, SHOAL_FAMILY_NAME,
			       SHOAL_FAMILY_VERSION);
			return SHOAL_EXIT_OK;
		case 'h':
			shoal_help(stdout);
			return SHOAL_EXIT_OK;
		default:
			return shoal_bad_option(argv, c);
		}
	}
	argc -= optind;
	argv += optind;

	if (batch && argc)
		return shoal_no_command("a command after -b FILE: the commands are in FILE");
	if (force && !batch)
		return shoal_no_command("--force goes with -b FILE");
	if (!batch && !argc)
		return shoal_no_command("no command given");
	if (batch) {
		if (netns && shoal_enter_netns(netns))
			return SHOAL_EXIT_FAIL;
		ret = shoal_batch(batch, force);
	} else {
		ret = shoal_run(argc, argv, netns);
	}
	if (fflush(stdout) || ferror(stdout)) {
		shoal_perror("writing the output");
		return SHOAL_EXIT_FAIL;
	}
	return ret;
}
