// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * Keys as text: base64 (RFC 4648, padded) of the 32 key bytes, in a file
 * or on standard input, never on the command line where ps(1) and shell
 * histories would show them. Buffers that held a key are wiped.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "util.h"

/* Enough for a key and generous blanks; more is not a key file. */
#define SHOAL_KEY_FILE_MAX	1024

static const char shoal_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * shoal_wipe - clear memory that held key material
 * @p: the memory
 * @len: its size
 *
 * Unlike memset(), not optimized away when @p is freed right after.
 */
void shoal_wipe(void *p, size_t len)
{
	explicit_bzero(p, len);
}

/**
 * shoal_key_encode - a key as base64 text
 * @out: SHOAL_KEY_B64_LEN characters and a NUL
 * @key: the key
 */
void shoal_key_encode(char out[SHOAL_KEY_B64_LEN + 1],
		      const uint8_t key[SHOAL_KEY_LEN])
{
	unsigned int i, o = 0;

	for (i = 0; i < SHOAL_KEY_LEN; i += 3) {
		uint32_t v = (uint32_t)key[i] << 16;

		if (i + 1 < SHOAL_KEY_LEN)
			v |= (uint32_t)key[i + 1] << 8;
		if (i + 2 < SHOAL_KEY_LEN)
			v |= key[i + 2];
		out[o++] = shoal_b64[v >> 18 & 63];
		out[o++] = shoal_b64[v >> 12 & 63];
		out[o++] = i + 1 < SHOAL_KEY_LEN ? shoal_b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < SHOAL_KEY_LEN ? shoal_b64[v & 63] : '=';
	}
	out[o] = '\0';
}

/* All ones when @lo <= @c <= @hi, else zero; no branch, no table. */
static int shoal_b64_range(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/*
 * The value of a base64 digit, or -1. Keys are secret: the time this takes
 * must not depend on the character, so neither branches nor a search of
 * the alphabet (whose time depends on the position found) pick the value.
 */
static int shoal_b64_value(unsigned char c)
{
	return -1 + (shoal_b64_range(c, 'A', 'Z') & (c - 'A' + 1)) +
	       (shoal_b64_range(c, 'a', 'z') & (c - 'a' + 27)) +
	       (shoal_b64_range(c, '0', '9') & (c - '0' + 53)) +
	       (shoal_b64_range(c, '+', '+') & 63) +
	       (shoal_b64_range(c, '/', '/') & 64);
}

/**
 * shoal_key_decode - a key from its base64 text
 * @s: the text, not NUL-terminated
 * @len: its length
 * @key: where the key goes; wiped on failure
 *
 * Only the canonical text of a key is taken: SHOAL_KEY_B64_LEN characters,
 * the padding there and the unused bits before it zero, so that one key
 * has one text.
 *
 * Return: 0, or -EINVAL.
 */
int shoal_key_decode(const char *s, size_t len, uint8_t key[SHOAL_KEY_LEN])
{
	unsigned int i, o = 0, n;
	int bad = 0;

	if (len != SHOAL_KEY_B64_LEN)
		goto bad;
	/* Errors are gathered in @bad, not taken as they come: see above. */
	for (i = 0; i < len; i += 4) {
		uint32_t v = 0;
		unsigned int k;

		/* Bytes this group holds: 3, or fewer in the last one. */
		n = SHOAL_KEY_LEN - o < 3 ? SHOAL_KEY_LEN - o : 3;
		for (k = 0; k < 4; k++) {
			int d = shoal_b64_value(s[i + k]);

			if (k > n)
				d = s[i + k] == '=' ? 0 : -1;
			bad |= d;
			v = v << 6 | (d & 63);
		}
		if (n < 3)
			bad |= -!!(v & ((1u << (8 * (3 - n))) - 1));
		for (k = 0; k < n; k++)
			key[o++] = v >> (16 - 8 * k);
	}
	if (bad >= 0)
		return 0;
bad:
	shoal_wipe(key, SHOAL_KEY_LEN);
	return -EINVAL;
}

/**
 * shoal_key_file_exposed - whether users other than its owner can read a file
 * @fd: the file, open
 *
 * Regular files and named pipes count; an anonymous pipe is its owner's
 * alone, and a terminal or a socket has no mode to go by.
 *
 * Return: true when the group or others may read it.
 */
bool shoal_key_file_exposed(int fd)
{
	struct stat st;

	return !fstat(fd, &st) &&
	       (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) &&
	       (st.st_mode & (S_IRGRP | S_IROTH));
}

/* Reads all of @fd, at most @size - 1 bytes; -EFBIG past that. */
static ssize_t shoal_key_slurp(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return len;
		len += n;
		if (len == size)
			return -EFBIG;
	}
}

