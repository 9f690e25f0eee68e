// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The two AEADs a device may use, over scatterlists, in place, in any
 * context and without allocating: ChaCha20-Poly1305 from the kernel's
 * library, and AES-256-GCM (Documentation/protocol.rst gives both
 * constructions).
 *
 * AES-256-GCM goes through the crypto API's AES-NI implementation where
 * there is one: each CPU keeps a few transforms, each keyed with the
 * traffic key it last served, and uses them in softirq, where they run
 * synchronously when the FPU is usable. Elsewhere (no AES-NI, the FPU
 * taken by the code the softirq interrupted) it is built here from the AES
 * library and GF(2^128) multiplication, slower and always available.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/gcm.h>
#include <crypto/gf128mul.h>
#include <crypto/ghash.h>
#include <asm/simd.h>
#include <asm/unaligned.h>
#include <crypto/internal/simd.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "aead.h"

/*
 * The crypto API's AES-NI GCM (aesni_intel, which udev loads at boot on a
 * CPU with AES-NI): it keys and runs without allocating, synchronously
 * where the FPU is usable. Asked for by its driver name, so that another
 * implementation, which may allocate when keyed or complete later, is
 * never picked for softirq.
 */
#define SHOAL_GCM_DRIVER	"generic-gcm-aesni"
/* Transforms per CPU: the keys of a few senders, and the CPU's own. */
#define SHOAL_GCM_WAYS		4

struct shoal_gcm_way {
	struct crypto_aead *tfm;
	struct aead_request *req;
	u64 keyed;
};

/**
 * struct shoal_gcm_cpu - a CPU's AES-NI transforms, used in softirq only
 * @way: the transforms, each with the serial of the key it holds (0: none)
 * @aad: the header as associated data, where a scatterlist may point
 * @next: the way to rekey on the next miss
 */
struct shoal_gcm_cpu {
	struct shoal_gcm_way way[SHOAL_GCM_WAYS];
	u8 *aad;
	unsigned int next;
};

static DEFINE_PER_CPU(struct shoal_gcm_cpu, shoal_gcm_cpu);
static DEFINE_MUTEX(shoal_gcm_lock);
/* Set once every CPU's transforms exist; never cleared before unload. */
static bool shoal_gcm_ready;
static atomic64_t shoal_gcm_serial = ATOMIC64_INIT(0);

static void shoal_gcm_cpu_free(struct shoal_gcm_cpu *c)
{
	unsigned int i;

	for (i = 0; i < SHOAL_GCM_WAYS; i++) {
		aead_request_free(c->way[i].req);
		if (c->way[i].tfm)
			crypto_free_aead(c->way[i].tfm);
	}
	kfree(c->aad);
	memset(c, 0, sizeof(*c));
}

static int shoal_gcm_cpu_alloc(struct shoal_gcm_cpu *c)
{
	struct crypto_aead *tfm;
	unsigned int i;

	c->aad = kmalloc(SHOAL_HDR_LEN, GFP_KERNEL);
	if (!c->aad)
		return -ENOMEM;
	for (i = 0; i < SHOAL_GCM_WAYS; i++) {
		tfm = crypto_alloc_aead(SHOAL_GCM_DRIVER, 0, 0);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		c->way[i].tfm = tfm;
		if (crypto_aead_setauthsize(tfm, SHOAL_TAG_LEN))
			return -EOPNOTSUPP;
		c->way[i].req = aead_request_alloc(tfm, GFP_KERNEL);
		if (!c->way[i].req)
			return -ENOMEM;
		aead_request_set_callback(c->way[i].req, 0, NULL, NULL);
	}
	return 0;
}

/**
 * shoal_aead_prepare - get ready for devices of a cipher
 * @cipher: SHOAL_CIPHER_*
 *
 * For AES-256-GCM, allocates each CPU's AES-NI transforms the first time.
 * Without them (no AES-NI, no memory) the slower implementation here is
 * used: that is not an error. Process context.
 */
