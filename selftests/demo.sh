#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The demo `make demo` runs inside the VM: three hosts (network namespaces)
# on a bridge, a shoal device on each with its own sender key, the others
# as peers; encrypted ping and TCP between them, a datagram on the wire,
# and the counters. The fan-out issue grows this into a live 1:N fan-out.

set -euo pipefail

hosts=(alpha beta gamma)
suffix=$$
keys=$(mktemp -d)

cleanup()
{
	local h

	for h in "${hosts[@]}"
	do
		ip netns del "demo-$h-$suffix" 2>/dev/null || true
	done
	ip link del "demo-br$suffix" 2>/dev/null || true
	rm -rf "$keys"
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

say "Each host: its own transmit key; the others as peers (endpoint, prefix, their key)"
i=0
for h in "${hosts[@]}"
do
	i=$((i + 1))
	ns="demo-$h-$suffix"
	ip netns exec "$ns" shoal genkey >"$keys/$i"
	ip netns exec "$ns" shoal key set shoal0 slot 0 id 1 "$keys/$i"
	ip netns exec "$ns" shoal key activate shoal0 slot 0
done
i=0
for h in "${hosts[@]}"
do
	i=$((i + 1))
	j=0
	for p in "${hosts[@]}"
	do
		j=$((j + 1))
		((i != j)) || continue
		ip netns exec "demo-$h-$suffix" shoal peer add shoal0 id "$j" \
			endpoint "192.0.2.$j:51900" allowed-ips "10.77.0.$j/32" \
			rx-key 1 "$keys/$j"
		echo "$h: peer $p (id $j) at 192.0.2.$j:51900, routes 10.77.0.$j/32"
	done
done

say "alpha -> beta and gamma, encrypted"
ip netns exec "demo-alpha-$suffix" ping -c 3 -i 0.2 10.77.0.2
ip netns exec "demo-alpha-$suffix" ping -c 3 -i 0.2 10.77.0.3

say "8 MiB over TCP from gamma to beta, checked end to end"
head -c $((8 << 20)) /dev/urandom >"$keys/data"
ip netns exec "demo-beta-$suffix" socat -u TCP4-LISTEN:5001,reuseaddr \
	"OPEN:$keys/recv,creat,trunc" &
listener=$!
for _ in $(seq 50)
do
	[[ -n "$(ip netns exec "demo-beta-$suffix" ss -Hltn 'sport = :5001')" ]] && break
	sleep 0.1
done
start=$(date +%s%N)
ip netns exec "demo-gamma-$suffix" socat -u "OPEN:$keys/data" TCP4:10.77.0.2:5001
wait "$listener"
ms=$((($(date +%s%N) - start) / 1000000))
echo "sent   $(sha256sum <"$keys/data")"
echo "got    $(sha256sum <"$keys/recv")  in ${ms} ms (emulated CPU)"

say "On the wire: what beta's underlay sees is ciphertext"
ip netns exec "demo-beta-$suffix" timeout 5 tcpdump -c 2 -nn -X -i eth0 \
	udp port 51900 2>/dev/null &
sleep 1
ip netns exec "demo-alpha-$suffix" ping -c 1 -p 73686f616c 10.77.0.2 >/dev/null
wait || true

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
