#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Installs, on the host, what the selftests use inside the VM: the VM sees
# the host's root filesystem, so a tool installed here is a tool there.
# Only missing packages are installed; a warm machine never touches apt.

set -euo pipefail

packages=(
	build-essential pkg-config libnl-genl-3-dev	# the tool
	iproute2 iputils-ping procps util-linux kmod	# ip, ping, ss, setpriv
	python3 python3-yaml python3-pyroute2		# nl.py, uapi_check.py
	python3-cryptography tcpdump socat		# tunnel tests, wire.py
	ethtool						# veth GRO (tunnel tests)
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
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
