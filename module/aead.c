// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The two AEADs a device may use, over scatterlists, in place, in softirq
 * and without allocating: ChaCha20-Poly1305 from the kernel's library, and
 * AES-256-GCM (Documentation/protocol.rst gives both constructions).
 *
 * AES-256-GCM runs on the crypto API's AES-NI implementation where that is
 * loaded: each CPU keeps a few transforms, each keyed with the traffic key
 * it last served, and uses them in softirq when the FPU is usable. Where
 * it is not (no AES-NI; a softirq that interrupted a kernel FPU section),
 * GCM is computed here from the AES library (the kernel's own fallback for
 * AES-NI, with its cache-timing hardening) and a constant-time GF(2^128)
 * multiplication: slower, and always there.
 */

#ifdef CONFIG_X86
#include <asm/fpu/api.h>
#endif
#include <asm/simd.h>
#include <asm/unaligned.h>
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/gcm.h>
#include <crypto/ghash.h>
#include <crypto/internal/simd.h>
#include <linux/cpu.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "aead.h"

/*
 * The AES-NI GCM of aesni_intel (which udev loads at boot on a CPU with
 * AES-NI), the synchronous one under its FPU wrapper: it keys without
 * allocating, and may only run where crypto_simd_usable(), which is
 * checked before every use.
 */
#define SHOAL_GCM_DRIVER	"__generic-gcm-aesni"
/* Transforms per CPU: the keys of a few senders, and the CPU's own. */
#define SHOAL_GCM_WAYS		8
/* A way's key is not known, but may be one: no key has this serial. */
#define SHOAL_GCM_UNKNOWN	U64_MAX

/**
 * struct shoal_gcm_way - one transform of a CPU
 * @tfm: the transform
 * @keyed: serial of the key it holds; 0 for none; SHOAL_GCM_UNKNOWN while
 *	being keyed, and after that failed (which may leave the old key)
 * @used: when it last served, in the CPU's uses
 */
struct shoal_gcm_way {
	struct crypto_aead *tfm;
	u64 keyed;
	u64 used;
};

/**
 * struct shoal_gcm_cpu - a CPU's AES-NI transforms, used with BH disabled
 * @way: the transforms
 * @req: a request, large enough for any of them
 * @aad: the header as associated data, where a scatterlist may point
 * @uses: uses so far, the clock of @way's @used
 * @busy: in use; guards against re-entry from inside (a printk that a
 *	netconsole sends through shoal)
 */
struct shoal_gcm_cpu {
	struct shoal_gcm_way way[SHOAL_GCM_WAYS];
	struct aead_request *req;
	u8 *aad;
	u64 uses;
	bool busy;
};

static DEFINE_PER_CPU(struct shoal_gcm_cpu, shoal_gcm_cpu);
static DEFINE_MUTEX(shoal_gcm_lock);
/* Set once every CPU's transforms exist; cleared only at unload. */
static bool shoal_gcm_ready;
static atomic64_t shoal_gcm_serial = ATOMIC64_INIT(0);

static void shoal_gcm_wipe(struct work_struct *work);
static DECLARE_DELAYED_WORK(shoal_gcm_wipe_work, shoal_gcm_wipe);

static void shoal_gcm_cpu_free(struct shoal_gcm_cpu *c)
{
	unsigned int i;

	kfree_sensitive(c->req);
	for (i = 0; i < SHOAL_GCM_WAYS; i++)
		if (c->way[i].tfm)
			crypto_free_aead(c->way[i].tfm);
	kfree(c->aad);
	memset(c, 0, sizeof(*c));
}

static int shoal_gcm_cpu_alloc(struct shoal_gcm_cpu *c)
{
	unsigned int i, reqsize = 0;
	struct crypto_aead *tfm;

	c->aad = kmalloc(SHOAL_HDR_LEN, GFP_KERNEL);
	if (!c->aad)
		return -ENOMEM;
	for (i = 0; i < SHOAL_GCM_WAYS; i++) {
		/* Internal, and never one that completes later. */
		tfm = crypto_alloc_aead(SHOAL_GCM_DRIVER, CRYPTO_ALG_INTERNAL,
					CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		c->way[i].tfm = tfm;
		if (crypto_aead_setauthsize(tfm, SHOAL_TAG_LEN))
			return -EOPNOTSUPP;
		reqsize = max(reqsize, crypto_aead_reqsize(tfm));
	}
	c->req = kzalloc(sizeof(*c->req) + reqsize, GFP_KERNEL);
	return c->req ? 0 : -ENOMEM;
}

/**
 * shoal_aead_prepare - get ready for devices of a cipher
 * @cipher: SHOAL_CIPHER_*
 *
 * For AES-256-GCM, allocates each CPU's AES-NI transforms the first time.
 * Without them (no AES-NI, aesni_intel not loaded, no memory) the slower
 * code here is used. Process context.
 *
 * Return: false if @cipher will run on that slower code.
 */
bool shoal_aead_prepare(u8 cipher)
{
	unsigned int cpu;
	int err = 0;

	if (cipher != SHOAL_CIPHER_AES_256_GCM)
		return true;
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
		pr_info("AES-256-GCM without %s (%d): the generic code is used\n",
			SHOAL_GCM_DRIVER, err);
		goto out;
	}
	/* Readers see the transforms before the flag. */
	smp_store_release(&shoal_gcm_ready, true);
out:
	mutex_unlock(&shoal_gcm_lock);
	return shoal_gcm_ready;
}

