#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The control plane of peers and keys: 10,000 peers loaded and dumped,
# dumps that stay consistent while peers change, and every refused request
# answered with an errno and a message, with nothing half-applied.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

readonly MANY=10000

# peer_ids NS: the sorted sender ids of a dump, one per line.
peer_ids()
{
	ip netns exec "$1" shoal -j peer show shoal0 |
		$PY -c 'import json,sys; print("\n".join(str(p["sender_id"]) for p in json.load(sys.stdin)))'
}

# peer_count NS: peers of shoal0, as the device reports them.
peer_count()
{
	shoal_json "$1" shoal0 |
		$PY -c 'import json,sys; print(len(json.load(sys.stdin)[0]["peers"]))'
}

many_peers()
{
	local A dir i

	netns_new A
	tmpdir dir
	ip -n "$A" link add shoal0 type shoal
	for ((i = 1; i <= MANY; i++))
	do
		echo "id $i endpoint 192.0.2.$((i % 250 + 1)):$((10000 + i)) allowed-ips 10.$((i >> 8)).$((i & 255)).0/24"
	done >"$dir/peers"
	ip netns exec "$A" shoal peer add shoal0 --file "$dir/peers"
	expect_eq "peers" "$(peer_count "$A")" "$MANY"
	peer_ids "$A" >"$dir/ids"
	expect_eq "dumped" "$(sort -n "$dir/ids" | uniq | wc -l)" "$MANY"
	expect_eq "first..last" "$(sort -n "$dir/ids" | sed -n '1p;$p' | paste -sd,)" "1,$MANY"
	# Routing picks the right one of 10,000 prefixes.
	expect_eq "one peer" "$(ip netns exec "$A" shoal -j peer show shoal0 id 4242 |
		$PY -c 'import json,sys; p=json.load(sys.stdin)[0]; print(p["allowed_ips"], p["endpoint"])')" \
		"['10.16.146.0/24'] 192.0.2.243:14242"
}

# send_from_peers NS ROUND IDS...: from NS, one authentic datagram from
# each sender id of IDS under key $KEYS/k, id 1, in an epoch of ROUND (a
# later round's is newer), an inner UDP packet from the first address of
# the sender's /24 of many_senders, to 192.0.2.1:51820.
send_from_peers()
{
	ip netns exec "$1" $PY -c '
import socket, struct, sys, time
sys.path.insert(0, sys.argv[1]); import wire
key = wire.load_key(sys.argv[2])
epoch = int(time.time()) << 32 | int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in map(int, sys.argv[4:]):
    inner = wire.ipv4("10.%d.%d.1" % (i >> 8, i & 255), "10.255.255.1", 17,
                      struct.pack(">HHHH", 9, 9, 8, 0))
    s.sendto(wire.seal(key, i, 1, epoch, 0, inner), ("192.0.2.1", 51820))
' "$SHOAL_TOP/selftests" "$KEYS/k" "${@:2}"
}

# rx_of_peers NS IDS...: the rx_packets of each of those peers, in order.
rx_of_peers()
{
	ip netns exec "$1" shoal -j peer show shoal0 | $PY -c '
import json, sys
rx = {p["sender_id"]: p["stats"]["rx_packets"] for p in json.load(sys.stdin)}
print(" ".join(str(rx.get(int(i), "gone")) for i in sys.argv[1:]))' "${@:2}"
}

