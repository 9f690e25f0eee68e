// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal group add|del|show and shoal group member add|del: the fan-out
 * groups of a device, and their members by sender id, thousands at a
 * time from a file.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "groupconf.h"
#include "groupinfo.h"
#include "json.h"
#include "netlink.h"
#include "shoal.h"
#include "show.h"
#include "spec.h"
#include "util.h"

/* The actions that send one request, and how their failure reads. */
static const struct shoal_group_action {
	const char *name;
	uint8_t cmd;
	enum shoal_group_mode mode;
	/* An error reads "DOING group N OF DEV: ...". */
	const char *doing;
	const char *of;
} shoal_group_actions[] = {
	{ "add", SHOAL_CMD_GROUP_NEW, SHOAL_GROUP_ADD, "adding", "to" },
	{ "del", SHOAL_CMD_GROUP_DEL, SHOAL_GROUP_ONE, "deleting", "of" },
}, shoal_group_member_actions[] = {
	{ "add", SHOAL_CMD_GROUP_MEMBER_ADD, SHOAL_GROUP_MEMBERS,
	  "adding members to", "of" },
	{ "del", SHOAL_CMD_GROUP_MEMBER_DEL, SHOAL_GROUP_MEMBERS,
	  "removing members from", "of" },
};

/* argv: the action, DEV, then the group's words. */
static int shoal_group_request(const struct shoal_cmd *cmd, int argc,
			       char **argv, const struct shoal_group_action *a)
{
	struct shoal_nl_req req = { .attrs = &shoal_spec_group };
	const char *ifname = argv[1];
	struct shoal_group_conf c;
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	int err;

	err = shoal_group_conf_parse(argc - 2, argv + 2, a->mode, &c);
	if (err) {
		shoal_group_conf_free(&c);
		return err == -EINVAL ? shoal_usage_error(cmd, NULL) :
					SHOAL_EXIT_FAIL;
	}
	err = shoal_group_conf_load(&c);
	if (err) {
		shoal_group_conf_free(&c);
		return err == -EINVAL ? SHOAL_EXIT_USAGE : SHOAL_EXIT_FAIL;
	}
	if (shoal_nl_open(&nl))
		goto out;
	req.msg = shoal_nl_msg_room(&nl, a->cmd, 0,
				    shoal_id_list_room(&c.members));
	if (!req.msg)
		goto out;
	if (nla_put_string(req.msg, SHOAL_A_GROUP_IFNAME, ifname) ||
	    shoal_group_conf_put(req.msg, &c)) {
		shoal_nl_build_failed();
		goto out;
	}
	if (shoal_nl_send(&nl, &req)) {
		shoal_nl_perror(&nl, "%s group %u %s %s", a->doing, c.id, a->of,
				ifname);
		goto out;
	}
	ret = SHOAL_EXIT_OK;
out:
	nlmsg_free(req.msg);
	shoal_group_conf_free(&c);
	shoal_nl_close(&nl);
	return ret;
}

/* Without DEV, a "DEV:" line before the groups of each device having any. */
static void shoal_group_show_text(const struct shoal_show_list *l, bool all)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct shoal_show_dev *sd = &l->devs[i];

		if (sd->gone || !sd->groups.n)
			continue;
		if (all) {
			shoal_print_name(stdout, sd->dev.ifname);
			fputs(":\n", stdout);
		}
		shoal_groups_text(stdout, all ? "  " : "", &sd->groups, false);
	}
}

static void shoal_group_show_json(const struct shoal_show_list *l)
{
	struct shoal_json j;
	size_t i;

	shoal_json_init(&j, stdout, shoal_opts.pretty);
	shoal_json_begin_array(&j, NULL);
	for (i = 0; i < l->n; i++)
		if (!l->devs[i].gone)
			shoal_groups_json(&j, l->devs[i].dev.ifname,
					  &l->devs[i].groups);
	shoal_json_end_array(&j);
	shoal_json_finish(&j);
}

