#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Fan-out at scale: 1:4096 receivers (shoal devices on distinct
# ports, about 450 s in the emulated VM). A script of its
# own so that each stays within the per-script time limit in the emulated
# VM; the cases are in fanout_test.sh.

FANOUT_LIB=1
source "$(dirname "$0")/fanout_test.sh"

ktap_run fanout_4096
