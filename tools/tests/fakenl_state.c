// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The fake kernel's state: devices, their keys and peers, loaded from and
 * saved to SHOAL_FAKE_STATE (see fakenl.c), and the replies describing
 * them, dumps included.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fakenl.h"

int fake_loaded, fake_dirty;
int fake_intr_left = -1, fake_peer_intr_left = -1;
struct fake_dev fake_devs[FAKE_MAX_DEVS];
int fake_ndevs;
struct fake_peer *fake_peers;
size_t fake_npeers;
static size_t fake_peers_cap;

/* The state file. */

size_t addr_len(uint16_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int parse_prefix(char *s, struct fake_prefix *p)
{
	char *slash = strchr(s, '/');

	memset(p, 0, sizeof(*p));
	if (slash)
		*slash = '\0';
	p->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, s, p->addr) != 1)
		return -1;
	p->cidr = slash ? atoi(slash + 1) : 8 * (int)addr_len(p->family);
	return 0;
}

void print_prefix(FILE *f, const struct fake_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, buf, sizeof(buf));
	fprintf(f, "%s/%u", buf, p->cidr);
}

struct fake_peer *peer_new(void)
{
	if (fake_npeers == fake_peers_cap) {
		fake_peers_cap = fake_peers_cap ? 2 * fake_peers_cap : 64;
		fake_peers = realloc(fake_peers,
				     fake_peers_cap * sizeof(*fake_peers));
		if (!fake_peers)
			abort();
	}
	memset(&fake_peers[fake_npeers], 0, sizeof(*fake_peers));
	return &fake_peers[fake_npeers++];
}

static void load_peer(char *line)
{
	char ep[64], txk[16], rxk[64], age[32], *ips, *tok, *save;
	struct fake_peer *p = peer_new();
	unsigned int ka;
	int off = 0;

	if (sscanf(line, "peer %u %u %63s %u %31s %15s %63s %n", &p->ifindex,
		   &p->id, ep, &ka, age, txk, rxk, &off) < 7 || !off) {
		fake_npeers--;
		return;
	}
	ips = line + off;
	ips[strcspn(ips, " \n")] = '\0';
	p->keepalive = ka;
	p->rx_age = strcmp(age, "-") ? atoll(age) : -1;
	p->tx_id = strcmp(txk, "-") ? atoi(txk) : -1;
	if (strcmp(ep, "-")) {
		char *colon = strrchr(ep, ':');

		*colon = '\0';
		p->ep_port = atoi(colon + 1);
		if (ep[0] == '[') {
			ep[strlen(ep) - 1] = '\0';
			p->ep_family = AF_INET6;
			inet_pton(AF_INET6, ep + 1, p->ep_addr);
		} else {
			p->ep_family = AF_INET;
			inet_pton(AF_INET, ep, p->ep_addr);
		}
	}
	if (strcmp(rxk, "-"))
		for (tok = strtok_r(rxk, ",", &save);
		     tok && p->n_rx < SHOAL_PEER_RX_KEYS;
		     tok = strtok_r(NULL, ",", &save))
			p->rx[p->n_rx++] = atoi(tok);
	if (strcmp(ips, "-"))
		for (tok = strtok_r(ips, ",", &save);
		     tok && p->n_ips < FAKE_MAX_IPS;
		     tok = strtok_r(NULL, ",", &save))
			if (!parse_prefix(tok, &p->ips[p->n_ips]))
				p->n_ips++;
}

void fake_load(void)
{
	const char *path = getenv("SHOAL_FAKE_STATE");
	FILE *f = path ? fopen(path, "r") : NULL;
	char *line = NULL;
	size_t size = 0;

	fake_loaded = 1;
	if (!f)
		return;
	/* Lines of any length: a group may have thousands of members. */
	while (getline(&line, &size, f) >= 0) {
		struct fake_dev *d = &fake_devs[fake_ndevs];
		unsigned int port, slot, id, active, exh, idx;
		unsigned long long packets, epoch;
		int i;

		if (!strncmp(line, "peer ", 5)) {
			load_peer(line);
			continue;
		}
		if (!strncmp(line, "group ", 6)) {
			load_group(line);
			continue;
		}
		if (sscanf(line, "key %u %u %u %u %llu %llx %u", &idx, &slot,
			   &id, &active, &packets, &epoch, &exh) == 7) {
			for (i = 0; i < fake_ndevs; i++) {
				struct fake_key *k;

				if (fake_devs[i].ifindex != idx || slot > 1)
					continue;
				k = &fake_devs[i].keys[slot];
				k->present = 1;
				k->id = id;
				k->active = active;
				k->packets = packets;
				k->epoch = epoch;
				k->exhausted = exh;
			}
			continue;
		}
		if (fake_ndevs == FAKE_MAX_DEVS)
			continue;
		memset(d, 0, sizeof(*d));
		d->replay_window = 8192;
		d->epoch_max_age = 900;
		d->key_limit = 1ULL << 62;
		packets = d->key_limit;
		if (sscanf(line, "%u %15s %u %u %u %u %llu %u", &d->ifindex,
			   d->name, &port, &d->id, &d->replay_window,
			   &d->epoch_max_age, &packets, &d->cipher) >= 4) {
			d->port = port;
			d->key_limit = packets;
			fake_ndevs++;
		}
	}
	free(line);
	fclose(f);
}

