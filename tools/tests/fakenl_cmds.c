// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The commands of the fake "shoal" family: requests are logged and checked
 * against the policy of Documentation/netlink/shoal.yaml, as the kernel's
 * strict validation would, then carried out on the state.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fakenl.h"

/* The policy, from Documentation/netlink/shoal.yaml. */

enum fake_type { T_NONE, T_U8, T_U16, T_U32, T_U64, T_STR, T_BIN, T_FLAG,
		 T_NEST, T_ARRAY, T_U32_ARRAY, T_PAD };

struct fake_set;

struct fake_attr {
	const char *name;
	enum fake_type type;
	int len;		/* T_BIN: exact length; T_STR: max length */
	uint64_t min, max;	/* max 0: no range check */
	const struct fake_set *nest;
};

struct fake_set {
	const struct fake_attr *attrs;
	int max;
};

static const struct fake_attr key_attrs[] = {
	[SHOAL_A_KEY_SLOT]	= { .name = "slot", .type = T_U8, .max = 1 },
	[SHOAL_A_KEY_ID]	= { .name = "id", .type = T_U8 },
	[SHOAL_A_KEY_MATERIAL]	= { .name = "material", .type = T_BIN,
					    .len = SHOAL_KEY_LEN },
	[SHOAL_A_KEY_ACTIVE]	= { .name = "active", .type = T_FLAG },
	[SHOAL_A_KEY_PACKETS]	= { .name = "packets", .type = T_U64 },
	[SHOAL_A_KEY_EPOCH]	= { .name = "epoch", .type = T_U64 },
	[SHOAL_A_KEY_EXHAUSTED]	= { .name = "exhausted", .type = T_FLAG },
	[SHOAL_A_KEY_PAIRWISE]	= { .name = "pairwise", .type = T_U8, .max = 1 },
	[SHOAL_A_KEY_PAD]	= { .name = "pad", .type = T_PAD },
};
static const struct fake_set key_set = { key_attrs, SHOAL_A_KEY_MAX };

static const struct fake_attr prefix_attrs[] = {
	[SHOAL_A_PREFIX_FAMILY]	= { .name = "family", .type = T_U16 },
	[SHOAL_A_PREFIX_ADDR]	= { .name = "addr", .type = T_BIN, .len = -1 },
	[SHOAL_A_PREFIX_CIDR]	= { .name = "cidr", .type = T_U8 },
};
static const struct fake_set prefix_set = { prefix_attrs, SHOAL_A_PREFIX_MAX };

static const struct fake_attr dev_attrs[] = {
	[SHOAL_A_DEV_IFINDEX]		= { .name = "ifindex", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_DEV_IFNAME]		= { .name = "ifname", .type = T_STR,
					    .len = 15 },
	[SHOAL_A_DEV_PORT]		= { .name = "port", .type = T_U16 },
	[SHOAL_A_DEV_SENDER_ID]		= { .name = "sender-id", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_DEV_REPLAY_WINDOW]	= { .name = "replay-window", .type = T_U32,
					    .min = 64, .max = 131072 },
	[SHOAL_A_DEV_EPOCH_MAX_AGE]	= { .name = "epoch-max-age", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_DEV_KEY_LIMIT]		= { .name = "key-limit", .type = T_U64,
					    .min = 1, .max = 1ULL << 62 },
	[SHOAL_A_DEV_KEYS]		= { .name = "keys", .type = T_ARRAY,
					    .nest = &key_set },
	[SHOAL_A_DEV_STATS]		= { .name = "stats", .type = T_NONE },
	[SHOAL_A_DEV_PEERS]		= { .name = "peers", .type = T_NONE },
	[SHOAL_A_DEV_PEER_ID]		= { .name = "peer-id", .type = T_NONE },
	[SHOAL_A_DEV_PAD]		= { .name = "pad", .type = T_PAD },
	[SHOAL_A_DEV_CIPHER]		= { .name = "cipher", .type = T_U32,
					    .max = SHOAL_CIPHER_AES_256_GCM },
};
static const struct fake_set dev_set = { dev_attrs, SHOAL_A_DEV_MAX };

