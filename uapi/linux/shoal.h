/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * shoal: encrypted UDP tunnel with encrypt-once fan-out.
 *
 * The generic netlink family "shoal" (version 1) configures shoal devices.
 * Documentation/netlink/shoal.yaml is the source of truth for this API;
 * this header must agree with it (checked by the selftests).
 *
 * Devices are created through rtnetlink ("ip link add shoal0 type shoal"),
 * optionally with IFLA_SHOAL_PORT and IFLA_SHOAL_SENDER_ID, and are then
 * inspected and changed with SHOAL_CMD_DEV_GET and SHOAL_CMD_DEV_SET.
 *
 * A device is addressed by SHOAL_A_DEV_IFINDEX or SHOAL_A_DEV_IFNAME, looked
 * up in the network namespace of the netlink socket. Its UDP sockets live in
 * the namespace where it was created, even after the device is moved.
 *
 * SHOAL_A_DEV_PORT: UDP listen port. 0 asks the kernel to pick a free port;
 * the port actually bound is reported by SHOAL_CMD_DEV_GET.
 *
 * SHOAL_A_DEV_SENDER_ID: the local sender id carried in every datagram this
 * device sends; receivers find the sender's keys by it. 0 means "not set".
 */

#ifndef _UAPI_LINUX_SHOAL_H
#define _UAPI_LINUX_SHOAL_H

#define SHOAL_FAMILY_NAME	"shoal"
#define SHOAL_FAMILY_VERSION	1

enum {
	SHOAL_A_DEV_IFINDEX = 1,
	SHOAL_A_DEV_IFNAME,
	SHOAL_A_DEV_PORT,
	SHOAL_A_DEV_SENDER_ID,

	__SHOAL_A_DEV_MAX,
	SHOAL_A_DEV_MAX = (__SHOAL_A_DEV_MAX - 1)
};

enum {
	SHOAL_CMD_DEV_GET = 1,
	SHOAL_CMD_DEV_SET,

	__SHOAL_CMD_MAX,
	SHOAL_CMD_MAX = (__SHOAL_CMD_MAX - 1)
};

/* rtnetlink: IFLA_INFO_DATA attributes of link kind "shoal" */
enum {
	IFLA_SHOAL_UNSPEC,
	IFLA_SHOAL_PORT,
	IFLA_SHOAL_SENDER_ID,

	__IFLA_SHOAL_MAX,
	IFLA_SHOAL_MAX = (__IFLA_SHOAL_MAX - 1)
};

#endif /* _UAPI_LINUX_SHOAL_H */
