// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * Peers as the kernel reports them (the "peer" attribute set): getting one
 * or dumping all of a device, and printing them as text or JSON, for
 * "shoal show" and "shoal peer show".
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>

#include <linux/shoal.h>

#include "device.h"
#include "json.h"
#include "netlink.h"
#include "peerinfo.h"
#include "spec.h"
#include "util.h"

/* Adds the prefixes of @nest to @p's (a dump splits a long list). */
static int shoal_peer_ips(struct nlattr *nest, struct shoal_peer *p)
{
	struct shoal_prefix *ips;
	struct nlattr *entry;
	size_t n = 0;
	int rem;

	nla_for_each_nested(entry, nest, rem)
		n++;
	if (!n)
		return 0;
	ips = realloc(p->ips, (p->n_ips + n) * sizeof(*p->ips));
	if (!ips)
		return -ENOMEM;
	p->ips = ips;
	nla_for_each_nested(entry, nest, rem) {
		if (shoal_prefix_get(entry, &p->ips[p->n_ips]))
			return -EBADMSG;
		p->n_ips++;
	}
	return 0;
}

static int shoal_peer_keys(struct nlattr *rx, struct nlattr *tx,
			   struct shoal_peer *p)
{
	struct shoal_dev_key k;
	struct nlattr *entry;
	bool has_slot, has_id;
	int rem;

	if (rx) {
		nla_for_each_nested(entry, rx, rem) {
			if (shoal_dev_key_parse(entry, &k, &has_slot, &has_id) ||
			    !has_id)
				return -EBADMSG;
			p->rx_keys[k.id / 8] |= 1 << (k.id % 8);
			if (k.pairwise)
				p->rx_pairwise[k.id / 8] |= 1 << (k.id % 8);
		}
	}
	if (tx) {
		if (shoal_dev_key_parse(tx, &k, &has_slot, &has_id) || !has_id)
			return -EBADMSG;
		p->has_tx_key = true;
		p->tx_id = k.id;
		p->tx_packets = k.packets;
		p->has_tx_packets = k.has_packets;
		p->tx_epoch = k.epoch;
		p->has_tx_epoch = k.has_epoch;
	}
	return 0;
}

/* Attributes of a peer-get reply. */
static const struct nla_policy shoal_peer_policy[SHOAL_A_PEER_MAX + 1] = {
	[SHOAL_A_PEER_IFINDEX]		= { .type = NLA_U32 },
	[SHOAL_A_PEER_SENDER_ID]	= { .type = NLA_U32 },
	[SHOAL_A_PEER_ENDPOINT_PORT]	= { .type = NLA_U16 },
	[SHOAL_A_PEER_ALLOWED_IPS]	= { .type = NLA_NESTED },
	[SHOAL_A_PEER_RX_KEYS]		= { .type = NLA_NESTED },
	[SHOAL_A_PEER_TX_KEY]		= { .type = NLA_NESTED },
	[SHOAL_A_PEER_KEEPALIVE]	= { .type = NLA_U16 },
	[SHOAL_A_PEER_RX_AGE_MS]	= { .type = NLA_U64 },
	[SHOAL_A_PEER_STATS]		= { .type = NLA_NESTED },
};

/* Decodes a parsed peer-get reply into @p, freed by the caller on error too. */
static int shoal_peer_parse(struct nlattr **tb, struct shoal_peer *p)
{
	struct nlattr *v4, *v6;
	int err;

	memset(p, 0, sizeof(*p));
	p->sender_id = nla_get_u32(tb[SHOAL_A_PEER_SENDER_ID]);

	v4 = tb[SHOAL_A_PEER_ENDPOINT_IPV4];
	v6 = tb[SHOAL_A_PEER_ENDPOINT_IPV6];
	if (v4 || v6) {
		struct nlattr *a = v6 ? v6 : v4;

		p->endpoint.family = v6 ? AF_INET6 : AF_INET;
		if ((v4 && v6) || !tb[SHOAL_A_PEER_ENDPOINT_PORT] ||
		    (size_t)nla_len(a) != shoal_addr_len(p->endpoint.family))
			return -EBADMSG;
		memcpy(p->endpoint.addr, nla_data(a), nla_len(a));
		p->endpoint.port = nla_get_u16(tb[SHOAL_A_PEER_ENDPOINT_PORT]);
		p->has_endpoint = true;
	}
	if (tb[SHOAL_A_PEER_ALLOWED_IPS]) {
		err = shoal_peer_ips(tb[SHOAL_A_PEER_ALLOWED_IPS], p);
		if (err)
			return err;
	}
	err = shoal_peer_keys(tb[SHOAL_A_PEER_RX_KEYS], tb[SHOAL_A_PEER_TX_KEY],
			      p);
	if (err)
		return err;
	if (tb[SHOAL_A_PEER_KEEPALIVE]) {
		p->keepalive = nla_get_u16(tb[SHOAL_A_PEER_KEEPALIVE]);
		p->has_keepalive = true;
	}
	if (tb[SHOAL_A_PEER_RX_AGE_MS]) {
		p->rx_age_ms = nla_get_u64(tb[SHOAL_A_PEER_RX_AGE_MS]);
		p->has_rx_age = true;
	}
	if (tb[SHOAL_A_PEER_STATS]) {
		if (shoal_stats_parse(tb[SHOAL_A_PEER_STATS], &p->stats))
			return -EBADMSG;
		p->has_stats = true;
	}
	return 0;
}

