// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * A fake kernel for testing the tool where the module cannot load: an
 * LD_PRELOAD library that takes over the process's generic netlink socket
 * and answers like the "shoal" family does, extended acks included. It is
 * written without libnl, so that it checks the tool's netlink layer rather
 * than sharing its assumptions. Requests are validated against a copy of
 * the policy of Documentation/netlink/shoal.yaml, as the kernel's strict
 * validation would, before anything changes.
 *
 * Environment:
 *   SHOAL_FAKE_STATE=FILE  the state, read at the first request and written
 *                          back when the socket closes, one object a line:
 *                            IFINDEX NAME PORT ID [RWIN MAXAGE KEYLIMIT]
 *                            key IFINDEX SLOT ID ACTIVE PACKETS EPOCH EXH
 *                            peer IFINDEX ID ENDPOINT KEEPALIVE RXAGE TXKEY
 *                                 RXKEYS IPS
 *                            group IFINDEX ID PREFIX|broadcast ALLPEERS
 *                                  MEMBERS
 *                          ENDPOINT is A.B.C.D:P or [A:B::C]:P, RXKEYS,
 *                          IPS and MEMBERS comma-separated lists; "-" for
 *                          none
 *   SHOAL_FAKE_LOG=FILE    each shoal request, decoded, appended
 *   SHOAL_FAKE_NOFAMILY=1  no "shoal" family (ENOENT)
 *   SHOAL_FAKE_PER_MSG=N   dump N objects per datagram (default: 1 device,
 *                          as many peers as fit in 8 KiB)
 *   SHOAL_FAKE_INTR=N      flag the first N device dumps NLM_F_DUMP_INTR
 *   SHOAL_FAKE_PEER_INTR=N flag the first N peer dumps NLM_F_DUMP_INTR
 *   SHOAL_FAKE_GROUP_INTR=N
 *                          flag the first N group dumps NLM_F_DUMP_INTR
 *   SHOAL_FAKE_GROUP_SPLIT=N
 *                          put N members of a group in a message (default
 *                          1000, at most 4096); messages carrying only
 *                          ifindex, id and members continue it (gets
 *                          are refused: the tool reads one group by a
 *                          dump of it alone)
 *   SHOAL_FAKE_NOGROUPS=1  a module before groups: their commands fail
 *                          with EOPNOTSUPP
 *   SHOAL_FAKE_SOCKETS=FILE
 *                          a line appended per netlink socket opened
 *   SHOAL_FAKE_DUMP_ERR=1  end dumps with -ENOBUFS and a message
 *   SHOAL_FAKE_EPERM=1     refuse dev-set with a bare EPERM
 *   SHOAL_FAKE_WARN=1      ack dev-set with a warning message
 *   SHOAL_FAKE_NOCAP=1     echo whole requests in errors, as without
 *                          NETLINK_CAP_ACK
 *   SHOAL_FAKE_LEAK=1      a buggy kernel: put key material in replies
 *   SHOAL_FAKE_MISSING=1   refuse key-set as if its material were missing
 *
 * This file fakes the socket and builds replies and errors; the state and
 * the replies describing it are in fakenl_state.c, the policy and the
 * commands in fakenl_cmds.c, groups in fakenl_group.c.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fakenl.h"

int fake_ext_ack;
struct fake_dgram *fake_cur;

static int fake_fd = -1;
static int fake_cap_ack;
static struct fake_dgram **fake_q;
static size_t fake_qhead, fake_qtail, fake_qcap;

int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : def;
}

/* A request's log line is built in memory, then appended in one write. */
static char fake_logbuf[256 * 1024];
static size_t fake_loglen;

void fake_log(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fake_logbuf + fake_loglen,
		      sizeof(fake_logbuf) - fake_loglen, fmt, ap);
	va_end(ap);
	if (n > 0)
		fake_loglen += n;
	if (fake_loglen >= sizeof(fake_logbuf))
		fake_loglen = sizeof(fake_logbuf) - 1;
}

void fake_log_flush(void)
{
	const char *path = getenv("SHOAL_FAKE_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fwrite(fake_logbuf, 1, fake_loglen, f);
		fclose(f);
	}
	fake_loglen = 0;
}
/* Building replies. */

/* Datagrams are built at full size, then shrunk: dumps make thousands. */
void dgram_close(void)
{
	struct fake_dgram *d = fake_cur;

	if (!d)
		return;
	d = realloc(d, sizeof(*d) + d->len);
	if (d)
		fake_q[fake_qtail - 1] = d;
	fake_cur = NULL;
}

struct fake_dgram *dgram_new(void)
{
	struct fake_dgram *d = calloc(1, sizeof(*d) + FAKE_DGRAM_SIZE);

	if (!d)
		abort();
	dgram_close();
	if (fake_qtail == fake_qcap) {
		fake_qcap = fake_qcap ? 2 * fake_qcap : 64;
		fake_q = realloc(fake_q, fake_qcap * sizeof(*fake_q));
		if (!fake_q)
			abort();
	}
	fake_q[fake_qtail++] = d;
	fake_cur = d;
	return d;
}