void shoal_aead_prepare(u8 cipher)
{
	unsigned int cpu;
	int err = 0;

	if (cipher != SHOAL_CIPHER_AES_256_GCM)
		return;
	mutex_lock(&shoal_gcm_lock);
	if (shoal_gcm_ready)
		goto out;
	for_each_possible_cpu(cpu) {
		err = shoal_gcm_cpu_alloc(per_cpu_ptr(&shoal_gcm_cpu, cpu));
		if (err)
			break;
	}
	if (err) {
		for_each_possible_cpu(cpu)
			shoal_gcm_cpu_free(per_cpu_ptr(&shoal_gcm_cpu, cpu));
		pr_info_once("AES-256-GCM without %s (%d): the generic code is used\n",
			     SHOAL_GCM_DRIVER, err);
		goto out;
	}
	/* Readers see the transforms before the flag. */
	smp_store_release(&shoal_gcm_ready, true);
out:
	mutex_unlock(&shoal_gcm_lock);
}

/**
 * shoal_aead_uninit - free the transforms; at unload, with no device left
 */
void shoal_aead_uninit(void)
{
	unsigned int cpu;

	if (!shoal_gcm_ready)
		return;
	for_each_possible_cpu(cpu)
		shoal_gcm_cpu_free(per_cpu_ptr(&shoal_gcm_cpu, cpu));
	shoal_gcm_ready = false;
}

/*
 * Seals or opens through this CPU's AES-NI transform holding @k, keying
 * one if none does. -EAGAIN when that cannot be done here: no transforms,
 * not in softirq (the per-CPU state is only safe there), or the FPU is in
 * use by what the softirq interrupted. @len is the plaintext's length.
 */
static int shoal_gcm_fast(const struct shoal_gcm_key *k,
			  struct scatterlist *sg, unsigned int len,
			  const struct shoal_hdr *hdr, bool seal)
{
	u8 iv[GCM_AES_IV_SIZE] = {};
	struct scatterlist head[2];
	struct shoal_gcm_way *w;
	struct shoal_gcm_cpu *c;
	unsigned int i;

	/* Pairs with the release in shoal_aead_prepare(). */
	if (!smp_load_acquire(&shoal_gcm_ready) || !in_softirq() ||
	    in_hardirq() || !crypto_simd_usable())
		return -EAGAIN;
	c = this_cpu_ptr(&shoal_gcm_cpu);
	for (i = 0; i < SHOAL_GCM_WAYS; i++)
		if (c->way[i].keyed == k->serial)
			break;
	if (i == SHOAL_GCM_WAYS) {
		i = c->next++ % SHOAL_GCM_WAYS;
		c->way[i].keyed = 0;
		if (crypto_aead_setkey(c->way[i].tfm, k->raw, SHOAL_KEY_LEN))
			return -EAGAIN;
		c->way[i].keyed = k->serial;
	}
	w = &c->way[i];

	memcpy(c->aad, hdr, SHOAL_HDR_LEN);
	memcpy(&iv[GCM_AES_IV_SIZE - sizeof(hdr->counter)], &hdr->counter,
	       sizeof(hdr->counter));
	sg_init_table(head, ARRAY_SIZE(head));
	sg_set_buf(&head[0], c->aad, SHOAL_HDR_LEN);
	sg_chain(head, ARRAY_SIZE(head), sg);
	aead_request_set_ad(w->req, SHOAL_HDR_LEN);
	aead_request_set_crypt(w->req, head, head,
			       seal ? len : len + SHOAL_TAG_LEN, iv);
	return seal ? crypto_aead_encrypt(w->req) : crypto_aead_decrypt(w->req);
}

/**
 * shoal_aead_setkey - prepare a traffic key for use
 * @k: where to put it; shoal_aead_key_size(@cipher) bytes
 * @cipher: SHOAL_CIPHER_*
 * @key: the derived traffic key
 */