/**
 * shoal_aead_uninit - free the transforms; at unload, with no device left
 *	and every key freed (after rcu_barrier())
 */
void shoal_aead_uninit(void)
{
	unsigned int cpu;

	if (!shoal_gcm_ready)
		return;
	WRITE_ONCE(shoal_gcm_ready, false);
	cancel_delayed_work_sync(&shoal_gcm_wipe_work);
	for_each_possible_cpu(cpu)
		shoal_gcm_cpu_free(per_cpu_ptr(&shoal_gcm_cpu, cpu));
}

/* Rekeys a CPU's transforms with zeros: no freed key stays in them. */
static void shoal_gcm_wipe_ways(struct shoal_gcm_cpu *c)
{
	static const u8 zero[SHOAL_KEY_LEN];
	unsigned int i;

	for (i = 0; i < SHOAL_GCM_WAYS; i++) {
		if (c->way[i].keyed &&
		    !crypto_aead_setkey(c->way[i].tfm, zero, sizeof(zero)))
			c->way[i].keyed = 0;
	}
}

/* On the CPU itself, where its softirqs may be using them. */
static long shoal_gcm_wipe_cpu(void *unused)
{
	local_bh_disable();
	shoal_gcm_wipe_ways(this_cpu_ptr(&shoal_gcm_cpu));
	local_bh_enable();
	return 0;
}

static void shoal_gcm_wipe(struct work_struct *work)
{
	unsigned int cpu;

	/*
	 * With hotplug held off, an offline CPU runs nothing that could use
	 * its transforms: they are wiped from here.
	 */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			work_on_cpu(cpu, shoal_gcm_wipe_cpu, NULL);
		else
			shoal_gcm_wipe_ways(per_cpu_ptr(&shoal_gcm_cpu, cpu));
	}
	cpus_read_unlock();
}

/**
 * shoal_aead_forget - a traffic key is being freed
 *
 * The CPUs' transforms may hold it: they are all wiped within a second
 * (once, however many keys were freed meanwhile), and rekeyed by the
 * next packet that needs them. Any context.
 */
void shoal_aead_forget(void)
{
	if (READ_ONCE(shoal_gcm_ready))
		queue_delayed_work(system_unbound_wq, &shoal_gcm_wipe_work, HZ);
}

/*
 * Seals or opens through one of this CPU's AES-NI transforms holding @k,
 * keying the least recently used one if none does. -EAGAIN when that
 * cannot be done here: no transforms, BH not disabled (the per-CPU state
 * is only safe then), or the FPU is in use by what the softirq
 * interrupted. @len is the plaintext's length; @sg holds it and the tag.
 */