# The data path finds each of 10,000 senders by its id, after the table of
# peers has grown from empty, and again after 9,000 are deleted (its
# shrinking is deferred, so the lookups may race it): every datagram from
# a peer counts on that peer, and those from deleted ones as unknown
# senders.
many_senders()
{
	local A B dir i some=() kept=() gone=() ones twos

	netns_new A B
	tmpdir KEYS
	tmpdir dir
	shoal genkey >"$KEYS/k"
	underlay_veth 4 "$A" "$B"
	ip -n "$A" link add shoal0 type shoal
	ip netns exec "$A" shoal set shoal0 port 51820 id 1
	ip -n "$A" link set shoal0 up
	for ((i = 2; i <= MANY + 1; i++))
	do
		echo "id $i allowed-ips 10.$((i >> 8)).$((i & 255)).0/24 rx-key 1 $KEYS/k"
	done >"$dir/peers"
	ip netns exec "$A" shoal peer add shoal0 --file "$dir/peers"
	for ((i = 2; i <= MANY + 1; i += 97))
	do
		some+=("$i")
	done
	send_from_peers "$B" 1 "${some[@]}"
	busywait 10000 eval '(($(stat "$A" stats.rx_packets) >= ${#some[@]}))' || true
	ones=$(printf '1 %.0s' "${some[@]}")
	expect_eq "each sender's datagrams on its peer" \
		"$(rx_of_peers "$A" "${some[@]}")" "${ones% }"
	expect_eq "received" "$(stat "$A" stats.rx_packets)" "${#some[@]}"

	# Down to the last 1,000.
	for ((i = 2; i <= MANY + 1 - 1000; i++))
	do
		echo "peer del shoal0 id $i"
	done >"$dir/del"
	ip netns exec "$A" shoal -b "$dir/del"
	expect_eq "peers left" "$(peer_count "$A")" 1000
	for i in "${some[@]}"
	do
		if ((i > MANY + 1 - 1000))
		then
			kept+=("$i")
		else
			gone+=("$i")
		fi
	done
	send_from_peers "$B" 2 "${kept[@]}" "${gone[@]}"
	busywait 10000 eval '(($(stat "$A" stats.rx_packets) +
		$(stat "$A" stats.drop_unknown_sender) >= ${#some[@]} + ${#kept[@]} + ${#gone[@]}))' ||
		true
	twos=$(printf '2 %.0s' "${kept[@]}")
	expect_eq "kept senders" "$(rx_of_peers "$A" "${kept[@]}")" "${twos% }"
	expect_eq "deleted senders" "$(stat "$A" stats.drop_unknown_sender)" \
		"${#gone[@]}"
	echo "# ${#some[@]} senders of $MANY found, then ${#kept[@]} of 1000" \
		"and ${#gone[@]} deleted"
}

# A peer with more prefixes than one dump message holds (1,200 IPv6
# prefixes: 48 KB of attributes, where a dump message takes at most 32 KB)
# is read back whole by a get and by a dump, and the dump goes on to the
# peers after it.
many_prefixes()
{
	local A ips

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	ips=$(for ((i = 0; i < 1200; i++)); do printf 'fd00:%x::/64,' "$i"; done)
	ip netns exec "$A" shoal peer add shoal0 id 2 allowed-ips "${ips%,}"
	ip netns exec "$A" shoal peer add shoal0 id 3 allowed-ips 10.0.0.3/32
	ip netns exec "$A" shoal peer add shoal0 id 4 allowed-ips 10.0.0.4/32
	expect_eq "get" "$(ip netns exec "$A" shoal -j peer show shoal0 id 2 |
		$PY -c 'import json,sys; p=json.load(sys.stdin)[0]; a=p["allowed_ips"]; print(len(a), len(set(a)), a[0], a[-1])')" \
		"1200 1200 fd00::/64 fd00:4af::/64"
	expect_eq "dump" "$(shoal_json "$A" shoal0 |
		$PY -c 'import json,sys; print(" ".join("%d:%d:%d:%s:%s" % (p["sender_id"], len(p["allowed_ips"]), len(set(p["allowed_ips"])), p["allowed_ips"][0], p["allowed_ips"][-1]) for p in json.load(sys.stdin)[0]["peers"]))')" \
		"2:1200:1200:fd00::/64:fd00:4af::/64 3:1:1:10.0.0.3/32:10.0.0.3/32 4:1:1:10.0.0.4/32:10.0.0.4/32"
	# What the tool does underneath: a get reply is one message of at
	# most 32 KiB, which 1,200 prefixes outgrow, so the peer is read by a
	# dump of it alone, in as many messages as it takes. PEER_GET is
	# command 6; the device's name is attribute 2, the sender id 3.
	expect_eq "raw get" "$(ip netns exec "$A" $NL genl 6 \
		--attr 2:str:shoal0 --attr 3:u32:2 || true)" \
		"ERR EMSGSIZE The peer does not fit one message: dump it by its sender id"
	expect_eq "raw dump, unknown id" "$(ip netns exec "$A" $NL genl 6 --dump \
		--attr 2:str:shoal0 --attr 3:u32:99 || true)" \
		"ERR ENOENT No peer with this sender id"
	expect_eq "raw dump by id" "$(ip netns exec "$A" $PY - "$SHOAL_TOP/selftests" <<-'PYEOF'
		import struct, sys
		sys.path.insert(0, sys.argv[1])
		import nl
		link = nl.Netlink(nl.NETLINK_GENERIC)
		body = struct.pack("=BBH", 6, 1, 0) + nl.nla(2, b"shoal0\0") + \
		    nl.nla(3, struct.pack("=I", 2))
		msgs = [nl.parse_attrs(m[4:]) for m in
		        link.request(nl.genl_family_id(link, "shoal"), nl.NLM_F_DUMP, body)]
		print(len(msgs) > 1, sorted({struct.unpack("=I", m[3])[0] for m in msgs}),
		      sum(len(nl.parse_attrs(m.get(7, b""))) for m in msgs))
		PYEOF
	)" "True [2] 1200"
}

