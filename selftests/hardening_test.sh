#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Hardening: a packet fuzzer at a shoal port while real traffic flows, a
# netlink fuzzer at the shoal family while the configuration changes under
# traffic, and devices, namespaces and the module torn down under load, over
# and over. Documentation/testing.rst reports the figures.
#
# Sizes: short in the normal suite; the issue's full sizes on a debug kernel
# (one with kmemleak, see selftests/vm/build-debug-kernel). SHOAL_FUZZ_PACKETS,
# SHOAL_FUZZ_MESSAGES and SHOAL_LIFECYCLE_ROUNDS override either.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

if [[ -e /sys/kernel/debug/kmemleak ]]
then
	: "${SHOAL_FUZZ_PACKETS:=1000000}" "${SHOAL_FUZZ_MESSAGES:=100000}"
	: "${SHOAL_LIFECYCLE_ROUNDS:=50}"
else
	: "${SHOAL_FUZZ_PACKETS:=100000}" "${SHOAL_FUZZ_MESSAGES:=10000}"
	: "${SHOAL_LIFECYCLE_ROUNDS:=6}"
fi

# build VAR SOURCE: compile selftests/SOURCE.c into the case's tmpdir.
build()
{
	local dir

	tmpdir dir
	gcc -O2 -Wall -o "$dir/$2" "$SHOAL_TOP/selftests/$2.c"
	printf -v "$1" '%s' "$dir/$2"
}

# drops NS: the sum of the device's receive drop counters (those a datagram
# can get; IPv6 autoconfiguration on shoal0 adds transmit ones, no-route).
drops()
{
	shoal_json "$1" shoal0 | $PY -c '
import json, sys
s = json.load(sys.stdin)[0]["stats"]
print(sum(s["drop_" + k] for k in ("malformed", "unknown_sender", "no_key",
	"epoch", "replay", "auth", "source", "not_pairwise")))'
}

