/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_KEYFILE_H
#define SHOAL_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/shoal.h>

/* A key as text: base64 of SHOAL_KEY_LEN bytes, with its one '='. */
#define SHOAL_KEY_B64_LEN	(4 * ((SHOAL_KEY_LEN + 2) / 3))

void shoal_key_encode(char out[SHOAL_KEY_B64_LEN + 1],
		      const uint8_t key[SHOAL_KEY_LEN]);
int shoal_key_decode(const char *s, size_t len, uint8_t key[SHOAL_KEY_LEN]);
int shoal_key_read(int dirfd, const char *path, uint8_t key[SHOAL_KEY_LEN]);
bool shoal_key_file_exposed(int fd);
void shoal_wipe(void *p, size_t len);

/*
 * Key files already read by one command, by path: a bulk file can name one
 * key file on thousands of lines (hosts that share a key), or a key file
 * for every peer (each sender its own key), which the cache cannot spare.
 * Paths are taken as given, relative to the one directory the command
 * reads them from.
 */
#define SHOAL_KEY_CACHE_SLOTS	4

struct shoal_key_cache {
	struct {
		char *path;
		uint8_t key[SHOAL_KEY_LEN];
	} slot[SHOAL_KEY_CACHE_SLOTS];
	unsigned int next;	/* the slot the next new path takes */
};

int shoal_key_read_cached(struct shoal_key_cache *kc, int dirfd,
			  const char *path, uint8_t key[SHOAL_KEY_LEN]);
void shoal_key_cache_clear(struct shoal_key_cache *kc);

#endif /* SHOAL_KEYFILE_H */