# A group of 5,000 members, more than a get reply holds: the tool reads
# it whole (a dump of it alone), a raw get says to do so. And a request
# just over 64 KiB.
big_group()
{
	local A dir i

	netns_new A
	tmpdir dir
	ip -n "$A" link add shoal0 type shoal
	for ((i = 1; i <= 8185; i++))
	do
		echo "id $i"
	done >"$dir/peers"
	seq 1 5000 >"$dir/ids"
	ip netns exec "$A" shoal peer add shoal0 --file "$dir/peers"
	ip netns exec "$A" shoal group add shoal0 id 7 prefix 239.1.0.0/16 \
		members-file "$dir/ids"
	ip netns exec "$A" shoal group add shoal0 id 8 broadcast members 1
	# 8,184 members make a request of 65,516 bytes, past the 65,504 a
	# netlink socket's default send buffer takes.
	seq 2 8185 >"$dir/ids"
	ip netns exec "$A" shoal group member add shoal0 id 8 \
		members-file "$dir/ids"
	expect_eq "member add of 8,184" "$(ip netns exec "$A" shoal -j group show shoal0 id 8 |
		json_at member_count)" 8185
	expect_eq "group show" "$(ip netns exec "$A" shoal -j group show shoal0 id 7 |
		$PY -c 'import json,sys; g=json.load(sys.stdin); m=g[0]["members"]; print(len(g), g[0]["member_count"], len(m), len(set(m)), min(m), max(m))')" \
		"1 5000 5000 5000 1 5000"
	# GROUP_GET is command 13; the device's name is attribute 2, the
	# group's id 3.
	expect_eq "raw get" "$(ip netns exec "$A" $NL genl 13 \
		--attr 2:str:shoal0 --attr 3:u32:7 || true)" \
		"ERR EMSGSIZE The group does not fit one message: dump it by its id"
	expect_fail ip netns exec "$A" shoal group show shoal0 id 9
}

# Dumps made while another process adds and deletes peers are each a
# consistent snapshot: every stable peer exactly once.
dump_consistency()
{
	local A dir i pid

	netns_new A
	tmpdir dir
	ip -n "$A" link add shoal0 type shoal
	for ((i = 1; i <= 3000; i++))
	do
		echo "id $i allowed-ips 10.1.$((i >> 8)).$((i & 255))/32"
	done >"$dir/peers"
	ip netns exec "$A" shoal peer add shoal0 --file "$dir/peers"
	# Peer 1 comes and goes until the dumps are done (not for a count of
	# rounds: on the debug kernel 300 rounds outlasted the dumps by half
	# an hour).
	(
		while [[ ! -e $dir/stop ]]
		do
			ip netns exec "$A" shoal peer del shoal0 id 1 || exit 1
			ip netns exec "$A" shoal peer add shoal0 id 1 || exit 1
			echo >>"$dir/rounds"
		done
	) &
	pid=$!
	defer kill "$pid"
	busywait 60000 test -s "$dir/rounds"
	for i in 1 2 3 4 5
	do
		peer_ids "$A" | sort -n >"$dir/ids.$i"
		expect_eq "duplicates in dump $i" "$(uniq -d "$dir/ids.$i" | wc -l)" 0
		expect_eq "stable peers in dump $i" \
			"$(grep -cvx 1 "$dir/ids.$i")" 2999
	done
	touch "$dir/stop"
	wait "$pid"
	echo "peer 1 deleted and added $(wc -l <"$dir/rounds") times"
}

