/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_NETLINK_H
#define SHOAL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The room for attributes shoal_nl_msg() gives a request. */
#define SHOAL_NL_MSG_SIZE	(64 * 1024)

struct nl_msg;
struct nl_sock;
struct nlattr;
struct nlmsghdr;

/*
 * The names of an attribute set of Documentation/netlink/shoal.yaml, so
 * that an error can name the attribute the kernel blamed
 * ("allowed-ips.2.addr") rather than give its offset.
 */
struct shoal_nl_attr_set;

struct shoal_nl_attr {
	const char *name;
	const struct shoal_nl_attr_set *nest;	/* the set nested in it */
	bool array;		/* an indexed array of @nest entries */
};

struct shoal_nl_attr_set {
	const struct shoal_nl_attr *attrs;	/* indexed by type */
	unsigned int max;
};

/* Why the last request failed, as the kernel (or libnl) told it. */
struct shoal_nl_err {
	int errnum;		/* positive errno; 0 when only @reason is set */
	const char *reason;	/* a failure without an errno (libnl, dump) */
	char msg[256];		/* the kernel's extended ack message, or "" */
	char attr[96];		/* the attribute the kernel blamed, or "" */
	char missing[96];	/* a required attribute that was missing, or "" */
};

struct shoal_nl {
	struct nl_sock *sk;
	uint16_t family;	/* generic netlink id of "shoal" */
	uint32_t version;	/* the kernel family's version */
	struct shoal_nl_err err;
};

/*
 * Called for each reply message with its attributes (after the generic
 * netlink header); returns 0 or a negative errno, which fails the request
 * once the rest of the reply has been read.
 */
typedef int (*shoal_nl_reply_fn)(struct nlattr *attrs, int len, void *arg);
/* Called before an interrupted dump is retried: forget what was collected. */
typedef void (*shoal_nl_reset_fn)(void *arg);

/* Builds request @i of shoal_nl_send_many(), or NULL after printing why. */
typedef struct nl_msg *(*shoal_nl_build_fn)(struct shoal_nl *nl, size_t i,
					    void *arg);
/* Told that the kernel refused request @i; @nl->err says why. */
typedef void (*shoal_nl_failed_fn)(struct shoal_nl *nl, size_t i, void *arg);

struct shoal_nl_req {
	struct nl_msg *msg;		/* from shoal_nl_msg() */
	shoal_nl_reply_fn reply;	/* may be NULL */
	shoal_nl_reset_fn reset;	/* dumps that collect: required */
	void *arg;
	/* The request's attribute set, for error messages; may be NULL. */
	const struct shoal_nl_attr_set *attrs;
};

/*
 * How to get a device's objects of one kind (its peers, its groups) with
 * their GET command: one by its id, or all of them in a dump.
 */
struct shoal_nl_get {
	uint8_t cmd;			/* SHOAL_CMD_*_GET */
	int ifindex_attr;		/* the device by index, */
	int ifname_attr;		/* ... or by name */
	int id_attr;			/* the object */
	const struct shoal_nl_attr_set *attrs;
	shoal_nl_reply_fn reply;	/* adds a reply's object to the list */
	shoal_nl_reset_fn reset;	/* empties the list */
};

int shoal_nl_open(struct shoal_nl *nl);
void shoal_nl_close(struct shoal_nl *nl);
void shoal_nl_keep(bool keep);
struct nl_msg *shoal_nl_msg(struct shoal_nl *nl, uint8_t cmd, int flags);
struct nl_msg *shoal_nl_msg_room(struct shoal_nl *nl, uint8_t cmd, int flags,
				 size_t extra);
struct nl_msg *shoal_nl_msg_size(struct shoal_nl *nl, uint8_t cmd, int flags,
				 size_t size);
void shoal_nl_build_failed(void);
void shoal_nl_free_secret(struct nl_msg *msg);
int shoal_nl_send(struct shoal_nl *nl, const struct shoal_nl_req *req);
int shoal_nl_send_many(struct shoal_nl *nl, size_t n,
		       const struct shoal_nl_attr_set *attrs,
		       shoal_nl_build_fn build, shoal_nl_failed_fn failed,
		       void *arg);
int shoal_nl_get(struct shoal_nl *nl, const struct shoal_nl_get *get,
		 uint32_t ifindex, const char *ifname, uint32_t id, void *list);
void shoal_nl_perror(const struct shoal_nl *nl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int shoal_nl_parse_ack(const struct nlmsghdr *nlh,
		       const struct shoal_nl_req *req, struct shoal_nl_err *e);

#endif /* SHOAL_NETLINK_H */