void shoal_aead_setkey(struct shoal_aead_key *k, u8 cipher,
		       const u8 key[SHOAL_KEY_LEN])
{
	static const u8 zero[AES_BLOCK_SIZE];

	k->cipher = cipher;
	if (cipher != SHOAL_CIPHER_AES_256_GCM) {
		memcpy(k->chacha, key, SHOAL_KEY_LEN);
		return;
	}
	k->gcm.serial = atomic64_inc_return(&shoal_gcm_serial);
	memcpy(k->gcm.raw, key, SHOAL_KEY_LEN);
	/* Cannot fail: the length is one AES takes. */
	aes_expandkey(&k->gcm.aes, key, SHOAL_KEY_LEN);
	aes_encrypt(&k->gcm.aes, (u8 *)&k->gcm.h, zero);
}

/*
 * GCM over the bytes of a scatterlist: the keystream block and the GHASH
 * block both advance with every byte, so one count says how far into the
 * current block both are.
 */
struct shoal_gcm_walk {
	const struct shoal_gcm_key *k;
	be128 x;
	u8 ctr[AES_BLOCK_SIZE];
	u8 ks[AES_BLOCK_SIZE];
	u8 c[AES_BLOCK_SIZE];
	unsigned int used;
};

static void shoal_ghash(struct shoal_gcm_walk *w, const u8 *block)
{
	crypto_xor((u8 *)&w->x, block, GHASH_BLOCK_SIZE);
	gf128mul_lle(&w->x, &w->k->h);
}

/* Encrypts (@seal) or decrypts @len bytes at @p in place. */
static void shoal_gcm_bytes(struct shoal_gcm_walk *w, u8 *p,
			    unsigned int len, bool seal)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       AES_BLOCK_SIZE - w->used);

		if (!w->used) {
			put_unaligned_be32(get_unaligned_be32(&w->ctr[12]) + 1,
					   &w->ctr[12]);
			aes_encrypt(&w->k->aes, w->ks, w->ctr);
		}
		if (!seal)
			memcpy(&w->c[w->used], p, n);
		crypto_xor(p, &w->ks[w->used], n);
		if (seal)
			memcpy(&w->c[w->used], p, n);
		w->used += n;
		p += n;
		len -= n;
		if (w->used == AES_BLOCK_SIZE) {
			shoal_ghash(w, w->c);
			w->used = 0;
		}
	}
}

/*
 * @len is the plaintext's length: the tag follows it in @sg. The nonce is
 * four zero bytes and the header's counter; the header is the associated
 * data.
 */
static bool shoal_gcm_generic(const struct shoal_gcm_key *k,
			      struct scatterlist *sg, unsigned int len,
			      const struct shoal_hdr *hdr, bool seal)
{
	struct shoal_gcm_walk w = { .k = k };
	u8 aad[2 * GHASH_BLOCK_SIZE] = {};
	u8 mask[AES_BLOCK_SIZE], tag[GHASH_BLOCK_SIZE];
	unsigned int left = len, nents = sg_nents(sg);
	struct sg_mapping_iter miter;
	__be64 lens[2];
	bool ok = true;

	memcpy(&w.ctr[GCM_AES_IV_SIZE - sizeof(hdr->counter)], &hdr->counter,
	       sizeof(hdr->counter));
	put_unaligned_be32(1, &w.ctr[GCM_AES_IV_SIZE]);
	aes_encrypt(&k->aes, mask, w.ctr);

	memcpy(aad, hdr, SHOAL_HDR_LEN);
	shoal_ghash(&w, aad);
	shoal_ghash(&w, &aad[GHASH_BLOCK_SIZE]);

	sg_miter_start(&miter, sg, nents,
		       SG_MITER_ATOMIC | SG_MITER_FROM_SG | SG_MITER_TO_SG);
	while (left && sg_miter_next(&miter)) {
		unsigned int n = min_t(size_t, miter.length, left);

		shoal_gcm_bytes(&w, miter.addr, n, seal);
		left -= n;
	}
	sg_miter_stop(&miter);
	if (left) {
		ok = false;
		goto out;
	}
	if (w.used) {
		memset(&w.c[w.used], 0, AES_BLOCK_SIZE - w.used);
		shoal_ghash(&w, w.c);
	}
	lens[0] = cpu_to_be64((u64)SHOAL_HDR_LEN * 8);
	lens[1] = cpu_to_be64((u64)len * 8);
	shoal_ghash(&w, (const u8 *)lens);
	crypto_xor_cpy(tag, mask, (const u8 *)&w.x, sizeof(tag));

	if (seal) {
		ok = sg_pcopy_from_buffer(sg, nents, tag, sizeof(tag), len) ==
		     sizeof(tag);
	} else {
		u8 got[GHASH_BLOCK_SIZE];

		ok = sg_pcopy_to_buffer(sg, nents, got, sizeof(got), len) ==
		     sizeof(got) && !crypto_memneq(got, tag, sizeof(tag));
	}
out:
	memzero_explicit(&w, sizeof(w));
	memzero_explicit(mask, sizeof(mask));
	memzero_explicit(tag, sizeof(tag));
	return ok;
}

