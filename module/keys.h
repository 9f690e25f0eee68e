/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_KEYS_H
#define _SHOAL_KEYS_H

#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <uapi/linux/shoal.h>

#include "aead.h"
#include "proto.h"

struct shoal_replay;

/* A sender moves to a new epoch after this long (Documentation/protocol.rst). */
#define SHOAL_EPOCH_LIFETIME		(120 * HZ)
/*
 * Epochs a receiver may derive per second and key before it drops them:
 * as many again for datagrams from the peer's endpoint.
 */
#define SHOAL_EPOCH_DERIVE_RATE		64
#define SHOAL_EPOCH_MAX_AGE_DEFAULT	900U
#define SHOAL_KEY_LIMIT_MAX		BIT_ULL(62)

/**
 * struct shoal_epoch - a traffic key of a transmit key
 * @epoch: its epoch, as carried in the header
 * @sender_id: the sender id it was derived for, and is sent with
 * @born: jiffies when it was derived
 * @rcu: for freeing after readers are done
 * @key: the traffic key; last, as large as its cipher needs
 */
struct shoal_epoch {
	u64 epoch;
	u32 sender_id;
	unsigned long born;
	struct rcu_head rcu;
	union shoal_aead_key key;
};

/**
 * struct shoal_txkey - an installed transmit key (device slot or pairwise)
 * @counter: next counter; never reset, shared by all epochs of the key
 * @limit: packets it may protect (the device's key-limit at install)
 * @epoch: current traffic key (RCU)
 * @flags: SHOAL_TXKEY_* bits
 * @id: key id carried in the header
 * @cipher: SHOAL_CIPHER_* of its epochs
 * @material: the installed key, only ever used to derive traffic keys
 * @rcu: for freeing after readers are done
 */
struct shoal_txkey {
	atomic64_t counter;
	u64 limit;
	struct shoal_epoch __rcu *epoch;
	unsigned long flags;
	u8 id;
	u8 cipher;
	u8 material[SHOAL_KEY_LEN];
	struct rcu_head rcu;
};

enum {
	SHOAL_TXKEY_ROTATING,	/* a CPU is deriving the next epoch */
	SHOAL_TXKEY_EXHAUSTED,	/* the limit was reached; never used again */
};

/**
 * struct shoal_rx_epoch - receive state of one (sender, key, epoch)
 * @epoch: the epoch
 * @replay: its replay window
 * @rcu: for freeing after readers are done
 * @key: its traffic key; last, as large as its cipher needs
 */
struct shoal_rx_epoch {
	u64 epoch;
	struct shoal_replay *replay;
	struct rcu_head rcu;
	union shoal_aead_key key;
};

/**
 * struct shoal_derive_budget - derivations of unknown epochs in one second
 * @stamp: jiffies when the second began
 * @count: derivations in it
 */
struct shoal_derive_budget {
	unsigned long stamp;
	unsigned int count;
};

/**
 * struct shoal_rxkey - a key of a peer this device decrypts with
 * @cur: newest epoch authenticated under it (RCU, written under @lock)
 * @prev: the epoch before @cur, still accepted (as @cur)
 * @lock: serialises epoch changes
 * @derive_any: rate limit of derivations for datagrams from anywhere
 * @derive_ep: the same for datagrams from the peer's endpoint, which a
 *	flood of forged epochs from elsewhere cannot spend
 * @id: key id
 * @cipher: SHOAL_CIPHER_* of its epochs
 * @pairwise: the peer's pairwise key towards this device (RTNL writes)
 * @material: the key
 * @rcu: for freeing after readers are done
 */
struct shoal_rxkey {
	struct shoal_rx_epoch __rcu *cur;
	struct shoal_rx_epoch __rcu *prev;
	spinlock_t lock; /* epoch changes */
	struct shoal_derive_budget derive_any;
	struct shoal_derive_budget derive_ep;
	u8 id;
	u8 cipher;
	bool pairwise;
	u8 material[SHOAL_KEY_LEN];
	struct rcu_head rcu;
};

void shoal_derive(u8 out[SHOAL_KEY_LEN], const u8 key[SHOAL_KEY_LEN],
		  u32 sender_id, u8 key_id, u64 epoch);

struct shoal_txkey *shoal_txkey_new(u8 id, u8 cipher, const u8 *material,
				    u64 limit, u32 sender_id);
void shoal_txkey_free(struct shoal_txkey *k);
void shoal_txkey_destroy(struct shoal_txkey *k);
const struct shoal_epoch *shoal_txkey_epoch(struct shoal_txkey *k,
					    u32 sender_id);

struct shoal_rxkey *shoal_rxkey_new(u8 id, u8 cipher, const u8 *material);
void shoal_rxkey_free(struct shoal_rxkey *k);
void shoal_rxkey_destroy(struct shoal_rxkey *k);
bool shoal_rxkey_derive_allowed(struct shoal_rxkey *k, bool from_endpoint);
void shoal_rxkey_derive(const struct shoal_rxkey *k, u32 sender_id,
			u64 epoch, union shoal_aead_key *out);
struct shoal_rx_epoch *shoal_rxkey_install(struct shoal_rxkey *k, u64 epoch,
					   const union shoal_aead_key *key,
					   u32 window);

bool shoal_seal(struct sk_buff *skb, const struct shoal_hdr *hdr, u8 cipher,
		const union shoal_aead_key *key);
int shoal_open(struct sk_buff *skb, const struct shoal_hdr *hdr, u8 cipher,
	       const union shoal_aead_key *key);

#endif /* _SHOAL_KEYS_H */