/* group show [DEV [id N]]; one group alone is asked for alone. */
static int shoal_group_show(const struct shoal_cmd *cmd, int argc,
			    char **argv)
{
	const char *ifname = argc > 1 ? argv[1] : NULL;
	struct shoal_show_list list = { 0 };
	struct shoal_show_dev *one = NULL;
	struct shoal_nl nl = { 0 };
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_group_conf c;

	if (ifname && shoal_parse_ifname(ifname))
		return shoal_usage_error(cmd, NULL);
	if (shoal_group_conf_parse(argc > 2 ? argc - 2 : 0,
				   argc > 2 ? argv + 2 : NULL,
				   SHOAL_GROUP_SHOW, &c)) {
		shoal_group_conf_free(&c);
		return shoal_usage_error(cmd, NULL);
	}
	if (shoal_nl_open(&nl))
		goto out;
	if (c.has_id) {
		/* The device's name as given: a reply names it by index. */
		one = calloc(1, sizeof(*one));
		if (!one) {
			shoal_err("%s", strerror(ENOMEM));
			goto out;
		}
		list.devs = one;
		list.n = 1;
		snprintf(one->dev.ifname, sizeof(one->dev.ifname), "%s", ifname);
		if (shoal_groups_get(&nl, 0, ifname, c.id, &one->groups)) {
			shoal_nl_perror(&nl, "getting group %u of %s", c.id,
					ifname);
			goto out;
		}
	} else if (shoal_show_collect(&nl, ifname, SHOAL_SHOW_GROUPS, &list)) {
		goto out;
	}
	if (shoal_opts.json)
		shoal_group_show_json(&list);
	else
		shoal_group_show_text(&list, !ifname);
	ret = SHOAL_EXIT_OK;
out:
	shoal_show_free(&list);
	shoal_group_conf_free(&c);
	shoal_nl_close(&nl);
	return ret;
}

static const struct shoal_group_action *
shoal_group_action(const struct shoal_group_action *actions, size_t n,
		   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
	return NULL;
}

static int shoal_group_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	const struct shoal_group_action *a;

	if (argc < 2)
		return shoal_usage_error(cmd, "an action is required: add, del, show or member");
	if (!strcmp(argv[1], "show"))
		return shoal_group_show(cmd, argc - 1, argv + 1);
	if (!strcmp(argv[1], "member")) {
		if (argc < 3)
			return shoal_usage_error(cmd, "member needs an action: add or del");
		a = shoal_group_action(shoal_group_member_actions,
				       SHOAL_ARRAY_SIZE(shoal_group_member_actions),
				       argv[2]);
		argc--;
		argv++;
	} else {
		a = shoal_group_action(shoal_group_actions,
				       SHOAL_ARRAY_SIZE(shoal_group_actions),
				       argv[1]);
	}
	if (!a)
		return shoal_usage_error(cmd, "unknown action \"%s\"", argv[1]);
	argc--;
	argv++;
	if (shoal_parse_dev(argc, argv))
		return shoal_usage_error(cmd, NULL);
	return shoal_group_request(cmd, argc, argv, a);
}

const struct shoal_cmd shoal_cmd_group = {
	.name		= "group",
	.main		= shoal_group_main,
	.args		= "{ add | del | show | member { add | del } } ...",
	.summary	= "add, delete or show the fan-out groups of a device",
	.details	=
		"group add DEV id N MATCH [all-peers] [MEMBERS]\n"
		"                                 add a group\n"
		"group del DEV id N               delete a group\n"
		"group show [DEV [id N]]          show the groups of every device,\n"
		"                                 of DEV, or one\n"
		"group member add DEV id N MEMBERS\n"
		"                                 add members to a group\n"
		"group member del DEV id N MEMBERS\n"
		"                                 remove members from a group\n"
		"\n"
		"MATCH, what inner destinations the group takes:\n"
		"  prefix PREFIX          ADDR/LEN, or ADDR alone for one address,\n"
		"                         such as 239.1.0.0/16 or ff3e::/16\n"
		"  broadcast              IPv4 broadcast destinations\n"
		"MEMBERS, peers by sender id (1-4294967295), each at most once:\n"
		"  members ID...          sender ids, in words or separated by\n"
		"                         commas, up to the next keyword\n"
		"  members-file FILE|-    sender ids read from FILE: blanks,\n"
		"                         commas or newlines between them, '#'\n"
		"                         starts a comment\n"
		"  (both may be given)\n"
		"all-peers makes every peer of DEV a member, present and future;\n"
		"it excludes MEMBERS.\n"
		"\n"
		"The kernel takes a member list whole or not at all: one request\n"
		"carries it, however long.\n",
};
