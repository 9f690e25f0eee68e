// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Replay protection: a bitmap window in the style of RFC 6479. Counters
 * are checked twice: a lockless pre-check before decryption rejects the
 * obvious replays cheaply, and the authoritative check-and-set after the
 * tag has been verified, so forged packets can never move the window.
 */

#include <linux/bitops.h>
#include <linux/slab.h>

#include "replay.h"

/* Words of a window's bitmap: see struct shoal_replay's @nwords. */
#define SHOAL_REPLAY_NWORDS(window) (DIV_ROUND_UP(window, BITS_PER_LONG) + 1)

/*
 * Windows of the default size, the most common by far, one per receive
 * epoch: the extra word makes one 1,056 bytes, which kmalloc would round
 * up to 2,048. Cache-line aligned, as each is written by the CPU that
 * receives from its sender.
 */
static struct kmem_cache *shoal_replay_cache;
#define SHOAL_REPLAY_CACHE_WORDS SHOAL_REPLAY_NWORDS(SHOAL_REPLAY_WINDOW_DEFAULT)

/**
 * shoal_replay_init - create the cache of default-sized windows
 *
 * Return: 0 or -ENOMEM.
 */
int shoal_replay_init(void)
{
	struct shoal_replay *r;

	shoal_replay_cache = kmem_cache_create("shoal_replay",
					       struct_size(r, bitmap,
							   SHOAL_REPLAY_CACHE_WORDS),
					       0, SLAB_HWCACHE_ALIGN, NULL);
	return shoal_replay_cache ? 0 : -ENOMEM;
}

/**
 * shoal_replay_uninit - destroy the cache, once every window is freed
 */
void shoal_replay_uninit(void)
{
	kmem_cache_destroy(shoal_replay_cache);
}

/**
 * shoal_replay_new - allocate an empty window
 * @window: counters behind the newest that are still accepted, rounded up
 *	to a multiple of BITS_PER_LONG
 * @gfp: allocation flags
 *
 * Return: the window, or NULL without memory.
 */
struct shoal_replay *shoal_replay_new(u32 window, gfp_t gfp)
{
	u32 nwords = SHOAL_REPLAY_NWORDS(window);
	struct shoal_replay *r;

	if (nwords == SHOAL_REPLAY_CACHE_WORDS)
		r = kmem_cache_zalloc(shoal_replay_cache, gfp);
	else
		r = kzalloc(struct_size(r, bitmap, nwords), gfp);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->nwords = nwords;
	r->window = (nwords - 1) * BITS_PER_LONG;
	return r;
}

/**
 * shoal_replay_free - free a window
 * @r: the window, or NULL
 */
void shoal_replay_free(struct shoal_replay *r)
{
	if (r && r->nwords == SHOAL_REPLAY_CACHE_WORDS)
		kmem_cache_free(shoal_replay_cache, r);
	else
		kfree(r);
}

static unsigned long *shoal_replay_word(const struct shoal_replay *r,
					u64 counter)
{
	return (unsigned long *)&r->bitmap[(counter / BITS_PER_LONG) %
					   r->nwords];
}

/**
 * shoal_replay_precheck - could @counter still be fresh?
 * @r: the window
 * @counter: counter of a packet not yet authenticated
 *
 * Lockless and racy by design: a wrong "yes" is caught by
 * shoal_replay_update() after decryption; a "no" is always right.
 *
 * Return: false if @counter is certainly a replay or too old.
 */
bool shoal_replay_precheck(const struct shoal_replay *r, u64 counter)
{
	/* Pairs with the release in update: a word is clear before it shows. */
	u64 next = smp_load_acquire(&r->next);

	if (unlikely(counter >= SHOAL_COUNTER_LIMIT))
		return false;
	if (counter >= next)
		return true;
	if (counter + r->window < next)
		return false;
	return !test_bit(counter % BITS_PER_LONG,
			 shoal_replay_word(r, counter));
}

/**
 * shoal_replay_update - accept @counter once
 * @r: the window
 * @counter: counter of an authenticated packet
 *
 * Return: true the first time a counter inside the window is seen; false
 * for a duplicate, a counter too far behind, or one past the limit.
 */
bool shoal_replay_update(struct shoal_replay *r, u64 counter)
{
	u64 word, last, i;
	bool fresh = false;

	if (unlikely(counter >= SHOAL_COUNTER_LIMIT))
		return false;

	spin_lock_bh(&r->lock);
	if (counter >= r->next) {
		/*
		 * Moving ahead: clear the words between the newest word in
		 * use and the counter's own, at most the whole bitmap.
		 */
		word = counter / BITS_PER_LONG;
		last = r->next ? (r->next - 1) / BITS_PER_LONG : word;
		if (word - last > r->nwords)
			last = word - r->nwords;
		for (i = last + 1; i <= word; i++)
			r->bitmap[i % r->nwords] = 0;
		/* The cleared words first: see shoal_replay_precheck(). */
		smp_store_release(&r->next, counter + 1);
	} else if (counter + r->window < r->next) {
		goto out;
	}
	fresh = !__test_and_set_bit(counter % BITS_PER_LONG,
				    shoal_replay_word(r, counter));
out:
	spin_unlock_bh(&r->lock);
	return fresh;
}

