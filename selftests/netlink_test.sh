#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The generic netlink family and the tool: the API agrees with its spec,
# the tool's output agrees with the kernel and with ip(8), permissions hold,
# and malformed requests are refused with an errno and a message.

source "$(dirname "$0")/lib.sh"

uapi_matches_spec()
{
	$PY "$SHOAL_TOP/selftests/uapi_check.py" "$SHOAL_TOP"
}

json_agrees_with_ip()
{
	local A

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	ip netns exec "$A" $NL link-add shoal1 --port 40100 --id 11
	ip -n "$A" link add shoal2 type shoal
	ip -n "$A" link add dummy0 type dummy
	$PY - "$(shoal_json "$A")" "$(ip -n "$A" -j -d link show)" \
		"$(ip netns exec "$A" $NL genl 1 --dump)" <<-'PYEOF'
	import json, sys
	tool = json.loads(sys.argv[1])
	links = [l for l in json.loads(sys.argv[2])
		 if l.get("linkinfo", {}).get("info_kind") == "shoal"]
	raw = [json.loads(l) for l in sys.argv[3].splitlines()]
	key = lambda d: d["ifindex"]
	assert [(d["ifindex"], d["ifname"]) for d in sorted(tool, key=key)] == \
	       [(l["ifindex"], l["ifname"]) for l in sorted(links, key=key)], (tool, links)
	fields = ("ifindex", "ifname", "port", "sender_id", "replay_window",
		  "epoch_max_age", "key_limit", "peers")
	count = lambda v: len(v) if isinstance(v, list) else v
	pick = lambda d: {f: count(d.get(f)) for f in fields}
	assert [pick(d) for d in sorted(tool, key=key)] == \
	       [pick(d) for d in sorted(raw, key=key)], (tool, raw)
	one = [d for d in tool if d["ifname"] == "shoal1"][0]
	assert one["port"] == 40100 and one["sender_id"] == 11, one
	PYEOF
}

show_text()
{
	local A out

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40110 --id 5
	out=$(ip netns exec "$A" shoal show shoal0)
	expect_match "show" "$out" "shoal0.*port 40110.*sender-id 5"
	expect_match "default cipher" "$out" "cipher chacha20-poly1305"
	out=$(ip netns exec "$A" shoal show)
	expect_match "show all" "$out" "shoal0"
}

tool_errors()
{
	local A rc=0

	netns_new A
	ip -n "$A" link add shoal0 type shoal
	ip netns exec "$A" shoal show nosuch 2>"$TMPDIR/err" || rc=$?
	expect_eq "exit code" "$rc" 1
	expect_match "message" "$(cat "$TMPDIR/err")" "No such device"
	rc=0
	ip netns exec "$A" shoal set shoal0 id 0 2>"$TMPDIR/err" || rc=$?
	expect_eq "exit code" "$rc" 1
	expect_match "message" "$(cat "$TMPDIR/err")" "Numerical result out of range.*out of range"
	rc=0
	ip netns exec "$A" shoal set shoal0 port 70000 2>/dev/null || rc=$?
	expect_eq "usage exit code" "$rc" 2
	rc=0
	ip netns exec "$A" shoal frobnicate 2>/dev/null || rc=$?
	expect_eq "unknown command exit code" "$rc" 2
	expect_eq "id unchanged" "$(shoal_field "$A" shoal0 sender_id)" 0
	rc=0
	ip netns exec "$A" shoal set shoal0 cipher rot13 2>"$TMPDIR/err" || rc=$?
	expect_eq "unknown cipher exit code" "$rc" 2
	expect_match "message" "$(cat "$TMPDIR/err")" 'unknown cipher "rot13"'
	# The cipher changes while the device has no keys and no peers only.
	ip netns exec "$A" shoal set shoal0 cipher aes-256-gcm
	expect_eq "cipher" "$(shoal_field "$A" shoal0 cipher)" aes-256-gcm
	ip netns exec "$A" shoal peer add shoal0 id 9
	rc=0
	ip netns exec "$A" shoal set shoal0 cipher chacha20-poly1305 \
		2>"$TMPDIR/err" || rc=$?
	expect_eq "cipher change with a peer: exit code" "$rc" 1
	expect_match "message" "$(cat "$TMPDIR/err")" \
		"Device or resource busy.*no keys and no peers"
	ip netns exec "$A" shoal peer del shoal0 id 9
	ip netns exec "$A" shoal set shoal0 cipher chacha20-poly1305
	expect_eq "cipher" "$(shoal_field "$A" shoal0 cipher)" chacha20-poly1305
}