static bool shoal_gcm_crypt(const struct shoal_gcm_key *k,
			    struct scatterlist *sg, unsigned int len,
			    const struct shoal_hdr *hdr, bool seal)
{
	int err = shoal_gcm_fast(k, sg, len, hdr, seal);

	if (err == -EAGAIN)
		return shoal_gcm_generic(k, sg, len, hdr, seal);
	return !err;
}

/**
 * shoal_aead_seal_sg - encrypt in place and append the tag
 * @k: the traffic key
 * @sg: the plaintext, then room for the tag
 * @len: bytes of plaintext
 * @hdr: the datagram's header: associated data, and its counter the nonce
 *
 * Return: true on success; false if @sg is shorter than @len and a tag.
 */
bool shoal_aead_seal_sg(const struct shoal_aead_key *k,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr)
{
	if (k->cipher == SHOAL_CIPHER_AES_256_GCM)
		return shoal_gcm_crypt(&k->gcm, sg, len, hdr, true);
	return chacha20poly1305_encrypt_sg_inplace(sg, len, (const u8 *)hdr,
						   SHOAL_HDR_LEN,
						   be64_to_cpu(hdr->counter),
						   k->chacha);
}

/**
 * shoal_aead_open_sg - authenticate and decrypt in place
 * @k: the traffic key
 * @sg: the ciphertext and the tag
 * @len: bytes of ciphertext and tag, at least the tag's
 * @hdr: as for shoal_aead_seal_sg()
 *
 * Return: true if authentic; @sg then holds the plaintext and the tag.
 */
bool shoal_aead_open_sg(const struct shoal_aead_key *k,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr)
{
	if (k->cipher == SHOAL_CIPHER_AES_256_GCM)
		return shoal_gcm_crypt(&k->gcm, sg, len - SHOAL_TAG_LEN, hdr,
				       false);
	return chacha20poly1305_decrypt_sg_inplace(sg, len, (const u8 *)hdr,
						   SHOAL_HDR_LEN,
						   be64_to_cpu(hdr->counter),
						   k->chacha);
}

/* The test vector of Documentation/protocol.rst, sealed by each cipher. */
static const u8 shoal_vec_key[SHOAL_KEY_LEN] __initconst = {
	0xbb, 0x5d, 0xa9, 0xb5, 0xce, 0xdd, 0xd6, 0x31, 0x1a, 0x9a, 0x5a, 0xc0,
	0x7f, 0x98, 0x6a, 0xd4, 0xcf, 0x23, 0xb4, 0x43, 0x15, 0x5d, 0x99, 0x70,
	0x16, 0x74, 0x2d, 0x54, 0xb9, 0x83, 0x03, 0x34,
};

static const u8 shoal_vec_hdr[SHOAL_HDR_LEN] __initconst = {
	0x11, 0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x65, 0x43, 0x21, 0x0f,
	0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
};

#define SHOAL_VEC_LEN	36

static const u8 shoal_vec_plain[SHOAL_VEC_LEN] __initconst = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0x26, 0xd7,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x75, 0xbe,
	0x12, 0x34, 0x00, 0x01, 0x73, 0x68, 0x6f, 0x61, 0x6c, 0x21, 0x21, 0x21,
};

