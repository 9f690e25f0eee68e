// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * pktfuzz: bad datagrams for a shoal port, to prove that every one of them
 * is dropped and counted, and that none disturbs the tunnel.
 *
 *   pktfuzz capture IFNAME PORT COUNT FILE SECS
 *	Records the UDP payloads of up to COUNT IPv4 datagrams to PORT seen
 *	on IFNAME (within SECS seconds) into FILE: real, authentic datagrams
 *	to replay and mutate later. Prints "captured N".
 *
 *   pktfuzz send DST PORT COUNT SEED PEER KEY SELF FILE
 *	Sends COUNT datagrams to DST:PORT (IPv4), each of one of the kinds
 *	below, chosen at random (xorshift seeded by SEED). PEER and KEY are
 *	the sender id and key id of a real peer of the receiver, SELF the
 *	receiver's own sender id, FILE a capture of PEER's datagrams. Prints
 *	one line per kind, "KIND N", and "total N" last.
 *
 * The kinds, and the drop reason each must get:
 *   short	fewer bytes than a header and a tag (any of the	malformed
 *		kinds below but random that came out so short)
 *   header	a bad type, flags, reserved or zero sender	malformed
 *   stranger	a sender id the receiver does not know		unknown-sender
 *   self	the receiver's own sender id			unknown-sender
 *   nokey	PEER with a key id it does not have		no-key
 *   forged	PEER, KEY, the captured epoch, a fresh counter,	auth
 *		random ciphertext (or none)
 *   epoch	PEER, KEY, any other epoch			epoch or auth
 *   replay	a captured datagram, unchanged			replay
 *   tamper	a captured datagram, fresh counter, one byte	auth
 *		flipped or cut short
 *   random	random bytes					any
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HDR_LEN		24
#define TAG_LEN		16
#define TYPE_DATA	0x11
#define MAX_CAPTURED	4096
#define MAX_DGRAM	1500
#define BATCH		64

enum kind {
	K_SHORT, K_HEADER, K_STRANGER, K_SELF, K_NOKEY, K_FORGED, K_EPOCH,
	K_REPLAY, K_TAMPER, K_RANDOM, K_MAX
};

static const char * const kind_name[K_MAX] = {
	"short", "header", "stranger", "self", "nokey", "forged", "epoch",
	"replay", "tamper", "random",
};

/* A datagram's header, as on the wire (Documentation/protocol.rst). */
struct hdr {
	uint8_t type;
	uint8_t flags;
	uint8_t key_id;
	uint8_t reserved;
	uint32_t sender_id;
	uint64_t epoch;
	uint64_t counter;
} __attribute__((packed));

struct captured {
	uint16_t len;
	uint8_t data[MAX_DGRAM];
};

static struct captured cap[MAX_CAPTURED];
static unsigned int ncap;
static uint64_t rng;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

static void fill(uint8_t *p, size_t len)
{
	while (len--)
		*p++ = rnd();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int capture(const char *ifname, int port, unsigned int count,
		   const char *file, double secs)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
	};
	uint8_t buf[65536];
	double end = now() + secs;
	FILE *out;
	int fd;

	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname);
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("packet socket");
	out = fopen(file, "w");
	if (!out)
		die(file);
	while (ncap < count && now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct udphdr *udp;
		struct iphdr *ip;
		ssize_t n;
		size_t len;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(*ip))
			continue;
		ip = (struct iphdr *)buf;
		if (ip->protocol != IPPROTO_UDP || ip->frag_off & htons(0x3fff) ||
		    n < ip->ihl * 4 + (ssize_t)sizeof(*udp))
			continue;
		udp = (struct udphdr *)(buf + ip->ihl * 4);
		if (ntohs(udp->dest) != port)
			continue;
		len = n - ip->ihl * 4 - sizeof(*udp);
		if (len < HDR_LEN + TAG_LEN || len > MAX_DGRAM)
			continue;
		cap[ncap].len = len;
		memcpy(cap[ncap].data, udp + 1, len);
		if (fwrite(&cap[ncap], sizeof(cap[0]), 1, out) != 1)
			die(file);
		ncap++;
	}
	if (fclose(out))
		die(file);
	printf("captured %u\n", ncap);
	return ncap ? 0 : 1;
}

static void load(const char *file)
{
	FILE *in = fopen(file, "r");

	if (!in)
		die(file);
	ncap = fread(cap, sizeof(cap[0]), MAX_CAPTURED, in);
	fclose(in);
	if (!ncap) {
		fprintf(stderr, "%s: no datagrams captured\n", file);
		exit(1);
	}
}

struct target {
	uint32_t peer, self;
	uint8_t key;
	uint64_t epoch;		/* the captured datagrams' (newest) epoch */
	uint64_t counter;	/* above every counter the peer has used */
};

/* A counter far beyond anything the peer sent: new to the replay window. */
static uint64_t fresh_counter(const struct target *t)
{
	return htobe64(t->counter + (rnd() >> 20));
}

/* A valid-looking header from @sender under @key. */
static void header(uint8_t *p, uint32_t sender, uint8_t key, uint64_t epoch,
		   uint64_t counter)
{
	struct hdr h = {
		.type = TYPE_DATA,
		.key_id = key,
		.sender_id = htonl(sender),
		.epoch = epoch,
		.counter = counter,
	};

	memcpy(p, &h, sizeof(h));
}