# nl_expect NETNS WANT ARGS...: nl.py's answer to ARGS must be WANT.
nl_expect()
{
	local ns=$1 want=$2 out

	shift 2
	out=$(ip netns exec "$ns" $NL "$@" || true)
	expect_eq "nl.py $*" "$out" "$want"
}

malformed_genl()
{
	local A

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40120 --id 4
	nl_expect "$A" "ERR EINVAL A device ifindex or name is required" genl 1
	nl_expect "$A" "ERR ENODEV No such device" genl 1 --attr 2:str:nosuch
	nl_expect "$A" "ERR ENODEV No such device" genl 1 --attr 1:u32:9999
	nl_expect "$A" "ERR ENODEV Not a shoal device" genl 1 --attr 2:str:lo
	nl_expect "$A" "ERR EINVAL The ifindex and the name are different devices" \
		genl 1 --attr 1:u32:1 --attr 2:str:shoal0
	nl_expect "$A" "ERR EINVAL invalid attribute length" genl 1 --attr 1:u16:1
	nl_expect "$A" "ERR ERANGE integer out of range" genl 1 --attr 1:u32:0
	nl_expect "$A" "ERR EINVAL Unknown attribute type" \
		genl 1 --attr 2:str:shoal0 --attr 99:u32:1
	nl_expect "$A" "ERR EINVAL Attribute failed policy validation" \
		genl 1 --attr 2:str:a-name-far-too-long-for-ifnamsiz
	nl_expect "$A" "ERR EINVAL genlmsghdr.reserved field is not 0" \
		genl 1 --attr 2:str:shoal0 --reserved 1
	nl_expect "$A" "ERR ENOTSUP " genl 99
	# dev-set: out of range, wrong sizes; nothing half-applied.
	nl_expect "$A" "ERR ERANGE integer out of range" \
		genl 2 --attr 2:str:shoal0 --attr 3:u16:40121 --attr 4:u32:0
	nl_expect "$A" "ERR EINVAL invalid attribute length" \
		genl 2 --attr 2:str:shoal0 --attr 3:u32:40121
	nl_expect "$A" "ERR EINVAL invalid attribute length" \
		genl 2 --attr 2:str:shoal0 --attr 4:u64:5
	nl_expect "$A" "ERR EINVAL NLA_F_NESTED not expected" \
		genl 2 --attr 2:str:shoal0 --attr 0x8004:u32:5
	expect_eq port "$(shoal_field "$A" shoal0 port)" 40120
	expect_eq id "$(shoal_field "$A" shoal0 sender_id)" 4
	udp_bound "$A" 40120 4
}

