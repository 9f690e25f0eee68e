#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Hardening: a packet fuzzer at a shoal port while real traffic flows, a
# netlink fuzzer at the shoal family while the configuration changes under
# traffic, and devices, namespaces and the module torn down under load, over
# and over. Documentation/testing.rst reports the figures.
#
# Sizes: a million datagrams everywhere; on a debug kernel (one with
# kmemleak, see selftests/vm/build-debug-kernel) also 100,000 netlink
# requests and 50 lifecycle rounds, which take hours there under emulation,
# and in the normal suite 20,000 and 4. SHOAL_FUZZ_PACKETS,
# SHOAL_FUZZ_MESSAGES and SHOAL_LIFECYCLE_ROUNDS override them (CI runs the
# debug kernel at reduced sizes: .ci/run).

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

if [[ -e /sys/kernel/debug/kmemleak ]]
then
	: "${SHOAL_FUZZ_PACKETS:=1000000}" "${SHOAL_FUZZ_MESSAGES:=100000}"
	: "${SHOAL_LIFECYCLE_ROUNDS:=50}"
else
	: "${SHOAL_FUZZ_PACKETS:=1000000}" "${SHOAL_FUZZ_MESSAGES:=20000}"
	: "${SHOAL_LIFECYCLE_ROUNDS:=4}"
fi

# build VAR SOURCE: compile selftests/SOURCE.c into the case's tmpdir.
# (SOURCE may name a subdirectory: bench/udpblast.)
build()
{
	local dir

	tmpdir dir
	gcc -O2 -Wall -o "$dir/${2##*/}" "$SHOAL_TOP/selftests/$2.c"
	printf -v "$1" '%s' "$dir/${2##*/}"
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

# Hosts A and B on a veth, B also on a second veth to F, the fuzzer. While
# A pings B through the tunnel, F sends B's port datagrams of every bad
# kind: too short, bad headers, unknown and own sender ids, unknown keys,
# forgeries under A's real key and epoch, other epochs, and replays and
# tampered copies of A's real datagrams, captured on B's underlay.
pkt_fuzz()
{
	local F fuzz dir before after sent got start pid kind n lost extra
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
	# Each bad datagram was dropped and counted once. So were real ones
	# of A only if A's epoch changed during the flood: forged new epochs
	# spend the key's budget of epoch derivations (64/s), and A's first
	# datagrams under its new epoch may find it spent. Those are lost
	# pings, and drop-epoch.
	lost=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 - \2/p' \
		"$dir/ping")
	lost=$((lost))
	extra=$((after - before - sent))
	echo "# dropped besides the fuzzer's: $extra; pings lost: $lost"
	((extra >= 0 && extra <= lost))
	((extra == 0 || $(stat "$B" stats.drop_epoch) >= extra))
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

# flowing A B: both shoal0 devices have received (read from sysfs: the tool
# and python are slow to start on CPUs this busy).
flowing()
{
	(($(ip netns exec "$1" cat /sys/class/net/shoal0/statistics/rx_packets) > 100 &&
	  $(ip netns exec "$2" cat /sys/class/net/shoal0/statistics/rx_packets) > 100))
}

# lifecycle_round HOW BLAST: A and B blast UDP at each other through the
# tunnel, A also to a multicast group of all its peers (fan-out), and then,
# by HOW: A's device is deleted, B's or A's namespace is destroyed (its own
# senders stopped first, so that it really goes) while the other side
# still sends into it, or the module is removed under all of it.
lifecycle_round()
{
	local how=$1 blast=$2 pids=() pid

	tunnel_pair 4
	ip netns exec "$A" shoal group add shoal0 id 1 prefix 239.1.0.0/16 all-peers
	ip netns exec "$A" nice "$blast" -t 60 -s 200 10.0.0.2 >/dev/null &
	pids+=($!)
	ip netns exec "$A" nice "$blast" -i shoal0 -t 60 -s 1400 239.1.1.1 >/dev/null &
	pids+=($!)
	ip netns exec "$B" nice "$blast" -t 60 -s 200 10.0.0.1 >/dev/null &
	pids+=($!)
	for pid in "${pids[@]}"
	do
		defer kill "$pid"
	done
	# Blasting both ways, and fanning out.
	busywait 20000 flowing "$A" "$B"
	(($(stat "$A" stats.tx_fanout_copies) > 0))
	case $how in
	dev)
		ip -n "$A" link del shoal0
		;;
	netns-b)
		kill "${pids[2]}"
		wait "${pids[2]}" || true
		ip netns del "$B"
		;;
	netns-a)
		kill "${pids[0]}" "${pids[1]}"
		wait "${pids[0]}" "${pids[1]}" || true
		ip netns del "$A"
		;;
	module)
		modprobe -r shoal
		;;
	esac
	# The other side sends on into the void for a moment.
	sleep 0.5
	for pid in "${pids[@]}"
	do
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
	done
}

# lifecycle_round, SHOAL_LIFECYCLE_ROUNDS times, each way in turn; then
# the module unloads, loads, and a new tunnel works.
lifecycle()
{
	local blast i how rc ways=(dev netns-b netns-a module) start=$SECONDS

	build blast bench/udpblast
	for ((i = 0; i < SHOAL_LIFECYCLE_ROUNDS; i++))
	do
		how=${ways[i % ${#ways[@]}]}
		# A subshell of its own, with no deferred commands of the case's,
		# and not in a condition, where bash would ignore set -e.
		set +e
		(
			set -eE -o pipefail
			__defer=()
			trap 'echo "# line $LINENO: $BASH_COMMAND: exit $?"' ERR
			trap __run_deferred EXIT
			lifecycle_round "$how" "$blast"
		)
		rc=$?
		set -e
		if ((rc != 0))
		then
			echo "# round $i ($how) failed"
			return 1
		fi
	done
	echo "# $SHOAL_LIFECYCLE_ROUNDS rounds in $((SECONDS - start)) s"
	# Destroyed namespaces are cleaned up in the background: once they
	# are, nothing holds the module.
	busywait 60000 modprobe -r shoal
	modprobe shoal
	tunnel_pair 4
	ip netns exec "$A" ping -q -c 3 -i 0.2 -W 5 10.0.0.2 >/dev/null
}

ktap_run pkt_fuzz nl_fuzz lifecycle
