// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The options of "shoal peer add" and "shoal peer set", from the command
 * line or a line of a bulk file, and their encoding as "peer" attributes.
 * Parsing only parses; key files are read by a separate step, so that the
 * parser can be fuzzed.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "keyfile.h"
#include "peerconf.h"
#include "util.h"

static int shoal_peer_num(const char *what, const char *val, uint64_t max,
			  uint64_t *out)
{
	if (!val) {
		shoal_err("%s needs a value", what);
		return -EINVAL;
	}
	return shoal_parse_num(what, val, max, out);
}

/*
 * "ID FILE|-", "ID inline KEY" (in a peer file) or, when @mode allows it,
 * "ID remove"; returns the words used.
 */
static int shoal_peer_key_arg(char **argv, const char *kw,
			      enum shoal_peer_mode mode,
			      struct shoal_peer_key *k)
{
	uint64_t id;

	if (shoal_peer_num(kw, argv[0], UINT8_MAX, &id))
		return -EINVAL;
	k->id = id;
	if (!argv[1]) {
		shoal_err("%s %s needs a key file, or \"-\" for standard input",
			  kw, argv[0]);
		return -EINVAL;
	}
	if (!strcmp(argv[1], "remove")) {
		if (mode != SHOAL_PEER_SET) {
			shoal_err("%s %s remove: a new peer has no key to remove",
				  kw, argv[0]);
			return -EINVAL;
		}
		k->remove = true;
		return 2;
	}
	if (strcmp(argv[1], "inline")) {
		k->path = argv[1];
		return 2;
	}
	/* Never on the command line, where ps(1) and histories show it. */
	if (mode != SHOAL_PEER_FILE) {
		shoal_err("%s %s inline: a key is written inline only in a peer file (peer add --file); here, give its file",
			  kw, argv[0]);
		return -EINVAL;
	}
	/* The message does not quote the text: it may be a key, mistyped. */
	if (!argv[2] || shoal_key_decode(argv[2], strlen(argv[2]),
					 k->material)) {
		shoal_err("%s %s inline needs a key: %d bytes of base64 (%d characters, as \"shoal genkey\" prints)",
			  kw, argv[0], SHOAL_KEY_LEN, SHOAL_KEY_B64_LEN);
		return -EINVAL;
	}
	k->given_inline = true;
	return 3;
}

static int shoal_peer_rx_key(char **argv, enum shoal_peer_mode mode,
			     struct shoal_peer_conf *c)
{
	struct shoal_peer_key k = { 0 }, *rx;
	size_t i;
	int used;

	if (argv[0] && argv[1] && !strcmp(argv[1], "pairwise")) {
		/* "ID pairwise on|off": a new mark for an installed key. */
		if (mode != SHOAL_PEER_SET || !argv[2] ||
		    (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
			shoal_err("rx-key %s pairwise: \"on\" or \"off\", for a key the peer has",
				  argv[0]);
			return -EINVAL;
		}
		used = shoal_peer_key_arg(argv, "rx-key", mode, &k);
		if (used < 0)
			return used;
		k.path = NULL;
		k.mark_only = true;
		k.pairwise = !strcmp(argv[2], "on");
		used = 3;
	} else {
		used = shoal_peer_key_arg(argv, "rx-key", mode, &k);
		if (used < 0)
			return used;
		/* "ID FILE pairwise": a new key, marked. */
		if (!k.remove && argv[used] && !strcmp(argv[used], "pairwise")) {
			k.pairwise = true;
			used++;
		}
	}
	for (i = 0; i < c->n_rx; i++) {
		if (c->rx[i].id == k.id) {
			shoal_err("rx-key %u given twice", k.id);
			used = -EINVAL;
			goto out;
		}
	}
	rx = shoal_grow_secret(c->rx, c->n_rx, &c->rx_cap, 2, sizeof(*rx));
	if (!rx) {
		shoal_err("parsing rx-key: %s", strerror(ENOMEM));
		used = -ENOMEM;
		goto out;
	}
	c->rx = rx;
	c->rx[c->n_rx++] = k;
out:
	shoal_wipe(&k, sizeof(k));	/* an inline key */
	return used;
}

static int shoal_peer_tx_key(char **argv, enum shoal_peer_mode mode,
			     struct shoal_peer_conf *c)
{
	if (shoal_parse_once(&c->has_tx, "tx-key"))
		return -EINVAL;
	if (argv[0] && !strcmp(argv[0], "remove")) {
		if (mode != SHOAL_PEER_SET) {
			shoal_err("tx-key remove: a new peer has no key to remove");
			return -EINVAL;
		}
		c->tx_remove_current = true;
		return 1;
	}
	return shoal_peer_key_arg(argv, "tx-key", mode, &c->tx);
}

/* One keyword and its values; returns the words used. */
static int shoal_peer_option(char **argv, enum shoal_peer_mode mode,
			     struct shoal_peer_conf *c)
{
	const char *kw = argv[0], *val = argv[1];
	uint64_t v;

