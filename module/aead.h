/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The shoal authors.
 */

#ifndef _SHOAL_AEAD_H
#define _SHOAL_AEAD_H

#include <crypto/aes.h>
#include <crypto/b128ops.h>
#include <linux/scatterlist.h>
#include <uapi/linux/shoal.h>

#include "proto.h"

/**
 * struct shoal_gcm_key - an AES-256-GCM traffic key, ready to use
 * @serial: unique among the keys since the module loaded: tells which
 *	key a CPU's crypto API transform holds
 * @raw: the key, for keying such a transform
 * @aes: the expanded AES key
 * @h: the GHASH key, E(K, 0)
 */
struct shoal_gcm_key {
	u64 serial;
	u8 raw[SHOAL_KEY_LEN];
	struct crypto_aes_ctx aes;
	be128 h;
};

/**
 * union shoal_aead_key - a traffic key of either cipher
 * @chacha: the ChaCha20-Poly1305 key
 * @gcm: the AES-256-GCM key
 *
 * Last in the objects that hold one, which are allocated only as large as
 * their cipher needs (shoal_aead_key_size()); the cipher is the owning
 * key's.
 */
union shoal_aead_key {
	u8 chacha[SHOAL_KEY_LEN];
	struct shoal_gcm_key gcm;
};

/**
 * shoal_aead_key_size - bytes a traffic key of @cipher takes
 * @cipher: SHOAL_CIPHER_*
 */
static inline size_t shoal_aead_key_size(u8 cipher)
{
	if (cipher == SHOAL_CIPHER_AES_256_GCM)
		return sizeof(struct shoal_gcm_key);
	return SHOAL_KEY_LEN;
}

bool shoal_aead_prepare(u8 cipher);
void shoal_aead_uninit(void);
bool shoal_aead_selftest(void);
void shoal_aead_rate(void);
void shoal_aead_setkey(union shoal_aead_key *k, u8 cipher,
		       const u8 key[SHOAL_KEY_LEN]);
void shoal_aead_forget(void);
bool shoal_aead_seal_sg(const union shoal_aead_key *k, u8 cipher,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr);
bool shoal_aead_open_sg(const union shoal_aead_key *k, u8 cipher,
			struct scatterlist *sg, unsigned int len,
			const struct shoal_hdr *hdr);

#endif /* _SHOAL_AEAD_H */
