#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The shoal device: module loading, creation and deletion, device
# properties, UDP ports, netns moves and deletions, unloading with devices.

source "$(dirname "$0")/lib.sh"

module_load()
{
	shoal_unload
	modprobe shoal
	is_loaded
	# Installed the way a host installs it.
	expect_match "module path" "$(modinfo -n shoal)" "/updates/"
	modprobe -r shoal
	expect_fail is_loaded
}

link_autoload()
{
	local A

	shoal_unload
	netns_new A
	ip -n "$A" link add shoal0 type shoal
	is_loaded
	expect_eq kind "$(ip -n "$A" -j -d link show shoal0 |
		json_at linkinfo.info_kind)" shoal
}

genl_autoload()
{
	local A

	shoal_unload
	netns_new A
	# The tool resolves the generic netlink family, whose alias loads it.
	expect_eq "empty dump" "$(shoal_json "$A")" "[]"
	is_loaded
}

device_properties()
{
	local A j

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	j=$(ip -n "$A" -j -d link show shoal0)
	$PY - "$j" <<-'PYEOF'
	import json, sys
	link = json.loads(sys.argv[1])[0]
	assert link["link_type"] == "none", link
	assert "POINTOPOINT" in link["flags"] and "NOARP" in link["flags"], link
	assert link["mtu"] == 1412 and link["min_mtu"] == 68, link
	assert link["max_mtu"] == 65467, link
	assert "address" not in link or not link["address"], link
	PYEOF
	ip -n "$A" addr add 10.99.0.1/24 dev shoal0
	ip -n "$A" addr add fd99::1/64 dev shoal0 nodad
	ip -n "$A" link set shoal0 up
	# No peer yet: the packet is dropped, counted, and answered with an
	# ICMP unreachable, which ping reports as a failure at once.
	expect_fail ip netns exec "$A" ping -c 1 -W 5 10.99.0.2
	expect_fail ip netns exec "$A" ping -6 -c 1 -W 5 fd99::2
	expect_match "tx dropped" "$(ip -n "$A" -j -s link show shoal0 |
		json_at stats64.tx.dropped)" '^[2-9]|^[1-9][0-9]'
}

mtu_bounds()
{
	local A

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	expect_fail ip -n "$A" link set shoal0 mtu 67
	ip -n "$A" link set shoal0 mtu 68
	ip -n "$A" link set shoal0 mtu 65467
	expect_fail ip -n "$A" link set shoal0 mtu 65468
	expect_eq mtu "$(ip netns exec "$A" cat /sys/class/net/shoal0/mtu)" 65467
}

many_devices()
{
	local A i

	netns_new A
	for i in $(seq 100)
	do
		ip -n "$A" link add "shoal$i" type shoal
	done
	# 100 devices, 100 distinct ports, each bound for IPv4 and IPv6.
	shoal_json "$A" | $PY -c '
import json, sys
devs = json.load(sys.stdin)
ports = {d["port"] for d in devs}
assert len(devs) == 100 and len(ports) == 100 and 0 not in ports, devs'
	expect_eq "v4 sockets" "$(ip netns exec "$A" ss -Hlun4 | wc -l)" 100
	expect_eq "v6 sockets" "$(ip netns exec "$A" ss -Hlun6 | wc -l)" 100
	for i in $(seq 100)
	do
		ip -n "$A" link del "shoal$i"
	done
	expect_eq "after delete" "$(shoal_json "$A")" "[]"
	expect_eq "sockets left" "$(ip netns exec "$A" ss -Hlun | wc -l)" 0
}

port_at_creation()
{
	local A

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40000 --id 7
	expect_eq port "$(shoal_field "$A" shoal0 port)" 40000
	expect_eq id "$(shoal_field "$A" shoal0 sender_id)" 7
	udp_bound "$A" 40000 4
	udp_bound "$A" 40000 6
}

port_conflict()
{
	local A out

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40000
	out=$(ip netns exec "$A" $NL link-add shoal1 --port 40000 || true)
	expect_eq "second device" "$out" "ERR EADDRINUSE UDP port is already in use"
	expect_fail ip -n "$A" link show shoal1

	# A port held by an ordinary socket is just as taken.
	ip netns exec "$A" $PY -c 'import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 40002)); time.sleep(60)' &
	defer kill $!
	busywait 5000 udp_bound "$A" 40002 6
	out=$(ip netns exec "$A" $NL link-add shoal2 --port 40002 || true)
	expect_eq "taken by an app" "$out" "ERR EADDRINUSE UDP port is already in use"
	expect_fail udp_bound "$A" 40002 4

	# Through the tool: the error and its message, the old port kept.
	ip -n "$A" link add shoal3 type shoal
	ip netns exec "$A" shoal set shoal3 port 40000 id 3 2>"$TMPDIR/err" && false
	expect_match "tool message" "$(cat "$TMPDIR/err")" "Address already in use.*UDP port is already in use"
	expect_fail test "$(shoal_field "$A" shoal3 port)" = 40000
	expect_eq "id not applied" "$(shoal_field "$A" shoal3 sender_id)" 0
}

