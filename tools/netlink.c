// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * The only file that talks to the kernel: the generic netlink socket, the
 * family lookup, requests, replies, dumps and errors. libnl 3.7 neither
 * enables extended acks nor decodes them, so this file does both.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/shoal.h>

#include "netlink.h"
#include "util.h"

/* A dump that raced a change (NLM_F_DUMP_INTR) is started over this often. */
#define SHOAL_NL_DUMP_TRIES	5
/*
 * Room for a request: a peer with a thousand allowed IPs fits, and the
 * kernel takes far more than this in one message.
 */
/* Nesting followed to name the attribute an error points at. */
#define SHOAL_NL_NEST_DEPTH	4

/* In a batch, the first socket opened serves every later command. */
static struct shoal_nl shoal_nl_kept;
static bool shoal_nl_keeping;

struct shoal_nl_ctx {
	struct shoal_nl *nl;
	const struct shoal_nl_req *req;
	int type;		/* nlmsg_type of the replies */
	int reply_err;		/* first error returned by req->reply */
	uint32_t seq;		/* the request's sequence number */
	bool done;		/* ack, error or end of dump seen */
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
};

static void shoal_nl_attr_name(char *buf, size_t size, unsigned int type,
			       const struct shoal_nl_attr_set *set)
{
	if (set && type <= set->max && set->attrs[type].name)
		snprintf(buf, size, "%s", set->attrs[type].name);
	else
		snprintf(buf, size, "%u", type);
}

/*
 * Names the attribute of the request that starts at byte @off of it, as
 * "name", or "name.3.name" inside nests and indexed arrays; the kernel
 * gives an offset only. *@inner is set to the attribute set nested in it.
 */
static bool shoal_nl_attr_at(const struct shoal_nl_req *req, uint32_t off,
			     char *buf, size_t size,
			     const struct shoal_nl_attr_set **inner)
{
	const struct shoal_nl_attr_set *set = req ? req->attrs : NULL;
	const struct nlmsghdr *nlh;
	const struct nlattr *nla;
	bool entries = false;	/* this level is an indexed array's entries */
	int rem, depth;

	buf[0] = '\0';
	*inner = NULL;
	if (!req || !req->msg)
		return false;
	nlh = nlmsg_hdr(req->msg);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	nla = (const void *)((const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN);
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	for (depth = 0; depth < SHOAL_NL_NEST_DEPTH; depth++) {
		const struct shoal_nl_attr *a = NULL;
		unsigned int type;
		uint32_t pos = 0;
		size_t used;

		for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
			pos = (const char *)nla - (const char *)nlh;
			if (off >= pos && off < pos + nla->nla_len)
				break;
		}
		if (!nla_ok(nla, rem))
			return false;
		used = strlen(buf);
		if (depth && used + 1 < size) {
			buf[used++] = '.';
			buf[used] = '\0';
		}
		type = nla_type(nla);
		if (entries) {
			snprintf(buf + used, size - used, "%u", type);
			entries = false;
		} else {
			shoal_nl_attr_name(buf + used, size - used, type, set);
			if (set && type <= set->max)
				a = &set->attrs[type];
			set = a ? a->nest : NULL;
			entries = a && a->array;
		}
		if (off == pos) {
			/* The set inside an array is that of its entries. */
			*inner = entries ? NULL : set;
			return true;
		}
		rem = nla_len(nla);
		nla = nla_data(nla);
	}
	return false;
}

/**
 * shoal_nl_parse_ack - decode an NLMSG_ERROR or NLMSG_DONE message
 * @nlh: the message, nlmsg_len bytes of it readable
 * @req: the request it answers, to name attributes; may be NULL
 * @e: filled with the errno and the extended ack
 *
 * An NLMSG_DONE ends a dump, with the dump's errno in its payload; either
 * may carry extended ack attributes (NLM_F_ACK_TLVS). An error message
 * echoes the request after struct nlmsgerr unless NLM_F_CAPPED says that
 * only its header was kept.
 *
 * Return: the positive errno the message carries, 0 for an ack.
 */
