// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The tool's netlink layer against the running kernel, where there is no
 * shoal module: the control family "nlctrl" stands in for it. A dump of
 * every family spans several messages and reads; malformed requests must
 * come back with the kernel's extended ack, decoded.
 *
 * Prints one "ok"/"not ok" line per check; exits 1 on any failure.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "../netlink.h"

static int failures;

static void check(int cond, const char *what)
{
	printf("%sok - %s\n", cond ? "" : "not ", what);
	if (!cond)
		failures++;
}

struct count {
	int families;
	int resets;
	int saw_nlctrl;
};

static int count_reply(struct nlattr *attrs, int len, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct count *c = arg;

	if (nla_parse(tb, CTRL_ATTR_MAX, attrs, len, NULL))
		return -EBADMSG;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		c->saw_nlctrl = 1;
	c->families++;
	return 0;
}

static void count_reset(void *arg)
{
	struct count *c = arg;

	c->families = 0;
	c->resets++;
}

static const struct shoal_nl_attr ctrl_attrs[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]	= { .name = "family-id" },
	[CTRL_ATTR_FAMILY_NAME]	= { .name = "family-name" },
};

static const struct shoal_nl_attr_set ctrl_set = {
	.attrs = ctrl_attrs,
	.max = CTRL_ATTR_MAX,
};

int main(void)
{
	struct count c = { 0 };
	struct shoal_nl_req req = {
		.reply = count_reply,
		.reset = count_reset,
		.arg = &c,
		.attrs = &ctrl_set,
	};
	struct shoal_nl nl;
	uint8_t one = 1;
	int err;

	/* Without the module this fails, but leaves a working socket. */
	err = shoal_nl_open(&nl);
	check(err == -ENOENT, "no shoal family here (ENOENT)");
	check(nl.sk != NULL, "socket open");
	nl.family = GENL_ID_CTRL;

	req.msg = shoal_nl_msg(&nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	err = shoal_nl_send(&nl, &req);
	printf("# %d families\n", c.families);
	check(!err && c.families > 5 && c.saw_nlctrl, "dump of every family");
	/* The same message again: a fresh sequence number, same result. */
	c.families = 0;
	err = shoal_nl_send(&nl, &req);
	check(!err && c.families > 5, "the same dump sent twice");
	nlmsg_free(req.msg);

	req.msg = shoal_nl_msg(&nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	c.families = 0;
	err = shoal_nl_send(&nl, &req);
	check(!err && c.families == 1, "get one family, then its ack");
	nlmsg_free(req.msg);

	req.msg = shoal_nl_msg(&nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME,
		       "a-family-name-longer-than-genl-namsiz");
	err = shoal_nl_send(&nl, &req);
	shoal_nl_perror(&nl, "# long name");
	check(err == -EINVAL && nl.err.msg[0] &&
	      !strcmp(nl.err.attr, "family-name"),
	      "EINVAL, a message and the attribute named");
	nlmsg_free(req.msg);

	req.msg = shoal_nl_msg(&nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	nla_put(req.msg, CTRL_ATTR_FAMILY_ID, sizeof(one), &one);
	err = shoal_nl_send(&nl, &req);
	shoal_nl_perror(&nl, "# short family id");
	check(err == -ERANGE && !strcmp(nl.err.attr, "family-id"),
	      "ERANGE for a u8 in a u16, the second attribute named");
	nlmsg_free(req.msg);

	req.msg = shoal_nl_msg(&nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, "no-such-family");
	err = shoal_nl_send(&nl, &req);
	shoal_nl_perror(&nl, "# unknown family");
	check(err == -ENOENT, "ENOENT for an unknown family");
	nlmsg_free(req.msg);

	shoal_nl_close(&nl);
	printf("# %d failed\n", failures);
	return failures ? 1 : 0;
}
