// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* shoal set DEV [port N] [id N] ...: change a device. */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "device.h"
#include "netlink.h"
#include "set.h"
#include "shoal.h"
#include "spec.h"
#include "util.h"

/* A keyword of "shoal set": its value's name, range and destination. */
struct shoal_set_keyword {
	const char *name;
	const char *alias;
	const char *what;	/* for messages */
	uint64_t max;
	size_t val;		/* offsetof the value in shoal_set_args */
	size_t size;		/* its size */
	size_t has;		/* offsetof its has_ flag */
};

#define SHOAL_SET_KW(name, alias, what, max, field) \
	{ name, alias, what, max, offsetof(struct shoal_set_args, field), \
	  sizeof(((struct shoal_set_args *)0)->field), \
	  offsetof(struct shoal_set_args, has_##field) }

static const struct shoal_set_keyword shoal_set_keywords[] = {
	SHOAL_SET_KW("port", NULL, "port", UINT16_MAX, port),
	SHOAL_SET_KW("id", "sender-id", "sender id", UINT32_MAX, sender_id),
	SHOAL_SET_KW("replay-window", NULL, "replay window", UINT32_MAX,
		     replay_window),
	SHOAL_SET_KW("epoch-max-age", NULL, "epoch max age", UINT32_MAX,
		     epoch_max_age),
	SHOAL_SET_KW("key-limit", NULL, "key limit", UINT64_MAX, key_limit),
	/* A name, not a number: shoal_set_parse() knows it by its field. */
	SHOAL_SET_KW("cipher", NULL, "cipher", 0, cipher),
};

static const struct shoal_set_keyword *shoal_set_keyword(const char *s)
{
	size_t i;

	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_set_keywords); i++) {
		const struct shoal_set_keyword *kw = &shoal_set_keywords[i];

		if (!strcmp(s, kw->name) || (kw->alias && !strcmp(s, kw->alias)))
			return kw;
	}
	return NULL;
}

/**
 * shoal_set_parse - parse the arguments of "shoal set"
 * @argc: argument count, argv[0] being "set"
 * @argv: the arguments
 * @a: filled in
 *
 * Keywords come in any order, each at most once. Values are only checked
 * against their attribute's size: what the kernel refuses (sender id 0, a
 * replay window under 64) it refuses with its own message.
 *
 * Return: 0, or -EINVAL after printing why.
 */
int shoal_set_parse(int argc, char **argv, struct shoal_set_args *a)
{
	bool any = false;
	int i;

	memset(a, 0, sizeof(*a));
	if (shoal_parse_dev(argc, argv))
		return -EINVAL;
	a->ifname = argv[1];

	for (i = 2; i < argc; i += 2) {
		const struct shoal_set_keyword *kw = shoal_set_keyword(argv[i]);
		char *base = (char *)a;
		uint64_t v;

		if (!kw) {
			shoal_err("unknown keyword \"%s\"", argv[i]);
			return -EINVAL;
		}
		if (!argv[i + 1]) {
			shoal_err("\"%s\" needs a value", argv[i]);
			return -EINVAL;
		}
		if (base[kw->has]) {
			shoal_err("%s given twice", kw->what);
			return -EINVAL;
		}
		if (kw->val == offsetof(struct shoal_set_args, cipher)) {
			if (shoal_cipher_parse(argv[i + 1], &a->cipher))
				return -EINVAL;
		} else if (shoal_parse_num(kw->what, argv[i + 1], kw->max,
					   &v)) {
			return -EINVAL;
		} else if (kw->size == sizeof(uint16_t)) {
			*(uint16_t *)(base + kw->val) = v;
		} else if (kw->size == sizeof(uint32_t)) {
			*(uint32_t *)(base + kw->val) = v;
		} else {
			*(uint64_t *)(base + kw->val) = v;
		}
		base[kw->has] = true;
		any = true;
	}
	if (!any) {
		shoal_err("nothing to change: give port, id, replay-window, epoch-max-age, key-limit or cipher");
		return -EINVAL;
	}
	return 0;
}

static int shoal_set_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_nl_req req = {
		.attrs = &shoal_spec_dev,
	};
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_set_args a;
	struct shoal_nl nl;

	if (shoal_set_parse(argc, argv, &a))
		return shoal_usage_error(cmd, NULL);

	if (shoal_nl_open(&nl))
		goto out;
	req.msg = shoal_nl_msg(&nl, SHOAL_CMD_DEV_SET, 0);
	if (!req.msg)
		goto out;
	if (nla_put_string(req.msg, SHOAL_A_DEV_IFNAME, a.ifname) ||
	    (a.has_port && nla_put_u16(req.msg, SHOAL_A_DEV_PORT, a.port)) ||
	    (a.has_sender_id &&
	     nla_put_u32(req.msg, SHOAL_A_DEV_SENDER_ID, a.sender_id)) ||
	    (a.has_replay_window &&
	     nla_put_u32(req.msg, SHOAL_A_DEV_REPLAY_WINDOW, a.replay_window)) ||
	    (a.has_epoch_max_age &&
	     nla_put_u32(req.msg, SHOAL_A_DEV_EPOCH_MAX_AGE, a.epoch_max_age)) ||
	    (a.has_key_limit &&
	     nla_put_u64(req.msg, SHOAL_A_DEV_KEY_LIMIT, a.key_limit)) ||
	    (a.has_cipher &&
	     nla_put_u32(req.msg, SHOAL_A_DEV_CIPHER, a.cipher))) {
		shoal_nl_build_failed();
		goto out;
	}
	if (shoal_nl_send(&nl, &req)) {
		shoal_nl_perror(&nl, "setting device %s", a.ifname);
		goto out;
	}
	ret = SHOAL_EXIT_OK;
out:
	nlmsg_free(req.msg);
	shoal_nl_close(&nl);
	return ret;
}

const struct shoal_cmd shoal_cmd_set = {
	.name		= "set",
	.main		= shoal_set_main,
	.args		= "DEV [port N] [id N] [replay-window N] [epoch-max-age SECS] [key-limit N] [cipher NAME]",
	.summary	= "change the settings of DEV",
	.details	=
		"port N               UDP port to listen on, 0-65535; 0 lets the\n"
		"                     kernel pick a free one (\"shoal show\" reports it)\n"
		"id N                 local sender id, 1-4294967295 (also: sender-id N)\n"
		"replay-window N      packets of the receive replay window,\n"
		"                     64-131072 (default 8192)\n"
		"epoch-max-age SECS   oldest epoch accepted from a sender not heard\n"
		"                     since a restart (default 900)\n"
		"key-limit N          packets one transmit key may protect,\n"
		"                     1-2^62 (default 2^62)\n"
		"cipher NAME          chacha20-poly1305 (the default) or aes-256-gcm;\n"
		"                     every host of a tunnel must use the same one.\n"
		"                     Changes only while DEV has no keys and no peers\n"
		"\n"
		"Keywords may come in any order; at least one is required.\n",
};
