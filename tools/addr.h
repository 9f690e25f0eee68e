/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_ADDR_H
#define SHOAL_ADDR_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

/* "ffff:...:255.255.255.255/128" and "[ffff:...:255.255.255.255]:65535" */
#define SHOAL_PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)
#define SHOAL_ENDPOINT_STRLEN	(INET6_ADDRSTRLEN + 8)

struct nl_msg;
struct nlattr;

/* An allowed-ips or group prefix: the "prefix" attribute set. */
struct shoal_prefix {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t cidr;
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
};

/* A peer's underlay address and UDP port. */
struct shoal_endpoint {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint16_t port;		/* host order */
	uint8_t addr[16];
};

int shoal_parse_prefix(const char *s, struct shoal_prefix *p);
int shoal_parse_prefixes(const char *s, struct shoal_prefix **out, size_t *n);
int shoal_parse_endpoint(const char *s, struct shoal_endpoint *ep);
size_t shoal_addr_len(uint16_t family);
void shoal_format_prefix(char *buf, size_t size, const struct shoal_prefix *p);
void shoal_format_endpoint(char *buf, size_t size,
			   const struct shoal_endpoint *ep);
int shoal_prefix_put(struct nl_msg *msg, int type, const struct shoal_prefix *p);
int shoal_prefix_get(struct nlattr *nest, struct shoal_prefix *p);

#endif /* SHOAL_ADDR_H */