/*
 * Self-tests of the window logic, run at module load in debug builds and
 * with selftest=1 (as the selftests do); a failure makes the module refuse
 * to load.
 */
struct shoal_replay_step {
	u64 counter;
	bool fresh;
};

static bool shoal_replay_run(u32 window, const struct shoal_replay_step *s,
			     unsigned int n, const char *name)
{
	struct shoal_replay *r = shoal_replay_new(window, GFP_KERNEL);
	unsigned int i;
	bool ok = true;

	if (!r)
		return false;
	for (i = 0; i < n; i++) {
		bool pre = shoal_replay_precheck(r, s[i].counter);
		bool got = shoal_replay_update(r, s[i].counter);

		/* The pre-check may let a replay through, never the reverse. */
		if (got != s[i].fresh || (s[i].fresh && !pre)) {
			pr_err("replay self-test %s: step %u counter %llu: got %d/%d want %d\n",
			       name, i, s[i].counter, pre, got, s[i].fresh);
			ok = false;
		}
	}
	shoal_replay_free(r);
	return ok;
}

#define W SHOAL_REPLAY_WINDOW_DEFAULT

static const struct shoal_replay_step shoal_replay_basic[] = {
	{ 0, true }, { 0, false }, { 1, true }, { 1, false }, { 9, true },
	{ 8, true }, { 7, true }, { 7, false }, { 3, true }, { 9, false },
	{ 2, true }, { 10, true }, { 2, false },
};

/* In-window reordering around word boundaries and across the window edge. */
static const struct shoal_replay_step shoal_replay_edges[] = {
	{ W + 100, true }, { 101, true }, { 100, false }, { 99, false },
	{ 101, false }, { W + 99, true }, { W + 101, true }, { 63, false },
	{ 164, true }, { 164, false }, { 2 * W + 100, true },
	{ W + 100, false }, { W + 101, false }, { 2 * W + 100, false },
	{ W + 102, true },
};

/* Large jumps: everything older is forgotten, nothing newer pre-marked. */
static const struct shoal_replay_step shoal_replay_jumps[] = {
	{ 5, true }, { 1ULL << 40, true }, { (1ULL << 40) - 1, true },
	{ (1ULL << 40) - W + 1, true }, { (1ULL << 40) - W, false },
	{ 5, false }, { (1ULL << 40) + 5 * W, true }, { (1ULL << 40) + 1, false },
	{ (1ULL << 40) + 4 * W + 64, true }, { (1ULL << 40) + 4 * W + 65, true },
};

/* Counters at the limit are refused: they must never wrap to 0. */
static const struct shoal_replay_step shoal_replay_wrap[] = {
	{ SHOAL_COUNTER_LIMIT - 1, true }, { SHOAL_COUNTER_LIMIT, false },
	{ U64_MAX, false }, { 0, false }, { SHOAL_COUNTER_LIMIT - 2, true },
	{ SHOAL_COUNTER_LIMIT - 1, false },
};

#undef W

/**
 * shoal_replay_selftest - check the window logic against known sequences
 *
 * Return: true if every case passed.
 */
bool shoal_replay_selftest(void)
{
	struct shoal_replay_step *every;
	bool ok = true;
	unsigned int i;

	ok &= shoal_replay_run(SHOAL_REPLAY_WINDOW_DEFAULT, shoal_replay_basic,
			       ARRAY_SIZE(shoal_replay_basic), "basic");
	ok &= shoal_replay_run(SHOAL_REPLAY_WINDOW_DEFAULT, shoal_replay_edges,
			       ARRAY_SIZE(shoal_replay_edges), "edges");
	ok &= shoal_replay_run(SHOAL_REPLAY_WINDOW_DEFAULT, shoal_replay_jumps,
			       ARRAY_SIZE(shoal_replay_jumps), "jumps");
	ok &= shoal_replay_run(SHOAL_REPLAY_WINDOW_DEFAULT, shoal_replay_wrap,
			       ARRAY_SIZE(shoal_replay_wrap), "wrap");

	/* A small window: every counter once, in reverse, then all replayed. */
	every = kcalloc(256, sizeof(*every), GFP_KERNEL);
	if (!every)
		return false;
	for (i = 0; i < 128; i++)
		every[i] = (struct shoal_replay_step){ 127 - i, true };
	for (i = 128; i < 256; i++)
		every[i] = (struct shoal_replay_step){ i - 128, false };
	ok &= shoal_replay_run(128, every, 256, "reverse");
	kfree(every);

	if (ok)
		pr_info("replay self-tests: pass\n");
	return ok;
}
