/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_SOCKET_H
#define _SHOAL_SOCKET_H

#include <linux/types.h>

struct netlink_ext_ack;
struct shoal_dev;

int shoal_socket_bind(struct shoal_dev *sd, u16 port,
		      struct netlink_ext_ack *extack);
void shoal_socket_close(struct shoal_dev *sd);
bool shoal_socket_retire(struct shoal_dev *sd);
void shoal_socket_release_retired(struct shoal_dev *sd);
void shoal_socket_attach(struct shoal_dev *sd);

#endif /* _SHOAL_SOCKET_H */