int shoal_nl_parse_ack(const struct nlmsghdr *nlh,
		       const struct shoal_nl_req *req, struct shoal_nl_err *e)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG]		= { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_NEST]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const struct shoal_nl_attr_set *set;
	char *payload = nlmsg_data(nlh);
	size_t len, off;
	int error;

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return e->errnum = EBADMSG;
	len = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = (const void *)payload;

		if (len < sizeof(*err))
			return e->errnum = EBADMSG;
		memcpy(&error, &err->error, sizeof(error));
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			/* The echoed request must fit, or there is no TLV. */
			if (err->msg.nlmsg_len < NLMSG_HDRLEN ||
			    err->msg.nlmsg_len > len)
				off = len;
			else
				off += NLMSG_ALIGN(err->msg.nlmsg_len) -
				       NLMSG_HDRLEN;
		}
	} else {
		if (len < sizeof(int))
			return 0;
		memcpy(&error, payload, sizeof(error));
		off = NLMSG_ALIGN(sizeof(int));
	}
	/* Kernel errnos are negative; anything else is not one of ours. */
	e->errnum = error < 0 && error > -4096 ? -error : error ? EBADMSG : 0;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return e->errnum;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(payload + off),
		      len - off, policy))
		return e->errnum;

	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(e->msg, sizeof(e->msg), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] &&
	    !shoal_nl_attr_at(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]),
			      e->attr, sizeof(e->attr), &set))
		snprintf(e->attr, sizeof(e->attr), "at offset %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		unsigned int type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		char nest[48];

		if (tb[NLMSGERR_ATTR_MISS_NEST]) {
			char name[40];

			if (!shoal_nl_attr_at(req,
					      nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]),
					      nest, sizeof(nest), &set))
				snprintf(nest, sizeof(nest), "?");
			shoal_nl_attr_name(name, sizeof(name), type, set);
			snprintf(e->missing, sizeof(e->missing), "%s.%s",
				 nest, name);
		} else {
			shoal_nl_attr_name(e->missing, sizeof(e->missing),
					   type, req ? req->attrs : NULL);
		}
	}
	return e->errnum;
}

/*
 * Without this callback libnl fails the whole read with NLE_DUMP_INTR;
 * with it, the dump is read to its end and then sent again.
 */
static int shoal_nl_on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct shoal_nl_ctx *ctx = arg;

	(void)msg;
	ctx->intr = true;
	return NL_OK;
}

static int shoal_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct shoal_nl_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh;
	int err;

	/* After a failed reply, the rest of a dump is read and dropped. */
	if (ctx->reply_err || !ctx->req->reply || nlh->nlmsg_type != ctx->type)
		return NL_SKIP;
	if (!genlmsg_valid_hdr(nlh, 0)) {
		ctx->reply_err = -EBADMSG;
		return NL_SKIP;
	}
	gh = nlmsg_data(nlh);
	err = ctx->req->reply(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			      ctx->req->arg);
	if (err)
		ctx->reply_err = err;
	return NL_OK;
}

static int shoal_nl_on_done(struct nl_msg *msg, void *arg)
{
	struct shoal_nl_ctx *ctx = arg;

	shoal_nl_parse_ack(nlmsg_hdr(msg), ctx->req, &ctx->nl->err);
	ctx->done = true;
	return NL_STOP;
}

static int shoal_nl_on_ack(struct nl_msg *msg, void *arg)
{
	struct shoal_nl_ctx *ctx = arg;
	struct shoal_nl_err *e = &ctx->nl->err;

	/* A successful request may still come with a warning. */
	shoal_nl_parse_ack(nlmsg_hdr(msg), ctx->req, e);
	if (e->msg[0])
		shoal_err("warning from the kernel: %s", e->msg);
	memset(e, 0, sizeof(*e));
	ctx->done = true;
	return NL_STOP;
}