static int shoal_gcm_fast(const struct shoal_gcm_key *k,
			  struct scatterlist *sg, unsigned int len,
			  const struct shoal_hdr *hdr, bool seal)
{
	struct shoal_gcm_way *w = NULL;
	u8 iv[GCM_AES_IV_SIZE] = {};
	struct scatterlist head[2];
	struct shoal_gcm_cpu *c;
	unsigned int i;
	int err;

	/* Pairs with the release in shoal_aead_prepare(). */
	if (!smp_load_acquire(&shoal_gcm_ready) || !in_softirq() ||
	    in_hardirq() || !crypto_simd_usable())
		return -EAGAIN;
	c = this_cpu_ptr(&shoal_gcm_cpu);
	if (c->busy)
		return -EAGAIN;
	c->busy = true;
	for (i = 0; i < SHOAL_GCM_WAYS; i++) {
		if (c->way[i].keyed == k->serial) {
			w = &c->way[i];
			break;
		}
		if (!w || c->way[i].used < w->used)
			w = &c->way[i];
	}
	if (w->keyed != k->serial) {
		w->keyed = SHOAL_GCM_UNKNOWN;
		if (crypto_aead_setkey(w->tfm, k->raw, SHOAL_KEY_LEN)) {
			c->busy = false;
			return -EAGAIN;
		}
		w->keyed = k->serial;
	}
	w->used = ++c->uses;

	memcpy(c->aad, hdr, SHOAL_HDR_LEN);
	memcpy(&iv[GCM_AES_IV_SIZE - sizeof(hdr->counter)], &hdr->counter,
	       sizeof(hdr->counter));
	sg_init_table(head, ARRAY_SIZE(head));
	sg_set_buf(&head[0], c->aad, SHOAL_HDR_LEN);
	sg_chain(head, ARRAY_SIZE(head), sg);
	aead_request_set_tfm(c->req, w->tfm);
	aead_request_set_callback(c->req, 0, NULL, NULL);
	aead_request_set_ad(c->req, SHOAL_HDR_LEN);
	aead_request_set_crypt(c->req, head, head,
			       seal ? len : len + SHOAL_TAG_LEN, iv);
	err = seal ? crypto_aead_encrypt(c->req) : crypto_aead_decrypt(c->req);
	c->busy = false;
	/* Synchronous by construction: no -EINPROGRESS. */
	return err == -EAGAIN ? -EIO : err;
}

/**
 * shoal_aead_setkey - prepare a traffic key for use
 * @k: where to put it; shoal_aead_key_size(@cipher) bytes
 * @cipher: SHOAL_CIPHER_*
 * @key: the derived traffic key
 */
void shoal_aead_setkey(union shoal_aead_key *k, u8 cipher,
		       const u8 key[SHOAL_KEY_LEN])
{
	static const u8 zero[AES_BLOCK_SIZE];

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
	u64 xh, xl;
	u8 ctr[AES_BLOCK_SIZE];
	u8 ks[AES_BLOCK_SIZE];
	u8 c[AES_BLOCK_SIZE];
	unsigned int used;
};

/*
 * X = (X ^ block) * H in GF(2^128), bit by bit as SP 800-38D specifies it,
 * with masks instead of branches: the time taken says nothing of H or X.
 */
