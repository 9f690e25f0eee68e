/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Per-CPU counters of a device and of each peer, indexed by their
 * SHOAL_A_STATS_* attribute minus one.
 */

#ifndef _SHOAL_STATS_H
#define _SHOAL_STATS_H

#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/shoal.h>

enum shoal_stat {
	SHOAL_STAT_RX_PACKETS = SHOAL_A_STATS_RX_PACKETS - 1,
	SHOAL_STAT_RX_BYTES = SHOAL_A_STATS_RX_BYTES - 1,
	SHOAL_STAT_TX_PACKETS = SHOAL_A_STATS_TX_PACKETS - 1,
	SHOAL_STAT_TX_BYTES = SHOAL_A_STATS_TX_BYTES - 1,
	SHOAL_STAT_TX_ENCRYPTIONS = SHOAL_A_STATS_TX_ENCRYPTIONS - 1,
	SHOAL_STAT_TX_GSO_BATCHES = SHOAL_A_STATS_TX_GSO_BATCHES - 1,
	SHOAL_STAT_TX_GSO_SEGMENTS = SHOAL_A_STATS_TX_GSO_SEGMENTS - 1,
	SHOAL_STAT_RX_KEEPALIVES = SHOAL_A_STATS_RX_KEEPALIVES - 1,
	SHOAL_STAT_DROP_MALFORMED = SHOAL_A_STATS_DROP_MALFORMED - 1,
	SHOAL_STAT_DROP_UNKNOWN_SENDER = SHOAL_A_STATS_DROP_UNKNOWN_SENDER - 1,
	SHOAL_STAT_DROP_NO_KEY = SHOAL_A_STATS_DROP_NO_KEY - 1,
	SHOAL_STAT_DROP_EPOCH = SHOAL_A_STATS_DROP_EPOCH - 1,
	SHOAL_STAT_DROP_REPLAY = SHOAL_A_STATS_DROP_REPLAY - 1,
	SHOAL_STAT_DROP_AUTH = SHOAL_A_STATS_DROP_AUTH - 1,
	SHOAL_STAT_DROP_SOURCE = SHOAL_A_STATS_DROP_SOURCE - 1,
	SHOAL_STAT_DROP_NO_ROUTE = SHOAL_A_STATS_DROP_NO_ROUTE - 1,
	SHOAL_STAT_DROP_TOO_BIG = SHOAL_A_STATS_DROP_TOO_BIG - 1,
	SHOAL_STAT_DROP_TX_ERROR = SHOAL_A_STATS_DROP_TX_ERROR - 1,
	SHOAL_STAT_TX_FANOUT_PACKETS = SHOAL_A_STATS_TX_FANOUT_PACKETS - 1,
	SHOAL_STAT_TX_FANOUT_COPIES = SHOAL_A_STATS_TX_FANOUT_COPIES - 1,
	SHOAL_STAT_DROP_NOT_PAIRWISE = SHOAL_A_STATS_DROP_NOT_PAIRWISE - 1,
	SHOAL_STAT_COUNT = SHOAL_A_STATS_PAD - 1,
	/*
	 * Not a counter: a datagram dropped for want of memory counts in the
	 * device's rx_dropped alone, as the core's own drops do.
	 */
	SHOAL_STAT_NOMEM = SHOAL_STAT_COUNT + 1
};

/**
 * struct shoal_stats - one CPU's counters
 * @c: the counters, indexed by enum shoal_stat
 * @syncp: makes 64-bit reads consistent on 32-bit machines
 */
struct shoal_stats {
	u64_stats_t c[SHOAL_STAT_COUNT];
	struct u64_stats_sync syncp;
};

/**
 * shoal_stats_add - add to a counter of this CPU
 * @stats: per-CPU counters
 * @stat: which one
 * @val: how much
 *
 * Callers run with bottom halves disabled (transmit, receive, timers).
 */
static inline void shoal_stats_add(struct shoal_stats __percpu *stats,
				   enum shoal_stat stat, u64 val)
{
	struct shoal_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[stat], val);
	u64_stats_update_end(&s->syncp);
}

/**
 * shoal_stats_add2 - add to two counters of this CPU in one update
 * @stats: per-CPU counters
 * @a: the first counter
 * @va: how much
 * @b: the second counter
 * @vb: how much
 *
 * The packet path counts packets and bytes together; one update section
 * and one per-CPU lookup serve both.
 */
static inline void shoal_stats_add2(struct shoal_stats __percpu *stats,
				    enum shoal_stat a, u64 va,
				    enum shoal_stat b, u64 vb)
{
	struct shoal_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[a], va);
	u64_stats_add(&s->c[b], vb);
	u64_stats_update_end(&s->syncp);
}

static inline void shoal_stats_inc(struct shoal_stats __percpu *stats,
				   enum shoal_stat stat)
{
	shoal_stats_add(stats, stat, 1);
}

struct shoal_stats __percpu *shoal_stats_alloc(void);
void shoal_stats_sum(struct shoal_stats __percpu *stats,
		     u64 sum[SHOAL_STAT_COUNT]);
int shoal_stats_fill(struct sk_buff *msg, int attr,
		     struct shoal_stats __percpu *stats);

#endif /* _SHOAL_STATS_H */