struct nlmsghdr *msg_start(struct fake_dgram *d, uint16_t type,
				  uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = (void *)(d->buf + d->len);

	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	return nlh;
}

void msg_put(struct nlmsghdr *nlh, const void *data, size_t len)
{
	memcpy((char *)nlh + nlh->nlmsg_len, data, len);
	memset((char *)nlh + nlh->nlmsg_len + len, 0, NLMSG_ALIGN(len) - len);
	nlh->nlmsg_len += NLMSG_ALIGN(len);
}

void attr_put(struct nlmsghdr *nlh, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	msg_put(nlh, &nla, sizeof(nla));
	nlh->nlmsg_len -= NLA_ALIGN(sizeof(nla)) - NLA_HDRLEN;
	msg_put(nlh, data, len);
}

/* As nla_put_u64_64bit(): a pad attribute first when the value would not be
 * 8-byte aligned. */
void attr_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
			 uint16_t pad)
{
	if ((nlh->nlmsg_len + NLA_HDRLEN) % 8)
		attr_put(nlh, pad, NULL, 0);
	attr_put(nlh, type, &v, sizeof(v));
}

uint32_t nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	uint32_t off = nlh->nlmsg_len;

	attr_put(nlh, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void nest_end(struct nlmsghdr *nlh, uint32_t off)
{
	struct nlattr *nla = (void *)((char *)nlh + off);

	nla->nla_len = nlh->nlmsg_len - off;
}

void msg_end(struct fake_dgram *d, struct nlmsghdr *nlh)
{
	d->len += nlh->nlmsg_len;
}

void genl_put(struct nlmsghdr *nlh, uint8_t cmd)
{
	struct genlmsghdr gh = { .cmd = cmd, .version = 1 };

	msg_put(nlh, &gh, sizeof(gh));
}

/*
 * An NLMSG_ERROR the way the kernel builds it, honouring the socket
 * options; @miss_type, when not 0, names a missing attribute, inside the
 * nest at @miss_nest if that is not 0.
 */
void fake_error_full(const struct nlmsghdr *req, int err,
			    const char *text, uint32_t bad_off,
			    uint32_t miss_type, uint32_t miss_nest)
{
	struct fake_dgram *d = dgram_new();
	struct nlmsghdr *nlh = msg_start(d, NLMSG_ERROR, 0, req->nlmsg_seq);
	struct nlmsgerr e = { .error = -err, .msg = *req };
	int capped = fake_cap_ack || !err;

	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	msg_put(nlh, &e, sizeof(e));
	if (!capped)
		msg_put(nlh, (const char *)req + NLMSG_HDRLEN,
			req->nlmsg_len - NLMSG_HDRLEN);
	if (fake_ext_ack && (text || bad_off || miss_type)) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (text)
			attr_put(nlh, NLMSGERR_ATTR_MSG, text, strlen(text) + 1);
		if (bad_off)
			attr_put(nlh, NLMSGERR_ATTR_OFFS, &bad_off,
				 sizeof(bad_off));
		if (miss_type)
			attr_put(nlh, NLMSGERR_ATTR_MISS_TYPE, &miss_type,
				 sizeof(miss_type));
		if (miss_nest)
			attr_put(nlh, NLMSGERR_ATTR_MISS_NEST, &miss_nest,
				 sizeof(miss_nest));
	}
	msg_end(d, nlh);
}

void fake_error(const struct nlmsghdr *req, int err, const char *text,
		       uint32_t bad_off)
{
	fake_error_full(req, err, text, bad_off, 0, 0);
}

void fake_ack(const struct nlmsghdr *req)
{
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_error(req, 0, NULL, 0);
}
/* Parsing requests. */


void fake_parse(const void *data, int len, struct fake_attrs *a)
{
	const struct nlattr *nla;

	memset(a, 0, sizeof(*a));
	for_each_attr(nla, data, len)
		if (nla_kind(nla) < 32)
			a->tb[nla_kind(nla)] = nla;
}

void fake_parse_nest(const struct nlattr *nest, struct fake_attrs *a)
{
	fake_parse(nla_payload(nest), nla_plen(nest), a);
}

