#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Helpers for tests that build encrypted tunnels between namespaces: hosts
# on an underlay (one veth, or a bridge), each with a shoal device, its own
# transmit key, and the other hosts as peers.

readonly WIRE="$PY $SHOAL_TOP/selftests/wire.py"

# tmpdir VAR: a directory removed when the case ends.
tmpdir()
{
	local d

	d=$(mktemp -d)
	defer rm -rf "$d"
	printf -v "$1" '%s' "$d"
}

# underlay_addr FAMILY N: the underlay address of host N (1-based).
underlay_addr()
{
	if [[ $1 == 4 ]]
	then
		echo "192.0.2.$2"
	else
		echo "2001:db8::$2"
	fi
}

# endpoint FAMILY N: ADDR:PORT of host N's shoal device, as the tool takes it.
endpoint()
{
	if [[ $1 == 4 ]]
	then
		echo "$(underlay_addr 4 "$2"):$((51819 + $2))"
	else
		echo "[$(underlay_addr 6 "$2")]:$((51819 + $2))"
	fi
}

# underlay_veth FAMILY NS1 NS2: one veth between two hosts.
underlay_veth()
{
	ip link add veth0 netns "$2" type veth peer veth0 netns "$3"
	underlay_up "$1" "$2" 1
	underlay_up "$1" "$3" 2
}

# underlay_bridge FAMILY SWITCH NS...: each host on a bridge in SWITCH.
underlay_bridge()
{
	local fam=$1 sw=$2 n=0 ns

	shift 2
	ip -n "$sw" link add br0 type bridge
	ip -n "$sw" link set br0 up
	for ns in "$@"
	do
		n=$((n + 1))
		ip link add veth0 netns "$ns" type veth peer "port$n" netns "$sw"
		ip -n "$sw" link set "port$n" master br0 up
		underlay_up "$fam" "$ns" "$n"
	done
}

# underlay_up FAMILY NS N: address host N's veth0 and bring it up.
underlay_up()
{
	if [[ $1 == 4 ]]
	then
		ip -n "$2" addr add "$(underlay_addr 4 "$3")/24" dev veth0
	else
		ip -n "$2" addr add "$(underlay_addr 6 "$3")/64" dev veth0 nodad
	fi
	ip -n "$2" link set veth0 up
}

# shoal_host NS N KEYDIR: shoal0 of host N: port 51819+N, sender id N,
# inner addresses 10.0.0.N/24 and fd10::N/64, transmit key KEYDIR/N; the
# cipher SHOAL_CIPHER names, if set.
shoal_host()
{
	local ns=$1 n=$2 dir=$3

	ip netns exec "$ns" shoal genkey >"$dir/$n"
	ip -n "$ns" link add shoal0 type shoal
	ip netns exec "$ns" shoal set shoal0 port $((51819 + n)) id "$n" \
		${SHOAL_CIPHER:+cipher "$SHOAL_CIPHER"}
	ip netns exec "$ns" shoal key set shoal0 slot 0 id 1 "$dir/$n"
	ip netns exec "$ns" shoal key activate shoal0 slot 0
	ip -n "$ns" addr add "10.0.0.$n/24" dev shoal0
	ip -n "$ns" addr add "fd10::$n/64" dev shoal0 nodad
	ip -n "$ns" link set shoal0 up
}

# shoal_peer NS FAMILY M KEYDIR: host M as a peer of the host in NS.
shoal_peer()
{
	ip netns exec "$1" shoal peer add shoal0 id "$3" \
		endpoint "$(endpoint "$2" "$3")" \
		allowed-ips "10.0.0.$3/32,fd10::$3/128" rx-key 1 "$4/$3"
}

# tunnel_pair FAMILY: hosts A (1) and B (2) over one veth, keys in $KEYS.
tunnel_pair()
{
	netns_new A B
	tmpdir KEYS
	underlay_veth "$1" "$A" "$B"
	shoal_host "$A" 1 "$KEYS"
	shoal_host "$B" 2 "$KEYS"
	shoal_peer "$A" "$1" 2 "$KEYS"
	shoal_peer "$B" "$1" 1 "$KEYS"
}

# stat NS PATH: one value of `shoal -j show shoal0`, e.g. stats.rx_packets
# or peers.0.stats.drop_replay.
stat()
{
	shoal_json "$1" shoal0 | json_at "$2"
}

# stat_gt NS PATH N: is the value at PATH over N? For busywait.
stat_gt()
{
	(($(stat "$1" "$2") > $3))
}

# tcp_transfer NSFROM NSTO DST BYTES DIR: send BYTES random bytes over TCP
# to DST (an address in NSTO) and check they arrive intact. With TCP_CPU
# set, both ends run on that CPU.
tcp_transfer()
{
	local from=$1 to=$2 dst=$3 bytes=$4 dir=$5 pid sum_in sum_out
	local proto=TCP4 target=$dst pin=()

	if [[ $dst == *:* ]]
	then
		proto=TCP6
		target="[$dst]"
	fi
	[[ -z ${TCP_CPU:-} ]] || pin=(taskset -c "$TCP_CPU")
	head -c "$bytes" /dev/urandom >"$dir/in"
	ip netns exec "$to" "${pin[@]}" socat -u "$proto-LISTEN:5001,reuseaddr" \
		"OPEN:$dir/out,creat,trunc" &
	pid=$!
	defer kill "$pid"
	busywait 5000 tcp_listening "$to" 5001
	ip netns exec "$from" "${pin[@]}" timeout "$(scaled 300)" socat -u "OPEN:$dir/in" \
		"$proto:$target:5001"
	timeout "$(scaled 60)" tail --pid="$pid" -f /dev/null
	sum_in=$(sha256sum <"$dir/in")
	sum_out=$(sha256sum <"$dir/out")
	expect_eq "sha256 of $bytes bytes" "$sum_out" "$sum_in"
}

# tcp_ext NS NAME: a TcpExt counter of the namespace (/proc/net/netstat).
tcp_ext()
{
	ip netns exec "$1" awk -v name="$2" '
		$1 == "TcpExt:" && !n { n = split($0, keys); next }
		$1 == "TcpExt:" { split($0, vals); for (i = 2; i <= n; i++)
			if (keys[i] == name) print vals[i] }' /proc/net/netstat
}

tcp_listening()
{
	[[ -n "$(ip netns exec "$1" ss -Hltn "sport = :$2")" ]]
}

# send_payload NS DST PORT HEX: one UDP datagram from NS.
send_payload()
{
	ip netns exec "$1" $PY -c '
import socket, sys
dst, port, hexdata = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(hexdata), (dst, port))' "$2" "$3" "$4"
}
