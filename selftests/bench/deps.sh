#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Installs, on the host, what the benchmark uses inside the VM (which sees
# the host's root filesystem) and to render its plots. Only missing packages
# are installed; a warm machine never touches apt. The kernel side (veth,
# vxlan, wireguard, tcrypt) is Debian's own modules.

set -euo pipefail

packages=(
	iperf3 wireguard-tools iputils-ping		# S1-S4, the WireGuard baseline
	python3 python3-cryptography python3-matplotlib	# keys, statistics, plots
	gcc libc6-dev					# udpblast.c
	ethtool						# BENCH_OUTER_GSO=off
	linux-perf					# BENCH_PERF=on
)

missing=()
for p in "${packages[@]}"
do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]}))
then
	echo "installing: ${missing[*]}" >&2
	apt-get update -qq
	# iperf3 asks whether to start a daemon at boot: no.
	echo "iperf3 iperf3/start_daemon boolean false" | debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
fi
