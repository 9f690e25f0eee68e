// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal peer add|set|del|show DEV ...: the peers of a device, one at a
 * time or, with "add DEV --file FILE", thousands over one socket.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "json.h"
#include "lines.h"
#include "netlink.h"
#include "peerconf.h"
#include "peerinfo.h"
#include "shoal.h"
#include "spec.h"
#include "util.h"

/* A parsed line of a bulk file. */
struct shoal_peer_line {
	struct shoal_peer_conf conf;
	unsigned int lineno;
};

/* Fills @msg, if any; frees it and returns NULL when it is too small. */
static struct nl_msg *shoal_peer_msg_in(struct nl_msg *msg, const char *ifname,
					const struct shoal_peer_conf *c)
{
	if (msg && (nla_put_string(msg, SHOAL_A_PEER_IFNAME, ifname) ||
		    shoal_peer_conf_put(msg, c))) {
		shoal_nl_free_secret(msg);
		return NULL;
	}
	return msg;
}

/*
 * A PEER_NEW or PEER_SET request for @c, or NULL after printing why. It is
 * built in room sized for @c (a prefix takes 40 bytes, a key 80), which
 * saves zeroing 64 KiB per peer of a bulk file; in the usual room if that
 * was not enough after all.
 */
static struct nl_msg *shoal_peer_msg(struct shoal_nl *nl, uint8_t cmd,
				     const char *ifname,
				     const struct shoal_peer_conf *c)
{
	size_t size = 512 + c->n_ips * 48 + (c->n_rx + 1) * 96;
	struct nl_msg *msg;

	msg = shoal_peer_msg_in(shoal_nl_msg_size(nl, cmd, 0, size), ifname,
				c);
	if (!msg)
		msg = shoal_peer_msg_in(shoal_nl_msg_size(nl, cmd, 0,
							  SHOAL_NL_MSG_SIZE),
					ifname, c);
	if (!msg)
		shoal_nl_build_failed();
	return msg;
}

static void shoal_peer_perror(struct shoal_nl *nl, uint8_t cmd,
			      const char *ifname,
			      const struct shoal_peer_conf *c)
{
	shoal_nl_perror(nl, "%s peer %u %s %s",
			cmd == SHOAL_CMD_PEER_NEW ? "adding" : "changing",
			c->sender_id, cmd == SHOAL_CMD_PEER_NEW ? "to" : "of",
			ifname);
}

static int shoal_peer_request(struct shoal_nl *nl, uint8_t cmd,
			      const char *ifname,
			      const struct shoal_peer_conf *c)
{
	struct shoal_nl_req req = { .attrs = &shoal_spec_peer };
	int err;

	req.msg = shoal_peer_msg(nl, cmd, ifname, c);
	if (!req.msg)
		return -ENOMEM;
	err = shoal_nl_send(nl, &req);
	shoal_nl_free_secret(req.msg);
	if (err)
		shoal_peer_perror(nl, cmd, ifname, c);
	return err;
}

/* The usage error exit for -EINVAL, the failure one for the rest. */
static int shoal_peer_exit(int err)
{
	return err == -EINVAL ? SHOAL_EXIT_USAGE : SHOAL_EXIT_FAIL;
}

/* "tx-key remove" names no id: it is the one the peer has now. */
static int shoal_peer_current_tx(struct shoal_nl *nl, const char *ifname,
				 struct shoal_peer_conf *c)
{
	struct shoal_peer_list l = { 0 };
	int err;

	err = shoal_peers_get(nl, 0, ifname, c->sender_id, &l);
	if (err) {
		shoal_nl_perror(nl, "getting peer %u of %s", c->sender_id,
				ifname);
	} else if (l.n == 1 && l.peers[0].has_tx_key) {
		c->tx.id = l.peers[0].tx_id;
		c->tx.remove = true;
		c->tx_remove_current = false;
	}
	shoal_peers_free(&l);
	return err;
}

