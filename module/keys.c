// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Keys and epochs. An installed key is never used to encrypt:
 * each (sender, key id, epoch) gets its own traffic key, derived with
 * keyed BLAKE2s, so that a counter restarting after a reboot never meets
 * the same traffic key again (Documentation/protocol.rst).
 */

#include <crypto/blake2s.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "keys.h"
#include "replay.h"

static const u8 shoal_derive_label[16] __nonstring = "shoal traffic v1";

/**
 * shoal_derive - the traffic key of (key, sender id, key id, epoch)
 * @out: where to put it
 * @key: the installed key
 * @sender_id: the sender
 * @key_id: the key's id
 * @epoch: the epoch
 */
void shoal_derive(u8 out[SHOAL_KEY_LEN], const u8 key[SHOAL_KEY_LEN],
		  u32 sender_id, u8 key_id, u64 epoch)
{
	__be32 sid = cpu_to_be32(sender_id);
	__be64 ep = cpu_to_be64(epoch);
	struct blake2s_state st;

	blake2s_init_key(&st, SHOAL_KEY_LEN, key, SHOAL_KEY_LEN);
	blake2s_update(&st, shoal_derive_label, sizeof(shoal_derive_label));
	blake2s_update(&st, (const u8 *)&sid, sizeof(sid));
	blake2s_update(&st, &key_id, sizeof(key_id));
	blake2s_update(&st, (const u8 *)&ep, sizeof(ep));
	blake2s_final(&st, out);
	memzero_explicit(&st, sizeof(st));
}

/*
 * Wall clock in the high half, so epochs order by time; always increasing:
 * a clock that has not moved on (or went back) takes the previous second
 * plus one, still with fresh random bits.
 */
static u64 shoal_epoch_next(u64 prev)
{
	u32 now = ktime_get_real_seconds(), last = prev >> 32;

	if (now <= last)
		now = last + 1;
	return (u64)now << 32 | get_random_u32();
}

/* Derives the traffic key of an epoch into @out, in the form @cipher uses. */
static void shoal_derive_aead(union shoal_aead_key *out, u8 cipher,
			      const u8 material[SHOAL_KEY_LEN],
			      u32 sender_id, u8 key_id, u64 epoch)
{
	u8 key[SHOAL_KEY_LEN];

	shoal_derive(key, material, sender_id, key_id, epoch);
	shoal_aead_setkey(out, cipher, key);
	memzero_explicit(key, sizeof(key));
}

static struct shoal_epoch *shoal_epoch_new(const struct shoal_txkey *k,
					   u64 prev, u32 sender_id, gfp_t gfp)
{
	struct shoal_epoch *ep;

	ep = kmalloc(offsetof(struct shoal_epoch, key) +
		     shoal_aead_key_size(k->cipher), gfp);
	if (!ep)
		return NULL;
	ep->epoch = shoal_epoch_next(prev);
	ep->sender_id = sender_id;
	ep->born = jiffies;
	shoal_derive_aead(&ep->key, k->cipher, k->material, sender_id, k->id,
			  ep->epoch);
	return ep;
}

/* Frees an epoch's memory, and the copies of its key the AEAD keeps. */
static void shoal_epoch_free(struct shoal_epoch *ep)
{
	if (!ep)
		return;
	kfree_sensitive(ep);
	shoal_aead_forget();
}

static void shoal_epoch_free_rcu(struct rcu_head *rcu)
{
	shoal_epoch_free(container_of(rcu, struct shoal_epoch, rcu));
}

/**
 * shoal_txkey_new - a transmit key, with its first epoch
 * @id: key id
 * @cipher: SHOAL_CIPHER_*
 * @material: SHOAL_KEY_LEN bytes
 * @limit: packets it may protect
 * @sender_id: sender id of the first epoch
 *
 * Return: the key, or NULL without memory.
 */
struct shoal_txkey *shoal_txkey_new(u8 id, u8 cipher, const u8 *material,
				    u64 limit, u32 sender_id)
{
	struct shoal_txkey *k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	struct shoal_epoch *ep;

	if (!k)
		return NULL;
	k->id = id;
	k->cipher = cipher;
	k->limit = limit;
	memcpy(k->material, material, SHOAL_KEY_LEN);
	ep = shoal_epoch_new(k, 0, sender_id, GFP_KERNEL_ACCOUNT);
	if (!ep) {
		kfree_sensitive(k);
		return NULL;
	}
	RCU_INIT_POINTER(k->epoch, ep);
	return k;
}

