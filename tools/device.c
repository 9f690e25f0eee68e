// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The shoal authors. */

/* The "dev" and "key" attribute sets of Documentation/netlink/shoal.yaml. */

#include <errno.h>
#include <string.h>

#include <netlink/attr.h>

#include "device.h"
#include "util.h"

/**
 * shoal_dev_key_parse - decode one entry of a key indexed array, or a key nest
 * @nest: the entry
 * @k: filled in
 * @has_slot: set when the entry has a slot
 * @has_id: set when it has an id
 *
 * Material, should a kernel ever send it, is not even looked at.
 *
 * Return: 0, or -EBADMSG.
 */
int shoal_dev_key_parse(struct nlattr *nest, struct shoal_dev_key *k,
		    bool *has_slot, bool *has_id)
{
	static const struct nla_policy policy[SHOAL_A_KEY_MAX + 1] = {
		[SHOAL_A_KEY_SLOT]	= { .type = NLA_U8 },
		[SHOAL_A_KEY_ID]	= { .type = NLA_U8 },
		[SHOAL_A_KEY_ACTIVE]	= { .type = NLA_FLAG },
		[SHOAL_A_KEY_PACKETS]	= { .type = NLA_U64 },
		[SHOAL_A_KEY_EPOCH]	= { .type = NLA_U64 },
		[SHOAL_A_KEY_EXHAUSTED]	= { .type = NLA_FLAG },
		[SHOAL_A_KEY_PAIRWISE]	= { .type = NLA_U8 },
	};
	struct nlattr *tb[SHOAL_A_KEY_MAX + 1];

	memset(k, 0, sizeof(*k));
	if (nla_parse_nested(tb, SHOAL_A_KEY_MAX, nest, policy))
		return -EBADMSG;
	*has_slot = tb[SHOAL_A_KEY_SLOT];
	*has_id = tb[SHOAL_A_KEY_ID];
	if (tb[SHOAL_A_KEY_SLOT])
		k->slot = nla_get_u8(tb[SHOAL_A_KEY_SLOT]);
	if (tb[SHOAL_A_KEY_ID])
		k->id = nla_get_u8(tb[SHOAL_A_KEY_ID]);
	k->active = tb[SHOAL_A_KEY_ACTIVE];
	k->exhausted = tb[SHOAL_A_KEY_EXHAUSTED];
	k->pairwise = tb[SHOAL_A_KEY_PAIRWISE] &&
		      nla_get_u8(tb[SHOAL_A_KEY_PAIRWISE]);
	if (tb[SHOAL_A_KEY_PACKETS]) {
		k->packets = nla_get_u64(tb[SHOAL_A_KEY_PACKETS]);
		k->has_packets = true;
	}
	if (tb[SHOAL_A_KEY_EPOCH]) {
		k->epoch = nla_get_u64(tb[SHOAL_A_KEY_EPOCH]);
		k->has_epoch = true;
	}
	return 0;
}

static int shoal_device_keys(struct nlattr *nest, struct shoal_device *d)
{
	struct nlattr *entry;
	int rem;

	nla_for_each_nested(entry, nest, rem) {
		bool has_slot, has_id;

		if (d->n_keys == SHOAL_DEV_KEYS_MAX ||
		    shoal_dev_key_parse(entry, &d->keys[d->n_keys], &has_slot,
				    &has_id) ||
		    !has_slot || !has_id)
			return -EBADMSG;
		d->n_keys++;
	}
	return 0;
}

/**
 * shoal_device_parse - decode the attributes of a dev-get reply
 * @attrs: the attributes
 * @len: their length
 * @d: filled in
 *
 * Attributes this tool does not know, from a newer kernel, are ignored;
 * absent ones are left out of the output.
 *
 * Return: 0, or -EBADMSG when ifindex or ifname is missing or an attribute
 * is malformed.
 */
