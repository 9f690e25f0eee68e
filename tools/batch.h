/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_BATCH_H
#define SHOAL_BATCH_H

#include <stdbool.h>

int shoal_batch(const char *path, bool force);

#endif /* SHOAL_BATCH_H */