/* A relative key path in a bulk file starts at the file's directory. */
static int shoal_peer_bulk_dir(const char *path)
{
	char *copy;
	int fd;

	if (!strcmp(path, "-"))
		return AT_FDCWD;
	copy = strdup(path);
	if (!copy)
		return -1;
	fd = open(dirname(copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		shoal_perror("opening the directory of %s", path);
	free(copy);
	return fd;
}

/*
 * Every line is parsed and its keys read before anything is sent, so
 * that a mistake anywhere in the file changes nothing.
 */
static int shoal_peer_bulk_parse(struct shoal_lines *r, int dirfd,
				 struct shoal_peer_line **out, size_t *n)
{
	struct shoal_peer_line *lines = NULL;
	struct shoal_key_cache kc = { 0 };
	size_t count = 0, cap = 0;
	char **words;
	int nwords, err;

	while ((err = shoal_lines_next(r, &nwords, &words)) > 0) {
		struct shoal_peer_line *grown;

		/* Lines hold their keys: wiped where they were. */
		grown = shoal_grow_secret(lines, count, &cap, 256,
					  sizeof(*lines));
		if (!grown) {
			err = -ENOMEM;
			shoal_err("%s", strerror(ENOMEM));
			break;
		}
		lines = grown;
		lines[count].lineno = r->lineno;
		err = shoal_peer_conf_parse(nwords, words, SHOAL_PEER_FILE,
					    &lines[count].conf);
		if (!err)
			err = shoal_peer_conf_load_keys(&lines[count].conf,
							dirfd, &kc);
		count++;
		if (err)
			break;
	}
	shoal_key_cache_clear(&kc);
	*out = lines;
	*n = count;
	return err;
}

static bool shoal_peer_conf_inline(const struct shoal_peer_conf *c)
{
	size_t i;

	for (i = 0; i < c->n_rx; i++)
		if (c->rx[i].given_inline)
			return true;
	return c->tx.given_inline;
}

/* Keys inline in a file that others may read: say so, and go on. */
static void shoal_peer_bulk_exposed(const struct shoal_lines *r,
				    const struct shoal_peer_line *lines,
				    size_t n)
{
	size_t i;

	if (r->f == stdin || !shoal_key_file_exposed(fileno(r->f)))
		return;
	for (i = 0; i < n; i++) {
		if (shoal_peer_conf_inline(&lines[i].conf)) {
			shoal_err("warning: %s:%u: a key inline in a file that users other than its owner can read (chmod go=)",
				  r->name, lines[i].lineno);
			return;
		}
	}
}

/* A bulk file on its way to the kernel. */
struct shoal_peer_bulk {
	const char *ifname;
	const char *name;		/* the file's, for messages */
	struct shoal_peer_line *lines;
};

static struct nl_msg *shoal_peer_bulk_build(struct shoal_nl *nl, size_t i,
					    void *arg)
{
	struct shoal_peer_bulk *b = arg;

	return shoal_peer_msg(nl, SHOAL_CMD_PEER_NEW, b->ifname,
			      &b->lines[i].conf);
}

static void shoal_peer_bulk_failed(struct shoal_nl *nl, size_t i, void *arg)
{
	char where[SHOAL_LINES_WHERE_MAX];
	struct shoal_peer_bulk *b = arg;

	snprintf(where, sizeof(where), "%s:%u", b->name, b->lines[i].lineno);
	shoal_err_push(where);
	shoal_peer_perror(nl, SHOAL_CMD_PEER_NEW, b->ifname, &b->lines[i].conf);
	shoal_err_pop();
}

/*
 * The peers go to the kernel many requests per system call. Every line is
 * tried: one the kernel refuses is reported with its line number and does
 * not stop the others.
 */
static int shoal_peer_bulk(const char *ifname, const char *path)
{
	struct shoal_peer_bulk b = {
		.ifname = ifname,
		.name = strcmp(path, "-") ? path : "standard input",
	};
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_lines r;
	int dirfd = -1, err;
	size_t n = 0, i;

	err = shoal_lines_open(&r, path, false);
	if (!err) {
		dirfd = shoal_peer_bulk_dir(path);
		err = dirfd == -1 ? -EIO : 0;
	}
	if (!err)
		err = shoal_peer_bulk_parse(&r, dirfd, &b.lines, &n);
	if (!err)
		shoal_peer_bulk_exposed(&r, b.lines, n);
	shoal_lines_close(&r);
	if (dirfd >= 0)
		close(dirfd);
	if (err) {
		ret = shoal_peer_exit(err);
		goto out;
	}

	if (shoal_nl_open(&nl))
		goto out;
	if (!shoal_nl_send_many(&nl, n, &shoal_spec_peer,
				shoal_peer_bulk_build, shoal_peer_bulk_failed,
				&b))
		ret = SHOAL_EXIT_OK;
out:
	for (i = 0; i < n; i++)
		shoal_peer_conf_free(&b.lines[i].conf);
	free(b.lines);
	if (nl.sk)
		shoal_nl_close(&nl);
	return ret;
}

/* peer add|set DEV OPTIONS, argv[0] being the action. */
static int shoal_peer_change(const struct shoal_cmd *cmd, int argc,
			     char **argv, enum shoal_peer_mode mode)
{
	const char *ifname = argv[1];
	struct shoal_key_cache kc = { 0 };
	struct shoal_peer_conf c;
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	int err;

	if (mode == SHOAL_PEER_ADD && argc >= 3 && !strcmp(argv[2], "--file")) {
		if (argc != 4)
			return shoal_usage_error(cmd, argc < 4 ?
				"--file needs a file name" :
				"--file takes no other option");
		return shoal_peer_bulk(ifname, argv[3]);
	}
	err = shoal_peer_conf_parse(argc - 2, argv + 2, mode, &c);
	if (!err)
		err = shoal_peer_conf_load_keys(&c, AT_FDCWD, &kc);
	shoal_key_cache_clear(&kc);
	if (err) {
		shoal_peer_conf_free(&c);
		if (err == -EINVAL)
			return shoal_usage_error(cmd, NULL);
		return SHOAL_EXIT_FAIL;
	}
	if (shoal_nl_open(&nl))
		goto out;
	if (c.tx_remove_current && shoal_peer_current_tx(&nl, ifname, &c))
		goto out;
	if (shoal_peer_request(&nl, mode == SHOAL_PEER_ADD ?
			       SHOAL_CMD_PEER_NEW : SHOAL_CMD_PEER_SET,
			       ifname, &c))
		goto out;
	ret = SHOAL_EXIT_OK;
out:
	shoal_peer_conf_free(&c);
	if (nl.sk)
		shoal_nl_close(&nl);
	return ret;
}

/* "id N", alone or, for show, absent. */
static int shoal_peer_id_arg(int argc, char **argv, bool optional,
			     uint32_t *id)
{
	uint64_t v;

	*id = 0;
	if (!argc && optional)
		return 0;
	if (argc < 1 || (strcmp(argv[0], "id") && strcmp(argv[0], "sender-id"))) {
		if (argc)
			shoal_err("unexpected argument \"%s\"", argv[0]);
		else
			shoal_err("the peer's sender id is required: id N");
		return -EINVAL;
	}
	if (argc < 2) {
		shoal_err("\"%s\" needs a value", argv[0]);
		return -EINVAL;
	}
	if (argc > 2) {
		shoal_err("unexpected argument \"%s\"", argv[2]);
		return -EINVAL;
	}
	if (shoal_parse_num("sender id", argv[1], UINT32_MAX, &v))
		return -EINVAL;
	*id = v;
	/* 0 asks for a dump: the kernel must refuse it, as it would. */
	if (!v && optional) {
		shoal_err("invalid sender id \"%s\": peers have ids from 1",
			  argv[1]);
		return -EINVAL;
	}
	return 0;
}

static int shoal_peer_del(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_nl_req req = { .attrs = &shoal_spec_peer };
	const char *ifname = argv[1];
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	uint32_t id;

	if (shoal_peer_id_arg(argc - 2, argv + 2, false, &id))
		return shoal_usage_error(cmd, NULL);
	if (shoal_nl_open(&nl))
		goto out;
	req.msg = shoal_nl_msg(&nl, SHOAL_CMD_PEER_DEL, 0);
	if (!req.msg)
		goto out;
	if (nla_put_string(req.msg, SHOAL_A_PEER_IFNAME, ifname) ||
	    nla_put_u32(req.msg, SHOAL_A_PEER_SENDER_ID, id)) {
		shoal_nl_build_failed();
		goto out;
	}
	if (shoal_nl_send(&nl, &req)) {
		shoal_nl_perror(&nl, "deleting peer %u of %s", id, ifname);
		goto out;
	}
	ret = SHOAL_EXIT_OK;
out:
	nlmsg_free(req.msg);
	if (nl.sk)
		shoal_nl_close(&nl);
	return ret;
}

static int shoal_peer_show(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_peer_list l = { 0 };
	const char *ifname = argv[1];
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_json j;
	uint32_t id;

	if (shoal_peer_id_arg(argc - 2, argv + 2, true, &id))
		return shoal_usage_error(cmd, NULL);
	if (shoal_nl_open(&nl))
		goto out;
	if (shoal_peers_get(&nl, 0, ifname, id, &l)) {
		if (id)
			shoal_nl_perror(&nl, "getting peer %u of %s", id,
					ifname);
		else
			shoal_nl_perror(&nl, "listing the peers of %s", ifname);
		goto out;
	}
	if (shoal_opts.json) {
		shoal_json_init(&j, stdout, shoal_opts.pretty);
		shoal_peers_json(&j, NULL, &l);
		shoal_json_finish(&j);
	} else {
		shoal_peers_text(stdout, "", &l);
	}
	ret = SHOAL_EXIT_OK;
out:
	shoal_peers_free(&l);
	if (nl.sk)
		shoal_nl_close(&nl);
	return ret;
}

static int shoal_peer_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	const char *action = argc > 1 ? argv[1] : NULL;

	if (!action)
		return shoal_usage_error(cmd, "an action is required: add, set, del or show");
	if (strcmp(action, "add") && strcmp(action, "set") &&
	    strcmp(action, "del") && strcmp(action, "show"))
		return shoal_usage_error(cmd, "unknown action \"%s\"", action);
	argc--;
	argv++;
	if (shoal_parse_dev(argc, argv))
		return shoal_usage_error(cmd, NULL);

	if (!strcmp(action, "add"))
		return shoal_peer_change(cmd, argc, argv, SHOAL_PEER_ADD);
	if (!strcmp(action, "set"))
		return shoal_peer_change(cmd, argc, argv, SHOAL_PEER_SET);
	if (!strcmp(action, "del"))
		return shoal_peer_del(cmd, argc, argv);
	return shoal_peer_show(cmd, argc, argv);
}

const struct shoal_cmd shoal_cmd_peer = {
	.name		= "peer",
	.main		= shoal_peer_main,
	.args		= "{ add | set | del | show } DEV ...",
	.summary	= "add, change, delete or show the peers of DEV",
	.details	=
		"peer add DEV id N [OPTIONS]     add a peer\n"
		"peer add DEV --file FILE        add a peer per line of FILE\n"
		"peer set DEV id N OPTIONS       change a peer; only what is given\n"
		"peer del DEV id N               delete a peer\n"
		"peer show DEV [id N]            show the peers of DEV, or one\n"
		"\n"
		"OPTIONS:\n"
		"  endpoint ADDR:PORT|[ADDR6]:PORT   where to send to, until the\n"
		"                                    peer roams\n"
		"  allowed-ips PREFIX[,PREFIX...]    inner prefixes routed to the\n"
		"                                    peer and accepted from it; they\n"
		"                                    replace the list; \"none\" clears it\n"
		"  rx-key ID FILE|- [pairwise]       a key of the peer's, to decrypt\n"
		"                                    what it sends under key id ID;\n"
		"                                    repeatable. \"pairwise\" marks\n"
		"                                    the peer's pairwise key to this\n"
		"                                    host: then nothing it sends\n"
		"                                    under other keys is accepted\n"
		"  tx-key ID FILE|-                  a pairwise key for unicast to the\n"
		"                                    peer instead of the device's key\n"
		"  keepalive SECS                    keepalive interval when idle,\n"
		"                                    0 for none\n"
		"  rx-key ID remove, tx-key remove   (set only) remove a key\n"
		"  rx-key ID pairwise on|off         (set only) mark or unmark an\n"
		"                                    installed key, keeping its state\n"
		"\n"
		"PREFIX is ADDR/LEN with the bits past LEN zero, or ADDR alone.\n"
		"Keys are read from FILE, or from standard input for \"-\" (one\n"
		"key at most): base64 text as \"shoal genkey\" prints it.\n"
		"\n"
		"A line of a --file FILE holds the OPTIONS of one peer, id\n"
		"included; '#' starts a comment. Relative key file names start at\n"
		"FILE's directory. There, and only there, a key can also be\n"
		"written inline: \"rx-key ID inline KEY\", \"tx-key ID inline KEY\".\n"
		"The whole file is checked before anything is sent; then every\n"
		"line is tried, and each peer the kernel refuses is reported with\n"
		"its line number.\n",
};