uint32_t off_of(const struct nlmsghdr *req, const struct nlattr *nla)
{
	return nla ? (const char *)nla - (const char *)req : 0;
}
static void fake_ctrl(const struct nlmsghdr *req)
{
	struct fake_attrs a;
	struct fake_dgram *d;
	struct nlmsghdr *nlh;
	uint16_t id = FAKE_FAMILY_ID;
	uint32_t version = 1;

	fake_parse((const char *)req + NLMSG_HDRLEN + GENL_HDRLEN,
		   req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, &a);
	if (!a.tb[CTRL_ATTR_FAMILY_NAME]) {
		fake_error(req, EINVAL, NULL, 0);
		return;
	}
	if (strcmp(nla_payload(a.tb[CTRL_ATTR_FAMILY_NAME]), SHOAL_FAMILY_NAME) ||
	    env_int("SHOAL_FAKE_NOFAMILY", 0)) {
		fake_error(req, ENOENT, NULL, 0);
		return;
	}
	d = dgram_new();
	nlh = msg_start(d, GENL_ID_CTRL, 0, req->nlmsg_seq);
	genl_put(nlh, CTRL_CMD_NEWFAMILY);
	attr_put(nlh, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	attr_put(nlh, CTRL_ATTR_FAMILY_NAME, SHOAL_FAMILY_NAME,
		 sizeof(SHOAL_FAMILY_NAME));
	attr_put(nlh, CTRL_ATTR_VERSION, &version, sizeof(version));
	msg_end(d, nlh);
	fake_ack(req);
}
/* The intercepted socket calls. */

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

__attribute__((destructor)) static void fake_exit(void)
{
	fake_save();
	free(fake_peers);
	free_groups();
	free(fake_q);
}

int socket(int domain, int type, int protocol)
{
	if (domain == AF_NETLINK && protocol == NETLINK_GENERIC) {
		const char *path = getenv("SHOAL_FAKE_SOCKETS");
		FILE *f = path ? fopen(path, "a") : NULL;

		if (f) {
			fputs("socket\n", f);
			fclose(f);
		}
		fake_fd = eventfd(0, EFD_CLOEXEC);
		return fake_fd;
	}
	return REAL(socket)(domain, type, protocol);
}

int close(int fd)
{
	if (fd == fake_fd && fd >= 0) {
		dgram_close();
		while (fake_qhead != fake_qtail)
			free(fake_q[fake_qhead++]);
		fake_qhead = fake_qtail = fake_qcap = 0;
		free(fake_q);
		fake_q = NULL;
		fake_fd = -1;
		fake_save();
	}
	return REAL(close)(fd);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (fd == fake_fd)
		return 0;
	return REAL(bind)(fd, addr, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl nl = {
		.nl_family = AF_NETLINK,
		.nl_pid = FAKE_PORTID,
	};

	if (fd != fake_fd)
		return REAL(getsockname)(fd, addr, len);
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (fd != fake_fd)
		return REAL(setsockopt)(fd, level, name, val, len);
	if (level == SOL_NETLINK && name == NETLINK_EXT_ACK)
		fake_ext_ack = *(const int *)val;
	if (level == SOL_NETLINK && name == NETLINK_CAP_ACK)
		fake_cap_ack = *(const int *)val &&
			       !env_int("SHOAL_FAKE_NOCAP", 0);
	return 0;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static unsigned char buf[FAKE_REQ_SIZE];
	const struct nlmsghdr *nlh;
	size_t len = 0, off, i;

	if (fd != fake_fd)
		return REAL(sendmsg)(fd, msg, flags);
	for (i = 0; i < msg->msg_iovlen; i++) {
		if (len + msg->msg_iov[i].iov_len > sizeof(buf)) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(buf + len, msg->msg_iov[i].iov_base,
		       msg->msg_iov[i].iov_len);
		len += msg->msg_iov[i].iov_len;
	}
	/*
	 * Several requests may share one datagram: each is handled in turn,
	 * and answered in a datagram of its own, as netlink_rcv_skb() does.
	 */
	for (off = 0; off < len; off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		nlh = (const void *)(buf + off);
		if (len - off < NLMSG_HDRLEN + GENL_HDRLEN ||
		    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
		    nlh->nlmsg_len > len - off) {
			errno = EINVAL;
			return -1;
		}
		if (nlh->nlmsg_type == GENL_ID_CTRL)
			fake_ctrl(nlh);
		else if (nlh->nlmsg_type == FAKE_FAMILY_ID)
			fake_shoal(nlh);
		else
			fake_error(nlh, ENOENT, NULL, 0);
		dgram_close();
	}
	return len;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct fake_dgram *d;
	size_t room, len;

	if (fd != fake_fd)
		return REAL(recvmsg)(fd, msg, flags);
	if (fake_qhead == fake_qtail) {
		/* The real kernel would block forever: a tool bug. */
		fprintf(stderr, "fakenl: recvmsg with nothing queued\n");
		abort();
	}
	d = fake_q[fake_qhead];
	if (msg->msg_name) {
		memcpy(msg->msg_name, &kernel, sizeof(kernel));
		msg->msg_namelen = sizeof(kernel);
	}
	msg->msg_controllen = 0;
	msg->msg_flags = 0;
	room = msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, d->buf, d->len < room ? d->len : room);
	if (d->len > room)
		msg->msg_flags |= MSG_TRUNC;
	len = d->len;
	if (!(flags & MSG_PEEK)) {
		free(d);
		if (++fake_qhead == fake_qtail)
			fake_qhead = fake_qtail = 0;
	}
	return flags & MSG_TRUNC ? (ssize_t)len :
	       (ssize_t)(len < room ? len : room);
}
