// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Per-CPU counters: allocation, summing, and their netlink form.
 */

#include <net/netlink.h>

#include "stats.h"

/**
 * shoal_stats_alloc - zeroed per-CPU counters
 *
 * Return: the counters, or NULL without memory.
 */
struct shoal_stats __percpu *shoal_stats_alloc(void)
{
	struct shoal_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct shoal_stats, GFP_KERNEL_ACCOUNT);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/**
 * shoal_stats_sum - add up every CPU's counters
 * @stats: per-CPU counters
 * @sum: where to put the totals
 */
void shoal_stats_sum(struct shoal_stats __percpu *stats,
		     u64 sum[SHOAL_STAT_COUNT])
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * SHOAL_STAT_COUNT);
	for_each_possible_cpu(cpu) {
		const struct shoal_stats *s = per_cpu_ptr(stats, cpu);
		u64 v[SHOAL_STAT_COUNT];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < SHOAL_STAT_COUNT; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < SHOAL_STAT_COUNT; i++)
			sum[i] += v[i];
	}
}

/**
 * shoal_stats_fill - put the totals in a nest of SHOAL_A_STATS_* attributes
 * @msg: netlink message
 * @attr: type of the nest
 * @stats: per-CPU counters
 *
 * Return: 0 or -EMSGSIZE.
 */
int shoal_stats_fill(struct sk_buff *msg, int attr,
		     struct shoal_stats __percpu *stats)
{
	u64 sum[SHOAL_STAT_COUNT];
	struct nlattr *nest;
	int i;

	shoal_stats_sum(stats, sum);
	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SHOAL_STAT_COUNT; i++) {
		if (nla_put_u64_64bit(msg, i + 1, sum[i], SHOAL_A_STATS_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}