	if (!strcmp(kw, "id") || !strcmp(kw, "sender-id")) {
		if (shoal_parse_once(&c->has_sender_id, "sender id") ||
		    shoal_peer_num("sender id", val, UINT32_MAX, &v))
			return -EINVAL;
		c->sender_id = v;
		return 2;
	}
	if (!strcmp(kw, "endpoint")) {
		if (shoal_parse_once(&c->has_endpoint, "endpoint"))
			return -EINVAL;
		if (!val) {
			shoal_err("endpoint needs a value");
			return -EINVAL;
		}
		return shoal_parse_endpoint(val, &c->endpoint) ?: 2;
	}
	if (!strcmp(kw, "allowed-ips")) {
		if (shoal_parse_once(&c->has_ips, "allowed-ips"))
			return -EINVAL;
		if (!val) {
			shoal_err("allowed-ips needs a value");
			return -EINVAL;
		}
		return shoal_parse_prefixes(val, &c->ips, &c->n_ips) ?: 2;
	}
	if (!strcmp(kw, "keepalive")) {
		if (shoal_parse_once(&c->has_keepalive, "keepalive") ||
		    shoal_peer_num("keepalive", val, UINT16_MAX, &v))
			return -EINVAL;
		c->keepalive = v;
		return 2;
	}
	if (!strcmp(kw, "rx-key") || !strcmp(kw, "tx-key")) {
		int used = kw[0] == 'r' ? shoal_peer_rx_key(argv + 1, mode, c) :
					  shoal_peer_tx_key(argv + 1, mode, c);

		return used < 0 ? used : used + 1;
	}
	shoal_err("unknown keyword \"%s\"", kw);
	return -EINVAL;
}

/**
 * shoal_peer_conf_parse - parse the options of a peer
 * @argc: number of words
 * @argv: the words after DEV, NULL-terminated
 * @mode: whether keys may be removed
 * @c: filled in; shoal_peer_conf_free() it whatever this returns
 *
 * Keywords come in any order, each once except rx-key (once per id).
 * Key files are only named here; shoal_peer_conf_load_keys() reads them.
 * A key written inline (SHOAL_PEER_FILE only) is decoded here.
 *
 * Return: 0, or a negative errno after printing why.
 */
int shoal_peer_conf_parse(int argc, char **argv, enum shoal_peer_mode mode,
			  struct shoal_peer_conf *c)
{
	int i = 0, used;

	memset(c, 0, sizeof(*c));
	while (i < argc) {
		used = shoal_peer_option(argv + i, mode, c);
		if (used < 0)
			return used;
		i += used;
	}
	if (!c->has_sender_id) {
		shoal_err("the peer's sender id is required: id N");
		return -EINVAL;
	}
	for (i = 0, used = 0; i < (int)c->n_rx; i++)
		used += c->rx[i].path && !strcmp(c->rx[i].path, "-");
	used += c->has_tx && c->tx.path && !strcmp(c->tx.path, "-");
	if (used > 1) {
		shoal_err("only one key can be read from standard input");
		return -EINVAL;
	}
	if (mode == SHOAL_PEER_SET && !c->has_endpoint && !c->has_ips &&
	    !c->has_tx && !c->has_keepalive && !c->n_rx) {
		shoal_err("nothing to change: give endpoint, allowed-ips, rx-key, tx-key or keepalive");
		return -EINVAL;
	}
	return 0;
}

/**
 * shoal_peer_conf_load_keys - read the key files a peer's options name
 * @c: the options
 * @dirfd: where relative paths start
 * @kc: the keys the command has read so far (shoal_key_read_cached())
 *
 * Return: 0; -EINVAL for a usage error (a bad key, stdin twice); -EIO when
 * a file cannot be read; -ENOMEM. All after printing why.
 */
int shoal_peer_conf_load_keys(struct shoal_peer_conf *c, int dirfd,
			      struct shoal_key_cache *kc)
{
	size_t i;
	int err;