# Attributes that do not belong where they are sent are refused, not
# ignored: a pairwise flag on a device or transmit key, an id or key on
# activate and delete, a prefix family beyond a byte, a member list that
# ends in a partial entry, a link attribute of the wrong size.
misplaced_attrs()
{
	local A

	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40160 --id 4
	expect_eq "requests" "$(ip netns exec "$A" $PY - "$SHOAL_TOP/selftests" <<-'PYEOF'
		import errno, struct, sys
		sys.path.insert(0, sys.argv[1])
		import nl
		link = nl.Netlink(nl.NETLINK_GENERIC)
		family = nl.genl_family_id(link, "shoal")
		N = nl.NLA_F_NESTED
		u8 = lambda t, v: nl.nla(t, struct.pack("=B", v))
		u16 = lambda t, v: nl.nla(t, struct.pack("=H", v))
		u32 = lambda t, v: nl.nla(t, struct.pack("=I", v))
		dev = nl.nla(2, b"shoal0\0")
		key = nl.nla(3, bytes(range(32)))
		def keys(*kids):
		    return nl.nla(8 | N, nl.nla(1 | N, b"".join(kids)))
		def ask(cmd, *attrs):
		    try:
		        link.request(family, 0, struct.pack("=BBH", cmd, 1, 0) +
		                     b"".join(attrs))
		        print("ok")
		    except nl.NetlinkError as e:
		        print("ERR", errno.errorcode[e.err], e.msg)
		ask(7, dev, keys(u8(1, 0), u8(2, 1), key, u8(8, 1)))
		ask(7, dev, keys(u8(1, 0), u8(2, 1), key))
		ask(8, dev, keys(u8(1, 0), u8(2, 1)))
		ask(9, dev, keys(u8(1, 0), key))
		ask(8, dev, keys(u8(1, 0)))
		prefix = lambda fam: nl.nla(1 | N, u16(1, fam) +
		                            nl.nla(2, bytes([10, 0, 0, 2])) + u8(3, 32))
		ask(3, dev, u32(3, 2), nl.nla(7 | N, prefix(2 + 256)))
		ask(3, dev, u32(3, 2), nl.nla(9 | N, u8(2, 1) + key + u8(8, 1)))
		ask(3, dev, u32(3, 2), nl.nla(7 | N, prefix(2)))
		ask(3, dev, u32(3, 3), nl.nla(8 | N, nl.nla(1 | N, u8(1, 0) +
		                                             u8(2, 1) + key)))
		ask(3, dev, u32(3, 3), nl.nla(9 | N, u8(1, 0) + u8(2, 1) + key))
		ask(9, dev, keys(u8(1, 0), u8(8, 0)))
		ask(7, dev, keys(u8(1, 1), u8(2, 2), key,
		                 nl.nla(5, struct.pack("=Q", 0))))
		group = nl.nla(4 | N, u16(1, 2) + nl.nla(2, bytes([239, 1, 0, 0])) +
		               u8(3, 16))
		ask(11, dev, u32(3, 7), group, nl.nla(7 | N, u32(1, 2) + b"\x08\0"))
		ask(11, dev, u32(3, 7), group, nl.nla(7 | N, u32(1, 2)))
		PYEOF
	)" "ERR EINVAL Only a peer's receive key is marked pairwise
ok
ERR EINVAL A key is activated or deleted by its slot alone
ERR EINVAL A key is activated or deleted by its slot alone
ok
ERR EAFNOSUPPORT A prefix family is AF_INET or AF_INET6
ERR EINVAL Only a peer's receive key is marked pairwise
ok
ERR EINVAL Receive keys have no slot, only an id
ERR EINVAL A pairwise key has an id and no slot
ERR EINVAL Only a peer's receive key is marked pairwise
ERR EINVAL Unsupported attribute
ERR EINVAL A member list ends in a partial entry
ok"
	expect_eq "peer" "$(shoal_json "$A" shoal0 | $PY -c '
import json, sys
d = json.load(sys.stdin)[0]
print([(p["sender_id"], p["allowed_ips"]) for p in d["peers"]])
print([(k["slot"], k["id"], k["active"]) for k in d["keys"]])')" \
		"[(2, ['10.0.0.2/32'])]
[(0, 1, True)]"
	expect_eq "group" "$(ip netns exec "$A" shoal -j group show shoal0 |
		$PY -c 'import json,sys; print([(g["id"], g["members"]) for g in json.load(sys.stdin)])')" \
		"[(7, [2])]"
	# IFLA_SHOAL_PORT is a u16: four bytes are refused, not half read.
	nl_expect "$A" "ERR EINVAL invalid attribute length" \
		link-add shoal1 --data 1:u32:40161
	expect_fail ip -n "$A" link show shoal1 2>/dev/null
}

