// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* shoal genkey: a new random key, as base64 on standard output. */

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include "keyfile.h"
#include "shoal.h"
#include "util.h"

static int shoal_genkey_main(const struct shoal_cmd *cmd, int argc,
			     char **argv)
{
	uint8_t key[SHOAL_KEY_LEN];
	char text[SHOAL_KEY_B64_LEN + 1];
	size_t got = 0;

	if (argc > 1)
		return shoal_usage_error(cmd, "unexpected argument \"%s\"",
					 argv[1]);
	/* Blocks until the kernel's pool is initialized, as a key must. */
	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			shoal_perror("getting random bytes");
			shoal_wipe(key, sizeof(key));
			return SHOAL_EXIT_FAIL;
		}
		got += n;
	}
	if (shoal_key_file_exposed(STDOUT_FILENO))
		shoal_err("warning: writing a key to a file that users other than its owner can read (umask 077 first)");
	shoal_key_encode(text, key);
	puts(text);
	shoal_wipe(key, sizeof(key));
	shoal_wipe(text, sizeof(text));
	return SHOAL_EXIT_OK;
}

const struct shoal_cmd shoal_cmd_genkey = {
	.name		= "genkey",
	.main		= shoal_genkey_main,
	.args		= "",
	.summary	= "print a new random key",
	.details	=
		"Prints 32 random bytes from getrandom(2) as base64, the form\n"
		"\"shoal key set\" and the rx-key and tx-key options of \"shoal peer\"\n"
		"read. Keep it private: write it to a file only its owner reads,\n"
		"for instance\n"
		"\n"
		"    (umask 077; shoal genkey > shoal0.key)\n",
};
