/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_SPEC_H
#define SHOAL_SPEC_H

#include <stddef.h>

#include "netlink.h"

/* The attribute sets of Documentation/netlink/shoal.yaml, by their names. */
extern const struct shoal_nl_attr_set shoal_spec_dev;
extern const struct shoal_nl_attr_set shoal_spec_group;
extern const struct shoal_nl_attr_set shoal_spec_key;
extern const struct shoal_nl_attr_set shoal_spec_prefix;
extern const struct shoal_nl_attr_set shoal_spec_peer;
extern const struct shoal_nl_attr_set shoal_spec_stats;

const char *shoal_spec_name(const struct shoal_nl_attr_set *set,
			    unsigned int type);
void shoal_spec_json_name(char *buf, size_t size, const char *name);

#endif /* SHOAL_SPEC_H */