void fake_save(void)
{
	const char *path = getenv("SHOAL_FAKE_STATE");
	FILE *f;
	size_t i;
	int n, s, k;

	if (!fake_dirty || !path)
		return;
	fake_dirty = 0;
	f = fopen(path, "w");
	if (!f)
		return;
	for (n = 0; n < fake_ndevs; n++) {
		const struct fake_dev *d = &fake_devs[n];

		fprintf(f, "%u %s %u %u %u %u %llu %u\n", d->ifindex, d->name,
			d->port, d->id, d->replay_window, d->epoch_max_age,
			(unsigned long long)d->key_limit, d->cipher);
		for (s = 0; s < SHOAL_KEY_SLOTS; s++)
			if (d->keys[s].present)
				fprintf(f, "key %u %d %u %d %llu %llx %d\n",
					d->ifindex, s, d->keys[s].id,
					d->keys[s].active,
					(unsigned long long)d->keys[s].packets,
					(unsigned long long)d->keys[s].epoch,
					d->keys[s].exhausted);
	}
	for (i = 0; i < fake_npeers; i++) {
		const struct fake_peer *p = &fake_peers[i];
		char buf[INET6_ADDRSTRLEN];

		fprintf(f, "peer %u %u ", p->ifindex, p->id);
		if (p->ep_family) {
			inet_ntop(p->ep_family, p->ep_addr, buf, sizeof(buf));
			fprintf(f, p->ep_family == AF_INET6 ? "[%s]:%u" :
				"%s:%u", buf, p->ep_port);
		} else {
			fputc('-', f);
		}
		fprintf(f, " %u ", p->keepalive);
		if (p->rx_age < 0)
			fputc('-', f);
		else
			fprintf(f, "%lld", (long long)p->rx_age);
		if (p->tx_id < 0)
			fputs(" -", f);
		else
			fprintf(f, " %d", p->tx_id);
		fputc(' ', f);
		for (k = 0; k < p->n_rx; k++)
			fprintf(f, "%s%u", k ? "," : "", p->rx[k]);
		if (!p->n_rx)
			fputc('-', f);
		fputc(' ', f);
		for (k = 0; k < p->n_ips; k++) {
			if (k)
				fputc(',', f);
			print_prefix(f, &p->ips[k]);
		}
		if (!p->n_ips)
			fputc('-', f);
		fputc('\n', f);
	}
	save_groups(f);
	fclose(f);
}
/* Replies. */

static const uint8_t fake_leaked[SHOAL_KEY_LEN] = {
	[0 ... SHOAL_KEY_LEN - 1] = 0x41,
};

static void put_leak(struct nlmsghdr *nlh)
{
	if (env_int("SHOAL_FAKE_LEAK", 0))
		attr_put(nlh, SHOAL_A_KEY_MATERIAL, fake_leaked,
			 sizeof(fake_leaked));
}

void put_stats(struct nlmsghdr *nlh, uint16_t type, const uint64_t *v)
{
	uint32_t nest = nest_start(nlh, type);
	int i;

	for (i = 1; i < SHOAL_A_STATS_PAD; i++)
		attr_put_u64(nlh, i, v[i], SHOAL_A_STATS_PAD);
	nest_end(nlh, nest);
}