/**
 * shoal_key_read - read a key from a file, or from standard input
 * @dirfd: where a relative @path starts (AT_FDCWD: the current directory)
 * @path: the file; "-" for standard input, which can be read once
 *	  (shoal_stdin_claim())
 * @key: where the key goes
 *
 * The file holds the key's base64 text; blanks and newlines around it are
 * ignored. Error messages never quote the file's content.
 *
 * Return: 0; -EINVAL when the content is not a key or standard input was
 * already read (a usage error); -EIO when the file cannot be read. Both
 * after printing why.
 */
int shoal_key_read(int dirfd, const char *path, uint8_t key[SHOAL_KEY_LEN])
{
	bool in = !strcmp(path, "-");
	char buf[SHOAL_KEY_FILE_MAX];
	size_t start = 0, end;
	ssize_t len;
	int fd, err = 0;

	if (in) {
		if (shoal_stdin_claim())
			return -EINVAL;
		fd = STDIN_FILENO;
	} else {
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			shoal_perror("reading key file %s", path);
			return -EIO;
		}
		if (shoal_key_file_exposed(fd))
			shoal_err("warning: key file %s can be read by users other than its owner (chmod go=)",
				  path);
	}
	len = shoal_key_slurp(fd, buf, sizeof(buf));
	if (!in)
		close(fd);
	if (len == -EFBIG) {
		shoal_err("the key in %s is longer than a key",
			  in ? "standard input" : path);
		err = -EINVAL;
		goto out;
	}
	if (len < 0) {
		errno = -len;
		shoal_perror("reading key %s", in ? "from standard input" : path);
		err = -EIO;
		goto out;
	}
	end = len;
	while (start < end && isspace((unsigned char)buf[start]))
		start++;
	while (end > start && isspace((unsigned char)buf[end - 1]))
		end--;
	if (shoal_key_decode(buf + start, end - start, key)) {
		shoal_err("the key in %s is not %d bytes of base64 (%d characters, as \"shoal genkey\" prints)",
			  in ? "standard input" : path, SHOAL_KEY_LEN,
			  SHOAL_KEY_B64_LEN);
		err = -EINVAL;
	}
out:
	shoal_wipe(buf, sizeof(buf));
	return err;
}

/**
 * shoal_key_read_cached - shoal_key_read(), once for each path
 * @kc: the keys read so far, zeroed before the first call
 * @dirfd: where a relative @path starts; the same for every call on @kc
 * @path: the file; standard input ("-") is never kept, so that naming it
 *	  twice fails as it does without the cache
 * @key: where the key goes
 *
 * The last SHOAL_KEY_CACHE_SLOTS paths are kept, with their keys.
 *
 * Return: as shoal_key_read(); -ENOMEM after printing why.
 */
int shoal_key_read_cached(struct shoal_key_cache *kc, int dirfd,
			  const char *path, uint8_t key[SHOAL_KEY_LEN])
{
	unsigned int i = kc->next % SHOAL_KEY_CACHE_SLOTS, k;
	char *copy;
	int err;

	if (!strcmp(path, "-"))
		return shoal_key_read(dirfd, path, key);
	for (k = 0; k < SHOAL_KEY_CACHE_SLOTS; k++) {
		if (kc->slot[k].path && !strcmp(kc->slot[k].path, path)) {
			memcpy(key, kc->slot[k].key, SHOAL_KEY_LEN);
			return 0;
		}
	}
	err = shoal_key_read(dirfd, path, key);
	if (err)
		return err;
	copy = strdup(path);
	if (!copy) {
		shoal_wipe(key, SHOAL_KEY_LEN);
		shoal_err("reading key file %s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	free(kc->slot[i].path);
	kc->slot[i].path = copy;
	memcpy(kc->slot[i].key, key, SHOAL_KEY_LEN);
	kc->next++;
	return 0;
}

/**
 * shoal_key_cache_clear - forget and wipe every key of a cache
 * @kc: the cache; empty again afterwards
 */
void shoal_key_cache_clear(struct shoal_key_cache *kc)
{
	unsigned int k;

	for (k = 0; k < SHOAL_KEY_CACHE_SLOTS; k++)
		free(kc->slot[k].path);
	shoal_wipe(kc, sizeof(*kc));
}
