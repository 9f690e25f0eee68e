/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_RECEIVE_H
#define _SHOAL_RECEIVE_H

struct sock;
struct sk_buff;

int shoal_receive(struct sock *sk, struct sk_buff *skb);

#endif /* _SHOAL_RECEIVE_H */