void put_dev(struct nlmsghdr *nlh, const struct fake_dev *dev)
{
	uint64_t stats[SHOAL_A_STATS_MAX + 1] = { 0 };
	uint32_t peers = 0, keys, entry;
	size_t i;
	int s, n = 0;

	for (i = 0; i < fake_npeers; i++)
		peers += fake_peers[i].ifindex == dev->ifindex;
	genl_put(nlh, SHOAL_CMD_DEV_GET);
	attr_put(nlh, SHOAL_A_DEV_IFINDEX, &dev->ifindex, 4);
	attr_put(nlh, SHOAL_A_DEV_IFNAME, dev->name, strlen(dev->name) + 1);
	attr_put(nlh, SHOAL_A_DEV_PORT, &dev->port, 2);
	attr_put(nlh, SHOAL_A_DEV_SENDER_ID, &dev->id, 4);
	attr_put(nlh, SHOAL_A_DEV_REPLAY_WINDOW, &dev->replay_window, 4);
	attr_put(nlh, SHOAL_A_DEV_EPOCH_MAX_AGE, &dev->epoch_max_age, 4);
	attr_put_u64(nlh, SHOAL_A_DEV_KEY_LIMIT, dev->key_limit,
		     SHOAL_A_DEV_PAD);
	attr_put(nlh, SHOAL_A_DEV_CIPHER, &dev->cipher, 4);
	keys = nest_start(nlh, SHOAL_A_DEV_KEYS);
	for (s = 0; s < SHOAL_KEY_SLOTS; s++) {
		const struct fake_key *k = &dev->keys[s];
		uint8_t slot = s;

		if (!k->present)
			continue;
		entry = nest_start(nlh, ++n);
		attr_put(nlh, SHOAL_A_KEY_SLOT, &slot, 1);
		attr_put(nlh, SHOAL_A_KEY_ID, &k->id, 1);
		if (k->active)
			attr_put(nlh, SHOAL_A_KEY_ACTIVE, NULL, 0);
		attr_put_u64(nlh, SHOAL_A_KEY_PACKETS, k->packets,
			     SHOAL_A_KEY_PAD);
		attr_put_u64(nlh, SHOAL_A_KEY_EPOCH, k->epoch, SHOAL_A_KEY_PAD);
		if (k->exhausted)
			attr_put(nlh, SHOAL_A_KEY_EXHAUSTED, NULL, 0);
		put_leak(nlh);
		nest_end(nlh, entry);
	}
	nest_end(nlh, keys);
	/* Made up, but distinct; one past 2^32 to catch a u32 read. */
	stats[SHOAL_A_STATS_RX_PACKETS] = dev->ifindex * 1000ULL;
	stats[SHOAL_A_STATS_RX_BYTES] = dev->ifindex * 100000ULL;
	stats[SHOAL_A_STATS_TX_ENCRYPTIONS] = (1ULL << 32) + dev->ifindex;
	stats[SHOAL_A_STATS_DROP_REPLAY] = 3;
	put_stats(nlh, SHOAL_A_DEV_STATS, stats);
	attr_put(nlh, SHOAL_A_DEV_PEERS, &peers, 4);
}

static void put_key_id(struct nlmsghdr *nlh, uint16_t type, uint8_t id)
{
	uint32_t nest = nest_start(nlh, type);

	attr_put(nlh, SHOAL_A_KEY_ID, &id, 1);
	put_leak(nlh);
	nest_end(nlh, nest);
}

void put_peer(struct nlmsghdr *nlh, const struct fake_peer *p)
{
	uint64_t stats[SHOAL_A_STATS_MAX + 1] = { 0 };
	uint32_t nest, entry;
	uint16_t family;
	uint8_t cidr;
	int i;

	genl_put(nlh, SHOAL_CMD_PEER_GET);
	attr_put(nlh, SHOAL_A_PEER_IFINDEX, &p->ifindex, 4);
	attr_put(nlh, SHOAL_A_PEER_SENDER_ID, &p->id, 4);
	if (p->ep_family) {
		attr_put(nlh, p->ep_family == AF_INET ?
			 SHOAL_A_PEER_ENDPOINT_IPV4 : SHOAL_A_PEER_ENDPOINT_IPV6,
			 p->ep_addr, addr_len(p->ep_family));
		attr_put(nlh, SHOAL_A_PEER_ENDPOINT_PORT, &p->ep_port, 2);
	}
	nest = nest_start(nlh, SHOAL_A_PEER_ALLOWED_IPS);
	for (i = 0; i < p->n_ips; i++) {
		entry = nest_start(nlh, i + 1);
		family = p->ips[i].family;
		cidr = p->ips[i].cidr;
		attr_put(nlh, SHOAL_A_PREFIX_FAMILY, &family, 2);
		attr_put(nlh, SHOAL_A_PREFIX_ADDR, p->ips[i].addr,
			 addr_len(family));
		attr_put(nlh, SHOAL_A_PREFIX_CIDR, &cidr, 1);
		nest_end(nlh, entry);
	}
	nest_end(nlh, nest);
	nest = nest_start(nlh, SHOAL_A_PEER_RX_KEYS);
	for (i = 0; i < p->n_rx; i++)
		put_key_id(nlh, i + 1, p->rx[i]);
	nest_end(nlh, nest);
	if (p->tx_id >= 0) {
		uint8_t id = p->tx_id;

		nest = nest_start(nlh, SHOAL_A_PEER_TX_KEY);
		attr_put(nlh, SHOAL_A_KEY_ID, &id, 1);
		attr_put_u64(nlh, SHOAL_A_KEY_PACKETS, 5, SHOAL_A_KEY_PAD);
		attr_put_u64(nlh, SHOAL_A_KEY_EPOCH, 0x1122334455667700ULL + id,
			     SHOAL_A_KEY_PAD);
		put_leak(nlh);
		nest_end(nlh, nest);
	}
	attr_put(nlh, SHOAL_A_PEER_KEEPALIVE, &p->keepalive, 2);
	if (p->rx_age >= 0)
		attr_put_u64(nlh, SHOAL_A_PEER_RX_AGE_MS, p->rx_age,
			     SHOAL_A_PEER_PAD);
	stats[SHOAL_A_STATS_RX_PACKETS] = 2ULL * p->id;
	stats[SHOAL_A_STATS_RX_BYTES] = 200ULL * p->id;
	stats[SHOAL_A_STATS_TX_PACKETS] = p->id;
	stats[SHOAL_A_STATS_DROP_AUTH] = p->id % 2;
	put_stats(nlh, SHOAL_A_PEER_STATS, stats);
}