int shoal_device_parse(struct nlattr *attrs, int len, struct shoal_device *d)
{
	static const struct nla_policy policy[SHOAL_A_DEV_MAX + 1] = {
		[SHOAL_A_DEV_IFINDEX]		= { .type = NLA_U32 },
		[SHOAL_A_DEV_IFNAME]		= { .type = NLA_STRING,
						    .maxlen = IFNAMSIZ },
		[SHOAL_A_DEV_PORT]		= { .type = NLA_U16 },
		[SHOAL_A_DEV_SENDER_ID]		= { .type = NLA_U32 },
		[SHOAL_A_DEV_REPLAY_WINDOW]	= { .type = NLA_U32 },
		[SHOAL_A_DEV_EPOCH_MAX_AGE]	= { .type = NLA_U32 },
		[SHOAL_A_DEV_KEY_LIMIT]		= { .type = NLA_U64 },
		[SHOAL_A_DEV_KEYS]		= { .type = NLA_NESTED },
		[SHOAL_A_DEV_STATS]		= { .type = NLA_NESTED },
		[SHOAL_A_DEV_PEERS]		= { .type = NLA_U32 },
		[SHOAL_A_DEV_CIPHER]		= { .type = NLA_U32 },
	};
	struct nlattr *tb[SHOAL_A_DEV_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (nla_parse(tb, SHOAL_A_DEV_MAX, attrs, len, policy) ||
	    !tb[SHOAL_A_DEV_IFINDEX] || !tb[SHOAL_A_DEV_IFNAME])
		return -EBADMSG;

	d->ifindex = nla_get_u32(tb[SHOAL_A_DEV_IFINDEX]);
	nla_strlcpy(d->ifname, tb[SHOAL_A_DEV_IFNAME], sizeof(d->ifname));
	if (tb[SHOAL_A_DEV_PORT]) {
		d->port = nla_get_u16(tb[SHOAL_A_DEV_PORT]);
		d->has_port = true;
	}
	if (tb[SHOAL_A_DEV_SENDER_ID]) {
		d->sender_id = nla_get_u32(tb[SHOAL_A_DEV_SENDER_ID]);
		d->has_sender_id = true;
	}
	if (tb[SHOAL_A_DEV_REPLAY_WINDOW]) {
		d->replay_window = nla_get_u32(tb[SHOAL_A_DEV_REPLAY_WINDOW]);
		d->has_replay_window = true;
	}
	if (tb[SHOAL_A_DEV_EPOCH_MAX_AGE]) {
		d->epoch_max_age = nla_get_u32(tb[SHOAL_A_DEV_EPOCH_MAX_AGE]);
		d->has_epoch_max_age = true;
	}
	if (tb[SHOAL_A_DEV_KEY_LIMIT]) {
		d->key_limit = nla_get_u64(tb[SHOAL_A_DEV_KEY_LIMIT]);
		d->has_key_limit = true;
	}
	if (tb[SHOAL_A_DEV_PEERS]) {
		d->peers = nla_get_u32(tb[SHOAL_A_DEV_PEERS]);
		d->has_peers = true;
	}
	if (tb[SHOAL_A_DEV_CIPHER]) {
		d->cipher = nla_get_u32(tb[SHOAL_A_DEV_CIPHER]);
		d->has_cipher = true;
	}
	if (tb[SHOAL_A_DEV_KEYS] && shoal_device_keys(tb[SHOAL_A_DEV_KEYS], d))
		return -EBADMSG;
	if (tb[SHOAL_A_DEV_STATS]) {
		if (shoal_stats_parse(tb[SHOAL_A_DEV_STATS], &d->stats))
			return -EBADMSG;
		d->has_stats = true;
	}
	return 0;
}

static const char *const shoal_cipher_names[] = {
	[SHOAL_CIPHER_CHACHA20_POLY1305]	= "chacha20-poly1305",
	[SHOAL_CIPHER_AES_256_GCM]		= "aes-256-gcm",
};

/**
 * shoal_cipher_name - the name of a SHOAL_CIPHER_* value
 * @cipher: the value, as the kernel reported it
 *
 * Return: the name; "unknown" for a value this tool does not know.
 */
const char *shoal_cipher_name(uint32_t cipher)
{
	if (cipher < SHOAL_ARRAY_SIZE(shoal_cipher_names))
		return shoal_cipher_names[cipher];
	return "unknown";
}

/**
 * shoal_cipher_parse - the SHOAL_CIPHER_* value a name stands for
 * @name: as given on the command line
 * @cipher: set to the value
 *
 * Return: 0, or -EINVAL after printing why.
 */
int shoal_cipher_parse(const char *name, uint32_t *cipher)
{
	uint32_t i;

	for (i = 0; i < SHOAL_ARRAY_SIZE(shoal_cipher_names); i++) {
		if (!strcmp(name, shoal_cipher_names[i])) {
			*cipher = i;
			return 0;
		}
	}
	shoal_err("unknown cipher \"%s\": give chacha20-poly1305 or aes-256-gcm",
		  name);
	return -EINVAL;
}
