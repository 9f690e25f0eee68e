// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* shoal show [DEV]: one device, or every shoal device of the netns. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "device.h"
#include "json.h"
#include "netlink.h"
#include "peerinfo.h"
#include "shoal.h"
#include "spec.h"
#include "util.h"

/*
 * Devices and their peers are collected first, so that a retried dump
 * prints once and a failure prints nothing.
 */
struct shoal_show_dev {
	struct shoal_device dev;
	struct shoal_peer_list peers;
	bool gone;		/* deleted between the two dumps */
};

struct shoal_show_list {
	struct shoal_show_dev *devs;
	size_t n;
	size_t cap;
};

static int shoal_show_reply(struct nlattr *attrs, int len, void *arg)
{
	struct shoal_show_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct shoal_show_dev *devs;

		devs = reallocarray(l->devs, cap, sizeof(*devs));
		if (!devs)
			return -ENOMEM;
		l->devs = devs;
		l->cap = cap;
	}
	memset(&l->devs[l->n], 0, sizeof(l->devs[l->n]));
	if (shoal_device_parse(attrs, len, &l->devs[l->n].dev))
		return -EBADMSG;
	l->n++;
	return 0;
}

/* Peers are only fetched after the device dump, so nothing else to free. */
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
 * counters that are not zero, then its peers indented below it.
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
		if (d->has_peers)
			printf(" peers %u", d->peers);
		putchar('\n');
		for (k = 0; k < d->n_keys; k++)
			shoal_show_key_text(&d->keys[k]);
		if (d->has_stats)
			shoal_stats_text(stdout, "  ", &d->stats);
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
 * peers rather than their number, which is its length.
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
		shoal_json_begin_array(&j, "keys");
		for (k = 0; k < d->n_keys; k++)
			shoal_show_key_json(&j, &d->keys[k]);
		shoal_json_end_array(&j);
		if (d->has_stats)
			shoal_stats_json(&j, &d->stats);
		shoal_peers_json(&j, "peers", &l->devs[i].peers);
		shoal_json_end_object(&j);
	}
	shoal_json_end_array(&j);
	shoal_json_finish(&j);
}

/* A device deleted since the device dump is left out of a full listing. */
static int shoal_show_peers(struct shoal_nl *nl, struct shoal_show_list *l,
			    bool all)
{
	size_t i;
	int err;

	for (i = 0; i < l->n; i++) {
		struct shoal_show_dev *sd = &l->devs[i];

		err = shoal_peers_get(nl, sd->dev.ifindex, NULL, 0, &sd->peers);
		if (err == -ENODEV && all) {
			shoal_peers_free(&sd->peers);
			sd->gone = true;
			continue;
		}
		if (err) {
			shoal_nl_perror(nl, "listing the peers of %s",
					sd->dev.ifname);
			return err;
		}
	}
	return 0;
}

static int shoal_show_main(const struct shoal_cmd *cmd, int argc, char **argv)
{
	struct shoal_show_list list = { 0 };
	const char *ifname = argc > 1 ? argv[1] : NULL;
	struct shoal_nl_req req = {
		.reply = shoal_show_reply,
		.reset = shoal_show_reset,
		.arg = &list,
		.attrs = &shoal_spec_dev,
	};
	int ret = SHOAL_EXIT_FAIL;
	struct shoal_nl nl;
	size_t i;

	if (argc > 2)
		return shoal_usage_error(cmd, "unexpected argument \"%s\"",
					 argv[2]);
	if (ifname && shoal_parse_ifname(ifname))
		return shoal_usage_error(cmd, NULL);

	if (shoal_nl_open(&nl))
		goto out;
	req.msg = shoal_nl_msg(&nl, SHOAL_CMD_DEV_GET, ifname ? 0 : NLM_F_DUMP);
	if (!req.msg)
		goto out;
	if (ifname && nla_put_string(req.msg, SHOAL_A_DEV_IFNAME, ifname)) {
		shoal_nl_build_failed();
		goto out;
	}
	if (shoal_nl_send(&nl, &req)) {
		if (ifname)
			shoal_nl_perror(&nl, "getting device %s", ifname);
		else
			shoal_nl_perror(&nl, "listing devices");
		goto out;
	}
	if (shoal_show_peers(&nl, &list, !ifname))
		goto out;

	if (shoal_opts.json)
		shoal_show_json(&list);
	else
		shoal_show_text(&list);
	ret = SHOAL_EXIT_OK;
out:
	nlmsg_free(req.msg);
	shoal_nl_close(&nl);
	for (i = 0; i < list.n; i++)
		shoal_peers_free(&list.devs[i].peers);
	free(list.devs);
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
		"the counters that are not zero; then each peer, indented: its\n"
		"endpoint, keepalive, last receive, allowed IPs, receive key ids,\n"
		"pairwise transmit key and counters.\n"
		"\n"
		"With -j, a JSON array of device objects, even for a single DEV;\n"
		"see shoal(8) for its members.\n",
};