static int shoal_nl_on_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
			     void *arg)
{
	/* libnl hands over the payload; its header sits just before it. */
	const struct nlmsghdr *nlh = (const void *)((char *)err - NLMSG_HDRLEN);
	struct shoal_nl_ctx *ctx = arg;

	(void)nla;
	shoal_nl_parse_ack(nlh, ctx->req, &ctx->nl->err);
	ctx->done = true;
	return NL_STOP;
}

/*
 * Replies to an earlier request are skipped: those of a window of
 * shoal_nl_send_many() (libnl does not track its sequence numbers), or
 * what was left of a reply an error cut short.
 */
static int shoal_nl_on_seq(struct nl_msg *msg, void *arg)
{
	const struct shoal_nl_ctx *ctx = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == ctx->seq ? NL_OK : NL_SKIP;
}

/*
 * Netlink refuses a request longer than the socket's send buffer less 32
 * bytes (64 KiB less 32 by default): grow the buffer for a long one, a
 * long member list or a window of many requests. The kernel doubles the
 * size asked for, and caps it at net.core.wmem_max unless the caller
 * may pass that limit (SO_SNDBUFFORCE, CAP_NET_ADMIN).
 */
static void shoal_nl_fit_sndbuf(struct shoal_nl *nl, size_t len)
{
	int fd = nl_socket_get_fd(nl->sk), cur = 0, want;
	socklen_t optlen = sizeof(cur);

	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &optlen) &&
	    cur > 32 && len <= (size_t)cur - 32)
		return;
	want = len < INT_MAX / 2 ? (int)len + 32 : INT_MAX / 2;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

static int shoal_nl_libnl_err(struct shoal_nl *nl, int nlerr)
{
	memset(&nl->err, 0, sizeof(nl->err));
	if (nlerr == -NLE_NOMEM)
		nl->err.errnum = ENOMEM;
	else
		nl->err.reason = nl_geterror(nlerr);
	return -EIO;
}

/* One exchange: send, then read until the ack, the error or the dump's end. */
static int shoal_nl_exchange(struct shoal_nl *nl, struct shoal_nl_ctx *ctx,
			     struct nl_cb *cb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(ctx->req->msg);
	int ret;

	shoal_nl_fit_sndbuf(nl, nlh->nlmsg_len);
	/* A fresh sequence number, also when a dump is sent again. */
	nlh->nlmsg_seq = NL_AUTO_SEQ;
	ret = nl_send_auto(nl->sk, ctx->req->msg);
	if (ret < 0)
		return shoal_nl_libnl_err(nl, ret);
	ctx->seq = nlh->nlmsg_seq;

	while (!ctx->done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (nl->err.errnum)
			return -nl->err.errnum;
		if (ret < 0)
			return shoal_nl_libnl_err(nl, ret);
	}
	if (ctx->reply_err) {
		nl->err.errnum = -ctx->reply_err;
		return ctx->reply_err;
	}
	return 0;
}

/**
 * shoal_nl_send - send a request and process its replies
 * @nl: an open socket
 * @req: the request; a dump when its message has NLM_F_DUMP
 *
 * A dump that the kernel flags as inconsistent (a change raced it) is
 * reset and sent again a few times before giving up, so callers that
 * collect replies see one consistent snapshot.
 *
 * Return: 0, or a negative errno with the details in @nl->err, for
 * shoal_nl_perror().
 */
int shoal_nl_send(struct shoal_nl *nl, const struct shoal_nl_req *req)
{
	bool dump = (nlmsg_hdr(req->msg)->nlmsg_flags & NLM_F_DUMP) ==
		    NLM_F_DUMP;
	struct shoal_nl_ctx ctx;
	struct nl_cb *cb;
	int tries, err;

	memset(&nl->err, 0, sizeof(nl->err));
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		nl->err.errnum = ENOMEM;
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, shoal_nl_on_dump_intr, &ctx);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, shoal_nl_on_valid, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, shoal_nl_on_done, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, shoal_nl_on_ack, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, shoal_nl_on_error, &ctx);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, shoal_nl_on_seq, &ctx);

	for (tries = 1;; tries++) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.nl = nl;
		ctx.req = req;
		ctx.type = nlmsg_hdr(req->msg)->nlmsg_type;

		err = shoal_nl_exchange(nl, &ctx, cb);
		if (err || !dump || !ctx.intr)
			break;
		if (tries == SHOAL_NL_DUMP_TRIES || !req->reset) {
			nl->err.reason =
				"dump interrupted by concurrent changes, try again";
			err = -EAGAIN;
			break;
		}
		req->reset(req->arg);
	}
	nl_cb_put(cb);
	return err;
}