permissions()
{
	local A nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups
			--inh-caps=-all --bounding-set=-all)

	require_cmd setpriv
	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40130 --id 6
	ip netns exec "$A" "${nobody[@]}" shoal set shoal0 id 9 2>"$TMPDIR/err" && false
	expect_match "tool" "$(cat "$TMPDIR/err")" "Operation not permitted"
	expect_eq "raw client" "$(ip netns exec "$A" "${nobody[@]}" $NL genl 2 \
		--attr 2:str:shoal0 --attr 4:u32:9 || true)" "ERR EPERM "
	# Every command that changes something (dev-set, peer-new/set/del,
	# key-set/activate/del, group-new/del, member-add/del), before any
	# of its attributes is looked at.
	for cmd in 2 3 4 5 7 8 9 11 12 14 15
	do
		expect_eq "command $cmd" "$(ip netns exec "$A" "${nobody[@]}" \
			$NL genl $cmd --attr 2:str:shoal0 || true)" "ERR EPERM "
	done
	# Reading is not privileged, as with ip link show.
	expect_eq "unprivileged read" \
		"$(ip netns exec "$A" "${nobody[@]}" shoal -j show shoal0 |
		   json_at sender_id)" 6
	expect_eq id "$(shoal_field "$A" shoal0 sender_id)" 6
}

# A user namespace manages the shoal devices of the network namespaces it
# owns, and no others.
userns()
{
	local A out nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

	require_cmd unshare
	"${nobody[@]}" unshare -U -r true 2>/dev/null ||
		skip "no unprivileged user namespaces here"
	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40150 --id 7
	# Its own netns: a device created, configured and shown.
	out=$("${nobody[@]}" unshare -U -r -n bash -c '
		ip link add s0 type shoal &&
		shoal set s0 port 40151 id 3 &&
		shoal peer add s0 id 4 endpoint 192.0.2.4:40151 \
			allowed-ips 10.9.0.4/32 &&
		shoal group add s0 id 1 prefix 239.9.0.0/16 members 4 &&
		shoal -j show s0' 2>&1)
	expect_match "own netns" "$out" '"sender_id":3,'
	expect_match "own peer" "$out" '"sender_id":4,'
	# A netns owned by the initial user namespace: refused.
	out=$(ip netns exec "$A" "${nobody[@]}" unshare -U -r \
		shoal set shoal0 id 9 2>&1 || true)
	expect_match "netns of another owner" "$out" "Operation not permitted"
	expect_eq id "$(shoal_field "$A" shoal0 sender_id)" 7
}

pyroute2_client()
{
	local A

	$PY -c 'import pyroute2' 2>/dev/null || skip "python3-pyroute2 missing"
	netns_new A
	ip netns exec "$A" $NL link-add shoal0 --port 40140 --id 12
	ip netns exec "$A" $PY - <<-'PYEOF'
	from pyroute2.netlink import NLM_F_REQUEST, NLM_F_DUMP, genlmsg
	from pyroute2.netlink.exceptions import NetlinkError
	from pyroute2.netlink.generic import GenericNetlinkSocket

	class devmsg(genlmsg):
	    nla_map = (("SHOAL_A_DEV_UNSPEC", "none"),
		       ("SHOAL_A_DEV_IFINDEX", "uint32"),
		       ("SHOAL_A_DEV_IFNAME", "asciiz"),
		       ("SHOAL_A_DEV_PORT", "uint16"),
		       ("SHOAL_A_DEV_SENDER_ID", "uint32"))

	s = GenericNetlinkSocket()
	s.bind("shoal", devmsg)
	msg = devmsg()
	msg["cmd"], msg["version"] = 1, 1
	devs = s.nlm_request(msg, msg_type=s.prid, msg_flags=NLM_F_REQUEST | NLM_F_DUMP)
	assert len(devs) == 1, devs
	d = devs[0]
	assert d.get_attr("SHOAL_A_DEV_IFNAME") == "shoal0", d
	assert d.get_attr("SHOAL_A_DEV_PORT") == 40140, d
	assert d.get_attr("SHOAL_A_DEV_SENDER_ID") == 12, d
	msg["attrs"] = [("SHOAL_A_DEV_IFNAME", "nosuch")]
	try:
	    s.nlm_request(msg, msg_type=s.prid, msg_flags=NLM_F_REQUEST)
	    raise SystemExit("unknown device accepted")
	except NetlinkError as e:
	    assert e.code == 19, e
	PYEOF
}

TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT

ktap_run uapi_matches_spec json_agrees_with_ip show_text tool_errors \
	malformed_genl misplaced_attrs permissions userns pyroute2_client