	for (i = 0; i < c->n_rx; i++) {
		if (c->rx[i].path) {
			err = shoal_key_read_cached(kc, dirfd, c->rx[i].path,
						    c->rx[i].material);
			if (err)
				return err;
		}
		c->rx[i].path = NULL;
	}
	if (c->has_tx && c->tx.path) {
		err = shoal_key_read_cached(kc, dirfd, c->tx.path,
					    c->tx.material);
		if (err)
			return err;
	}
	c->tx.path = NULL;
	return 0;
}

static int shoal_peer_key_put(struct nl_msg *msg, int type,
			      const struct shoal_peer_key *k)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

	if (!nest || nla_put_u8(msg, SHOAL_A_KEY_ID, k->id) ||
	    (!k->remove && !k->mark_only &&
	     nla_put(msg, SHOAL_A_KEY_MATERIAL, SHOAL_KEY_LEN, k->material)) ||
	    ((k->mark_only || (!k->remove && k->pairwise)) &&
	     nla_put_u8(msg, SHOAL_A_KEY_PAIRWISE, k->pairwise)))
		return -ENOMEM;
	return nla_nest_end(msg, nest) ? -ENOMEM : 0;
}

static int shoal_peer_ips_put(struct nl_msg *msg,
			      const struct shoal_peer_conf *c)
{
	struct nlattr *list;
	size_t i;

	/* libnl drops an empty nest, which here means "clear the list". */
	if (!c->n_ips)
		return nla_put(msg, SHOAL_A_PEER_ALLOWED_IPS | NLA_F_NESTED, 0,
			       NULL) ? -ENOMEM : 0;
	list = nla_nest_start(msg, SHOAL_A_PEER_ALLOWED_IPS | NLA_F_NESTED);
	if (!list)
		return -ENOMEM;
	/* Indexed array: entries are numbered from 1. */
	for (i = 0; i < c->n_ips; i++)
		if (shoal_prefix_put(msg, i + 1, &c->ips[i]))
			return -ENOMEM;
	/* Past 64 KiB libnl takes the list out again, and says so. */
	return nla_nest_end(msg, list) ? -ENOMEM : 0;
}

/**
 * shoal_peer_conf_put - add a peer's options to a request
 * @msg: the request, its device already in it
 * @c: the options, keys loaded
 *
 * Return: 0, or -ENOMEM when the message is full.
 */
int shoal_peer_conf_put(struct nl_msg *msg, const struct shoal_peer_conf *c)
{
	const struct shoal_endpoint *ep = &c->endpoint;
	size_t i;

	if (nla_put_u32(msg, SHOAL_A_PEER_SENDER_ID, c->sender_id))
		return -ENOMEM;
	if (c->has_endpoint &&
	    (nla_put(msg, ep->family == AF_INET6 ? SHOAL_A_PEER_ENDPOINT_IPV6 :
			  SHOAL_A_PEER_ENDPOINT_IPV4,
		     shoal_addr_len(ep->family), ep->addr) ||
	     nla_put_u16(msg, SHOAL_A_PEER_ENDPOINT_PORT, ep->port)))
		return -ENOMEM;
	if (c->has_ips && shoal_peer_ips_put(msg, c))
		return -ENOMEM;
	if (c->n_rx) {
		struct nlattr *list = nla_nest_start(msg, SHOAL_A_PEER_RX_KEYS |
						     NLA_F_NESTED);

		if (!list)
			return -ENOMEM;
		for (i = 0; i < c->n_rx; i++)
			if (shoal_peer_key_put(msg, i + 1, &c->rx[i]))
				return -ENOMEM;
		if (nla_nest_end(msg, list))
			return -ENOMEM;
	}
	/* "tx-key remove" of a peer without one: nothing to send. */
	if (c->has_tx && !c->tx_remove_current &&
	    shoal_peer_key_put(msg, SHOAL_A_PEER_TX_KEY, &c->tx))
		return -ENOMEM;
	if (c->has_keepalive &&
	    nla_put_u16(msg, SHOAL_A_PEER_KEEPALIVE, c->keepalive))
		return -ENOMEM;
	return 0;
}

/**
 * shoal_peer_conf_free - free a peer's options, wiping its keys
 * @c: the options
 */
void shoal_peer_conf_free(struct shoal_peer_conf *c)
{
	if (c->rx)
		shoal_wipe(c->rx, c->n_rx * sizeof(*c->rx));
	free(c->rx);
	free(c->ips);
	shoal_wipe(c, sizeof(*c));
}