static const struct fake_attr peer_attrs[] = {
	[SHOAL_A_PEER_IFINDEX]		= { .name = "ifindex", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_PEER_IFNAME]		= { .name = "ifname", .type = T_STR,
					    .len = 15 },
	[SHOAL_A_PEER_SENDER_ID]	= { .name = "sender-id", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_PEER_ENDPOINT_IPV4]	= { .name = "endpoint-ipv4", .type = T_BIN,
					    .len = 4 },
	[SHOAL_A_PEER_ENDPOINT_IPV6]	= { .name = "endpoint-ipv6", .type = T_BIN,
					    .len = 16 },
	[SHOAL_A_PEER_ENDPOINT_PORT]	= { .name = "endpoint-port", .type = T_U16,
					    .min = 1, .max = UINT16_MAX },
	[SHOAL_A_PEER_ALLOWED_IPS]	= { .name = "allowed-ips", .type = T_ARRAY,
					    .nest = &prefix_set },
	[SHOAL_A_PEER_RX_KEYS]		= { .name = "rx-keys", .type = T_ARRAY,
					    .nest = &key_set },
	[SHOAL_A_PEER_TX_KEY]		= { .name = "tx-key", .type = T_NEST,
					    .nest = &key_set },
	[SHOAL_A_PEER_KEEPALIVE]	= { .name = "keepalive", .type = T_U16 },
	[SHOAL_A_PEER_RX_AGE_MS]	= { .name = "rx-age-ms", .type = T_NONE },
	[SHOAL_A_PEER_STATS]		= { .name = "stats", .type = T_NONE },
	[SHOAL_A_PEER_PAD]		= { .name = "pad", .type = T_PAD },
};
static const struct fake_set peer_set = { peer_attrs, SHOAL_A_PEER_MAX };

static const struct fake_attr group_attrs[] = {
	[SHOAL_A_GROUP_IFINDEX]		= { .name = "ifindex", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_GROUP_IFNAME]		= { .name = "ifname", .type = T_STR,
					    .len = 15 },
	[SHOAL_A_GROUP_ID]		= { .name = "id", .type = T_U32,
					    .min = 1, .max = UINT32_MAX },
	[SHOAL_A_GROUP_PREFIX]		= { .name = "prefix", .type = T_NEST,
					    .nest = &prefix_set },
	[SHOAL_A_GROUP_BROADCAST]	= { .name = "broadcast", .type = T_FLAG },
	[SHOAL_A_GROUP_ALL_PEERS]	= { .name = "all-peers", .type = T_FLAG },
	[SHOAL_A_GROUP_MEMBERS]		= { .name = "members",
					    .type = T_U32_ARRAY },
	[SHOAL_A_GROUP_MEMBER_COUNT]	= { .name = "member-count", .type = T_NONE },
	[SHOAL_A_GROUP_STATS]		= { .name = "stats", .type = T_NONE },
	[SHOAL_A_GROUP_PAD]		= { .name = "pad", .type = T_PAD },
};
static const struct fake_set group_set = { group_attrs, SHOAL_A_GROUP_MAX };

/* The first violation of the policy found, to refuse the request with. */
struct fake_verdict {
	int err;
	const char *text;
	const struct nlattr *at;
};

static void fail(struct fake_verdict *v, int err, const char *text,
		 const struct nlattr *at)
{
	if (v->err)
		return;
	v->err = err;
	v->text = text;
	v->at = at;
}

uint64_t nla_uint(const struct nlattr *nla)
{
	uint64_t v = 0;

	switch (nla_plen(nla)) {
	case 1:
		return *(const uint8_t *)nla_payload(nla);
	case 2:
		return *(const uint16_t *)nla_payload(nla);
	case 4:
		return *(const uint32_t *)nla_payload(nla);
	}
	memcpy(&v, nla_payload(nla), sizeof(v));
	return v;
}

static void walk_u32s(const struct nlattr *array, struct fake_verdict *v)
{
	const struct nlattr *nla;
	const char *sep = "";

	for_each_attr(nla, nla_payload(array), nla_plen(array)) {
		if (nla_plen(nla) != 4) {
			fake_log("%s%d:len%d", sep, nla_kind(nla), nla_plen(nla));
			fail(v, EINVAL, "invalid attribute length", nla);
		} else {
			fake_log("%s%d:u32:%llu", sep, nla_kind(nla),
				 (unsigned long long)nla_uint(nla));
		}
		sep = " ";
	}
}