/**
 * shoal_txkey_destroy - wipe and free a key no reader can reach any more
 * @k: the key; may be NULL
 *
 * For a key whose owner has already waited for its readers, as a peer
 * being freed after a grace period has: a second call_rcu() from that
 * callback would outlive the rcu_barrier() of module unload.
 */
void shoal_txkey_destroy(struct shoal_txkey *k)
{
	if (!k)
		return;
	shoal_epoch_free(rcu_dereference_raw(k->epoch));
	kfree_sensitive(k);
}

static void shoal_txkey_free_rcu(struct rcu_head *rcu)
{
	shoal_txkey_destroy(container_of(rcu, struct shoal_txkey, rcu));
}

/**
 * shoal_txkey_free - wipe and free a key once no reader can see it
 * @k: the key, already unpublished; may be NULL
 */
void shoal_txkey_free(struct shoal_txkey *k)
{
	if (k)
		call_rcu(&k->rcu, shoal_txkey_free_rcu);
}

/**
 * shoal_txkey_epoch - the traffic key to send with now
 * @k: the transmit key
 * @sender_id: the device's sender id now
 *
 * Moves to a new epoch when the current one is old or was derived for
 * another sender id. One CPU derives while the others keep using the
 * current epoch, so no sender waits. Called under rcu_read_lock_bh().
 *
 * Return: the epoch; valid until rcu_read_unlock_bh().
 */
const struct shoal_epoch *shoal_txkey_epoch(struct shoal_txkey *k,
					    u32 sender_id)
{
	struct shoal_epoch *ep = rcu_dereference_bh(k->epoch), *next;

	if (likely(ep->sender_id == sender_id &&
		   time_before(jiffies, ep->born + SHOAL_EPOCH_LIFETIME)))
		return ep;
	if (test_and_set_bit(SHOAL_TXKEY_ROTATING, &k->flags))
		return ep;
	/*
	 * Another CPU may have rotated between our read and the bit: then
	 * @ep is already on its way to being freed, and must not be again.
	 */
	next = rcu_dereference_bh(k->epoch);
	if (next != ep) {
		clear_bit_unlock(SHOAL_TXKEY_ROTATING, &k->flags);
		return next;
	}
	next = shoal_epoch_new(k, ep->epoch, sender_id, GFP_ATOMIC);
	if (next) {
		rcu_assign_pointer(k->epoch, next);
		call_rcu(&ep->rcu, shoal_epoch_free_rcu);
		ep = next;
	}
	clear_bit_unlock(SHOAL_TXKEY_ROTATING, &k->flags);
	return ep;
}

/**
 * shoal_rxkey_new - a receive key, with no epoch yet
 * @id: key id
 * @cipher: SHOAL_CIPHER_*
 * @material: SHOAL_KEY_LEN bytes
 *
 * Return: the key, or NULL without memory.
 */
struct shoal_rxkey *shoal_rxkey_new(u8 id, u8 cipher, const u8 *material)
{
	struct shoal_rxkey *k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);

	if (!k)
		return NULL;
	spin_lock_init(&k->lock);
	/* jiffies starts negative on 32-bit: a stamp of 0 may be ahead. */
	k->derive_any.stamp = jiffies - HZ;
	k->derive_ep.stamp = k->derive_any.stamp;
	k->id = id;
	k->cipher = cipher;
	memcpy(k->material, material, SHOAL_KEY_LEN);
	return k;
}

/**
 * shoal_rxkey_derive - the traffic key of an epoch of a receive key
 * @k: the key
 * @sender_id: the sender the epoch is of
 * @epoch: the epoch
 * @out: where to put it; shoal_aead_key_size(@k->cipher) bytes
 */
void shoal_rxkey_derive(const struct shoal_rxkey *k, u32 sender_id,
			u64 epoch, union shoal_aead_key *out)
{
	shoal_derive_aead(out, k->cipher, k->material, sender_id, k->id, epoch);
}

static void shoal_rx_epoch_free(struct shoal_rx_epoch *e)
{
	if (!e)
		return;
	shoal_replay_free(e->replay);
	kfree_sensitive(e);
	shoal_aead_forget();
}

