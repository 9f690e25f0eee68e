/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

/* The fake kernel of fakenl.c: its state, replies and requests. */

#ifndef SHOAL_FAKENL_H
#define SHOAL_FAKENL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/shoal.h>

#define FAKE_FAMILY_ID	42
#define FAKE_PORTID	4242
#define FAKE_MAX_DEVS	64
#define FAKE_MAX_IPS	64
#define FAKE_DGRAM_SIZE	(64 * 1024)
#define FAKE_PACK_SIZE	8192
#define FAKE_REQ_SIZE	(128 * 1024)

struct fake_key {
	int present;
	uint8_t id;
	int active;
	uint64_t packets;
	uint64_t epoch;
	int exhausted;
};

struct fake_dev {
	uint32_t ifindex;
	char name[16];
	uint16_t port;
	uint32_t id;
	uint32_t replay_window;
	uint32_t epoch_max_age;
	uint64_t key_limit;
	uint32_t cipher;
	struct fake_key keys[SHOAL_KEY_SLOTS];
};

struct fake_prefix {
	uint16_t family;
	uint8_t cidr;
	uint8_t addr[16];
};

struct fake_peer {
	uint32_t ifindex;
	uint32_t id;
	uint16_t ep_family;	/* 0: no endpoint */
	uint16_t ep_port;
	uint8_t ep_addr[16];
	uint16_t keepalive;
	int64_t rx_age;		/* -1: never */
	int tx_id;		/* -1: none */
	int n_rx;
	uint8_t rx[SHOAL_PEER_RX_KEYS];
	int n_ips;
	struct fake_prefix ips[FAKE_MAX_IPS];
};

/* A group; its members by sender id, in the order added. */
struct fake_group {
	uint32_t ifindex;
	uint32_t id;
	int broadcast;
	int all_peers;
	struct fake_prefix prefix;
	uint32_t *members;
	size_t n;
};

struct fake_dgram {
	size_t len;
	unsigned char buf[];
};

/* A request's top-level (or a nest's) attributes, by type. */
struct fake_attrs {
	const struct nlattr *tb[32];
};

static inline const void *nla_payload(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}

static inline int nla_plen(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

static inline int nla_kind(const struct nlattr *nla)
{
	return nla->nla_type & NLA_TYPE_MASK;
}

#define for_each_attr(nla, data, len) \
	for (nla = (const void *)(data); \
	     (const char *)nla + NLA_HDRLEN <= (const char *)(data) + (len) && \
	     nla->nla_len >= NLA_HDRLEN && \
	     (const char *)nla + nla->nla_len <= (const char *)(data) + (len); \
	     nla = (const void *)((const char *)nla + NLA_ALIGN(nla->nla_len)))

/* fakenl.c: the socket, replies, errors, the log. */
extern int fake_ext_ack;
extern struct fake_dgram *fake_cur;
int env_int(const char *name, int def);
void fake_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fake_log_flush(void);
struct fake_dgram *dgram_new(void);
void dgram_close(void);
struct nlmsghdr *msg_start(struct fake_dgram *d, uint16_t type,
			   uint16_t flags, uint32_t seq);
void msg_end(struct fake_dgram *d, struct nlmsghdr *nlh);
void msg_put(struct nlmsghdr *nlh, const void *data, size_t len);
void attr_put(struct nlmsghdr *nlh, uint16_t type, const void *data,
	      size_t len);
void attr_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
		  uint16_t pad);
uint32_t nest_start(struct nlmsghdr *nlh, uint16_t type);
void nest_end(struct nlmsghdr *nlh, uint32_t off);
void genl_put(struct nlmsghdr *nlh, uint8_t cmd);
void fake_error_full(const struct nlmsghdr *req, int err, const char *text,
		     uint32_t bad_off, uint32_t miss_type, uint32_t miss_nest);
void fake_error(const struct nlmsghdr *req, int err, const char *text,
		uint32_t bad_off);
void fake_ack(const struct nlmsghdr *req);
void fake_parse(const void *data, int len, struct fake_attrs *a);
void fake_parse_nest(const struct nlattr *nest, struct fake_attrs *a);
uint32_t off_of(const struct nlmsghdr *req, const struct nlattr *nla);

/* fakenl_state.c: devices and peers, and the replies describing them. */
extern int fake_loaded, fake_dirty;
extern int fake_intr_left, fake_peer_intr_left;
extern struct fake_dev fake_devs[FAKE_MAX_DEVS];
extern int fake_ndevs;
extern struct fake_peer *fake_peers;
extern size_t fake_npeers;
extern struct fake_peer **fake_dumped;
size_t addr_len(uint16_t family);
int parse_prefix(char *s, struct fake_prefix *p);
void print_prefix(FILE *f, const struct fake_prefix *p);
void put_stats(struct nlmsghdr *nlh, uint16_t type, const uint64_t *v);
void fake_load(void);
void fake_save(void);
struct fake_peer *peer_new(void);
struct fake_peer *peer_find(uint32_t ifindex, uint32_t id);
struct fake_dev *fake_find(const struct nlmsghdr *req,
			   const struct fake_attrs *a);
void put_dev(struct nlmsghdr *nlh, const struct fake_dev *dev);
void put_peer(struct nlmsghdr *nlh, const struct fake_peer *p);
void put_dev_i(struct nlmsghdr *nlh, int i);
void put_peer_i(struct nlmsghdr *nlh, int i);
void fake_dump(const struct nlmsghdr *req, int n, int per, int intr,
	       void (*put)(struct nlmsghdr *, int));
void fake_dump_done(const struct nlmsghdr *req, int intr, int errnum,
		    const char *msg);
void fake_get_refused(const struct nlmsghdr *req);
int take_intr(int *left, const char *env);

/* fakenl_cmds.c: the policy and the commands of the family. */
uint64_t nla_uint(const struct nlattr *nla);
int prefix_equal(const struct fake_prefix *a, const struct fake_prefix *b);
int prefix_from_nest(const struct nlmsghdr *req, const struct nlattr *nest,
		     struct fake_prefix *pfx);
void fake_shoal(const struct nlmsghdr *req);

/* fakenl_group.c: groups, in the state and in commands. */
void load_group(char *line);
void save_groups(FILE *f);
void free_groups(void);
void cmd_group(const struct nlmsghdr *req, uint8_t cmd, int dump,
	       const struct fake_attrs *a, const struct fake_dev *dev);

#endif /* SHOAL_FAKENL_H */