/* Logs the attributes of @data and checks them against @set, recursively. */
static void walk(const struct fake_set *set, const void *data, int len,
		 int array, struct fake_verdict *v)
{
	static const int sizes[] = { [T_U8] = 1, [T_U16] = 2, [T_U32] = 4,
				     [T_U64] = 8 };
	const struct nlattr *nla;
	const char *sep = "";
	int used = 0;

	for_each_attr(nla, data, len) {
		int type = nla_kind(nla), plen = nla_plen(nla), i;
		const struct fake_attr *a;

		used = (const char *)nla + NLA_ALIGN(nla->nla_len) -
		       (const char *)data;
		fake_log("%s%d:", sep, type);
		sep = " ";
		if (array) {
			/* An indexed array's entries: nests of @set. */
			fake_log("{");
			walk(set, nla_payload(nla), plen, 0, v);
			fake_log("}");
			continue;
		}
		a = type <= set->max ? &set->attrs[type] : NULL;
		if (!a || a->type == T_NONE) {
			fake_log("len%d", plen);
			fail(v, EINVAL, "Unknown attribute type", nla);
			continue;
		}
		switch (a->type) {
		case T_U8:
		case T_U16:
		case T_U32:
		case T_U64:
			if (plen != sizes[a->type]) {
				fake_log("len%d", plen);
				fail(v, EINVAL, "invalid attribute length", nla);
				break;
			}
			fake_log("u%d:%llu", 8 * plen,
				 (unsigned long long)nla_uint(nla));
			if (a->max && (nla_uint(nla) < a->min ||
				       nla_uint(nla) > a->max))
				fail(v, ERANGE, "integer out of range", nla);
			break;
		case T_STR:
			fake_log("str:%.*s", plen, (const char *)nla_payload(nla));
			if (!plen || ((const char *)nla_payload(nla))[plen - 1] ||
			    plen > a->len + 1)
				fail(v, EINVAL, "invalid string", nla);
			break;
		case T_BIN:
			fake_log("bin:");
			for (i = 0; i < plen; i++)
				fake_log("%02x", ((const uint8_t *)nla_payload(nla))[i]);
			if (a->len > 0 && plen != a->len)
				fail(v, EINVAL, "invalid attribute length", nla);
			break;
		case T_FLAG:
			fake_log("flag");
			if (plen)
				fail(v, EINVAL, "invalid attribute length", nla);
			break;
		case T_U32_ARRAY:
			/* An indexed array of u32: entries are not nests. */
			fake_log("{");
			walk_u32s(nla, v);
			fake_log("}");
			if (!(nla->nla_type & NLA_F_NESTED))
				fail(v, EINVAL, "NLA_F_NESTED is missing", nla);
			break;
		case T_NEST:
		case T_ARRAY:
			fake_log("{");
			walk(a->nest, nla_payload(nla), plen,
			     a->type == T_ARRAY, v);
			fake_log("}");
			if (!(nla->nla_type & NLA_F_NESTED))
				fail(v, EINVAL, "NLA_F_NESTED is missing", nla);
			break;
		default:
			fake_log("pad");
		}
	}
	if (used != (len & ~3) && used != len)
		fail(v, EINVAL, "malformed attributes", NULL);
}
/* Commands. */

static void cmd_dev_set(const struct nlmsghdr *req, const struct fake_attrs *a,
			struct fake_dev *dev)
{
	if (a->tb[SHOAL_A_DEV_PORT] &&
	    nla_uint(a->tb[SHOAL_A_DEV_PORT]) == 53) {
		fake_error(req, EADDRINUSE, "UDP port is already in use", 0);
		return;
	}
	if (a->tb[SHOAL_A_DEV_PORT])
		dev->port = nla_uint(a->tb[SHOAL_A_DEV_PORT]) ?: 33333;
	if (a->tb[SHOAL_A_DEV_SENDER_ID])
		dev->id = nla_uint(a->tb[SHOAL_A_DEV_SENDER_ID]);
	if (a->tb[SHOAL_A_DEV_REPLAY_WINDOW])
		dev->replay_window = nla_uint(a->tb[SHOAL_A_DEV_REPLAY_WINDOW]);
	if (a->tb[SHOAL_A_DEV_EPOCH_MAX_AGE])
		dev->epoch_max_age = nla_uint(a->tb[SHOAL_A_DEV_EPOCH_MAX_AGE]);
	if (a->tb[SHOAL_A_DEV_KEY_LIMIT])
		dev->key_limit = nla_uint(a->tb[SHOAL_A_DEV_KEY_LIMIT]);
	if (a->tb[SHOAL_A_DEV_CIPHER])
		dev->cipher = nla_uint(a->tb[SHOAL_A_DEV_CIPHER]);
	fake_dirty = 1;
	/* A warning rides on the successful ack. */
	if (env_int("SHOAL_FAKE_WARN", 0)) {
		fake_error(req, 0, "Fake warning", 0);
		return;
	}
	fake_ack(req);
}