# A dump whose device is deleted, and another of that name (or that
# ifindex) made with the same peers and groups, between two parts of the
# dump, ends with ENODEV: it does not go on with the new device's objects
# as if they were the old one's (both have the same generation counts, so
# the dump would not even be flagged as interrupted).
dump_replaced()
{
	local A dir i cmd by out

	netns_new A
	tmpdir dir
	for ((i = 1; i <= 2000; i++))
	do
		echo "id $i allowed-ips 10.1.$((i >> 8)).$((i & 255))/32"
	done >"$dir/peers"
	seq 1 2000 >"$dir/ids"
	{
		echo "ip -n $A link del shoal0 2>/dev/null || true"
		echo "ip -n $A link add shoal0 index 4242 type shoal"
		echo "ip netns exec $A shoal peer add shoal0 --file $dir/peers"
		for ((i = 1; i <= 20; i++))
		do
			echo "ip netns exec $A shoal group add shoal0 id $i prefix 239.1.$i.0/24 members-file $dir/ids"
		done
	} >"$dir/replace"
	bash -e "$dir/replace"
	# 2,000 peers, and 20 groups of 2,000 members, take many parts each:
	# the device is replaced after the first (the second is made while
	# the first is read). PEER_GET is command 6, GROUP_GET 13; either
	# names the device by attribute 1 (ifindex) or 2 (name).
	for cmd in 6:2 13:2 6:1
	do
		by=${cmd#*:}
		cmd=${cmd%:*}
		out=$(ip netns exec "$A" $PY - "$SHOAL_TOP/selftests" "$cmd" \
			"$dir/replace" "$by" <<-'PYEOF'
			import struct, subprocess, sys
			sys.path.insert(0, sys.argv[1])
			import nl
			n = nl.Netlink(nl.NETLINK_GENERIC)
			fam = nl.genl_family_id(n, "shoal")
			dev = b"shoal0\0" if sys.argv[4] == "2" else struct.pack("=I", 4242)
			req = struct.pack("=BBH", int(sys.argv[2]), 1, 0) + \
			    nl.nla(int(sys.argv[4]), dev)
			n.sock.send(struct.pack("=IHHII", 16 + len(req), fam,
			                        nl.NLM_F_REQUEST | nl.NLM_F_DUMP, 1, 0) + req)
			parts = msgs = 0
			while True:
			    data = n.sock.recv(1 << 20)
			    parts += 1
			    if parts == 1:
			        subprocess.run(["bash", "-e", sys.argv[3]], check=True)
			    while len(data) >= 16:
			        length, rtype, rflags, _, _ = struct.unpack_from("=IHHII", data)
			        body, data = data[16:length], data[(length + 3) & ~3:]
			        if rtype == nl.NLMSG_DONE:
			            err = -struct.unpack_from("=i", body)[0]
			            print("parts", parts, "messages", msgs, "error", err,
			                  nl.extack_msg(rtype, rflags, body))
			            sys.exit(0)
			        msgs += 1
			PYEOF
		)
		echo "# command $cmd, attribute $by: $out"
		expect_match "dump $cmd by $by" "$out" \
			"error 19 The device was replaced during the dump$"
	done
}

# tool_err NS WANT CMD...: the tool fails with exit 1 and the kernel's
# message matching WANT.
tool_err()
{
	local ns=$1 want=$2 rc=0 err

	shift 2
	err=$(ip netns exec "$ns" shoal "$@" 2>&1 >/dev/null) || rc=$?
	expect_eq "exit of shoal $*" "$rc" 1
	expect_match "message of shoal $*" "$err" "$want"
}

peer_errors()
{
	local A dir

	netns_new A
	tmpdir dir
	ip -n "$A" link add shoal0 type shoal
	ip netns exec "$A" shoal genkey >"$dir/k"
	ip netns exec "$A" shoal peer add shoal0 id 5 allowed-ips 10.0.0.5/32
	tool_err "$A" "exists" peer add shoal0 id 5
	tool_err "$A" "No peer with this sender id" peer set shoal0 id 6 keepalive 5
	tool_err "$A" "No peer with this sender id" peer del shoal0 id 6
	tool_err "$A" "No such device" peer add nosuch id 7
	tool_err "$A" "no receive key with this id" peer set shoal0 id 5 rx-key 3 remove
	ip netns exec "$A" shoal peer set shoal0 id 5 rx-key 1 "$dir/k" \
		rx-key 2 "$dir/k" rx-key 3 "$dir/k" rx-key 4 "$dir/k"
	tool_err "$A" "all its receive keys" peer set shoal0 id 5 rx-key 9 "$dir/k"
	# A refused request changes nothing: the keys are as they were.
	expect_eq "rx keys" "$(ip netns exec "$A" shoal -j peer show shoal0 id 5 |
		json_at rx_keys)" "[1, 2, 3, 4]"
	tool_err "$A" "no pairwise key" peer set shoal0 id 5 tx-key 4 remove
}

