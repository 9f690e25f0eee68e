// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * Addresses on the command line: prefixes (allowed-ips, group matches) and
 * peer endpoints, parsed strictly (inet_pton, decimal lengths and ports)
 * and printed back in the same forms; and prefixes as "prefix" nests.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "addr.h"
#include "util.h"

/**
 * shoal_addr_len - bytes of an address of a family
 * @family: AF_INET or AF_INET6
 *
 * Return: 4, 16, or 0 for another family.
 */
size_t shoal_addr_len(uint16_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* An address alone: IPv6 when it has a colon. */
static int shoal_parse_addr(const char *s, uint16_t *family, uint8_t *addr)
{
	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	memset(addr, 0, 16);
	return inet_pton(*family, s, addr) == 1 ? 0 : -EINVAL;
}

/* Clears the bits of @p past its length; true when any was set. */
static int shoal_prefix_mask(struct shoal_prefix *p)
{
	size_t len = shoal_addr_len(p->family), i;
	int dirty = 0;

	for (i = 0; i < len; i++) {
		unsigned int keep = p->cidr >= 8 * (i + 1) ? 8 :
				    p->cidr > 8 * i ? p->cidr - 8 * i : 0;
		uint8_t mask = keep ? (uint8_t)(0xff << (8 - keep)) : 0;

		if (p->addr[i] & ~mask)
			dirty = 1;
		p->addr[i] &= mask;
	}
	return dirty;
}

/**
 * shoal_parse_prefix - parse ADDR/LEN, or ADDR alone for a host prefix
 * @s: the text
 * @p: filled in
 *
 * The bits past LEN must be zero: "10.0.0.1/24" is more likely a typo
 * than a wish for 10.0.0.0/24, so it is refused, naming the prefix meant.
 *
 * Return: 0, or -EINVAL after printing why.
 */
int shoal_parse_prefix(const char *s, struct shoal_prefix *p)
{
	char addr[INET6_ADDRSTRLEN], fixed[SHOAL_PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t cidr;

	memset(p, 0, sizeof(*p));
	if (alen >= sizeof(addr))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (strchr(addr, '%')) {
		shoal_err("invalid prefix \"%s\": scope ids are not part of a prefix",
			  s);
		return -EINVAL;
	}
	if (shoal_parse_addr(addr, &p->family, p->addr))
		goto bad;
	if (!slash) {
		p->cidr = 8 * shoal_addr_len(p->family);
		return 0;
	}
	if (shoal_parse_u64(slash + 1, 8 * shoal_addr_len(p->family), &cidr)) {
		shoal_err("invalid prefix \"%s\": the length must be 0-%zu",
			  s, 8 * shoal_addr_len(p->family));
		return -EINVAL;
	}
	p->cidr = cidr;
	if (shoal_prefix_mask(p)) {
		shoal_format_prefix(fixed, sizeof(fixed), p);
		shoal_err("invalid prefix \"%s\": host bits must be zero (did you mean %s?)",
			  s, fixed);
		return -EINVAL;
	}
	return 0;
bad:
	shoal_err("invalid prefix \"%s\": expected an IPv4 or IPv6 ADDR[/LEN]",
		  s);
	return -EINVAL;
}

/**
 * shoal_parse_prefixes - parse a comma-separated list of prefixes
 * @s: the text; "none" is the empty list
 * @out: a new array, to free(); NULL for the empty list
 * @n: its length
 *
 * Return: 0, or -EINVAL (-ENOMEM) after printing why.
 */
int shoal_parse_prefixes(const char *s, struct shoal_prefix **out, size_t *n)
{
	struct shoal_prefix *list = NULL;
	size_t count = 1, i = 0;
	const char *c, *start;
	char *copy;

	*out = NULL;
	*n = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (c = s; *c; c++)
		count += *c == ',';
	copy = strdup(s);
	list = calloc(count, sizeof(*list));
	if (!copy || !list) {
		shoal_err("parsing allowed-ips: %s", strerror(ENOMEM));
		goto fail;
	}
	for (start = copy; i < count; i++) {
		char *comma = strchr(start, ',');

		if (comma)
			*comma = '\0';
		if (!*start) {
			shoal_err("invalid allowed-ips \"%s\": empty prefix in the list",
				  s);
			goto fail;
		}
		if (shoal_parse_prefix(start, &list[i]))
			goto fail;
		start = comma ? comma + 1 : start + strlen(start);
	}
	free(copy);
	*out = list;
	*n = count;
	return 0;
fail:
	free(copy);
	free(list);
	return -EINVAL;
}

/**
 * shoal_parse_endpoint - parse ADDR:PORT or [ADDR6]:PORT
 * @s: the text
 * @ep: filled in
 *
 * Names are not resolved: the kernel needs an address, and a name that
 * resolves differently tomorrow is a configuration that silently changes.
 *
 * Return: 0, or -EINVAL after printing why.
 */
int shoal_parse_endpoint(const char *s, struct shoal_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN];
	const char *colon, *a = s;
	uint64_t port;
	size_t alen;

	memset(ep, 0, sizeof(*ep));
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		a = s + 1;
		alen = close - a;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		alen = colon - s;
		if (memchr(s, ':', alen)) {
			shoal_err("invalid endpoint \"%s\": an IPv6 address goes in brackets, [ADDR6]:PORT",
				  s);
			return -EINVAL;
		}
	}
	if (alen >= sizeof(addr))
		goto bad;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	if (strchr(addr, '%')) {
		shoal_err("invalid endpoint \"%s\": scope ids are not supported",
			  s);
		return -EINVAL;
	}
	if (shoal_parse_addr(addr, &ep->family, ep->addr) ||
	    (*s == '[') != (ep->family == AF_INET6))
		goto bad;
	if (shoal_parse_u64(colon + 1, UINT16_MAX, &port)) {
		shoal_err("invalid endpoint \"%s\": the port must be 0-65535",
			  s);
		return -EINVAL;
	}
	ep->port = port;
	return 0;
bad:
	shoal_err("invalid endpoint \"%s\": expected ADDR:PORT or [ADDR6]:PORT",
		  s);
	return -EINVAL;
}

