/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_NETLINK_H
#define _SHOAL_NETLINK_H

int shoal_genl_init(void);
void shoal_genl_uninit(void);

#endif /* _SHOAL_NETLINK_H */
