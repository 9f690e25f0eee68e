#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Fan-out at 1:1024, and unloading the module during a 1:1024 stream
# (receivers are shoal devices on distinct ports). A script of its
# own so that each stays within the per-script time limit in the emulated
# VM; the cases are in fanout_test.sh.

FANOUT_LIB=1
source "$(dirname "$0")/fanout_test.sh"

ktap_run unload_during_stream fanout_1024