/*
 * A peer-get reply. A message with the sender id of the peer before it and
 * no counters goes on with that peer: it carries more of its prefixes, a
 * list too long for one message.
 */
static int shoal_peers_reply(struct nlattr *attrs, int len, void *arg)
{
	struct nlattr *tb[SHOAL_A_PEER_MAX + 1];
	struct shoal_peer_list *l = arg;
	struct shoal_peer *peers;
	int err;

	if (nla_parse(tb, SHOAL_A_PEER_MAX, attrs, len, shoal_peer_policy) ||
	    !tb[SHOAL_A_PEER_SENDER_ID])
		return -EBADMSG;
	if (l->n && !tb[SHOAL_A_PEER_STATS] &&
	    nla_get_u32(tb[SHOAL_A_PEER_SENDER_ID]) ==
	    l->peers[l->n - 1].sender_id)
		return tb[SHOAL_A_PEER_ALLOWED_IPS] ?
		       shoal_peer_ips(tb[SHOAL_A_PEER_ALLOWED_IPS],
				      &l->peers[l->n - 1]) : 0;
	peers = shoal_grow(l->peers, l->n, &l->cap, 16, sizeof(*peers));
	if (!peers)
		return -ENOMEM;
	l->peers = peers;
	err = shoal_peer_parse(tb, &l->peers[l->n]);
	/* Counted even when it failed, so that its prefixes are freed. */
	l->n++;
	return err;
}

static void shoal_peers_reset(void *arg)
{
	struct shoal_peer_list *l = arg;
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->peers[i].ips);
	l->n = 0;
}

/**
 * shoal_peers_free - free a list of peers
 * @l: the list, empty afterwards
 */
void shoal_peers_free(struct shoal_peer_list *l)
{
	shoal_peers_reset(l);
	free(l->peers);
	memset(l, 0, sizeof(*l));
}

/**
 * shoal_peers_get - get one peer of a device, or dump them all
 * @nl: an open socket
 * @ifindex: the device by index, or 0 to give @ifname
 * @ifname: the device by name, when @ifindex is 0
 * @sender_id: the peer, or 0 for every peer of the device
 * @l: an empty list, which the peers are added to; free it even on error
 *
 * A dump that races changes to the peers is read again (see
 * shoal_nl_send()), so the list is one consistent snapshot.
 *
 * Return: 0, or a negative errno with the details in @nl->err.
 */
int shoal_peers_get(struct shoal_nl *nl, uint32_t ifindex, const char *ifname,
		    uint32_t sender_id, struct shoal_peer_list *l)
{
	static const struct shoal_nl_get get = {
		.cmd		= SHOAL_CMD_PEER_GET,
		.ifindex_attr	= SHOAL_A_PEER_IFINDEX,
		.ifname_attr	= SHOAL_A_PEER_IFNAME,
		.id_attr	= SHOAL_A_PEER_SENDER_ID,
		.attrs		= &shoal_spec_peer,
		.reply		= shoal_peers_reply,
		.reset		= shoal_peers_reset,
	};

	return shoal_nl_get(nl, &get, ifindex, ifname, sender_id, l);
}

/*
 * The first key id at or after @id whose bit is set in @map (a bit per id,
 * 256 ids), or 256: a byte at a time, as a peer has a key or two and a
 * dump prints thousands of peers.
 */
static unsigned int shoal_peer_next_id(const uint8_t *map, unsigned int id)
{
	for (; id < 256; id = (id | 7) + 1) {
		unsigned int bits = map[id / 8] >> (id % 8);

		if (bits)
			return id + __builtin_ctz(bits);
	}
	return 256;
}

