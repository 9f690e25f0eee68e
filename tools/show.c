// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal show [DEV]: one device, or every shoal device of the netns, with
 * its groups and peers; collected by shoal_show_collect(), which "shoal
 * group show" uses too.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "device.h"
#include "json.h"
#include "netlink.h"
#include "shoal.h"
#include "show.h"
#include "spec.h"
#include "util.h"

static int shoal_show_reply(struct nlattr *attrs, int len, void *arg)
{
	struct shoal_show_list *l = arg;
	struct shoal_show_dev *devs;

	devs = shoal_grow(l->devs, l->n, &l->cap, 8, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	l->devs = devs;
	memset(&l->devs[l->n], 0, sizeof(l->devs[l->n]));
	if (shoal_device_parse(attrs, len, &l->devs[l->n].dev))
		return -EBADMSG;
	l->n++;
	return 0;
}

/* Peers and groups are only fetched after the device dump: nothing to free. */
static void shoal_show_reset(void *arg)
{
	struct shoal_show_list *l = arg;

	l->n = 0;
}

static void shoal_show_key_text(const struct shoal_dev_key *k)
{
	printf("  key slot %u id %u", k->slot, k->id);
	if (k->active)
		fputs(" active", stdout);
	if (k->has_packets)
		printf(" packets %" PRIu64, k->packets);
	if (k->has_epoch)
		printf(" epoch 0x%016" PRIx64, k->epoch);
	if (k->exhausted)
		fputs(" exhausted", stdout);
	putchar('\n');
}

/*
 * One block per device: its own line, a line per transmit key, the
 * counters that are not zero, a line per group, then its peers indented
 * below it.
 */
static void shoal_show_text(const struct shoal_show_list *l)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < l->n; i++) {
		const struct shoal_device *d = &l->devs[i].dev;

		if (l->devs[i].gone)
			continue;
		shoal_print_name(stdout, d->ifname);
		printf(": ifindex %u", d->ifindex);
		if (d->has_port)
			printf(" port %u", d->port);
		if (d->has_sender_id)
			printf(" sender-id %u", d->sender_id);
		if (d->has_replay_window)
			printf(" replay-window %u", d->replay_window);
		if (d->has_epoch_max_age)
			printf(" epoch-max-age %u", d->epoch_max_age);
		if (d->has_key_limit)
			printf(" key-limit %" PRIu64, d->key_limit);
		if (d->has_cipher)
			printf(" cipher %s", shoal_cipher_name(d->cipher));
		if (d->has_peers)
			printf(" peers %u", d->peers);
		putchar('\n');
		for (k = 0; k < d->n_keys; k++)
			shoal_show_key_text(&d->keys[k]);
		if (d->has_stats)
			shoal_stats_text(stdout, "  ", &d->stats);
		shoal_groups_text(stdout, "  ", &l->devs[i].groups, true);
		shoal_peers_text(stdout, "  ", &l->devs[i].peers);
	}
}

static void shoal_show_key_json(struct shoal_json *j,
				const struct shoal_dev_key *k)
{
	shoal_json_begin_object(j, NULL);
	shoal_json_uint(j, "slot", k->slot);
	shoal_json_uint(j, "id", k->id);
	shoal_json_bool(j, "active", k->active);
	if (k->has_packets)
		shoal_json_uint(j, "packets", k->packets);
	if (k->has_epoch)
		shoal_json_hex(j, "epoch", k->epoch);
	shoal_json_bool(j, "exhausted", k->exhausted);
	shoal_json_end_object(j);
}

/*
 * Always an array, one object per device, as "ip -j" does. Keys are the
 * spec's attribute names with '_' for '-', but "peers" is the array of
 * peers rather than their number, which is its length; "groups" is the
 * array of groups, as "shoal group show" prints them.
 */
static void shoal_show_json(const struct shoal_show_list *l)
{
	struct shoal_json j;
	unsigned int k;
	size_t i;

	shoal_json_init(&j, stdout, shoal_opts.pretty);
	shoal_json_begin_array(&j, NULL);
	for (i = 0; i < l->n; i++) {
		const struct shoal_device *d = &l->devs[i].dev;

		if (l->devs[i].gone)
			continue;
		shoal_json_begin_object(&j, NULL);
		shoal_json_string(&j, "ifname", d->ifname);
		shoal_json_uint(&j, "ifindex", d->ifindex);
		if (d->has_port)
			shoal_json_uint(&j, "port", d->port);
		if (d->has_sender_id)
			shoal_json_uint(&j, "sender_id", d->sender_id);
		if (d->has_replay_window)
			shoal_json_uint(&j, "replay_window", d->replay_window);
		if (d->has_epoch_max_age)
			shoal_json_uint(&j, "epoch_max_age", d->epoch_max_age);
		if (d->has_key_limit)
			shoal_json_uint(&j, "key_limit", d->key_limit);
		if (d->has_cipher)
			shoal_json_string(&j, "cipher",
					  shoal_cipher_name(d->cipher));
		shoal_json_begin_array(&j, "keys");
		for (k = 0; k < d->n_keys; k++)
			shoal_show_key_json(&j, &d->keys[k]);
		shoal_json_end_array(&j);
		if (d->has_stats)
			shoal_stats_json(&j, &d->stats);
		shoal_json_begin_array(&j, "groups");
		shoal_groups_json(&j, d->ifname, &l->devs[i].groups);
		shoal_json_end_array(&j);
		shoal_peers_json(&j, "peers", &l->devs[i].peers);
		shoal_json_end_object(&j);
	}
	shoal_json_end_array(&j);
	shoal_json_finish(&j);
}