static void cmd_key(const struct nlmsghdr *req, uint8_t cmd,
		    const struct fake_attrs *a, struct fake_dev *dev)
{
	const struct nlattr *keys = a->tb[SHOAL_A_DEV_KEYS], *entry, *nla;
	struct fake_attrs k;
	struct fake_key *slot;
	int n = 0;

	if (!keys) {
		fake_error_full(req, EINVAL, NULL, 0, SHOAL_A_DEV_KEYS, 0);
		return;
	}
	for_each_attr(nla, nla_payload(keys), nla_plen(keys)) {
		entry = nla;
		n++;
	}
	if (n != 1) {
		fake_error(req, EINVAL, "Exactly one key entry is required",
			   off_of(req, keys));
		return;
	}
	fake_parse_nest(entry, &k);
	if (!k.tb[SHOAL_A_KEY_SLOT]) {
		fake_error_full(req, EINVAL, NULL, 0, SHOAL_A_KEY_SLOT,
				off_of(req, entry));
		return;
	}
	slot = &dev->keys[nla_uint(k.tb[SHOAL_A_KEY_SLOT])];
	if (cmd == SHOAL_CMD_KEY_SET) {
		if (env_int("SHOAL_FAKE_MISSING", 0) || !k.tb[SHOAL_A_KEY_ID] ||
		    !k.tb[SHOAL_A_KEY_MATERIAL]) {
			fake_error_full(req, EINVAL, NULL, 0,
					k.tb[SHOAL_A_KEY_ID] ?
					SHOAL_A_KEY_MATERIAL : SHOAL_A_KEY_ID,
					off_of(req, entry));
			return;
		}
		if (slot->present && slot->active) {
			fake_error(req, EBUSY, "Cannot replace the active key",
				   off_of(req, k.tb[SHOAL_A_KEY_SLOT]));
			return;
		}
		memset(slot, 0, sizeof(*slot));
		slot->present = 1;
		slot->id = nla_uint(k.tb[SHOAL_A_KEY_ID]);
		slot->epoch = 0x0123456789abcdefULL;
	} else if (!slot->present) {
		fake_error(req, cmd == SHOAL_CMD_KEY_DEL ? ENOENT : ENOKEY,
			   "The slot holds no key",
			   off_of(req, k.tb[SHOAL_A_KEY_SLOT]));
		return;
	} else if (cmd == SHOAL_CMD_KEY_ACTIVATE) {
		dev->keys[0].active = dev->keys[1].active = 0;
		slot->active = 1;
	} else {
		memset(slot, 0, sizeof(*slot));
	}
	fake_dirty = 1;
	fake_ack(req);
}

int prefix_equal(const struct fake_prefix *a, const struct fake_prefix *b)
{
	return a->family == b->family && a->cidr == b->cidr &&
	       !memcmp(a->addr, b->addr, addr_len(a->family));
}

/* A "prefix" nest, checked as the kernel does; 0, or -1 once replied. */
int prefix_from_nest(const struct nlmsghdr *req, const struct nlattr *nest,
		     struct fake_prefix *pfx)
{
	struct fake_prefix masked;
	struct fake_attrs e;
	size_t len;
	int i;