/* A dump: @n objects put by @put, flagged from its middle on if @intr. */
void fake_dump(const struct nlmsghdr *req, int n, int per, int intr,
		      void (*put)(struct nlmsghdr *, int))
{
	struct fake_dgram *d = NULL;
	struct nlmsghdr *nlh;
	int i, in_dgram = 0;

	for (i = 0; i < n; i++) {
		uint16_t flags = NLM_F_MULTI;

		if (intr && i >= n / 2)
			flags |= NLM_F_DUMP_INTR;
		if (!d || (per && in_dgram == per) ||
		    (!per && d->len > FAKE_PACK_SIZE)) {
			d = dgram_new();
			in_dgram = 0;
		}
		nlh = msg_start(d, FAKE_FAMILY_ID, flags, req->nlmsg_seq);
		put(nlh, i);
		msg_end(d, nlh);
		in_dgram++;
	}
	if (env_int("SHOAL_FAKE_DUMP_ERR", 0))
		fake_dump_done(req, intr, ENOBUFS, "Fake dump failure");
	else
		fake_dump_done(req, intr, 0, NULL);
}

/*
 * The end of a dump, as the kernel ends one: a DONE with the errno and, if
 * it failed, the message alone (no attribute offset).
 */
void fake_dump_done(const struct nlmsghdr *req, int intr, int errnum,
		    const char *msg)
{
	struct fake_dgram *d = dgram_new();
	struct nlmsghdr *nlh;
	int err = -errnum;

	nlh = msg_start(d, NLMSG_DONE, NLM_F_MULTI, req->nlmsg_seq);
	if (intr)
		nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	msg_put(nlh, &err, sizeof(err));
	if (err && fake_ext_ack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		attr_put(nlh, NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
	}
	msg_end(d, nlh);
}

/* The tool reads one object with a dump of it alone, never with a get. */
void fake_get_refused(const struct nlmsghdr *req)
{
	fake_error(req, EOPNOTSUPP, "fakenl: one object is read by a dump", 0);
}

void put_dev_i(struct nlmsghdr *nlh, int i)
{
	put_dev(nlh, &fake_devs[i]);
}

/* The peers of the device a peer dump is about, found by index. */
struct fake_peer **fake_dumped;

void put_peer_i(struct nlmsghdr *nlh, int i)
{
	put_peer(nlh, fake_dumped[i]);
}

int take_intr(int *left, const char *env)
{
	if (*left < 0)
		*left = env_int(env, 0);
	if (*left > 0) {
		(*left)--;
		return 1;
	}
	return 0;
}

/* Like shoal_nl_dev_find(): by ifindex or name; ENODEV with a message. */
struct fake_dev *fake_find(const struct nlmsghdr *req,
				  const struct fake_attrs *a)
{
	const struct nlattr *by = a->tb[SHOAL_A_DEV_IFINDEX] ?:
				  a->tb[SHOAL_A_DEV_IFNAME];
	int i;

	if (!by) {
		fake_error(req, EINVAL, "A device ifindex or name is required",
			   0);
		return NULL;
	}
	for (i = 0; i < fake_ndevs; i++) {
		if (a->tb[SHOAL_A_DEV_IFINDEX] ?
		    fake_devs[i].ifindex == *(const uint32_t *)nla_payload(by) :
		    !strcmp(fake_devs[i].name, nla_payload(by)))
			return &fake_devs[i];
	}
	fake_error(req, ENODEV, "No such device", off_of(req, by));
	return NULL;
}

struct fake_peer *peer_find(uint32_t ifindex, uint32_t id)
{
	size_t i;

	for (i = 0; i < fake_npeers; i++)
		if (fake_peers[i].ifindex == ifindex && fake_peers[i].id == id)
			return &fake_peers[i];
	return NULL;
}