key_errors()
{
	local A dir

	netns_new A
	tmpdir dir
	ip -n "$A" link add shoal0 type shoal
	ip netns exec "$A" shoal genkey >"$dir/k"
	tool_err "$A" "slot is empty" key activate shoal0 slot 1
	tool_err "$A" "slot is empty" key del shoal0 slot 0
	ip netns exec "$A" shoal key set shoal0 slot 0 id 1 "$dir/k"
	ip netns exec "$A" shoal key activate shoal0 slot 0
	tool_err "$A" "slot is active" key set shoal0 slot 0 id 2 "$dir/k"
	tool_err "$A" "other slot has a key with this id" \
		key set shoal0 slot 1 id 1 "$dir/k"
	expect_eq "one key" "$(shoal_json "$A" shoal0 |
		$PY -c 'import json,sys; print(len(json.load(sys.stdin)[0]["keys"]))')" 1
}

# Keys written inline in a peer file, receive and pairwise transmit keys,
# carry a tunnel as keys from files do; a wrong one decrypts nothing.
inline_keys()
{
	local err

	netns_new A B
	tmpdir KEYS
	underlay_veth 4 "$A" "$B"
	shoal_host "$A" 1 "$KEYS"
	shoal_host "$B" 2 "$KEYS"
	ip netns exec "$A" shoal genkey >"$KEYS/pair"
	ip netns exec "$A" shoal genkey >"$KEYS/wrong"
	# A's whole peer configuration in one file, readable by root alone:
	# B with the receive key in file $1 and the pairwise transmit key,
	# both inline.
	peer_file()
	{
		(umask 077 &&
		 printf 'id 2 endpoint %s allowed-ips 10.0.0.2/32 rx-key 1 inline %s tx-key 9 inline %s\n' \
			"$(endpoint 4 2)" "$(<"$1")" "$(<"$KEYS/pair")" >"$KEYS/peers")
	}
	peer_file "$KEYS/2"
	err=$(ip netns exec "$A" shoal peer add shoal0 --file "$KEYS/peers" 2>&1)
	expect_eq "no warning" "$err" ""
	# B takes A's datagrams under the pairwise key only: A's transmit
	# key from the file is in use.
	ip netns exec "$B" shoal peer add shoal0 id 1 endpoint "$(endpoint 4 1)" \
		allowed-ips 10.0.0.1/32 rx-key 1 "$KEYS/1" rx-key 9 "$KEYS/pair" pairwise
	ip netns exec "$A" ping -q -c 3 -i 0.2 -W 5 10.0.0.2 >/dev/null
	expect_eq "A's packets decrypted by B" "$(stat "$B" peers.0.stats.rx_packets)" 3
	expect_eq "B's replies decrypted by A" "$(stat "$A" peers.0.stats.rx_packets)" 3
	expect_eq "B's drops" "$(stat "$B" stats.drop_not_pairwise)" 0

	# The wrong receive key, inline: B's datagrams fail authentication.
	ip netns exec "$A" shoal peer del shoal0 id 2
	peer_file "$KEYS/wrong"
	ip netns exec "$A" shoal peer add shoal0 --file "$KEYS/peers"
	expect_fail ip netns exec "$B" ping -q -c 2 -i 0.2 -W 1 10.0.0.1 >/dev/null
	expect_eq "A's auth drops" "$(stat "$A" stats.drop_auth)" 2
	expect_eq "A's peer" "$(stat "$A" peers.0.stats.rx_packets)" 0
}