	fake_parse_nest(nest, &e);
	for (i = SHOAL_A_PREFIX_FAMILY; i <= SHOAL_A_PREFIX_CIDR; i++) {
		if (!e.tb[i]) {
			fake_error_full(req, EINVAL, NULL, 0, i, off_of(req, nest));
			return -1;
		}
	}
	memset(pfx, 0, sizeof(*pfx));
	pfx->family = nla_uint(e.tb[SHOAL_A_PREFIX_FAMILY]);
	pfx->cidr = nla_uint(e.tb[SHOAL_A_PREFIX_CIDR]);
	len = addr_len(pfx->family);
	if (!len) {
		fake_error(req, EAFNOSUPPORT, "Unknown address family",
			   off_of(req, e.tb[SHOAL_A_PREFIX_FAMILY]));
		return -1;
	}
	if ((size_t)nla_plen(e.tb[SHOAL_A_PREFIX_ADDR]) != len) {
		fake_error(req, EINVAL, "Address length does not match the family",
			   off_of(req, e.tb[SHOAL_A_PREFIX_ADDR]));
		return -1;
	}
	if (pfx->cidr > 8 * len) {
		fake_error(req, EINVAL, "Prefix length too long",
			   off_of(req, e.tb[SHOAL_A_PREFIX_CIDR]));
		return -1;
	}
	memcpy(pfx->addr, nla_payload(e.tb[SHOAL_A_PREFIX_ADDR]), len);
	masked = *pfx;
	for (i = 0; i < (int)len; i++) {
		int keep = pfx->cidr - 8 * i;

		masked.addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 :
				  0xff << (8 - keep);
	}
	if (!prefix_equal(&masked, pfx)) {
		fake_error(req, EINVAL, "Host bits set past the prefix length",
			   off_of(req, e.tb[SHOAL_A_PREFIX_ADDR]));
		return -1;
	}
	return 0;
}

/* Applies the options of a peer-new or peer-set to @p; 0 or replied. */
static int peer_apply(const struct nlmsghdr *req, const struct fake_attrs *a,
		      struct fake_peer *p)
{
	const struct nlattr *v4 = a->tb[SHOAL_A_PEER_ENDPOINT_IPV4];
	const struct nlattr *v6 = a->tb[SHOAL_A_PEER_ENDPOINT_IPV6];
	const struct nlattr *port = a->tb[SHOAL_A_PEER_ENDPOINT_PORT];
	const struct nlattr *nla, *list;
	struct fake_attrs e;
	int i;

	if (v4 && v6) {
		fake_error(req, EINVAL, "Cannot specify both an IPv4 and an IPv6 endpoint",
			   off_of(req, v6));
		return -1;
	}
	if ((v4 || v6) && !port) {
		fake_error_full(req, EINVAL, "An endpoint address needs a port",
				0, SHOAL_A_PEER_ENDPOINT_PORT, 0);
		return -1;
	}
	if (port && !v4 && !v6) {
		fake_error(req, EINVAL, "cannot specify remote port without IP address",
			   off_of(req, port));
		return -1;
	}
	if (v4 || v6) {
		p->ep_family = v4 ? AF_INET : AF_INET6;
		memcpy(p->ep_addr, nla_payload(v4 ?: v6), nla_plen(v4 ?: v6));
		p->ep_port = nla_uint(port);
	}
	list = a->tb[SHOAL_A_PEER_ALLOWED_IPS];
	if (list) {
		p->n_ips = 0;
		for_each_attr(nla, nla_payload(list), nla_plen(list)) {
			if (p->n_ips == FAKE_MAX_IPS) {
				fake_error(req, E2BIG, "Too many allowed IPs",
					   off_of(req, nla));
				return -1;
			}
			if (prefix_from_nest(req, nla, &p->ips[p->n_ips]))
				return -1;
			p->n_ips++;
		}
	}
	list = a->tb[SHOAL_A_PEER_RX_KEYS];
	if (list) {
		for_each_attr(nla, nla_payload(list), nla_plen(list)) {
			int found = -1;
			uint8_t id;

			fake_parse_nest(nla, &e);
			if (!e.tb[SHOAL_A_KEY_ID]) {
				fake_error_full(req, EINVAL, NULL, 0,
						SHOAL_A_KEY_ID, off_of(req, nla));
				return -1;
			}
			id = nla_uint(e.tb[SHOAL_A_KEY_ID]);
			for (i = 0; i < p->n_rx; i++)
				if (p->rx[i] == id)
					found = i;
			if (!e.tb[SHOAL_A_KEY_MATERIAL]) {
				if (found < 0) {
					fake_error(req, ENOENT, "No receive key with this id",
						   off_of(req, e.tb[SHOAL_A_KEY_ID]));
					return -1;
				}
				/* Only a new pairwise mark: the key stays. */
				if (!e.tb[SHOAL_A_KEY_PAIRWISE])
					p->rx[found] = p->rx[--p->n_rx];
			} else if (found < 0) {
				if (p->n_rx == SHOAL_PEER_RX_KEYS) {
					fake_error(req, ENOSPC, "Too many receive keys",
						   off_of(req, nla));
					return -1;
				}
				p->rx[p->n_rx++] = id;
			}
		}
	}
	nla = a->tb[SHOAL_A_PEER_TX_KEY];
	if (nla) {
		fake_parse_nest(nla, &e);
		if (!e.tb[SHOAL_A_KEY_ID]) {
			fake_error_full(req, EINVAL, NULL, 0, SHOAL_A_KEY_ID,
					 off_of(req, nla));
			return -1;
		}
		if (e.tb[SHOAL_A_KEY_MATERIAL]) {
			p->tx_id = nla_uint(e.tb[SHOAL_A_KEY_ID]);
		} else if (p->tx_id != (int)nla_uint(e.tb[SHOAL_A_KEY_ID])) {
			fake_error(req, ENOENT, "No transmit key with this id",
				   off_of(req, e.tb[SHOAL_A_KEY_ID]));
			return -1;
		} else {
			p->tx_id = -1;
		}
	}
	if (a->tb[SHOAL_A_PEER_KEEPALIVE])
		p->keepalive = nla_uint(a->tb[SHOAL_A_PEER_KEEPALIVE]);
	return 0;
}

