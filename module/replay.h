/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_REPLAY_H
#define _SHOAL_REPLAY_H

#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Counters at or past this are refused; senders stop well before. */
#define SHOAL_COUNTER_LIMIT	(U64_MAX - (1ULL << 32))

#define SHOAL_REPLAY_WINDOW_DEFAULT	8192U
#define SHOAL_REPLAY_WINDOW_MIN		64U
/* Its bitmap, allocated in softirq for each new epoch, stays in order 3. */
#define SHOAL_REPLAY_WINDOW_MAX		BIT(17)

/**
 * struct shoal_replay - sliding replay window (RFC 6479) for one key epoch
 * @lock: serialises updates; receivers of one sender rarely contend
 * @next: highest counter accepted plus one, 0 before the first
 * @window: how far behind @next a counter is still accepted
 * @nwords: words in @bitmap: one more than @window needs, so the word
 *	being recycled never holds bits still inside the window
 * @bitmap: one bit per counter, indexed modulo @nwords words
 */
struct shoal_replay {
	spinlock_t lock; /* updates */
	u64 next;
	u32 window;
	u32 nwords;
	unsigned long bitmap[];
};

int shoal_replay_init(void);
void shoal_replay_uninit(void);
struct shoal_replay *shoal_replay_new(u32 window, gfp_t gfp);
void shoal_replay_free(struct shoal_replay *r);
bool shoal_replay_precheck(const struct shoal_replay *r, u64 counter);
bool shoal_replay_update(struct shoal_replay *r, u64 counter);

bool shoal_replay_selftest(void);

#endif /* _SHOAL_REPLAY_H */