/* Writes one datagram of @kind into @p; returns its length. */
static size_t make(enum kind kind, uint8_t *p, const struct target *t)
{
	size_t len = HDR_LEN + below(200);
	const struct captured *c;
	struct hdr *h = (struct hdr *)p;
	uint32_t id;

	fill(p, MAX_DGRAM);
	switch (kind) {
	case K_SHORT:
		return below(HDR_LEN + TAG_LEN);
	case K_HEADER:
		header(p, t->peer, t->key, t->epoch, fresh_counter(t));
		switch (below(4)) {
		case 0:
			while (h->type == TYPE_DATA)
				h->type = rnd();
			break;
		case 1:
			h->flags = 1 + below(255);
			break;
		case 2:
			h->reserved = 1 + below(255);
			break;
		default:
			h->sender_id = 0;
		}
		return len;
	case K_STRANGER:
		do
			id = rnd();
		while (!id || id == t->peer || id == t->self);
		header(p, id, t->key, t->epoch, fresh_counter(t));
		return len;
	case K_SELF:
		header(p, t->self, t->key, t->epoch, fresh_counter(t));
		return len;
	case K_NOKEY:
		header(p, t->peer, t->key + 1 + below(255), t->epoch,
		       fresh_counter(t));
		return len;
	case K_FORGED:
		header(p, t->peer, t->key, t->epoch, fresh_counter(t));
		return len;
	case K_EPOCH:
		header(p, t->peer, t->key, htobe64(be64toh(t->epoch) +
		       (below(2) ? 1 : -1) * (int64_t)(1 + (rnd() >> 16))),
		       fresh_counter(t));
		return len;
	case K_REPLAY:
		c = &cap[below(ncap)];
		memcpy(p, c->data, c->len);
		return c->len;
	case K_TAMPER:
		c = &cap[below(ncap)];
		memcpy(p, c->data, c->len);
		h->counter = fresh_counter(t);
		if (below(4))
			p[HDR_LEN + below(c->len - HDR_LEN)] ^= 1 << below(8);
		else
			return HDR_LEN + below(c->len - HDR_LEN);
		return c->len;
	default:
		return below(MAX_DGRAM + 1);
	}
}

static int send_all(const char *dst, int port, unsigned long count,
		    uint64_t seed, uint32_t peer, uint8_t key, uint32_t self,
		    const char *file)
{
	static uint8_t buf[BATCH][MAX_DGRAM];
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	unsigned long n[K_MAX] = { 0 }, sent = 0;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct target t = {
		.peer = peer,
		.key = key,
		.self = self,
	};
	unsigned int i;
	int fd, k;

	if (inet_pton(AF_INET, dst, &sin.sin_addr) != 1) {
		fprintf(stderr, "%s: not an IPv4 address\n", dst);
		return 2;
	}
	load(file);
	for (i = 0; i < ncap; i++) {
		const struct hdr *h = (const struct hdr *)cap[i].data;

		if (be64toh(h->epoch) > be64toh(t.epoch))
			t.epoch = h->epoch;
		if (be64toh(h->counter) > t.counter)
			t.counter = be64toh(h->counter);
	}
	t.counter += 1ULL << 32;
	rng = seed | 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	memset(msg, 0, sizeof(msg));
	while (sent < count) {
		unsigned int batch = count - sent < BATCH ? count - sent : BATCH;
		enum kind kinds[BATCH];
		int done;

		for (i = 0; i < batch; i++) {
			kinds[i] = below(K_MAX);
			iov[i].iov_base = buf[i];
			iov[i].iov_len = make(kinds[i], buf[i], &t);
			if (kinds[i] != K_RANDOM &&
			    iov[i].iov_len < HDR_LEN + TAG_LEN)
				kinds[i] = K_SHORT;
			msg[i].msg_hdr.msg_name = &sin;
			msg[i].msg_hdr.msg_namelen = sizeof(sin);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		/* A blocking socket sends all; a short count is retried. */
		for (i = 0; i < batch; i += done) {
			done = sendmmsg(fd, msg + i, batch - i, 0);
			if (done <= 0)
				die("sendmmsg");
		}
		for (i = 0; i < batch; i++)
			n[kinds[i]]++;
		sent += batch;
	}
	for (k = 0; k < K_MAX; k++)
		printf("%s %lu\n", kind_name[k], n[k]);
	printf("total %lu\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "capture"))
		return capture(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 0),
			       argv[5], atof(argv[6]));
	if (argc == 10 && !strcmp(argv[1], "send"))
		return send_all(argv[2], atoi(argv[3]),
				strtoul(argv[4], NULL, 0),
				strtoull(argv[5], NULL, 0),
				strtoul(argv[6], NULL, 0),
				strtoul(argv[7], NULL, 0),
				strtoul(argv[8], NULL, 0), argv[9]);
	fprintf(stderr, "usage: pktfuzz capture IFNAME PORT COUNT FILE SECS\n"
		"       pktfuzz send DST PORT COUNT SEED PEER KEY SELF FILE\n");
	return 2;
}