/* A prefix routed to this peer moves to it from any other of the device. */
static void peer_claim_prefixes(const struct fake_peer *p)
{
	size_t i;
	int k, m;

	for (i = 0; i < fake_npeers; i++) {
		struct fake_peer *o = &fake_peers[i];

		if (o == p || o->ifindex != p->ifindex)
			continue;
		for (k = 0; k < p->n_ips; k++)
			for (m = 0; m < o->n_ips; m++)
				if (prefix_equal(&p->ips[k], &o->ips[m]))
					o->ips[m--] = o->ips[--o->n_ips];
	}
}

static void cmd_peer(const struct nlmsghdr *req, uint8_t cmd,
		     const struct fake_attrs *a, struct fake_dev *dev)
{
	const struct nlattr *idattr = a->tb[SHOAL_A_PEER_SENDER_ID];
	struct fake_peer *p, copy;

	if (!idattr) {
		fake_error_full(req, EINVAL, NULL, 0, SHOAL_A_PEER_SENDER_ID, 0);
		return;
	}
	p = peer_find(dev->ifindex, nla_uint(idattr));
	if (cmd == SHOAL_CMD_PEER_NEW && p) {
		fake_error(req, EEXIST, "A peer with this sender id exists",
			   off_of(req, idattr));
		return;
	}
	if (cmd != SHOAL_CMD_PEER_NEW && !p) {
		fake_error(req, ENOENT, "No such peer", off_of(req, idattr));
		return;
	}
	if (cmd == SHOAL_CMD_PEER_DEL) {
		*p = fake_peers[--fake_npeers];
		fake_dirty = 1;
		fake_ack(req);
		return;
	}
	if (p) {
		copy = *p;
	} else {
		memset(&copy, 0, sizeof(copy));
		copy.ifindex = dev->ifindex;
		copy.id = nla_uint(idattr);
		copy.tx_id = -1;
		copy.rx_age = -1;
	}
	if (peer_apply(req, a, &copy))
		return;
	if (!p)
		p = peer_new();
	*p = copy;
	if (a->tb[SHOAL_A_PEER_ALLOWED_IPS])
		peer_claim_prefixes(p);
	fake_dirty = 1;
	fake_ack(req);
}