static void shoal_peer_text(FILE *f, const char *indent,
			    const struct shoal_peer *p)
{
	char buf[SHOAL_ENDPOINT_STRLEN];
	unsigned int id;
	size_t i;
	bool any;

	fprintf(f, "%speer %u:", indent, p->sender_id);
	if (p->has_endpoint) {
		shoal_format_endpoint(buf, sizeof(buf), &p->endpoint);
		fprintf(f, " endpoint %s", buf);
	} else {
		fputs(" endpoint none", f);
	}
	if (p->has_keepalive && p->keepalive)
		fprintf(f, " keepalive %u", p->keepalive);
	else if (p->has_keepalive)
		fputs(" keepalive off", f);
	if (p->has_rx_age)
		fprintf(f, " last rx %" PRIu64 ".%03us ago",
			p->rx_age_ms / 1000, (unsigned int)(p->rx_age_ms % 1000));
	else
		fputs(" last rx never", f);
	fputc('\n', f);

	fprintf(f, "%s  allowed-ips", indent);
	for (i = 0; i < p->n_ips; i++) {
		shoal_format_prefix(buf, sizeof(buf), &p->ips[i]);
		fprintf(f, " %s", buf);
	}
	fputs(p->n_ips ? "\n" : " none\n", f);

	fprintf(f, "%s  rx-keys", indent);
	any = false;
	for (id = shoal_peer_next_id(p->rx_keys, 0); id < 256;
	     id = shoal_peer_next_id(p->rx_keys, id + 1)) {
		fprintf(f, " %u", id);
		if (p->rx_pairwise[id / 8] & (1 << (id % 8)))
			fputs(" (pairwise)", f);
		any = true;
	}
	fputs(any ? "\n" : " none\n", f);

	if (p->has_tx_key) {
		fprintf(f, "%s  tx-key id %u", indent, p->tx_id);
		if (p->has_tx_packets)
			fprintf(f, " packets %" PRIu64, p->tx_packets);
		if (p->has_tx_epoch)
			fprintf(f, " epoch 0x%016" PRIx64, p->tx_epoch);
		fputc('\n', f);
	}
	if (p->has_stats) {
		char sub[64];

		snprintf(sub, sizeof(sub), "%s  ", indent);
		shoal_stats_text(f, sub, &p->stats);
	}
}

/**
 * shoal_peers_text - print peers, a block of lines each
 * @f: the stream
 * @indent: before each peer's first line; its other lines get two more
 *	    spaces
 * @l: the peers
 *
 * Key material is never printed: the kernel does not report it.
 */
void shoal_peers_text(FILE *f, const char *indent,
		      const struct shoal_peer_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		shoal_peer_text(f, indent, &l->peers[i]);
}

static void shoal_peer_json(struct shoal_json *j, const struct shoal_peer *p)
{
	char buf[SHOAL_ENDPOINT_STRLEN];
	unsigned int id;
	size_t i;

	shoal_json_begin_object(j, NULL);
	shoal_json_uint(j, "sender_id", p->sender_id);
	if (p->has_endpoint) {
		shoal_format_endpoint(buf, sizeof(buf), &p->endpoint);
		shoal_json_string(j, "endpoint", buf);
	} else {
		shoal_json_null(j, "endpoint");
	}
	shoal_json_begin_array(j, "allowed_ips");
	for (i = 0; i < p->n_ips; i++) {
		shoal_format_prefix(buf, sizeof(buf), &p->ips[i]);
		shoal_json_string(j, NULL, buf);
	}
	shoal_json_end_array(j);
	shoal_json_begin_array(j, "rx_keys");
	for (id = shoal_peer_next_id(p->rx_keys, 0); id < 256;
	     id = shoal_peer_next_id(p->rx_keys, id + 1))
		shoal_json_uint(j, NULL, id);
	shoal_json_end_array(j);
	shoal_json_begin_array(j, "rx_keys_pairwise");
	for (id = shoal_peer_next_id(p->rx_pairwise, 0); id < 256;
	     id = shoal_peer_next_id(p->rx_pairwise, id + 1))
		shoal_json_uint(j, NULL, id);
	shoal_json_end_array(j);
	if (p->has_tx_key) {
		shoal_json_begin_object(j, "tx_key");
		shoal_json_uint(j, "id", p->tx_id);
		if (p->has_tx_packets)
			shoal_json_uint(j, "packets", p->tx_packets);
		if (p->has_tx_epoch)
			shoal_json_hex(j, "epoch", p->tx_epoch);
		shoal_json_end_object(j);
	}
	if (p->has_keepalive)
		shoal_json_uint(j, "keepalive", p->keepalive);
	if (p->has_rx_age)
		shoal_json_uint(j, "rx_age_ms", p->rx_age_ms);
	else
		shoal_json_null(j, "rx_age_ms");
	if (p->has_stats)
		shoal_stats_json(j, &p->stats);
	shoal_json_end_object(j);
}

/**
 * shoal_peers_json - peers as a JSON array of objects
 * @j: the writer
 * @key: the array's key in the enclosing object, NULL in an array
 * @l: the peers
 */
void shoal_peers_json(struct shoal_json *j, const char *key,
		      const struct shoal_peer_list *l)
{
	size_t i;

	shoal_json_begin_array(j, key);
	for (i = 0; i < l->n; i++)
		shoal_peer_json(j, &l->peers[i]);
	shoal_json_end_array(j);
}
