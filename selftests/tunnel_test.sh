#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The encrypted unicast tunnel: IPv4 and IPv6 inside IPv4 and IPv6
# underlays, two hosts on a veth and three on a bridge, bulk TCP checked by
# sha256, the wire format checked by a second implementation, key rotation
# without loss, roaming, key exhaustion, and every drop reason counted.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

readonly BULK=$((64 << 20))

ping_ok()
{
	ip netns exec "$1" ping -q -c "${3:-2}" -i 0.2 -W 5 "$2" >/dev/null
}

# Each inner family over each underlay family, ping and 64 MiB of TCP.
inner_outer()
{
	local fam=$1 dir

	tunnel_pair "$fam"
	tmpdir dir
	ping_ok "$A" 10.0.0.2
	ping_ok "$A" fd10::2
	ping_ok "$B" 10.0.0.1
	tcp_transfer "$A" "$B" 10.0.0.2 "$BULK" "$dir"
	tcp_transfer "$B" "$A" fd10::1 "$BULK" "$dir"
	# Both directions moved the transfers, and nothing was dropped.
	(($(stat "$B" stats.rx_bytes) > BULK))
	(($(stat "$A" stats.rx_bytes) > BULK))
	expect_eq "B drops" "$(ip -n "$B" -j -s link show shoal0 |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["dropped"])')" 0
}

ipv4_underlay()
{
	inner_outer 4
}

ipv6_underlay()
{
	inner_outer 6
}

three_hosts_bridge()
{
	local S H1 H2 H3 keys i j hosts

	netns_new S H1 H2 H3
	tmpdir keys
	hosts=("$H1" "$H2" "$H3")
	underlay_bridge 4 "$S" "${hosts[@]}"
	for i in 1 2 3
	do
		shoal_host "${hosts[i - 1]}" "$i" "$keys"
	done
	for i in 1 2 3
	do
		for j in 1 2 3
		do
			((i == j)) || shoal_peer "${hosts[i - 1]}" 4 "$j" "$keys"
		done
	done
	for i in 1 2 3
	do
		for j in 1 2 3
		do
			((i == j)) || ping_ok "${hosts[i - 1]}" "10.0.0.$j"
			((i == j)) || ping_ok "${hosts[i - 1]}" "fd10::$j" 1
		done
	done
	# Each host decrypted from both others.
	expect_eq "H3 peers heard" "$(stat "$H3" peers.0.stats.rx_packets |
		awk '$1 > 0')" "$(stat "$H3" peers.0.stats.rx_packets)"
	(($(stat "$H3" peers.1.stats.rx_packets) > 0))
}

# A datagram captured on the underlay, decrypted by selftests/wire.py with
# the sender's key, is the inner packet that was sent.
wire_format()
{
	local dir pid

	require_cmd tcpdump
	tunnel_pair 4
	tmpdir dir
	ip netns exec "$A" tcpdump -i veth0 -U -w "$dir/cap" -c 3 \
		"udp dst port 51821" 2>/dev/null &
	pid=$!
	defer kill "$pid"
	busywait 5000 test -s "$dir/cap"
	ip netns exec "$A" ping -q -c 3 -i 0.2 -p 5ca1ab1e -W 5 10.0.0.2 \
		>/dev/null
	wait "$pid"
	$WIRE decrypt --key-file "$KEYS/1" --port 51821 "$dir/cap" >"$dir/out"
	$PY - "$dir/out" <<-'PYEOF'
	import ipaddress, json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	assert len(lines) == 3, lines
	for d in lines:
	    pkt = bytes.fromhex(d["inner_hex"])
	    assert d["sender_id"] == 1 and d["key_id"] == 1, d
	    assert pkt[0] >> 4 == 4 and pkt[9] == 1, pkt.hex()
	    assert ipaddress.IPv4Address(pkt[12:16]) == ipaddress.IPv4Address("10.0.0.1")
	    assert ipaddress.IPv4Address(pkt[16:20]) == ipaddress.IPv4Address("10.0.0.2")
	    assert pkt[20] == 8 and b"\x5c\xa1\xab\x1e" * 4 in pkt[28:], pkt.hex()
	counters = [d["counter"] for d in lines]
	assert counters == sorted(counters) and len(set(counters)) == 3, counters
	assert len({d["epoch"] for d in lines}) == 1
	PYEOF
}