/*
 * A dump prints an endpoint and a prefix or more for each of thousands of
 * peers: IPv4 addresses and numbers are written here by hand, where
 * glibc's inet_ntop() and snprintf() take a printf() per number.
 */

/*
 * The address at @buf (room for INET6_ADDRSTRLEN), terminated.
 * Return: its length.
 */
static size_t shoal_format_addr(char *buf, uint16_t family,
				const uint8_t *addr)
{
	size_t n = 0;
	int i;

	if (family != AF_INET) {
		if (!inet_ntop(family, addr, buf, INET6_ADDRSTRLEN))
			strcpy(buf, "?");
		return strlen(buf);
	}
	for (i = 0; i < 4; i++) {
		if (i)
			buf[n++] = '.';
		n += shoal_format_u64(buf + n, addr[i]);
	}
	buf[n] = '\0';
	return n;
}

/* @len bytes of @text into @buf of @size, cut short as snprintf() would. */
static void shoal_format_copy(char *buf, size_t size, const char *text,
			      size_t len)
{
	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
}

/**
 * shoal_format_prefix - print a prefix as ADDR/LEN
 * @buf: where it goes
 * @size: at least SHOAL_PREFIX_STRLEN
 * @p: the prefix
 */
void shoal_format_prefix(char *buf, size_t size, const struct shoal_prefix *p)
{
	char text[SHOAL_PREFIX_STRLEN];
	size_t n = shoal_format_addr(text, p->family, p->addr);

	text[n++] = '/';
	n += shoal_format_u64(text + n, p->cidr);
	shoal_format_copy(buf, size, text, n);
}

/**
 * shoal_format_endpoint - print an endpoint as ADDR:PORT or [ADDR6]:PORT
 * @buf: where it goes
 * @size: at least SHOAL_ENDPOINT_STRLEN
 * @ep: the endpoint
 */
void shoal_format_endpoint(char *buf, size_t size,
			   const struct shoal_endpoint *ep)
{
	char text[SHOAL_ENDPOINT_STRLEN];
	bool v6 = ep->family == AF_INET6;
	size_t n = 0;

	if (v6)
		text[n++] = '[';
	n += shoal_format_addr(text + n, ep->family, ep->addr);
	if (v6)
		text[n++] = ']';
	text[n++] = ':';
	n += shoal_format_u64(text + n, ep->port);
	shoal_format_copy(buf, size, text, n);
}

/**
 * shoal_prefix_put - add a prefix to a request, as a "prefix" nest
 * @msg: the request
 * @type: the nest's attribute type (or index in an indexed array)
 * @p: the prefix
 *
 * Return: 0, or -ENOMEM when the message is full.
 */
int shoal_prefix_put(struct nl_msg *msg, int type, const struct shoal_prefix *p)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

	if (!nest || nla_put_u16(msg, SHOAL_A_PREFIX_FAMILY, p->family) ||
	    nla_put(msg, SHOAL_A_PREFIX_ADDR, shoal_addr_len(p->family),
		    p->addr) ||
	    nla_put_u8(msg, SHOAL_A_PREFIX_CIDR, p->cidr) ||
	    nla_nest_end(msg, nest))
		return -ENOMEM;
	return 0;
}

/**
 * shoal_prefix_get - decode a "prefix" nest of a reply
 * @nest: the nest
 * @p: filled in
 *
 * Return: 0, or -EBADMSG when an attribute is missing or does not agree
 * with the family.
 */
int shoal_prefix_get(struct nlattr *nest, struct shoal_prefix *p)
{
	static const struct nla_policy policy[SHOAL_A_PREFIX_MAX + 1] = {
		[SHOAL_A_PREFIX_FAMILY]	= { .type = NLA_U16 },
		[SHOAL_A_PREFIX_CIDR]	= { .type = NLA_U8 },
	};
	struct nlattr *tb[SHOAL_A_PREFIX_MAX + 1];
	size_t len;

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, SHOAL_A_PREFIX_MAX, nest, policy) ||
	    !tb[SHOAL_A_PREFIX_FAMILY] || !tb[SHOAL_A_PREFIX_ADDR] ||
	    !tb[SHOAL_A_PREFIX_CIDR])
		return -EBADMSG;
	p->family = nla_get_u16(tb[SHOAL_A_PREFIX_FAMILY]);
	p->cidr = nla_get_u8(tb[SHOAL_A_PREFIX_CIDR]);
	len = shoal_addr_len(p->family);
	if (!len || (size_t)nla_len(tb[SHOAL_A_PREFIX_ADDR]) != len ||
	    p->cidr > 8 * len)
		return -EBADMSG;
	memcpy(p->addr, nla_data(tb[SHOAL_A_PREFIX_ADDR]), len);
	return 0;
}