static void shoal_rx_epoch_free_rcu(struct rcu_head *rcu)
{
	shoal_rx_epoch_free(container_of(rcu, struct shoal_rx_epoch, rcu));
}

/**
 * shoal_rxkey_destroy - wipe and free a key no reader can reach any more
 * @k: the key; may be NULL
 *
 * As shoal_txkey_destroy().
 */
void shoal_rxkey_destroy(struct shoal_rxkey *k)
{
	if (!k)
		return;
	shoal_rx_epoch_free(rcu_dereference_raw(k->cur));
	shoal_rx_epoch_free(rcu_dereference_raw(k->prev));
	kfree_sensitive(k);
}

static void shoal_rxkey_free_rcu(struct rcu_head *rcu)
{
	shoal_rxkey_destroy(container_of(rcu, struct shoal_rxkey, rcu));
}

/**
 * shoal_rxkey_free - wipe and free a key once no reader can see it
 * @k: the key, already unpublished; may be NULL
 */
void shoal_rxkey_free(struct shoal_rxkey *k)
{
	if (k)
		call_rcu(&k->rcu, shoal_rxkey_free_rcu);
}

/**
 * shoal_rxkey_derive_allowed - may an unknown epoch be tried now?
 * @k: the key
 * @from_endpoint: the datagram comes from the peer's current endpoint
 *
 * Caps the derivations (and trial decryptions) that datagrams with new
 * epochs can cause, per key and second. Anyone can send datagrams naming
 * a peer's sender and key ids with made-up epochs and spend a budget;
 * those from the address and port the peer's authentic datagrams last
 * came from have a budget of their own, so that a flood from elsewhere
 * does not keep the peer's next real epoch out. Approximate under
 * concurrency, which is all a rate limit needs.
 *
 * Return: true if under the limit.
 */
bool shoal_rxkey_derive_allowed(struct shoal_rxkey *k, bool from_endpoint)
{
	struct shoal_derive_budget *b = from_endpoint ? &k->derive_ep :
							&k->derive_any;
	unsigned long now = jiffies;
	unsigned int n;

	/* Not time_after(): a key idle for half the jiffies range. */
	if (now - READ_ONCE(b->stamp) >= HZ) {
		WRITE_ONCE(b->stamp, now);
		WRITE_ONCE(b->count, 0);
	}
	n = READ_ONCE(b->count) + 1;
	WRITE_ONCE(b->count, n);
	return n <= SHOAL_EPOCH_DERIVE_RATE;
}

/**
 * shoal_rxkey_install - make an authenticated epoch the newest of a key
 * @k: the key
 * @epoch: the epoch, newer than the key's newest when it was looked up
 * @key: its traffic key (shoal_rxkey_derive()), copied
 * @window: replay window size for it
 *
 * The newest epoch becomes the previous one, which stays valid; the one
 * before is forgotten. If another CPU installed an epoch meanwhile, the
 * newer of the two wins.
 *
 * Return: the receive state of @epoch; NULL if it is no longer newer;
 * ERR_PTR(-ENOMEM) without memory.
 */
