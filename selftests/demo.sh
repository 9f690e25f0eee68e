#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The demo `make demo` runs inside the VM: three hosts (network namespaces)
# on a bridge, a shoal device on each with its own sender key, the others
# as peers; encrypted ping and TCP between them, a datagram on the wire,
# and the counters. Then a live 1:N fan-out: alpha's application sends a
# multicast stream once, shoal encrypts each packet once and sends it to
# beta, gamma and 64 more receivers (a "farm" host with 64 shoal devices),
# and applications joined on beta's and gamma's shoal0 receive it.

set -euo pipefail
umask 077	# key files are private; shoal warns otherwise

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
	ip netns del "demo-farm-$suffix" 2>/dev/null || true
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

say "Fan-out: a farm host (192.0.2.4) with 64 shoal devices, ports 52000-52063"
farm="demo-farm-$suffix"
ip netns add "$farm"
ip link add veth-farm type veth peer name eth0 netns "$farm"
ip link set veth-farm master "demo-br$suffix" up
ip -n "$farm" addr add 192.0.2.4/24 dev eth0
ip -n "$farm" link set eth0 up
for ((r = 0; r < 64; r++))
do
	echo "link add f$r type shoal"
	echo "link set f$r up"
done >"$keys/farm.ip"
ip -n "$farm" -batch "$keys/farm.ip"
# Each farm device knows alpha's key; alpha knows each as a peer. The
# tool's batch mode runs all of it over one netlink socket.
for ((r = 0; r < 64; r++))
do
	echo "set f$r port $((52000 + r)) id $((100 + r))"
	echo "peer add f$r id 1 allowed-ips 10.77.0.1/32 rx-key 1 $keys/1"
done >"$keys/farm.shoal"
ip netns exec "$farm" shoal -b "$keys/farm.shoal"
for ((r = 0; r < 64; r++))
do
	echo "peer add shoal0 id $((100 + r)) endpoint 192.0.2.4:$((52000 + r))"
	echo "$((100 + r))" >>"$keys/members"
done >"$keys/alpha.shoal"
ip netns exec "demo-alpha-$suffix" shoal -b "$keys/alpha.shoal"
ip netns exec "demo-alpha-$suffix" ping -c 1 -q 192.0.2.4 >/dev/null

say "alpha: group 1 = 239.7.0.0/16 -> beta, gamma and the 64 farm devices"
ip netns exec "demo-alpha-$suffix" shoal group add shoal0 id 1 \
	prefix 239.7.0.0/16 members 2 3 members-file "$keys/members"
ip netns exec "demo-alpha-$suffix" shoal group show shoal0

say "beta and gamma: an application joins 239.7.7.7 on shoal0"
for h in beta gamma
do
	ip netns exec "demo-$h-$suffix" socat -u \
		UDP4-RECV:6000,ip-add-membership=239.7.7.7:shoal0 \
		"OPEN:$keys/stream.$h,creat,trunc" &
	echo "$h: socat UDP4-RECV:6000,ip-add-membership=239.7.7.7:shoal0 (pid $!)"
done
sleep 1

say "alpha: an application sends 500 numbered datagrams to 239.7.7.7:6000"
ip netns exec "demo-alpha-$suffix" python3 "$(dirname "$0")/mcast.py" send \
	shoal0 239.7.7.7 6000 500 --interval 0.004
python3 "$(dirname "$0")/mcast.py" expect 500 >"$keys/stream.want"
sleep 2
for h in beta gamma
do
	if cmp -s "$keys/stream.want" "$keys/stream.$h"
	then
		echo "$h's application: all 500 datagrams, in order"
	else
		echo "$h's application: $(wc -l <"$keys/stream.$h") lines, NOT the stream sent"
	fi
done
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true

say "alpha: one encryption per packet, one copy per member"
ip netns exec "demo-alpha-$suffix" shoal -j show shoal0 | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
s = d["stats"]
print("device: tx_fanout_packets %d  tx_encryptions %d  tx_fanout_copies %d"
      % (s["tx_fanout_packets"], s["tx_encryptions"], s["tx_fanout_copies"]))
for p in d["peers"]:
    if p["sender_id"] in (2, 3, 100, 101, 163):
        print("peer %3d: tx_fanout_copies %d  tx_packets %d  drops %d"
              % (p["sender_id"], p["stats"].get("tx_fanout_copies", 0),
                 p["stats"].get("tx_packets", 0),
                 sum(v for k, v in p["stats"].items() if k.startswith("drop"))))'
ip netns exec "demo-alpha-$suffix" shoal group show shoal0

say "farm: packets each of its 64 devices decrypted"
ip netns exec "$farm" shoal -j show | python3 -c '
import collections, json, sys
c = collections.Counter(d["stats"].get("rx_packets", 0) for d in json.load(sys.stdin))
for n, devs in sorted(c.items()):
    print("%d devices received %d packets each" % (devs, n))'

say "alpha: the UDP sockets shoal0 listens on"
ip netns exec "demo-alpha-$suffix" ss -Hlun

say "alpha: ip -d link show shoal0"
ip -n "demo-alpha-$suffix" -d link show shoal0
