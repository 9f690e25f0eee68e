// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal key set|activate|del DEV slot N ...: the device's transmit keys.
 * A rotation is "key set" into the idle slot, "key activate" once every
 * receiver has the key, then "key del" of the old slot.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "keyfile.h"
#include "netlink.h"
#include "shoal.h"
#include "spec.h"
#include "util.h"

struct shoal_key_args {
	const char *ifname;
	const char *path;	/* key set: the key file, "-" for stdin */
	uint8_t cmd;
	uint8_t slot;
	uint8_t id;
	bool has_slot;
	bool has_id;
	uint8_t material[SHOAL_KEY_LEN];
};

static const struct {
	const char *name;
	uint8_t cmd;
	const char *doing;
} shoal_key_actions[] = {
	{ "set",	SHOAL_CMD_KEY_SET,	"installing a key on" },
	{ "activate",	SHOAL_CMD_KEY_ACTIVATE,	"activating a key of" },
	{ "del",	SHOAL_CMD_KEY_DEL,	"deleting a key of" },
};

static int shoal_key_u8(const char *what, const char *val, bool *has,
			uint8_t *out)
{
	uint64_t v;

	if (*has) {
		shoal_err("%s given twice", what);
		return -EINVAL;
	}
	if (!val) {
		shoal_err("\"%s\" needs a value", what);
		return -EINVAL;
	}
	if (shoal_parse_num(what, val, UINT8_MAX, &v))
		return -EINVAL;
	*out = v;
	*has = true;
	return 0;
}

/* argv: the action, DEV, then keywords and (for set) the key file. */
static int shoal_key_args_parse(int argc, char **argv, struct shoal_key_args *a)
{
	bool set = a->cmd == SHOAL_CMD_KEY_SET;
	int i;

	if (shoal_parse_dev(argc, argv))
		return -EINVAL;
	a->ifname = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "slot")) {
			if (shoal_key_u8("slot", argv[i + 1], &a->has_slot,
					 &a->slot))
				return -EINVAL;
			i++;
		} else if (set && !strcmp(argv[i], "id")) {
			if (shoal_key_u8("id", argv[i + 1], &a->has_id, &a->id))
				return -EINVAL;
			i++;
		} else if (set && !a->path) {
			a->path = argv[i];
		} else {
			shoal_err("unexpected argument \"%s\"", argv[i]);
			return -EINVAL;
		}
	}
	if (!a->has_slot) {
		shoal_err("a slot is required: slot 0 or slot 1");
		return -EINVAL;
	}
	if (set && !a->has_id) {
		shoal_err("a key id is required: id N");
		return -EINVAL;
	}
	if (set && !a->path) {
		shoal_err("a key file is required, or \"-\" for standard input");
		return -EINVAL;
	}
	return 0;
}

static int shoal_key_put(struct nl_msg *msg, const struct shoal_key_args *a)
{
	struct nlattr *keys, *entry;

	if (nla_put_string(msg, SHOAL_A_DEV_IFNAME, a->ifname))
		return -ENOMEM;
	keys = nla_nest_start(msg, SHOAL_A_DEV_KEYS | NLA_F_NESTED);
	/* One entry of the indexed array: the slot acted on. */
	entry = keys ? nla_nest_start(msg, 1 | NLA_F_NESTED) : NULL;
	if (!entry || nla_put_u8(msg, SHOAL_A_KEY_SLOT, a->slot) ||
	    (a->has_id && nla_put_u8(msg, SHOAL_A_KEY_ID, a->id)) ||
	    (a->path && nla_put(msg, SHOAL_A_KEY_MATERIAL, SHOAL_KEY_LEN,
				a->material)))
		return -ENOMEM;
	if (nla_nest_end(msg, entry) || nla_nest_end(msg, keys))
		return -ENOMEM;
	return 0;
}

static int shoal_key_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_nl_req req = { .attrs = &shoal_spec_dev };
	struct shoal_key_args a = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	const char *doing = NULL;
	struct shoal_nl nl = { 0 };
	size_t i;
	int err;

	if (argc < 2)
		return shoal_usage_error(cmd, "an action is required: set, activate or del");
	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_key_actions); i++) {
		if (!strcmp(argv[1], shoal_key_actions[i].name)) {
			a.cmd = shoal_key_actions[i].cmd;
			doing = shoal_key_actions[i].doing;
		}
	}
	if (!doing)
		return shoal_usage_error(cmd, "unknown action \"%s\"", argv[1]);
	if (shoal_key_args_parse(argc - 1, argv + 1, &a))
		return shoal_usage_error(cmd, NULL);
	if (a.path) {
		err = shoal_key_read(AT_FDCWD, a.path, a.material);
		if (err)
			return err == -EINVAL ? SHOAL_EXIT_USAGE : SHOAL_EXIT_FAIL;
	}

	if (shoal_nl_open(&nl))
		goto out;
	req.msg = shoal_nl_msg(&nl, a.cmd, 0);
	if (!req.msg)
		goto out;
	if (shoal_key_put(req.msg, &a)) {
		shoal_nl_build_failed();
		goto out;
	}
	if (shoal_nl_send(&nl, &req)) {
		shoal_nl_perror(&nl, "%s %s", doing, a.ifname);
		goto out;
	}
	ret = SHOAL_EXIT_OK;
out:
	shoal_nl_free_secret(req.msg);
	shoal_wipe(a.material, sizeof(a.material));
	shoal_nl_close(&nl);
	return ret;
}

const struct shoal_cmd shoal_cmd_key = {
	.name		= "key",
	.main		= shoal_key_main,
	.args		= "{ set DEV slot N id N FILE|- | activate DEV slot N | del DEV slot N }",
	.summary	= "install, activate or delete a transmit key of DEV",
	.details	=
		"set DEV slot N id N FILE|-   install a key into slot N (0 or 1),\n"
		"                             which must not be the active one;\n"
		"                             id N (0-255) goes in the header of\n"
		"                             every datagram the key protects\n"
		"activate DEV slot N          transmit with the key of slot N\n"
		"del DEV slot N               remove the key of slot N; deleting\n"
		"                             the active key stops transmission\n"
		"\n"
		"The key is read from FILE, or from standard input for \"-\": its\n"
		"base64 text as \"shoal genkey\" prints it, blanks around it ignored.\n"
		"A key is never given on the command line.\n"
		"\n"
		"Rotation without loss: key set into the idle slot, give the key\n"
		"to every receiver (their \"shoal peer set ... rx-key\"), key\n"
		"activate that slot, and later key del the old one.\n",
};