/*
 * shoal_nl_send_many() sends up to this many requests, of up to this many
 * bytes together (or one larger request alone), in one system call.
 */
#define SHOAL_NL_MANY_MSGS	64
#define SHOAL_NL_MANY_BYTES	(64 * 1024)

/*
 * Reads the answers to the requests of one window, the last of which asked
 * for an ack: the kernel handles a window's requests in order and answers
 * the others only when it refuses them, so the last one's answer ends the
 * window. @seq is the first request's sequence number. Returns 0, the
 * positive errno of the first refusal, or a negative errno when the
 * socket failed.
 */
static int shoal_nl_many_wait(struct shoal_nl *nl, struct nl_msg **msgs,
			      size_t k, uint32_t seq,
			      const struct shoal_nl_attr_set *attrs,
			      shoal_nl_failed_fn failed, size_t base,
			      void *arg)
{
	struct shoal_nl_req req = { .attrs = attrs };
	struct sockaddr_nl nla;
	struct nlmsghdr *nlh;
	unsigned char *buf;
	int ret = 0, len;
	bool done = false;
	uint32_t i;

	while (!done) {
		len = nl_recv(nl->sk, &nla, &buf, NULL);
		if (len <= 0) {
			shoal_nl_libnl_err(nl, len ? len : -NLE_MSG_TRUNC);
			failed(nl, base, arg);
			return -EIO;
		}
		for (nlh = (void *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			i = nlh->nlmsg_seq - seq;
			if (nlh->nlmsg_type != NLMSG_ERROR || i >= k)
				continue;
			req.msg = msgs[i];
			if (shoal_nl_parse_ack(nlh, &req, &nl->err)) {
				failed(nl, base + i, arg);
				ret = ret ?: nl->err.errnum;
			} else if (nl->err.msg[0]) {
				shoal_err("warning from the kernel: %s",
					  nl->err.msg);
			}
			done |= i == k - 1;
		}
		free(buf);
	}
	return ret;
}

/*
 * Sends the requests of one window in one datagram, only the last asking
 * for an ack, and reads their answers. Returns as shoal_nl_many_wait().
 */
static int shoal_nl_many_window(struct shoal_nl *nl, struct nl_msg **msgs,
				size_t k, const struct shoal_nl_attr_set *attrs,
				shoal_nl_failed_fn failed, size_t base,
				void *arg)
{
	uint32_t seq = 0, port = nl_socket_get_local_port(nl->sk);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t total = 0, off = 0, i;
	struct msghdr msg = {
		.msg_name = &kernel,
		.msg_namelen = sizeof(kernel),
		.msg_iovlen = 1,
	};
	struct iovec iov;
	unsigned char *buf;
	ssize_t ret;

	for (i = 0; i < k; i++)
		total += NLMSG_ALIGN(nlmsg_hdr(msgs[i])->nlmsg_len);
	buf = calloc(1, total);
	if (!buf) {
		memset(&nl->err, 0, sizeof(nl->err));
		nl->err.errnum = ENOMEM;
		failed(nl, base, arg);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(msgs[i]);

		nlh->nlmsg_flags = NLM_F_REQUEST | (i == k - 1 ? NLM_F_ACK : 0);
		nlh->nlmsg_seq = nl_socket_use_seq(nl->sk);
		nlh->nlmsg_pid = port;
		if (!i)
			seq = nlh->nlmsg_seq;
		memcpy(buf + off, nlh, nlh->nlmsg_len);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	iov.iov_base = buf;
	iov.iov_len = total;
	msg.msg_iov = &iov;
	shoal_nl_fit_sndbuf(nl, total);
	ret = sendmsg(nl_socket_get_fd(nl->sk), &msg, 0);
	explicit_bzero(buf, total);
	free(buf);
	if (ret < 0) {
		memset(&nl->err, 0, sizeof(nl->err));
		nl->err.errnum = errno;
		failed(nl, base, arg);
		return -nl->err.errnum;
	}
	return shoal_nl_many_wait(nl, msgs, k, seq, attrs, failed, base, arg);
}

/**
 * shoal_nl_send_many - send many requests that expect only an ack
 * @nl: an open socket
 * @n: how many
 * @attrs: their attribute set, for error messages; may be NULL
 * @build: builds request i (a message from shoal_nl_msg()), or returns
 *	   NULL after printing why
 * @failed: told of request i the kernel refused, with the details in
 *	    @nl->err, for shoal_nl_perror()
 * @arg: for @build and @failed
 *
 * Requests go in windows of up to SHOAL_NL_MANY_MSGS, each window in one
 * system call and answered in one, instead of two calls per request. The
 * kernel handles them in order, every one of them: a refused request does
 * not stop the others, it is reported to @failed. Only a request that
 * cannot be built, or a socket error, stops the run. The requests are
 * wiped when freed: they may carry keys.
 *
 * Return: 0 when all were accepted; else a negative errno, the first
 * refusal's, or the error that stopped the run.
 */
int shoal_nl_send_many(struct shoal_nl *nl, size_t n,
		       const struct shoal_nl_attr_set *attrs,
		       shoal_nl_build_fn build, shoal_nl_failed_fn failed,
		       void *arg)
{
	struct nl_msg *msgs[SHOAL_NL_MANY_MSGS];
	size_t base = 0, k, bytes, i;
	bool stop = false;
	int ret = 0, err;

	memset(&nl->err, 0, sizeof(nl->err));
	while (!stop && base < n) {
		for (k = 0, bytes = 0; k < SHOAL_NL_MANY_MSGS && base + k < n &&
		     bytes < SHOAL_NL_MANY_BYTES; k++) {
			msgs[k] = build(nl, base + k, arg);
			if (!msgs[k]) {
				stop = true;
				ret = ret ?: -ENOMEM;
				break;
			}
			bytes += NLMSG_ALIGN(nlmsg_hdr(msgs[k])->nlmsg_len);
		}
		err = k ? shoal_nl_many_window(nl, msgs, k, attrs, failed,
					       base, arg) : 0;
		/* A refusal is one request's; anything else ends the run. */
		stop |= err < 0;
		ret = ret ?: err < 0 ? err : -err;
		for (i = 0; i < k; i++)
			shoal_nl_free_secret(msgs[i]);
		base += k;
	}
	return ret;
}

/**
 * shoal_nl_free_secret - free a request that carried key material
 * @msg: the request, or NULL
 *
 * Wipes the message first: libnl frees it without clearing it.
 */
void shoal_nl_free_secret(struct nl_msg *msg)
{
	if (!msg)
		return;
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

/**
 * shoal_nl_build_failed - report that a request could not be built
 *
 * Attributes fail to fit when the request would pass SHOAL_NL_MSG_SIZE
 * (thousands of allowed IPs), or when memory runs out.
 */
void shoal_nl_build_failed(void)
{
	shoal_err("building a netlink request: more than %d KiB, or out of memory",
		  SHOAL_NL_MSG_SIZE / 1024);
}

/**
 * shoal_nl_msg_room - start a request of the shoal family, of any size
 * @nl: an open socket
 * @cmd: SHOAL_CMD_*
 * @flags: extra netlink flags (NLM_F_DUMP); libnl adds NLM_F_REQUEST and
 *	   NLM_F_ACK
 * @extra: bytes of attributes beyond the usual room (64 KiB), for a
 *	   request that carries a long list
 *
 * Return: the message, to fill with attributes and free with nlmsg_free(),
 * or NULL after printing an error.
 */
struct nl_msg *shoal_nl_msg_room(struct shoal_nl *nl, uint8_t cmd, int flags,
				 size_t extra)
{
	struct nl_msg *msg = shoal_nl_msg_size(nl, cmd, flags,
					       SHOAL_NL_MSG_SIZE + extra);

	if (!msg)
		shoal_nl_build_failed();
	return msg;
}

/**
 * shoal_nl_msg_size - start a request of the shoal family, of a known size
 * @nl: an open socket
 * @cmd: SHOAL_CMD_*
 * @flags: as for shoal_nl_msg_room()
 * @size: bytes of room, headers included
 *
 * For callers that send many small requests: the usual room is 64 KiB,
 * zeroed, for each one.
 *
 * Return: the message, or NULL when memory ran out; prints nothing.
 */
struct nl_msg *shoal_nl_msg_size(struct shoal_nl *nl, uint8_t cmd, int flags,
				 size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family,
				 0, flags, cmd, SHOAL_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * shoal_nl_msg - start a request of the shoal family
 * @nl: an open socket
 * @cmd: SHOAL_CMD_*
 * @flags: extra netlink flags (NLM_F_DUMP); libnl adds NLM_F_REQUEST and
 *	   NLM_F_ACK
 *
 * Return: the message, with room for 64 KiB of attributes, to fill and
 * free with nlmsg_free(); or NULL after printing an error.
 */
struct nl_msg *shoal_nl_msg(struct shoal_nl *nl, uint8_t cmd, int flags)
{
	return shoal_nl_msg_room(nl, cmd, flags, 0);
}

/**
 * shoal_nl_get - get one object of a device, or dump them all
 * @nl: an open socket
 * @get: the command, its attributes, and how its replies are collected
 * @ifindex: the device by index, or 0 to give @ifname
 * @ifname: the device by name, when @ifindex is 0
 * @id: the object, or 0 for every object of the device
 * @list: what @get->reply adds the objects to and @get->reset empties
 *
 * One object is read with a dump of it alone as well: the kernel's get
 * reply is one message of at most 32 KiB, which a peer with thousands of
 * prefixes or a group with thousands of members outgrows; a dump goes on
 * in as many messages as it takes. A dump that races changes is read
 * again (see shoal_nl_send()), so that @list ends up one consistent
 * snapshot.
 *
 * Return: 0, or a negative errno with the details in @nl->err.
 */
int shoal_nl_get(struct shoal_nl *nl, const struct shoal_nl_get *get,
		 uint32_t ifindex, const char *ifname, uint32_t id, void *list)
{
	struct shoal_nl_req req = {
		.reply = get->reply,
		.reset = get->reset,
		.arg = list,
		.attrs = get->attrs,
	};
	int err;

	req.msg = shoal_nl_msg(nl, get->cmd, NLM_F_DUMP);
	if (!req.msg)
		return -ENOMEM;
	if ((ifindex ? nla_put_u32(req.msg, get->ifindex_attr, ifindex) :
		       nla_put_string(req.msg, get->ifname_attr, ifname)) ||
	    (id && nla_put_u32(req.msg, get->id_attr, id))) {
		nlmsg_free(req.msg);
		shoal_nl_build_failed();
		return -ENOMEM;
	}
	err = shoal_nl_send(nl, &req);
	nlmsg_free(req.msg);
	return err;
}

static int shoal_nl_family_reply(struct nlattr *attrs, int len, void *arg)
{
	static const struct nla_policy policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID]	= { .type = NLA_U16 },
		[CTRL_ATTR_VERSION]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct shoal_nl *nl = arg;

	if (nla_parse(tb, CTRL_ATTR_MAX, attrs, len, policy) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		nl->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

/*
 * Asked by name, the kernel loads the module through its family alias when
 * the family is missing; so ENOENT means there is no module to load.
 */
static int shoal_nl_resolve(struct shoal_nl *nl)
{
	struct shoal_nl_req req = {
		.reply = shoal_nl_family_reply,
		.arg = nl,
	};
	int err;

	req.msg = nlmsg_alloc();
	if (!req.msg ||
	    !genlmsg_put(req.msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, SHOAL_FAMILY_NAME)) {
		nlmsg_free(req.msg);
		shoal_err("building a netlink request: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	err = shoal_nl_send(nl, &req);
	nlmsg_free(req.msg);
	if (err == -ENOENT)
		shoal_err("generic netlink family \"%s\" not found (is the shoal module loaded?)",
			  SHOAL_FAMILY_NAME);
	else if (err)
		shoal_nl_perror(nl, "looking up generic netlink family \"%s\"",
				SHOAL_FAMILY_NAME);
	return err;
}

/**
 * shoal_nl_open - open a generic netlink socket and find the shoal family
 * @nl: filled in; shoal_nl_close() it whatever this returns
 *
 * While shoal_nl_keep() is on, the socket is kept open once it works, and
 * later calls hand it out again.
 *
 * Return: 0, or a negative errno after printing an error.
 */
int shoal_nl_open(struct shoal_nl *nl)
{
	int one = 1, err;

	if (shoal_nl_kept.sk) {
		*nl = shoal_nl_kept;
		memset(&nl->err, 0, sizeof(nl->err));
		return 0;
	}
	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		shoal_err("opening a netlink socket: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		shoal_err("opening a netlink socket: %s", nl_geterror(err));
		return -EIO;
	}
	/*
	 * Extended acks carry the kernel's reason for an error; capped acks
	 * spare echoing the request back. Kernels before 4.12 lack both and
	 * still work, with bare errnos.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/*
	 * A group of thousands of members comes back in one reply bigger
	 * than libnl's default buffer: peek at each message's size first,
	 * and let the socket queue more than libnl's 32 KiB (the kernel caps
	 * it at net.core.rmem_max), or the ack after the reply overruns it.
	 */
	nl_socket_enable_msg_peek(nl->sk);
	nl_socket_set_buffer_size(nl->sk, 4 << 20, 0);
	err = shoal_nl_resolve(nl);
	if (!err && shoal_nl_keeping)
		shoal_nl_kept = *nl;
	return err;
}

/**
 * shoal_nl_close - close what shoal_nl_open() opened
 * @nl: the socket; a kept one stays open
 */
void shoal_nl_close(struct shoal_nl *nl)
{
	if (nl->sk != shoal_nl_kept.sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/**
 * shoal_nl_keep - share one socket between the commands of a batch
 * @keep: true to keep the next socket that opens; false to close it
 *
 * A socket is in a clean state between requests: every request reads its
 * replies to the ack, the error or the end of its dump.
 */
void shoal_nl_keep(bool keep)
{
	shoal_nl_keeping = keep;
	if (!keep && shoal_nl_kept.sk) {
		nl_socket_free(shoal_nl_kept.sk);
		memset(&shoal_nl_kept, 0, sizeof(shoal_nl_kept));
	}
}

/**
 * shoal_nl_perror - print why the last request failed
 * @nl: the socket
 * @fmt: printf format saying what was being done
 *
 * Prints "shoal: WHAT: strerror(errno): kernel message (attribute NAME)",
 * leaving out the parts there are not.
 */
void shoal_nl_perror(const struct shoal_nl *nl, const char *fmt, ...)
{
	const struct shoal_nl_err *e = &nl->err;
	const char *what;
	va_list ap;

	shoal_err_begin();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);

	what = e->errnum ? strerror(e->errnum) : e->reason;
	fprintf(stderr, ": %s", what ? what : "unknown error");
	/* ENODEV's "No such device" twice in a row says nothing more. */
	if (e->msg[0] && (!what || strcmp(e->msg, what)))
		fprintf(stderr, ": %s", e->msg);
	if (e->attr[0])
		fprintf(stderr, " (attribute %s)", e->attr);
	if (e->missing[0])
		fprintf(stderr, " (missing attribute %s)", e->missing);
	fputc('\n', stderr);
}
