#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The demo `make demo` runs inside the VM: three hosts (network namespaces)
# on a bridge, a shoal device on each, shown with `shoal show`.
# The tunnel and fan-out issues grow this into a live encrypted fan-out.

set -euo pipefail

hosts=(alpha beta gamma)
suffix=$$

cleanup()
{
	local h

	for h in "${hosts[@]}"
	do
		ip netns del "demo-$h-$suffix" 2>/dev/null || true
	done
	ip link del "demo-br$suffix" 2>/dev/null || true
}
trap cleanup EXIT

say()
{
	printf '\n### %s\n' "$*"
}

say "An underlay: three hosts on a bridge"
ip link add "demo-br$suffix" type bridge
ip link set "demo-br$suffix" up
i=0
for h in "${hosts[@]}"
do
	i=$((i + 1))
	ns="demo-$h-$suffix"
	ip netns add "$ns"
	ip link add "veth-$h" type veth peer name eth0 netns "$ns"
	ip link set "veth-$h" master "demo-br$suffix" up
	ip -n "$ns" addr add "192.0.2.$i/24" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
	echo "$h: 192.0.2.$i"
done

say "ip link add shoal0 type shoal (the module autoloads)"
i=0
for h in "${hosts[@]}"
do
	i=$((i + 1))
	ns="demo-$h-$suffix"
	ip -n "$ns" link add shoal0 type shoal
	ip netns exec "$ns" shoal set shoal0 port 51900 id "$i"
	ip -n "$ns" addr add "10.77.0.$i/24" dev shoal0
	ip -n "$ns" link set shoal0 up
done
echo "module: $(grep '^shoal ' /proc/modules)"

for h in "${hosts[@]}"
do
	say "$h: shoal show"
	ip netns exec "demo-$h-$suffix" shoal show
done

say "beta: shoal -j show"
ip netns exec "demo-beta-$suffix" shoal -j show

say "alpha: the UDP sockets shoal0 listens on"
ip netns exec "demo-alpha-$suffix" ss -Hlun

say "alpha: ip -d link show shoal0"
ip -n "demo-alpha-$suffix" -d link show shoal0