# The outer header carries the inner DSCP; ECN per RFC 6040: ECT copied,
# CE sent as ECT(0).
dscp_ecn()
{
	local dir pid out tos want

	require_cmd tcpdump
	tunnel_pair 4
	tmpdir dir
	for tos in 0xb8:0xb8 0xb9:0xb9 0x2a:0x2a 0x4b:0x4a
	do
		want=${tos#*:}
		tos=${tos%:*}
		ip netns exec "$A" tcpdump -i veth0 -nn -v -c 1 \
			"udp dst port 51821" >"$dir/out" 2>"$dir/err" &
		pid=$!
		defer kill "$pid"
		busywait 5000 grep -q listening "$dir/err"
		ip netns exec "$A" ping -q -c 1 -W 5 -Q "$tos" 10.0.0.2 >/dev/null
		timeout 10 tail --pid="$pid" -f /dev/null
		out=$(cat "$dir/out")
		expect_match "outer tos for inner $tos" "$out" "tos $want,"
	done
}

# forge KEYFILE SENDER KEYID EPOCH COUNTER PLAINHEX: a payload, as hex.
forge()
{
	$WIRE seal --key-file "$1" --sender-id "$2" --key-id "$3" \
		--epoch "$4" --counter "$5" "$6"
}

# expect_drop REASON CMD...: CMD makes B drop exactly one datagram, counted
# under REASON on the device (and the peer, when one is known).
expect_drop()
{
	local reason=$1 before after

	shift
	before=$(stat "$B" "stats.drop_$reason")
	"$@"
	busywait 5000 stat_gt "$B" "stats.drop_$reason" "$before"
	after=$(stat "$B" "stats.drop_$reason")
	expect_eq "drop_$reason" "$after" "$((before + 1))"
}

drop_reasons()
{
	local dir epoch plain payload pid total rx_dropped

	require_cmd tcpdump
	tunnel_pair 4
	tmpdir dir
	ip netns exec "$A" tcpdump -i veth0 -U -w "$dir/cap" -c 1 \
		"udp dst port 51821" 2>/dev/null &
	pid=$!
	defer kill "$pid"
	busywait 5000 test -s "$dir/cap"
	ping_ok "$A" 10.0.0.2 1
	wait "$pid"
	epoch=$(stat "$A" keys.0.epoch)
	plain=$($PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import wire
print(wire.ipv4("10.0.0.77", "10.0.0.2", 1, wire.icmp_echo(1, 1, b"x")).hex())' \
		"$SHOAL_TOP/selftests")
	ip netns exec "$A" shoal genkey >"$dir/wrong"

	expect_drop malformed send_payload "$A" 192.0.2.2 51821 0102030405
	expect_drop malformed send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 1 1 "$epoch" 1000 "" | sed 's/^11/21/')"
	expect_drop unknown_sender send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 77 1 "$epoch" 1000 "$plain")"
	expect_drop no_key send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 1 9 "$epoch" 1000 "$plain")"
	expect_drop auth send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$dir/wrong" 1 1 "$epoch" 1000 "$plain")"
	# An epoch older than the newest the receiver accepted from the sender.
	expect_drop epoch send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 1 1 $((epoch - (1 << 32))) 1000 "$plain")"
	# Authentic, but from a source address the sender may not use.
	expect_drop source send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 1 1 "$epoch" 1001 "$plain")"
	# The same datagram again: a replay, refused before decryption.
	expect_drop replay send_payload "$A" 192.0.2.2 51821 \
		"$(forge "$KEYS/1" 1 1 "$epoch" 1001 "$plain")"
	# And a real captured datagram, replayed.
	payload=$($PY -c '
import sys; sys.path.insert(0, sys.argv[1]); import wire
print(next(wire.udp_datagrams(open(sys.argv[2], "rb").read()))[-1].hex())' \
		"$SHOAL_TOP/selftests" "$dir/cap")
	expect_drop replay send_payload "$A" 192.0.2.2 51821 "$payload"

	# Per peer too, where the peer is known.
	expect_eq "peer drop_source" "$(stat "$B" peers.0.stats.drop_source)" 1
	expect_eq "peer drop_replay" "$(stat "$B" peers.0.stats.drop_replay)" 2
	# ip -s link agrees with the sum of the reasons.
	total=$(shoal_json "$B" shoal0 | $PY -c '
import json, sys
s = json.load(sys.stdin)[0]["stats"]
rx = ("malformed", "unknown_sender", "no_key", "epoch", "replay", "auth",
      "source")
print(sum(s["drop_" + r] for r in rx))')
	rx_dropped=$(ip -n "$B" -j -s link show shoal0 |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["dropped"])')
	expect_eq "rx dropped" "$rx_dropped" "$total"
	expect_eq "rx dropped count" "$total" 9
	# The tunnel still works.
	ping_ok "$A" 10.0.0.2 1
}

tx_dropped()
{
	ip -n "$1" -j -s link show shoal0 |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["dropped"])'
}