static void shoal_ghash(struct shoal_gcm_walk *w, const u8 *block)
{
	u64 xh = w->xh ^ get_unaligned_be64(block);
	u64 xl = w->xl ^ get_unaligned_be64(block + 8);
	u64 vh = be64_to_cpu(w->k->h.a), vl = be64_to_cpu(w->k->h.b);
	u64 zh = 0, zl = 0, bit, carry;
	unsigned int i;

	for (i = 0; i < 128; i++) {
		bit = i < 64 ? xh >> (63 - i) : xl >> (127 - i);
		bit = -(bit & 1);
		zh ^= vh & bit;
		zl ^= vl & bit;
		carry = -(vl & 1);
		vl = vl >> 1 | vh << 63;
		vh = vh >> 1 ^ (0xe100000000000000ULL & carry);
	}
	w->xh = zh;
	w->xl = zl;
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

/* As shoal_gcm_fast(), here; false if @sg is too short or not authentic. */
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
	put_unaligned_be64(w.xh, tag);
	put_unaligned_be64(w.xl, &tag[8]);
	crypto_xor(tag, mask, sizeof(tag));

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
 * @cipher: its SHOAL_CIPHER_*
 * @sg: the plaintext, then room for the tag
 * @len: bytes of plaintext
 * @hdr: the datagram's header: associated data, and its counter the nonce
 *
 * Return: true on success.
 */
bool shoal_aead_seal_sg(const union shoal_aead_key *k, u8 cipher,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr)
{
	if (cipher == SHOAL_CIPHER_AES_256_GCM)
		return shoal_gcm_crypt(&k->gcm, sg, len, hdr, true);
	return chacha20poly1305_encrypt_sg_inplace(sg, len, (const u8 *)hdr,
						   SHOAL_HDR_LEN,
						   be64_to_cpu(hdr->counter),
						   k->chacha);
}

/**
 * shoal_aead_open_sg - authenticate and decrypt in place
 * @k: the traffic key
 * @cipher: its SHOAL_CIPHER_*
 * @sg: the ciphertext and the tag
 * @len: bytes of ciphertext and tag, at least the tag's
 * @hdr: as for shoal_aead_seal_sg()
 *
 * Return: true if authentic; @sg then holds the plaintext and the tag.
 */
bool shoal_aead_open_sg(const union shoal_aead_key *k, u8 cipher,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr)
{
	if (cipher == SHOAL_CIPHER_AES_256_GCM)
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
 * Where shoal_aead_selftest_one() runs the cipher: in process context (the
 * generic code); with BH disabled, as the packet path runs (the AES-NI
 * transforms where they exist); and with BH disabled inside a kernel FPU
 * section, as a softirq that interrupted one (the generic code again).
 */
enum shoal_vec_ctx {
	SHOAL_VEC_TASK,
	SHOAL_VEC_BH,
	SHOAL_VEC_FPU,
	SHOAL_VEC_CTXS
};

/* Enters or leaves a kernel FPU section, where the architecture has them. */
static void __init shoal_vec_fpu(bool begin)
{
#ifdef CONFIG_X86
	if (begin)
		kernel_fpu_begin();
	else
		kernel_fpu_end();
#endif
}

/*
 * Seals the vector, checks the result, opens it again and checks that a
 * flipped bit is refused. @split: in three pieces whose borders fall
 * inside blocks. Also checks that the AES-NI transforms served exactly
 * when they should have: for AES-256-GCM with them ready, BH disabled,
 * outside an FPU section. (No device exists yet to use them meanwhile.)
 */
static bool __init shoal_aead_selftest_one(const union shoal_aead_key *k,
					   u8 cipher, u8 *buf, bool split,
					   enum shoal_vec_ctx ctx)
{
	const struct shoal_hdr *hdr = (const void *)shoal_vec_hdr;
	unsigned int len = SHOAL_VEC_LEN + SHOAL_TAG_LEN;
	struct scatterlist sg[3];
	bool ok, used;
	u64 uses;

	memcpy(buf, shoal_vec_plain, SHOAL_VEC_LEN);
	if (split) {
		sg_init_table(sg, 3);
		sg_set_buf(&sg[0], buf, 5);
		sg_set_buf(&sg[1], buf + 5, 22);
		sg_set_buf(&sg[2], buf + 27, len - 27);
	} else {
		sg_init_one(sg, buf, len);
	}
	/* On one CPU, whose count of uses is read before and after. */
	if (ctx == SHOAL_VEC_TASK)
		migrate_disable();
	else
		local_bh_disable();
	if (ctx == SHOAL_VEC_FPU)
		shoal_vec_fpu(true);
	uses = this_cpu_read(shoal_gcm_cpu.uses);
	ok = shoal_aead_seal_sg(k, cipher, sg, SHOAL_VEC_LEN, hdr) &&
	     !memcmp(buf, shoal_vec_sealed[cipher], len) &&
	     shoal_aead_open_sg(k, cipher, sg, len, hdr) &&
	     !memcmp(buf, shoal_vec_plain, SHOAL_VEC_LEN);
	memcpy(buf, shoal_vec_sealed[cipher], len);
	buf[len - 1] ^= 1;
	ok = ok && !shoal_aead_open_sg(k, cipher, sg, len, hdr);
	used = this_cpu_read(shoal_gcm_cpu.uses) != uses;
	if (ctx == SHOAL_VEC_FPU)
		shoal_vec_fpu(false);
	if (ctx == SHOAL_VEC_TASK)
		migrate_enable();
	else
		local_bh_enable();
	return ok && used == (READ_ONCE(shoal_gcm_ready) && ctx == SHOAL_VEC_BH &&
			      cipher == SHOAL_CIPHER_AES_256_GCM);
}

/**
 * shoal_aead_selftest - check both ciphers against the protocol's vector
 *
 * Return: true if every check passed.
 */
bool __init shoal_aead_selftest(void)
{
	union shoal_aead_key *k = kmalloc(sizeof(*k), GFP_KERNEL);
	u8 *buf = kmalloc(SHOAL_VEC_LEN + SHOAL_TAG_LEN, GFP_KERNEL);
	bool ok = k && buf, fast;
	unsigned int i;
	u8 cipher;

	fast = shoal_aead_prepare(SHOAL_CIPHER_AES_256_GCM);
	for (cipher = 0; ok && cipher < ARRAY_SIZE(shoal_vec_sealed); cipher++) {
		shoal_aead_setkey(k, cipher, shoal_vec_key);
		for (i = 0; ok && i < 2 * SHOAL_VEC_CTXS; i++)
			ok = shoal_aead_selftest_one(k, cipher, buf, i & 1,
						     i / 2);
		if (!ok)
			pr_err("self-test of cipher %u failed\n", cipher);
	}
	kfree_sensitive(k);
	kfree(buf);
	if (ok)
		pr_info("AEAD self-tests pass (AES-256-GCM generic%s; generic inside an FPU section)\n",
			fast ? " and on " SHOAL_GCM_DRIVER : " only");
	return ok;
}

static const char * const shoal_rate_names[] __initconst = {
	[SHOAL_CIPHER_CHACHA20_POLY1305] = "chacha20-poly1305",
	[SHOAL_CIPHER_AES_256_GCM] = "aes-256-gcm",
};

/* The datagram shoal_aead_rate() seals and opens: a full one at MTU 1500. */
#define SHOAL_RATE_LEN	1420

/* Nanoseconds of sealing and opening each cipher is measured for. */
#define SHOAL_RATE_NS	(2 * NSEC_PER_SEC)

static u64 __init shoal_rate_mbps(u64 n, u64 ns)
{
	return ns ? div64_u64(n * SHOAL_RATE_LEN * NSEC_PER_USEC, ns) : 0;
}

/*
 * Seals and opens one datagram under a random key of @cipher, in turn,
 * with BH disabled as on the packet path, for SHOAL_RATE_NS, and logs
 * the rate of each. The CPU is the caller's.
 */
static void __init shoal_aead_rate_one(union shoal_aead_key *k, u8 cipher,
				       u8 *buf, const char *code)
{
	u64 n = 0, seal_ns = 0, open_ns = 0, t0, t1, t2;
	struct shoal_hdr hdr = {
		.type = SHOAL_TYPE_VERSION,
		.sender_id = cpu_to_be32(1),
	};
	u8 raw[SHOAL_KEY_LEN];
	struct scatterlist sg;
	bool ok = true;
	int cpu;

	get_random_bytes(raw, sizeof(raw));
	shoal_aead_setkey(k, cipher, raw);
	memzero_explicit(raw, sizeof(raw));
	get_random_bytes(buf, SHOAL_RATE_LEN);
	sg_init_one(&sg, buf, SHOAL_RATE_LEN + SHOAL_TAG_LEN);
	migrate_disable();
	while (ok && seal_ns + open_ns < SHOAL_RATE_NS) {
		hdr.counter = cpu_to_be64(n);
		local_bh_disable();
		t0 = ktime_get_ns();
		ok = shoal_aead_seal_sg(k, cipher, &sg, SHOAL_RATE_LEN, &hdr);
		t1 = ktime_get_ns();
		ok = ok && shoal_aead_open_sg(k, cipher, &sg,
					      SHOAL_RATE_LEN + SHOAL_TAG_LEN,
					      &hdr);
		t2 = ktime_get_ns();
		local_bh_enable();
		seal_ns += t1 - t0;
		open_ns += t2 - t1;
		n++;
		cond_resched();
	}
	cpu = smp_processor_id();
	migrate_enable();
	if (!ok) {
		pr_err("AEAD rate of %s: a datagram did not seal or open\n",
		       shoal_rate_names[cipher]);
		return;
	}
	pr_info("AEAD rate of %s on CPU %d, %u-byte datagrams: seal %llu MB/s, open %llu MB/s (%llu of each, %s)\n",
		shoal_rate_names[cipher], cpu, SHOAL_RATE_LEN,
		shoal_rate_mbps(n, seal_ns), shoal_rate_mbps(n, open_ns), n,
		code);
}

/**
 * shoal_aead_rate - log one CPU's rate of sealing and opening, each cipher
 *
 * What the packet path's AEAD can do at most on this CPU, for make bench
 * (S7): the code and the calls a datagram goes through, with nothing
 * else around them. Process context; takes a few seconds.
 */
void __init shoal_aead_rate(void)
{
	union shoal_aead_key *k = kmalloc(sizeof(*k), GFP_KERNEL);
	u8 *buf = kmalloc(SHOAL_RATE_LEN + SHOAL_TAG_LEN, GFP_KERNEL);
	bool fast = shoal_aead_prepare(SHOAL_CIPHER_AES_256_GCM);

	if (k && buf) {
		shoal_aead_rate_one(k, SHOAL_CIPHER_CHACHA20_POLY1305, buf,
				    "library");
		shoal_aead_rate_one(k, SHOAL_CIPHER_AES_256_GCM, buf,
				    fast ? SHOAL_GCM_DRIVER : "generic code");
	} else {
		pr_err("AEAD rate: no memory\n");
	}
	/* The AES-NI transforms hold the last key measured. */
	shoal_aead_forget();
	kfree_sensitive(k);
	kfree(buf);
}