# Requests the tool would not build, through a raw client: each refused
# with EINVAL (or the errno named) and a message, nothing created.
raw_errors()
{
	local A

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	raw_peer()
	{
		ip netns exec "$A" $PY - "$SHOAL_TOP/selftests" "$@" <<-'PYEOF'
		import socket, struct, sys
		sys.path.insert(0, sys.argv[1])
		import nl
		def prefix(fam, addr, cidr):
		    return (nl.nla(1, struct.pack("=H", fam)) + nl.nla(2, addr) +
		            nl.nla(3, struct.pack("=B", cidr)))
		cases = {
		    "hostbits": nl.nla(7 | nl.NLA_F_NESTED, nl.nla(1 | nl.NLA_F_NESTED,
		        prefix(2, bytes([10, 0, 0, 1]), 24))),
		    "family": nl.nla(7 | nl.NLA_F_NESTED, nl.nla(1 | nl.NLA_F_NESTED,
		        prefix(99, bytes(4), 8))),
		    "addrlen": nl.nla(7 | nl.NLA_F_NESTED, nl.nla(1 | nl.NLA_F_NESTED,
		        prefix(10, bytes(4), 8))),
		    "v4cidr": nl.nla(7 | nl.NLA_F_NESTED, nl.nla(1 | nl.NLA_F_NESTED,
		        prefix(2, bytes(4), 33))),
		    "keylen": nl.nla(8 | nl.NLA_F_NESTED, nl.nla(1 | nl.NLA_F_NESTED,
		        nl.nla(2, b"\x01") + nl.nla(3, bytes(31)))),
		    "portonly": nl.nla(6, struct.pack("=H", 5)),
		    "twice": nl.nla(4, bytes(4)) + nl.nla(5, bytes(16)) +
		        nl.nla(6, struct.pack("=H", 5)),
		}
		link = nl.Netlink(nl.NETLINK_GENERIC)
		fam = nl.genl_family_id(link, "shoal")
		body = struct.pack("=BBH", 3, 1, 0) + nl.nla(2, b"shoal0\0") + \
		    nl.nla(3, struct.pack("=I", 9)) + cases[sys.argv[2]]
		try:
		    link.request(fam, 0, body)
		    print("accepted")
		except nl.NetlinkError as e:
		    print(nl.errno.errorcode.get(e.err), e.msg)
		PYEOF
	}
	expect_match hostbits "$(raw_peer hostbits)" "^EINVAL .*bits set past"
	expect_match family "$(raw_peer family)" "^EAFNOSUPPORT .*AF_INET"
	expect_match addrlen "$(raw_peer addrlen)" "^EINVAL .*length does not match"
	expect_match v4cidr "$(raw_peer v4cidr)" "^EINVAL .*too long"
	expect_match keylen "$(raw_peer keylen)" "^ERANGE .*size"
	expect_match portonly "$(raw_peer portonly)" "^EINVAL .*needs an address"
	expect_match twice "$(raw_peer twice)" "^EINVAL .*not both"
	expect_eq "nothing created" "$(peer_count "$A")" 0
}

ktap_run many_peers many_senders many_prefixes big_group dump_consistency dump_replaced peer_errors key_errors inline_keys \
	raw_errors
