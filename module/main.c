// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * shoal: an encrypted UDP tunnel that fans one packet out to many peers
 * while encrypting it once.
 */

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/shoal.h>

#include "aead.h"
#include "device.h"
#include "netlink.h"
#include "replay.h"

/* 64-bit counters and windows are read without locks on the packet path. */
#ifndef CONFIG_64BIT
#error "shoal needs a 64-bit kernel"
#endif

/* Debug builds always test themselves at load. */
#ifdef SHOAL_DEBUG
static bool selftest = true;
#else
static bool selftest;
#endif
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Run the built-in self-tests at load (always in debug builds)");

static bool aead_rate;
module_param(aead_rate, bool, 0444);
MODULE_PARM_DESC(aead_rate, "Log this CPU's AEAD rate at load, for make bench (takes seconds)");

static int __init shoal_mod_init(void)
{
	int err;

	err = shoal_replay_init();
	if (err)
		return err;
	if (selftest && (!shoal_replay_selftest() || !shoal_lpm_selftest() ||
			 !shoal_aead_selftest())) {
		err = -ENOTRECOVERABLE;
		goto err_uninit;
	}
	if (aead_rate)
		shoal_aead_rate();

	err = shoal_device_init();
	if (err)
		goto err_uninit;
	err = shoal_genl_init();
	if (err) {
		shoal_device_uninit();
		goto err_uninit;
	}
	pr_info("shoal loaded\n");
	return 0;
err_uninit:
	shoal_aead_uninit();
	shoal_replay_uninit();
	return err;
}

static void __exit shoal_mod_exit(void)
{
	/* Devices first: one may still notify through the family. */
	shoal_device_uninit();
	shoal_genl_uninit();
	/* Keys, peers and epochs freed with call_rcu() run our callbacks. */
	rcu_barrier();
	shoal_aead_uninit();
	shoal_replay_uninit();
}

module_init(shoal_mod_init);
module_exit(shoal_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Encrypted UDP tunnel with encrypt-once fan-out");
MODULE_AUTHOR("The shoal authors");
MODULE_VERSION("0.1");
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(SHOAL_FAMILY_NAME);