# softnet_dropped: packets the backlog queues dropped, on every CPU.
softnet_dropped()
{
	local sum=0 line

	while read -r -a line
	do
		sum=$((sum + 16#${line[1]}))
	done </proc/net/softnet_stat
	echo "$sum"
}

# Hosts A and B on a veth, B also on a second veth to F, the fuzzer. While
# A pings B through the tunnel, F sends B's port datagrams of every bad
# kind: too short, bad headers, unknown and own sender ids, unknown keys,
# forgeries under A's real key and epoch, other epochs, and replays and
# tampered copies of A's real datagrams, captured on B's underlay.
pkt_fuzz()
{
	local F fuzz dir before after sent got start pid kind n
	local -A k

	tunnel_pair 4
	netns_new F
	build fuzz pktfuzz
	tmpdir dir
	ip link add veth1 netns "$B" type veth peer veth0 netns "$F"
	ip -n "$B" addr add 198.51.100.2/24 dev veth1
	ip -n "$F" addr add 198.51.100.3/24 dev veth0
	ip -n "$B" link set veth1 up
	ip -n "$F" link set veth0 up

	# Real datagrams from A, as B's underlay sees them.
	ip netns exec "$B" "$fuzz" capture veth0 51821 256 "$dir/cap" 60 \
		>"$dir/captured" &
	pid=$!
	ip netns exec "$A" ping -q -c 300 -i 0.01 10.0.0.2 >/dev/null
	wait "$pid"
	echo "# $(cat "$dir/captured") datagrams of A"

	ip netns exec "$A" ping -q -i 0.05 10.0.0.2 >"$dir/ping" &
	pid=$!
	defer kill "$pid"
	before=$(drops "$B")
	n=$(softnet_dropped)
	start=$SECONDS
	ip netns exec "$F" "$fuzz" send 198.51.100.2 51821 \
		"$SHOAL_FUZZ_PACKETS" "$RANDOM$RANDOM" 1 1 2 "$dir/cap" \
		>"$dir/sent"
	while read -r kind got
	do
		k[$kind]=$got
	done <"$dir/sent"
	sent=${k[total]}
	expect_eq sent "$sent" "$SHOAL_FUZZ_PACKETS"
	busywait 30000 eval '(($(drops "$B") - before >= sent))' || true
	kill -INT "$pid"
	wait "$pid" || true
	after=$(drops "$B")
	echo "# $sent datagrams in $((SECONDS - start)) s: $(tr '\n' ' ' <"$dir/sent")"
	echo "# B: $(shoal_json "$B" shoal0 | $PY -c '
import json, sys
s = json.load(sys.stdin)[0]["stats"]
print(" ".join("%s %d" % (k[5:], v) for k, v in s.items() if k.startswith("drop_") and v))')"
	echo "# legitimate pings during the fuzzing: $(grep -o '[0-9]* received, [0-9.]*% packet loss' "$dir/ping")"

	expect_eq "backlog drops" "$(softnet_dropped)" "$n"
	# Each bad datagram was dropped and counted once, and nothing else was.
	expect_eq "drops counted" "$((after - before))" "$sent"
	# ... and under the reason its kind must get (random ones: any).
	(($(stat "$B" stats.drop_malformed) >= k[short] + k[header]))
	(($(stat "$B" stats.drop_unknown_sender) >= k[stranger] + k[self]))
	(($(stat "$B" stats.drop_no_key) >= k[nokey]))
	(($(stat "$B" stats.drop_replay) + $(stat "$B" stats.drop_auth) + \
	  $(stat "$B" stats.drop_epoch) >= \
	  k[forged] + k[epoch] + k[replay] + k[tamper]))
	(($(stat "$B" stats.drop_replay) > 0 && $(stat "$B" stats.drop_auth) > 0))
	# None moved A's endpoint, and the tunnel still works both ways.
	expect_eq endpoint "$(stat "$B" peers.0.endpoint)" "192.0.2.1:51820"
	ip netns exec "$A" ping -q -c 20 -i 0.05 -W 2 10.0.0.2 >/dev/null
	ip netns exec "$B" ping -q -c 20 -i 0.05 -W 2 10.0.0.1 >/dev/null
	expect_eq "drops after" "$(drops "$B")" "$after"
}

# Two storms of random and mutated requests at A's devices at once, while
# pings cross the tunnel between A and B (unicast, and broadcast once a
# storm makes a broadcast group), and a model checker works a device in a
# namespace of its own. Afterwards A's device must still do exactly what
# it is told: emptied, it passes the model checker too.
nl_fuzz()
{
	local Y dir pids=() pid rc=0 start half

	tunnel_pair 4
	netns_new Y
	tmpdir dir
	ip -n "$A" link add shoal1 type shoal
	ip -n "$Y" link add shoal0 type shoal
	ip netns exec "$A" ping -q -i 0.05 10.0.0.2 >/dev/null 2>&1 &
	defer kill $!
	ip netns exec "$B" ping -q -i 0.05 10.0.0.1 >/dev/null 2>&1 &
	defer kill $!
	ip netns exec "$A" ping -q -b -i 0.1 10.0.0.255 >/dev/null 2>&1 &
	defer kill $!

	start=$SECONDS
	half=$((SHOAL_FUZZ_MESSAGES / 2))
	ip netns exec "$A" $PY "$SHOAL_TOP/selftests/nlfuzz.py" storm "$half" \
		"$RANDOM" shoal0 shoal1 veth0 >"$dir/storm1" &
	pids+=($!)
	ip netns exec "$A" $PY "$SHOAL_TOP/selftests/nlfuzz.py" storm \
		"$((SHOAL_FUZZ_MESSAGES - half))" "$RANDOM" shoal0 shoal1 \
		>"$dir/storm2" &
	pids+=($!)
	ip netns exec "$Y" $PY "$SHOAL_TOP/selftests/nlfuzz.py" model 2000 \
		"$RANDOM" shoal0 1500 >"$dir/model" &
	pids+=($!)
	for pid in "${pids[@]}"
	do
		wait "$pid" || rc=1
	done
	echo "# $SHOAL_FUZZ_MESSAGES requests in $((SECONDS - start)) s"
	echo "# storm 1: $(tr '\n' ' ' <"$dir/storm1")"
	echo "# storm 2: $(tr '\n' ' ' <"$dir/storm2")"
	echo "# model: $(cat "$dir/model")"
	((rc == 0))
	expect_eq requests "$(($(sed -n 's/^messages //p' "$dir/storm1") + \
		$(sed -n 's/^messages //p' "$dir/storm2")))" "$SHOAL_FUZZ_MESSAGES"

	# A's devices survived in a state that can be shown, emptied, changed
	# and checked against a model again, and deleted.
	ip netns exec "$A" shoal show >/dev/null
	ip netns exec "$A" $PY "$SHOAL_TOP/selftests/nlfuzz.py" model 300 \
		"$RANDOM" shoal0 200 | sed 's/^/# after: /'
	ip -n "$A" link del shoal1
}

ktap_run pkt_fuzz nl_fuzz
