// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The parsers of "shoal peer" and of key files: shoal_parse_prefix(),
 * shoal_parse_endpoint() and shoal_key_decode() on arbitrary text, each
 * checked to print back what it took, and shoal_peer_conf_parse() on
 * arbitrary argument vectors (NUL-separated input).
 */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../addr.h"
#include "../keyfile.h"
#include "../peerconf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 24

static void check_prefix(const char *s)
{
	struct shoal_prefix p, again;
	char text[SHOAL_PREFIX_STRLEN];
	size_t len, i;

	if (shoal_parse_prefix(s, &p))
		return;
	len = shoal_addr_len(p.family);
	if (!len || p.cidr > 8 * len)
		abort();
	/* Host bits are zero, so printing and parsing again changes nothing. */
	for (i = 0; i < len; i++) {
		unsigned int bits = p.cidr > 8 * i ? p.cidr - 8 * i : 0;

		if (bits < 8 && (p.addr[i] & (0xff >> bits)))
			abort();
	}
	shoal_format_prefix(text, sizeof(text), &p);
	if (shoal_parse_prefix(text, &again) || memcmp(&p, &again, sizeof(p)))
		abort();
}

static void check_endpoint(const char *s)
{
	struct shoal_endpoint ep, again;
	char text[SHOAL_ENDPOINT_STRLEN];

	if (shoal_parse_endpoint(s, &ep))
		return;
	if (ep.family != AF_INET && ep.family != AF_INET6)
		abort();
	shoal_format_endpoint(text, sizeof(text), &ep);
	if (shoal_parse_endpoint(text, &again) || memcmp(&ep, &again, sizeof(ep)))
		abort();
}

static void check_key(const char *s, size_t len)
{
	uint8_t key[SHOAL_KEY_LEN];
	char text[SHOAL_KEY_B64_LEN + 1];

	if (len >= SHOAL_KEY_LEN) {
		/* Any 32 bytes go through text and back. */
		memcpy(key, s, SHOAL_KEY_LEN);
		shoal_key_encode(text, key);
		if (strlen(text) != SHOAL_KEY_B64_LEN ||
		    shoal_key_decode(text, SHOAL_KEY_B64_LEN, key) ||
		    memcmp(key, s, SHOAL_KEY_LEN))
			abort();
	}
	/* Only canonical text decodes: encoding gives it back. */
	if (shoal_key_decode(s, len, key))
		return;
	shoal_key_encode(text, key);
	if (len != SHOAL_KEY_B64_LEN || memcmp(text, s, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum shoal_peer_mode mode;
	struct shoal_peer_conf c;
	char *buf, *argv[MAX_ARGS + 1];
	size_t i;
	int argc;

	if (size < 1)
		return 0;
	mode = data[0] % 3 == 2 ? SHOAL_PEER_FILE :
	       data[0] % 3 ? SHOAL_PEER_SET : SHOAL_PEER_ADD;
	data++;
	size--;
	buf = fuzz_text(data, size);
	if (!buf)
		return 0;

	check_key(buf, size);
	check_prefix(buf);
	check_endpoint(buf);

	argc = fuzz_argv(buf, size, argv, MAX_ARGS);
	if (!shoal_peer_conf_parse(argc, argv, mode, &c)) {
		if (!c.has_sender_id || (c.n_ips && !c.ips))
			abort();
		for (i = 0; i < c.n_rx; i++)
			if ((mode != SHOAL_PEER_SET && c.rx[i].remove) ||
			    (mode != SHOAL_PEER_FILE && c.rx[i].given_inline) ||
			    (c.rx[i].given_inline && c.rx[i].path))
				abort();
		if (mode != SHOAL_PEER_FILE && c.tx.given_inline)
			abort();
		for (i = 0; i < c.n_ips; i++)
			if (c.ips[i].cidr > 8 * shoal_addr_len(c.ips[i].family))
				abort();
	}
	shoal_peer_conf_free(&c);
	free(buf);
	return 0;
}