/*
 * A device deleted since the device dump is left out of a full listing.
 * A module without groups (EOPNOTSUPP) still shows its devices and peers.
 */
static int shoal_show_more(struct shoal_nl *nl, struct shoal_show_list *l,
			   unsigned int what, bool all)
{
	const char *doing = "";
	size_t i;
	int err = 0;

	for (i = 0; i < l->n && !err; i++) {
		struct shoal_show_dev *sd = &l->devs[i];

		if (what & SHOAL_SHOW_PEERS) {
			doing = "peers";
			err = shoal_peers_get(nl, sd->dev.ifindex, NULL, 0,
					      &sd->peers);
		}
		if (!err && (what & SHOAL_SHOW_GROUPS)) {
			doing = "groups";
			err = shoal_groups_get(nl, sd->dev.ifindex, NULL, 0,
					       &sd->groups);
			if (err == -EOPNOTSUPP && (what & SHOAL_SHOW_PEERS))
				err = 0;
		}
		if (err == -ENODEV && all) {
			shoal_peers_free(&sd->peers);
			shoal_groups_free(&sd->groups);
			sd->gone = true;
			err = 0;
		}
	}
	if (err)
		shoal_nl_perror(nl, "listing the %s of %s", doing,
				l->devs[i - 1].dev.ifname);
	return err;
}

/**
 * shoal_show_collect - get devices, and their peers or groups
 * @nl: an open socket
 * @ifname: the device, or NULL for every shoal device of the netns
 * @what: SHOAL_SHOW_PEERS, SHOAL_SHOW_GROUPS, both or neither
 * @l: an empty list, which the devices are added to; shoal_show_free() it
 *     even on error
 *
 * Without @ifname, a device deleted while the list is read is marked
 * gone rather than failing the listing.
 *
 * Return: 0, or a negative errno after printing an error.
 */
int shoal_show_collect(struct shoal_nl *nl, const char *ifname,
		       unsigned int what, struct shoal_show_list *l)
{
	struct shoal_nl_req req = {
		.reply = shoal_show_reply,
		.reset = shoal_show_reset,
		.arg = l,
		.attrs = &shoal_spec_dev,
	};
	int err;

	req.msg = shoal_nl_msg(nl, SHOAL_CMD_DEV_GET, ifname ? 0 : NLM_F_DUMP);
	if (!req.msg)
		return -ENOMEM;
	if (ifname && nla_put_string(req.msg, SHOAL_A_DEV_IFNAME, ifname)) {
		nlmsg_free(req.msg);
		shoal_nl_build_failed();
		return -ENOMEM;
	}
	err = shoal_nl_send(nl, &req);
	nlmsg_free(req.msg);
	if (err) {
		if (ifname)
			shoal_nl_perror(nl, "getting device %s", ifname);
		else
			shoal_nl_perror(nl, "listing devices");
		return err;
	}
	return shoal_show_more(nl, l, what, !ifname);
}

/**
 * shoal_show_free - free what shoal_show_collect() got
 * @l: the list, empty afterwards
 */
void shoal_show_free(struct shoal_show_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		shoal_peers_free(&l->devs[i].peers);
		shoal_groups_free(&l->devs[i].groups);
	}
	free(l->devs);
	memset(l, 0, sizeof(*l));
}

static int shoal_show_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_show_list list = { 0 };
	const char *ifname = argc > 1 ? argv[1] : NULL;
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_nl nl;

	if (argc > 2)
		return shoal_usage_error(cmd, "unexpected argument \"%s\"",
					 argv[2]);
	if (ifname && shoal_parse_ifname(ifname))
		return shoal_usage_error(cmd, NULL);

	if (shoal_nl_open(&nl) ||
	    shoal_show_collect(&nl, ifname,
			       SHOAL_SHOW_PEERS | SHOAL_SHOW_GROUPS, &list))
		goto out;
	if (shoal_opts.json)
		shoal_show_json(&list);
	else
		shoal_show_text(&list);
	ret = SHOAL_EXIT_OK;
out:
	shoal_nl_close(&nl);
	shoal_show_free(&list);
	return ret;
}

const struct shoal_cmd shoal_cmd_show = {
	.name		= "show",
	.main		= shoal_show_main,
	.args		= "[DEV]",
	.summary	= "show every shoal device of the namespace, or DEV",
	.details	=
		"Prints a block per device: a line with its name, ifindex, UDP\n"
		"port, sender id, replay window, epoch max age, key limit and\n"
		"number of peers; a line per transmit key slot (never the key);\n"
		"the counters that are not zero; a line per group: its id, what\n"
		"it matches and its number of members; then each peer, indented:\n"
		"its endpoint, keepalive, last receive, allowed IPs, receive key\n"
		"ids, pairwise transmit key and counters.\n"
		"\n"
		"With -j, a JSON array of device objects, even for a single DEV;\n"
		"see shoal(8) for its members.\n",
};