static const u8 shoal_vec_sealed[][SHOAL_VEC_LEN + SHOAL_TAG_LEN] __initconst = {
	[SHOAL_CIPHER_CHACHA20_POLY1305] = {
		0xac, 0xbf, 0xe5, 0xb9, 0x26, 0xb2, 0x49, 0x6f, 0x8a, 0x64,
		0x57, 0x2a, 0xc1, 0x1b, 0xf1, 0x9c, 0xd4, 0x3e, 0x40, 0x3c,
		0xc1, 0x1d, 0xf5, 0x14, 0x81, 0xfb, 0xd6, 0xca, 0xb3, 0xe2,
		0x16, 0xbb, 0x24, 0x9e, 0x05, 0x1c, 0x77, 0xe5, 0xd9, 0x83,
		0xd6, 0x7c, 0x25, 0x23, 0x63, 0xe2, 0x98, 0xe1, 0xc9, 0xf4,
		0x23, 0x5a,
	},
	[SHOAL_CIPHER_AES_256_GCM] = {
		0xc3, 0xe7, 0xbe, 0x27, 0x98, 0xeb, 0x16, 0x25, 0x38, 0xbf,
		0xca, 0xfb, 0x44, 0x73, 0x8c, 0x21, 0x61, 0xad, 0x6a, 0xc2,
		0x3e, 0x3a, 0x71, 0x8d, 0x37, 0xf0, 0x5b, 0x76, 0x02, 0x75,
		0xe8, 0x2a, 0x95, 0xa0, 0x74, 0xa5, 0xa5, 0x71, 0x07, 0x64,
		0x71, 0x57, 0xa4, 0x28, 0x86, 0x9b, 0xd4, 0x5c, 0xf9, 0x32,
		0xe4, 0x4a,
	},
};

/*
 * Seals the vector, checks the result, opens it again and checks that a
 * flipped bit is refused; with @bh, as the packet path does (so AES-256-GCM
 * runs on the AES-NI transforms where they exist).
 */
static bool __init shoal_aead_selftest_one(const struct shoal_aead_key *k,
					   u8 *buf, bool bh)
{
	const struct shoal_hdr *hdr = (const void *)shoal_vec_hdr;
	unsigned int len = SHOAL_VEC_LEN + SHOAL_TAG_LEN;
	struct scatterlist sg;
	bool ok;

	memcpy(buf, shoal_vec_plain, SHOAL_VEC_LEN);
	sg_init_one(&sg, buf, len);
	if (bh)
		local_bh_disable();
	ok = shoal_aead_seal_sg(k, &sg, SHOAL_VEC_LEN, hdr) &&
	     !memcmp(buf, shoal_vec_sealed[k->cipher], len) &&
	     shoal_aead_open_sg(k, &sg, len, hdr) &&
	     !memcmp(buf, shoal_vec_plain, SHOAL_VEC_LEN);
	memcpy(buf, shoal_vec_sealed[k->cipher], len);
	buf[len - 1] ^= 1;
	ok = ok && !shoal_aead_open_sg(k, &sg, len, hdr);
	if (bh)
		local_bh_enable();
	return ok;
}

/**
 * shoal_aead_selftest - check both ciphers against the protocol's vector
 *
 * Return: true if every check passed.
 */
bool __init shoal_aead_selftest(void)
{
	struct shoal_aead_key *k = kmalloc(sizeof(*k), GFP_KERNEL);
	u8 *buf = kmalloc(SHOAL_VEC_LEN + SHOAL_TAG_LEN, GFP_KERNEL);
	bool ok = k && buf;
	u8 cipher;

	shoal_aead_prepare(SHOAL_CIPHER_AES_256_GCM);
	for (cipher = 0; ok && cipher < ARRAY_SIZE(shoal_vec_sealed); cipher++) {
		shoal_aead_setkey(k, cipher, shoal_vec_key);
		ok = shoal_aead_selftest_one(k, buf, false) &&
		     shoal_aead_selftest_one(k, buf, true);
		if (!ok)
			pr_err("self-test of cipher %u failed\n", cipher);
	}
	kfree_sensitive(k);
	kfree(buf);
	if (ok)
		pr_info("AEAD self-tests pass (AES-256-GCM %s)\n",
			shoal_gcm_ready ? "on " SHOAL_GCM_DRIVER : "generic");
	return ok;
}
