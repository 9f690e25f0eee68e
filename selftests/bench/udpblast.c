// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * udpblast: the benchmark's inner packet source. Sends UDP datagrams as
 * fast as it can, in batches of sendmmsg(2), round robin over one or more
 * IPv4 destinations, for a given time or number of packets:
 *
 *   udpblast [-i DEV] [-s SIZE] [-t SECS] [-n COUNT] [-b BATCH] [-p PORT] DST...
 *
 *   -i DEV    send out of DEV (SO_BINDTODEVICE, IP_MULTICAST_IF)
 *   -s SIZE   inner IP packet size in bytes (IP + UDP + payload; default 64)
 *   -t SECS   stop after SECS seconds (default 2)
 *   -n COUNT  stop after COUNT datagrams (or SECS, whichever comes first)
 *   -b BATCH  datagrams per sendmmsg call (default 64)
 *   -p PORT   destination UDP port (default 9)
 *
 * With one multicast or broadcast DST it is the application of a fan-out
 * group; with N unicast DSTs it is an application that writes each packet
 * N times, once per receiver (what users of a unicast tunnel do today).
 * Prints "sent N errors E seconds S" on stdout.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpblast [-i DEV] [-s SIZE] [-t SECS] [-n COUNT] [-b BATCH] [-p PORT] DST...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov;
	static char payload[65536];
	const char *dev = NULL;
	int size = 64, batch = 64, port = 9, one = 1, zero = 0, opt, fd, i;
	long long count = -1, sent = 0, errors = 0;
	double secs = 2, start, end;
	struct sockaddr_in *dst;
	size_t ndst, next = 0;

	while ((opt = getopt(argc, argv, "i:s:t:n:b:p:")) != -1) {
		switch (opt) {
		case 'i': dev = optarg; break;
		case 's': size = atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'n': count = atoll(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'p': port = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc || size < 28 || size > 65535 || batch < 1 ||
	    batch > MAX_BATCH)
		usage();
	ndst = argc - optind;
	dst = calloc(ndst, sizeof(*dst));
	if (!dst)
		return 1;
	for (i = 0; i < (int)ndst; i++) {
		dst[i].sin_family = AF_INET;
		dst[i].sin_port = htons(port);
		if (inet_pton(AF_INET, argv[optind + i], &dst[i].sin_addr) != 1) {
			fprintf(stderr, "udpblast: bad address %s\n", argv[optind + i]);
			return 2;
		}
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero));
	if (dev) {
		struct ip_mreqn mreq = { .imr_ifindex = if_nametoindex(dev) };

		if (!mreq.imr_ifindex ||
		    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq))) {
			perror(dev);
			return 1;
		}
	}

	memset(payload, 'x', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = size - 28;
	for (i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_namelen = sizeof(*dst);
	}

	start = now();
	end = start + secs;
	while (count < 0 || sent < count) {
		int want = batch, n;

		if (count >= 0 && count - sent < want)
			want = count - sent;
		for (i = 0; i < want; i++)
			msgs[i].msg_hdr.msg_name = &dst[(next + i) % ndst];
		n = sendmmsg(fd, msgs, want, 0);
		if (n < 0) {
			/* A full queue (ENOBUFS) or no route yet: skip one. */
			errors++;
			n = 1;
		} else {
			sent += n;
		}
		next = (next + n) % ndst;
		if (now() >= end)
			break;
	}
	printf("sent %lld errors %lld seconds %.3f\n", sent, errors, now() - start);
	return 0;
}