/* A dump of the device's peers, or of the one a sender id names. */
static void cmd_peer_dump(const struct nlmsghdr *req,
			  const struct fake_attrs *a, struct fake_dev *dev)
{
	const struct nlattr *idattr = a->tb[SHOAL_A_PEER_SENDER_ID];
	size_t i;
	int n = 0;

	if (idattr && !peer_find(dev->ifindex, nla_uint(idattr))) {
		fake_dump_done(req, 0, ENOENT, "No such peer");
		return;
	}
	fake_dumped = calloc(fake_npeers + 1, sizeof(*fake_dumped));
	if (!fake_dumped)
		abort();
	for (i = 0; i < fake_npeers; i++)
		if (fake_peers[i].ifindex == dev->ifindex &&
		    (!idattr || fake_peers[i].id == nla_uint(idattr)))
			fake_dumped[n++] = &fake_peers[i];
	fake_dump(req, n, env_int("SHOAL_FAKE_PER_MSG", 0),
		  take_intr(&fake_peer_intr_left, "SHOAL_FAKE_PEER_INTR"),
		  put_peer_i);
	free(fake_dumped);
	fake_dumped = NULL;
}

void fake_shoal(const struct nlmsghdr *req)
{
	const struct genlmsghdr *gh = (const void *)((const char *)req +
						     NLMSG_HDRLEN);
	const void *attrs = (const char *)req + NLMSG_HDRLEN + GENL_HDRLEN;
	int len = req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	int dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	const struct fake_set *set;
	struct fake_verdict v = { 0 };
	struct fake_dgram *d;
	struct nlmsghdr *nlh;
	struct fake_attrs a;
	struct fake_dev *dev;

	if (!fake_loaded)
		fake_load();
	fake_log("cmd %u flags 0x%x version %u%s", gh->cmd, req->nlmsg_flags,
		 gh->version, len > 0 ? " " : "");
	if (gh->cmd >= SHOAL_CMD_PEER_NEW && gh->cmd <= SHOAL_CMD_PEER_GET)
		set = &peer_set;
	else if (gh->cmd >= SHOAL_CMD_GROUP_NEW)
		set = &group_set;
	else
		set = &dev_set;
	walk(set, attrs, len, 0, &v);
	fake_log("\n");
	fake_log_flush();
	if (v.err) {
		fake_error(req, v.err, v.text, off_of(req, v.at));
		return;
	}
	fake_parse(attrs, len, &a);

	if (gh->cmd == SHOAL_CMD_DEV_GET && dump) {
		fake_dump(req, fake_ndevs, env_int("SHOAL_FAKE_PER_MSG", 1),
			  take_intr(&fake_intr_left, "SHOAL_FAKE_INTR"),
			  put_dev_i);
		return;
	}
	if (gh->cmd == SHOAL_CMD_KEY_EXHAUSTED || gh->cmd > SHOAL_CMD_MAX ||
	    !gh->cmd || (gh->cmd >= SHOAL_CMD_GROUP_NEW &&
			 env_int("SHOAL_FAKE_NOGROUPS", 0))) {
		fake_error(req, EOPNOTSUPP, NULL, 0);
		return;
	}
	/* Permission and policy checks come before the device lookup. */
	if (gh->cmd == SHOAL_CMD_DEV_SET && env_int("SHOAL_FAKE_EPERM", 0)) {
		fake_error(req, EPERM, NULL, 0);
		return;
	}
	dev = fake_find(req, &a);
	if (!dev)
		return;
	switch (gh->cmd) {
	case SHOAL_CMD_DEV_GET:
		d = dgram_new();
		nlh = msg_start(d, FAKE_FAMILY_ID, 0, req->nlmsg_seq);
		put_dev(nlh, dev);
		msg_end(d, nlh);
		fake_ack(req);
		return;
	case SHOAL_CMD_DEV_SET:
		cmd_dev_set(req, &a, dev);
		return;
	case SHOAL_CMD_KEY_SET:
	case SHOAL_CMD_KEY_ACTIVATE:
	case SHOAL_CMD_KEY_DEL:
		cmd_key(req, gh->cmd, &a, dev);
		return;
	case SHOAL_CMD_GROUP_NEW:
	case SHOAL_CMD_GROUP_DEL:
	case SHOAL_CMD_GROUP_GET:
	case SHOAL_CMD_GROUP_MEMBER_ADD:
	case SHOAL_CMD_GROUP_MEMBER_DEL:
		cmd_group(req, gh->cmd, dump, &a, dev);
		return;
	case SHOAL_CMD_PEER_GET:
		if (dump)
			cmd_peer_dump(req, &a, dev);
		else
			fake_get_refused(req);
		return;
	default:
		cmd_peer(req, gh->cmd, &a, dev);
	}
}