port_zero()
{
	local A port

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 0
	port=$(shoal_field "$A" shoal0 port)
	expect_fail test "$port" = 0
	udp_bound "$A" "$port" 4
	udp_bound "$A" "$port" 6
	ip netns exec "$A" shoal set shoal0 port 0
	port=$(shoal_field "$A" shoal0 port)
	expect_fail test "$port" = 0
	udp_bound "$A" "$port" 4
	expect_eq "sockets" "$(ip netns exec "$A" ss -Hlun | wc -l)" 2
}

set_port_and_id()
{
	local A

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40000
	ip netns exec "$A" shoal set shoal0 port 40001 id 9
	expect_eq port "$(shoal_field "$A" shoal0 port)" 40001
	expect_eq id "$(shoal_field "$A" shoal0 sender_id)" 9
	udp_bound "$A" 40001 4
	udp_bound "$A" 40001 6
	expect_fail udp_bound "$A" 40000 4
	expect_fail udp_bound "$A" 40000 6
}

netns_move()
{
	local A B

	netns_new A B
	ip netns exec "$A" $NL link-add shoal0 --port 40010
	ip -n "$A" link set shoal0 netns "$B"
	expect_eq "port in B" "$(shoal_field "$B" shoal0 port)" 40010
	# The sockets stay where the device was created.
	udp_bound "$A" 40010 4
	udp_bound "$A" 40010 6
	expect_fail udp_bound "$B" 40010 4
	# Rebinding from B binds in A again.
	ip netns exec "$B" shoal set shoal0 port 40011
	udp_bound "$A" 40011 4
	expect_fail udp_bound "$A" 40010 4
	expect_fail udp_bound "$B" 40011 4
}

netns_delete_device_ns()
{
	local A B

	netns_new A B
	ip netns exec "$A" $NL link-add shoal0 --port 40020
	ip -n "$A" link set shoal0 netns "$B"
	ip netns del "$B"
	# The device dies with B, and its port in A is freed.
	busywait 10000 eval '! udp_bound "$A" 40020 4'
	ip netns exec "$A" $NL link-add shoal1 --port 40020
}

netns_delete_creating_ns()
{
	local A B out i

	netns_new A B
	ip netns exec "$A" $NL link-add shoal0 --port 40030
	ip -n "$A" link set shoal0 netns "$B"
	# More devices of A, in B and in A: their sockets close together.
	for i in $(seq 16)
	do
		ip -n "$A" link add "shoal$i" type shoal
	done
	for i in $(seq 8)
	do
		ip -n "$A" link set "shoal$i" netns "$B"
	done
	ip netns del "$A"
	# The devices stay in B, without sockets.
	busywait 10000 eval 'test "$(shoal_field "$B" shoal0 port)" = 0'
	shoal_json "$B" | $PY -c '
import json, sys
devs = json.load(sys.stdin)
assert len(devs) == 9 and {d["port"] for d in devs} == {0}, devs'
	expect_eq "sockets in B" "$(ip netns exec "$B" ss -Hlun | wc -l)" 0
	out=$(ip netns exec "$B" $NL genl 2 --attr 2:str:shoal0 --attr 3:u16:40031 || true)
	expect_eq "rebind" "$out" "ERR ENETUNREACH The netns this device was created in is gone"
	ip -n "$B" link del shoal0
}

rmmod_with_devices()
{
	local A B C i

	netns_new A B C
	for i in 1 2 3
	do
		ip netns exec "$A" $NL link-add "shoal$i" --port $((40040 + i))
		ip -n "$A" addr add "10.98.$i.1/24" dev "shoal$i"
		ip -n "$A" link set "shoal$i" up
	done
	ip -n "$B" link add shoal0 type shoal
	ip -n "$A" link set shoal3 netns "$C"
	modprobe -r shoal
	expect_fail is_loaded
	expect_fail udp_bound "$A" 40041 4
	expect_fail udp_bound "$A" 40043 6
	expect_fail ip -n "$C" link show shoal3
	modprobe shoal
}

TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT

ktap_run module_load link_autoload genl_autoload device_properties \
	mtu_bounds many_devices port_at_creation port_conflict port_zero \
	set_port_and_id netns_move netns_delete_device_ns \
	netns_delete_creating_ns rmmod_with_devices
