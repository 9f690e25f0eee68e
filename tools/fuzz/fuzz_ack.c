// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/*
 * shoal_nl_parse_ack() on arbitrary NLMSG_ERROR and NLMSG_DONE messages,
 * as a hostile or buggy kernel could send them (libnl only guarantees
 * that nlmsg_len fits what was read), naming attributes of a real request.
 */

#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/shoal.h>

#include "../netlink.h"
#include "../spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shoal_nl_req req = {
		.attrs = &shoal_spec_peer,
	};
	struct nlmsghdr *nlh;
	struct shoal_nl_err e;
	struct nlattr *nest, *entry;

	if (size < NLMSG_HDRLEN || size > 65536)
		return 0;
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	if (nlh->nlmsg_len > size)
		nlh->nlmsg_len = size;
	/* Both kinds of message, whatever the input says. */
	nlh->nlmsg_type = nlh->nlmsg_type & 1 ? NLMSG_ERROR : NLMSG_DONE;

	req.msg = nlmsg_alloc();
	genlmsg_put(req.msg, NL_AUTO_PORT, NL_AUTO_SEQ, 42, 0, 0,
		    SHOAL_CMD_DEV_SET, 1);
	nla_put_string(req.msg, SHOAL_A_PEER_IFNAME, "shoal0");
	/* An indexed array of nests, and a nest, to be named inside. */
	nest = nla_nest_start(req.msg, SHOAL_A_PEER_ALLOWED_IPS);
	entry = nla_nest_start(req.msg, 1);
	nla_put_u16(req.msg, SHOAL_A_PREFIX_FAMILY, 2);
	nla_put_u32(req.msg, SHOAL_A_PREFIX_ADDR, 0);
	nla_put_u8(req.msg, SHOAL_A_PREFIX_CIDR, 0);
	nla_nest_end(req.msg, entry);
	nla_nest_end(req.msg, nest);
	nest = nla_nest_start(req.msg, SHOAL_A_PEER_TX_KEY);
	nla_put_u8(req.msg, SHOAL_A_KEY_ID, 1);
	nla_put_u8(req.msg, 99, 1);
	nla_nest_end(req.msg, nest);
	nla_put_u32(req.msg, SHOAL_A_PEER_SENDER_ID, 0);

	shoal_nl_parse_ack(nlh, &req, &e);
	if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg) ||
	    strnlen(e.attr, sizeof(e.attr)) == sizeof(e.attr) ||
	    strnlen(e.missing, sizeof(e.missing)) == sizeof(e.missing) ||
	    e.errnum < 0 || e.errnum >= 4096)
		abort();

	nlmsg_free(req.msg);
	free(nlh);
	return 0;
}