struct shoal_rx_epoch *shoal_rxkey_install(struct shoal_rxkey *k, u64 epoch,
					   const union shoal_aead_key *key,
					   u32 window)
{
	size_t size = shoal_aead_key_size(k->cipher);
	struct shoal_rx_epoch *e, *cur, *old = NULL;

	e = kmalloc(offsetof(struct shoal_rx_epoch, key) + size, GFP_ATOMIC);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->replay = shoal_replay_new(window, GFP_ATOMIC);
	if (!e->replay) {
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	e->epoch = epoch;
	memcpy(&e->key, key, size);

	spin_lock_bh(&k->lock);
	cur = rcu_dereference_protected(k->cur, lockdep_is_held(&k->lock));
	if (cur && cur->epoch >= epoch) {
		spin_unlock_bh(&k->lock);
		shoal_rx_epoch_free(e);
		return cur->epoch == epoch ? cur : NULL;
	}
	old = rcu_dereference_protected(k->prev, lockdep_is_held(&k->lock));
	rcu_assign_pointer(k->prev, cur);
	rcu_assign_pointer(k->cur, e);
	spin_unlock_bh(&k->lock);
	if (old)
		call_rcu(&old->rcu, shoal_rx_epoch_free_rcu);
	return e;
}

/*
 * Whether a datagram can be opened where it lies, page frags and all, as
 * esp_input() decides it: no clone shares its head, and none of its pages
 * is marked as held or writable by someone else (SKBFL_SHARED_FRAG:
 * spliced file pages, zerocopy user pages, our own fan-out's copies of one
 * ciphertext). Most NICs hand datagrams over in pages, and a veth hands
 * over the segments of an outer GSO batch in the batch's pages; opening
 * them there spares the copy into a new linear head that skb_cow_data()
 * makes. As for ESP, one sharing goes unseen: the segments of an outer GSO
 * skb cloned on its way (by a packet socket without a ring, or a mirror,
 * on a path inside this host) share their pages with the clone, whose
 * holder then sees the plaintext.
 */
static bool shoal_frags_writable(const struct sk_buff *skb)
{
	return !skb_cloned(skb) && !skb_has_frag_list(skb) &&
	       !skb_has_shared_frag(skb);
}

/* Scatterlist entries on the stack of shoal_aead(). */
#define SHOAL_SG_MAX	(MAX_SKB_FRAGS + 8)

/*
 * Seals (@seal: room for the tag is made and the tag written) or opens the
 * skb's data in place. The scatterlist is on the stack unless the skb has
 * more pieces than that holds, as a datagram reassembled from many outer
 * fragments does (a device MTU far above the path's): one is allocated
 * for it then.
 */
static int shoal_aead(struct sk_buff *skb, const struct shoal_hdr *hdr,
		      u8 cipher, const union shoal_aead_key *key, bool seal)
{
	struct scatterlist stack_sg[SHOAL_SG_MAX], *sg = stack_sg;
	unsigned int len = skb->len;
	struct sk_buff *trailer;
	int nsg, err;
	bool ok;

	if (!seal && shoal_frags_writable(skb))
		nsg = skb_shinfo(skb)->nr_frags + 1;
	else
		nsg = skb_cow_data(skb, seal ? SHOAL_TAG_LEN : 0, &trailer);
	if (unlikely(nsg < 0))
		return nsg;
	if (unlikely(nsg > SHOAL_SG_MAX)) {
		sg = kmalloc_array(nsg, sizeof(*sg), GFP_ATOMIC);
		if (!sg)
			return -ENOMEM;
	}
	if (seal && unlikely(!pskb_put(skb, trailer, SHOAL_TAG_LEN))) {
		err = -ENOMEM;
		goto out;
	}
	sg_init_table(sg, nsg);
	err = skb_to_sgvec(skb, sg, 0, skb->len);
	if (unlikely(err < 0))
		goto out;
	/* Opening, the length given includes the tag. */
	if (seal)
		ok = shoal_aead_seal_sg(key, cipher, sg, len, hdr);
	else
		ok = shoal_aead_open_sg(key, cipher, sg, len, hdr);
	err = ok ? 0 : -EBADMSG;
out:
	if (sg != stack_sg)
		kfree(sg);
	return err;
}

/**
 * shoal_seal - encrypt an skb in place and append the tag
 * @skb: data from skb->data to the end is the plaintext
 * @hdr: the header, authenticated as associated data
 * @cipher: the key's SHOAL_CIPHER_*
 * @key: the traffic key
 *
 * Return: true on success; false if the skb could not be made writable.
 */
bool shoal_seal(struct sk_buff *skb, const struct shoal_hdr *hdr, u8 cipher,
		const union shoal_aead_key *key)
{
	return !shoal_aead(skb, hdr, cipher, key, true);
}

/**
 * shoal_open - authenticate and decrypt an skb in place, drop the tag
 * @skb: data from skb->data to the end is the ciphertext and the tag
 * @hdr: the header, authenticated as associated data
 * @cipher: the key's SHOAL_CIPHER_*
 * @key: the traffic key
 *
 * Return: 0 if the datagram is authentic (the skb holds the plaintext);
 * -EBADMSG if it is not; another negative errno if it could not be
 * decrypted in place (no memory to make it writable).
 */
int shoal_open(struct sk_buff *skb, const struct shoal_hdr *hdr, u8 cipher,
	       const union shoal_aead_key *key)
{
	int err;

	if (unlikely(skb->len < SHOAL_TAG_LEN))
		return -EBADMSG;
	err = shoal_aead(skb, hdr, cipher, key, false);
	if (!err && pskb_trim(skb, skb->len - SHOAL_TAG_LEN))
		err = -ENOMEM;
	return err;
}