no_route()
{
	local out before tx_before

	tunnel_pair 4
	before=$(stat "$A" stats.drop_no_route)
	tx_before=$(tx_dropped "$A")
	out=$(ip netns exec "$A" ping -c 1 -W 2 10.0.0.99 2>&1 || true)
	expect_match "ping" "$out" "Unreachable"
	# At least this packet: IPv6 neighbour and MLD traffic has no peer either.
	stat_gt "$A" stats.drop_no_route "$before"
	(($(tx_dropped "$A") > tx_before))
	expect_eq "tx dropped = drops" "$(tx_dropped "$A")" \
		"$(stat "$A" stats.drop_no_route)"
}

# A new key is installed, then activated, then the old one removed, under
# a steady stream: not one packet is lost.
key_rotation()
{
	local out pid

	tunnel_pair 4
	ping_ok "$A" 10.0.0.2 1
	ip netns exec "$A" ping -c 100 -i 0.05 -W 5 10.0.0.2 >"$KEYS/ping" &
	pid=$!
	defer kill "$pid"
	ip netns exec "$A" shoal genkey >"$KEYS/1b"
	ip netns exec "$B" shoal peer set shoal0 id 1 rx-key 2 "$KEYS/1b"
	ip netns exec "$A" shoal key set shoal0 slot 1 id 2 - <"$KEYS/1b"
	busywait 5000 stat_gt "$A" stats.tx_packets 30
	ip netns exec "$A" shoal key activate shoal0 slot 1
	busywait 5000 stat_gt "$A" keys.1.packets 10
	ip netns exec "$A" shoal key del shoal0 slot 0
	ip netns exec "$B" shoal peer set shoal0 id 1 rx-key 1 remove
	wait "$pid"
	out=$(cat "$KEYS/ping")
	expect_match "no loss" "$out" " 0% packet loss"
	expect_eq "keys left" "$(stat "$A" keys.0.slot):$(stat "$A" keys.0.active)" "1:True"
	# Material is never shown.
	out=$(ip netns exec "$A" shoal -j show; ip netns exec "$B" shoal -j show)
	[[ $out != *"$(cat "$KEYS/1b")"* && -n $out ]]
}

# The receiver follows the sender to the address its datagrams come from.
roaming()
{
	tunnel_pair 4
	ip netns exec "$B" shoal peer set shoal0 id 1 endpoint 192.0.2.99:9
	ping_ok "$A" 10.0.0.2 1
	expect_eq endpoint "$(stat "$B" peers.0.endpoint)" "192.0.2.1:51820"
}

# A key reaching key-limit stops being used, and userspace hears of it.
key_exhaustion()
{
	local dir pid ev

	tunnel_pair 4
	tmpdir dir
	ip netns exec "$A" shoal set shoal0 key-limit 20
	ip netns exec "$A" shoal genkey >"$dir/k"
	ip netns exec "$B" shoal peer set shoal0 id 1 rx-key 3 "$dir/k"
	ip netns exec "$A" shoal key set shoal0 slot 1 id 3 "$dir/k"
	ip netns exec "$A" shoal key activate shoal0 slot 1
	ip netns exec "$A" $NL monitor --count 1 --timeout 30 >"$dir/ev" &
	pid=$!
	defer kill "$pid"
	busywait 5000 grep -q ready "$dir/ev"
	ip netns exec "$A" ping -q -c 30 -i 0.05 -W 1 10.0.0.2 >/dev/null || true
	wait "$pid"
	ev=$(tail -n 1 "$dir/ev")
	expect_match event "$ev" '"cmd": 10'
	expect_match event "$ev" '"ifname": "shoal0"'
	expect_eq exhausted "$(stat "$A" keys.1.exhausted)" True
	expect_eq packets "$(stat "$A" keys.1.packets)" 20
	expect_eq "B received" "$(stat "$B" peers.0.stats.rx_packets)" 20
	(($(stat "$A" stats.drop_no_key) >= 10))
}

replay_selftest()
{
	local mark="shoal selftest $$ $RANDOM"

	shoal_unload
	echo "$mark" >/dev/kmsg
	modprobe shoal selftest=1
	expect_match dmesg "$(dmesg | sed -n "/$mark/,\$p")" "replay self-tests: pass"
}

ktap_run ipv4_underlay ipv6_underlay three_hosts_bridge wire_format \
	dscp_ecn drop_reasons no_route key_rotation roaming key_exhaustion \
	replay_selftest
