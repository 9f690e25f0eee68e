# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Cases of run.sh, which sources this file: fan-out groups, their members
# and their output.
# shellcheck shell=bash disable=SC2154

# shoal0 with peers 12, 13 and 14 and three groups; shoal1 with one.
grouped()
{
	devices '5 shoal0 51820 7' '9 shoal1 40000 0' \
		'peer 5 12 - 0 - - - -' 'peer 5 13 - 0 - - - -' \
		'peer 5 14 - 0 - - - -' 'peer 9 1 - 0 - - - -' \
		'group 5 7 239.1.0.0/16 0 12,13' 'group 5 8 ff3e::/16 0 -' \
		'group 5 9 broadcast 1 -' 'group 9 1 10.9.0.0/16 0 1'
}

group_add_encoding()
{
	grouped
	printf '# members\n\n13 # a comment\n14,12\n' >"$TMP/members"
	expect "IPv4 prefix, members" 0 '' '' -- group add shoal0 id 20 prefix 239.2.0.0/16 members 12 13 &&
	expect "IPv6 prefix, comma list" 0 '' '' -- group add shoal0 members 12,14 id 21 prefix ff3e:1::/32 &&
	expect "bare IPv4 address" 0 '' '' -- group add shoal0 id 22 prefix 239.3.0.1 &&
	expect "bare IPv6 address" 0 '' '' -- group add shoal0 id 23 prefix ff3e::1 &&
	expect "all-peers" 0 '' '' -- group add shoal1 id 2 broadcast all-peers &&
	expect "members-file" 0 '' '' -- group add shoal0 id 24 prefix 239.4.0.0/16 members-file "$TMP/members" &&
	expect "members-file from stdin, and members" 0 '' '' -- group add shoal0 id 25 prefix 239.5.0.0/16 members-file - members 12 <<<"13 14" &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:20 4:{1:u16:2 2:bin:ef020000 3:u8:16} 7:{1:u32:12 2:u32:13}
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:21 4:{1:u16:10 2:bin:ff3e0001000000000000000000000000 3:u8:32} 7:{1:u32:12 2:u32:14}
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:22 4:{1:u16:2 2:bin:ef030001 3:u8:32}
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:23 4:{1:u16:10 2:bin:ff3e0000000000000000000000000001 3:u8:128}
	cmd 11 flags 0x5 version 1 2:str:shoal1 3:u32:2 5:flag 6:flag
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:24 4:{1:u16:2 2:bin:ef040000 3:u8:16} 7:{1:u32:13 2:u32:14 3:u32:12}
	cmd 11 flags 0x5 version 1 2:str:shoal0 3:u32:25 4:{1:u16:2 2:bin:ef050000 3:u8:16} 7:{1:u32:12 2:u32:13 3:u32:14}
	EOF
	expect "show" 0 '*' '' -- group show shoal1 &&
	diff -u - "$TMP/out" <<-EOF
	group 1: prefix 10.9.0.0/16 member-count 1
	  members 1
	  stats tx-packets 10 tx-bytes 1000 tx-encryptions 10 tx-fanout-packets 10 tx-fanout-copies 10
	group 2: broadcast all-peers member-count 1
	  stats tx-packets 20 tx-bytes 2000 tx-encryptions 20 tx-fanout-packets 20 tx-fanout-copies 20
	EOF
}

# Thousands of members from a file: one request carries them all.
group_add_5000_members_file()
{
	{
		echo '5 shoal0 51820 7'
		awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "peer 5 %d - 0 - - - -\n", i }'
	} >"$SHOAL_FAKE_STATE"
	awk 'BEGIN {
		print "# the members of group 1"
		for (i = 5000; i >= 1; i--)
			print i % 100 ? i : i "   # a round one\n"
	}' >"$TMP/members"
	expect "5000 members" 0 '' '' -- group add shoal0 id 1 prefix 239.0.0.0/8 members-file "$TMP/members" &&
	[[ $(grep -c '^cmd 11 ' "$SHOAL_FAKE_LOG") == 1 ]] &&
	python3 - "$SHOAL_FAKE_LOG" <<-'EOF' &&
	import re, sys
	line = open(sys.argv[1]).read()
	arrays = re.findall(r" 7:\{([^}]*)\}", line)
	assert len(arrays) == 1, len(arrays)
	ids = [int(e.split(":")[2]) for e in arrays[0].split()]
	assert ids == list(range(5000, 0, -1)), ids[:5]
	EOF
	expect "-j show" 0 '*' '' -- -j group show shoal0 id 1 &&
	python3 -c 'import json, sys; g = json.load(open(sys.argv[1]))[0]; assert g["member_count"] == 5000 and sorted(g["members"]) == list(range(1, 5001))' "$TMP/out"
}

# Past 8191 members, one request carries several member arrays; split
# replies are put back together.
group_10000_members()
{
	{
		echo '5 shoal0 51820 7'
		awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "peer 5 %d - 0 - - - -\n", i }'
		echo 'group 5 1 239.0.0.0/8 0 -'
	} >"$SHOAL_FAKE_STATE"
	seq 1 10000 >"$TMP/members"
	expect "member add 10000" 0 '' '' -- group member add shoal0 id 1 members-file "$TMP/members" &&
	python3 - "$SHOAL_FAKE_LOG" <<-'EOF' &&
	import re, sys
	lines = open(sys.argv[1]).read().splitlines()
	assert len(lines) == 1 and lines[0].startswith("cmd 14 ")
	arrays = re.findall(r" 7:\{([^}]*)\}", lines[0])
	assert [len(a.split()) for a in arrays] == [8191, 1809]
	assert arrays[1].split()[0] == "1:u32:8192"
	EOF
	SHOAL_FAKE_GROUP_SPLIT=700 expect "-j show, split over 15 messages" 0 '*' '' -- -j group show shoal0 &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d) == 1 and d[0]["members"] == list(range(1, 10001))' "$TMP/out" &&
	SHOAL_FAKE_GROUP_SPLIT=4096 expect "get, split" 0 '^  members 1 2 3 4 .* 32 \.\.\. \(9968 more\)$' '' -- group show shoal0 id 1 &&
	expect "member del 10000" 0 '' '' -- group member del shoal0 id 1 members-file - <"$TMP/members" &&
	expect "none left" 0 '^  members none$' '' -- group show shoal0 id 1
}

group_del()
{
	grouped
	expect "del" 0 '' '' -- group del shoal0 id 8 &&
	expect "show" 0 '*' '' -- group show shoal0 &&
	[[ $(grep -c '^group' "$TMP/out") == 2 ]] && ! grep -q '^group 8' "$TMP/out" &&
	expect "del again" 1 '' '^shoal: deleting group 8 of shoal0: No such file or directory: No such group \(attribute id\)$' -- group del shoal0 id 8 &&
	expect "del, no device" 1 '' '^shoal: deleting group 8 of nosuch: No such device \(attribute ifname\)$' -- group del nosuch id 8 &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF
	cmd 12 flags 0x5 version 1 2:str:shoal0 3:u32:8
	cmd 1 flags 0x5 version 1 2:str:shoal0
	cmd 13 flags 0x305 version 1 1:u32:5
	cmd 12 flags 0x5 version 1 2:str:shoal0 3:u32:8
	cmd 12 flags 0x5 version 1 2:str:nosuch 3:u32:8
	EOF
}

group_members()
{
	grouped
	printf '14\n' >"$TMP/members"
	expect "add by args" 0 '' '' -- group member add shoal0 id 8 members 13 12 &&
	expect "add from a file" 0 '' '' -- group member add shoal0 id 8 members-file "$TMP/members" &&
	expect "del by args" 0 '' '' -- group member del shoal0 id 7 members 12 &&
	expect "del from stdin" 0 '' '' -- group member del shoal0 id 8 members-file - <<<"12,14" &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 14 flags 0x5 version 1 2:str:shoal0 3:u32:8 7:{1:u32:13 2:u32:12}
	cmd 14 flags 0x5 version 1 2:str:shoal0 3:u32:8 7:{1:u32:14}
	cmd 15 flags 0x5 version 1 2:str:shoal0 3:u32:7 7:{1:u32:12}
	cmd 15 flags 0x5 version 1 2:str:shoal0 3:u32:8 7:{1:u32:12 2:u32:14}
	EOF
	expect "show" 0 '*' '' -- group show shoal0 &&
	grep -qx '  members 13' "$TMP/out" &&
	[[ $(grep -c '^  members 13$' "$TMP/out") == 2 ]] &&
	# All or nothing: the kernel names the entry it refuses.
	expect "not a peer" 1 '' '^shoal: adding members to group 7 of shoal0: No such file or directory: No such peer \(attribute members.2\)$' \
		-- group member add shoal0 id 7 members 14 99 &&
	expect "a member already" 1 '' '^shoal: adding members to group 7 of shoal0: File exists: Already a member \(attribute members.1\)$' \
		-- group member add shoal0 id 7 members 13 &&
	expect "not a member" 1 '' '^shoal: removing members from group 7 of shoal0: No such file or directory: Not a member \(attribute members.2\)$' \
		-- group member del shoal0 id 7 members 13 12 &&
	expect "no such group" 1 '' '^shoal: adding members to group 99 of shoal0: No such file or directory: No such group \(attribute id\)$' \
		-- group member add shoal0 id 99 members 12 &&
	expect "nothing changed" 0 '*' '' -- group show shoal0 id 7 &&
	grep -qx '  members 13' "$TMP/out"
}

group_show_text()
{
	grouped
	expect "show DEV" 0 '*' '' -- group show shoal0 &&
	diff -u - "$TMP/out" <<-EOF &&
	group 7: prefix 239.1.0.0/16 member-count 2
	  members 12 13
	  stats tx-packets 140 tx-bytes 14000 tx-encryptions 70 tx-fanout-packets 70 tx-fanout-copies 140
	group 8: prefix ff3e::/16 member-count 0
	  members none
	  stats tx-encryptions 80 tx-fanout-packets 80
	group 9: broadcast all-peers member-count 3
	  stats tx-packets 270 tx-bytes 27000 tx-encryptions 90 tx-fanout-packets 90 tx-fanout-copies 270
	EOF
	expect "show all" 0 '*' '' -- group show &&
	diff -u - <(grep -v stats "$TMP/out") <<-EOF &&
	shoal0:
	  group 7: prefix 239.1.0.0/16 member-count 2
	    members 12 13
	  group 8: prefix ff3e::/16 member-count 0
	    members none
	  group 9: broadcast all-peers member-count 3
	shoal1:
	  group 1: prefix 10.9.0.0/16 member-count 1
	    members 1
	EOF
	expect "show one" 0 '^group 9: broadcast all-peers member-count 3$' '' -- group show shoal0 id 9 &&
	[[ $(grep -c '^group' "$TMP/out") == 1 ]] &&
	devices '5 shoal0 51820 7' &&
	expect "show, no group" 0 '' '' -- group show shoal0 &&
	expect "show all, no group" 0 '' '' -- group show &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF
	cmd 1 flags 0x5 version 1 2:str:shoal0
	cmd 13 flags 0x305 version 1 1:u32:5
	cmd 1 flags 0x305 version 1
	cmd 13 flags 0x305 version 1 1:u32:5
	cmd 13 flags 0x305 version 1 1:u32:9
	cmd 13 flags 0x305 version 1 2:str:shoal0 3:u32:9
	cmd 1 flags 0x5 version 1 2:str:shoal0
	cmd 13 flags 0x305 version 1 1:u32:5
	cmd 1 flags 0x305 version 1
	cmd 13 flags 0x305 version 1 1:u32:5
	EOF
}

group_show_json()
{
	grouped
	expect "-j show" 0 '*' '' -- -j group show &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert [(g["ifname"], g["id"]) for g in d] == [("shoal0", 7), ("shoal0", 8), ("shoal0", 9), ("shoal1", 1)]
	g = d[0]
	assert list(g) == ["ifname", "ifindex", "id", "prefix", "all_peers", "member_count",
	                   "members", "stats"], list(g)
	assert g["ifindex"] == 5 and g["prefix"] == "239.1.0.0/16" and g["all_peers"] is False
	assert g["member_count"] == 2 and g["members"] == [12, 13] and "broadcast" not in g
	assert len(g["stats"]) == 21 and g["stats"]["tx_fanout_packets"] == 70
	assert g["stats"]["tx_fanout_copies"] == 140 and g["stats"]["rx_packets"] == 0
	assert d[1]["prefix"] == "ff3e::/16" and d[1]["members"] == [] and d[1]["member_count"] == 0
	b = d[2]
	assert "prefix" not in b and b["broadcast"] is True and b["all_peers"] is True
	assert b["member_count"] == 3 and b["members"] == []
	EOF
	expect "-j -p show one" 0 '^        "broadcast": true,$' '' -- -j -p group show shoal0 id 9 &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d) == 1 and d[0]["id"] == 9' "$TMP/out" &&
	expect "-j show shoal1" 0 '^\[\{"ifname":"shoal1","ifindex":9,"id":1,"prefix":"10.9.0.0/16",' '' -- -j group show shoal1 &&
	devices '5 shoal0 51820 7' &&
	expect "-j show, no group" 0 '^\[\]$' '' -- -j group show
}

# A long member list comes in several messages, interleaved with other
# groups' in a dump, and dumps may be interrupted: merged, and read again.
group_show_split_dumps()
{
	grouped
	expect "add 2 members" 0 '' '' -- group member add shoal0 id 8 members 14,12,13 &&
	SHOAL_FAKE_GROUP_SPLIT=1 SHOAL_FAKE_PER_MSG=1 expect "a member a message" 0 '*' '' -- -j group show shoal0 &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert [(g["id"], g["members"], g["member_count"]) for g in d] == \
	    [(7, [12, 13], 2), (8, [14, 12, 13], 3), (9, [], 3)], d
	assert d[1]["prefix"] == "ff3e::/16" and d[1]["stats"]["tx_fanout_copies"] == 240
	EOF
	SHOAL_FAKE_GROUP_SPLIT=2 expect "get, split" 0 '^  members 14 12 13$' '' -- group show shoal0 id 8 &&
	SHOAL_FAKE_GROUP_SPLIT=1 SHOAL_FAKE_GROUP_INTR=3 SHOAL_FAKE_PER_MSG=2 expect "interrupted 3 times" 0 '*' '' -- -j group show shoal0 &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert [g["members"] for g in d] == [[12, 13], [14, 12, 13], []]' "$TMP/out" &&
	[[ $(grep -c '^cmd 13 ' "$SHOAL_FAKE_LOG") == 6 ]] &&
	SHOAL_FAKE_GROUP_INTR=99 expect "always interrupted" 1 '' \
		'^shoal: listing the groups of shoal0: dump interrupted by concurrent changes, try again$' -- group show shoal0 &&
	SHOAL_FAKE_DUMP_ERR=1 expect "error at the end" 1 '' \
		'^shoal: listing devices: No buffer space available: Fake dump failure$' -- group show
}

group_usage_errors()
{
	grouped
	printf '12\nx13\n' >"$TMP/junk"
	printf '12\n12\n' >"$TMP/twice"
	printf '# none\n' >"$TMP/none"
	expect "no action" 2 '' 'an action is required: add, del, show or member' -- group &&
	expect "bad action" 2 '' 'unknown action "frob"' -- group frob shoal0 &&
	expect "member, no action" 2 '' 'member needs an action: add or del' -- group member &&
	expect "member, bad action" 2 '' 'unknown action "show"' -- group member show shoal0 &&
	expect "no device" 2 '' 'a device name is required' -- group add &&
	expect "long device" 2 '' 'longer than 15 bytes' -- group show abcdefghijklmnop &&
	expect "no id" 2 '' "the group's id is required: id N" -- group add shoal0 prefix 239.1.0.0/16 &&
	expect "junk id" 2 '' 'invalid group id "x": not a decimal number' -- group del shoal0 id x &&
	expect "id without value" 2 '' 'id needs a value' -- group del shoal0 id &&
	expect "neither prefix nor broadcast" 2 '' 'what the group matches is required: prefix PREFIX or broadcast' -- group add shoal0 id 1 &&
	expect "prefix and broadcast" 2 '' 'prefix and broadcast exclude each other' -- group add shoal0 id 1 prefix 239.1.0.0/16 broadcast &&
	expect "prefix twice" 2 '' 'prefix given twice' -- group add shoal0 id 1 prefix 239.1.0.0/16 prefix 239.2.0.0/16 &&
	expect "prefix without value" 2 '' 'prefix needs a value' -- group add shoal0 id 1 prefix &&
	expect "host bits" 2 '' '^shoal: invalid prefix "239.1.0.1/16": host bits must be zero \(did you mean 239.1.0.0/16\?\)$' -- group add shoal0 id 1 prefix 239.1.0.1/16 &&
	expect "bad prefix" 2 '' 'invalid prefix "239.1/16": expected an IPv4 or IPv6 ADDR\[/LEN\]' -- group add shoal0 id 1 prefix 239.1/16 &&
	expect "IPv6 length" 2 '' 'the length must be 0-128' -- group add shoal0 id 1 prefix ff3e::/129 &&
	expect "all-peers and members" 2 '' 'all-peers and members exclude each other' -- group add shoal0 id 1 broadcast all-peers members 12 &&
	expect "all-peers and a file" 2 '' 'all-peers and members exclude each other' -- group add shoal0 id 1 broadcast members-file "$TMP/junk" all-peers &&
	expect "junk sender id" 2 '' '^shoal: invalid sender id "12x": not a decimal number$' -- group add shoal0 id 1 broadcast members 12x &&
	expect "sender id 0" 2 '' '^shoal: invalid sender id "0": out of range 1-4294967295$' -- group member add shoal0 id 7 members 14,0 &&
	expect "sender id too big" 2 '' 'invalid sender id "4294967296": out of range 1-4294967295' -- group member add shoal0 id 7 members 4294967296 &&
	expect "negative sender id" 2 '' 'invalid sender id "-1": not a decimal number' -- group member add shoal0 id 7 members -1 &&
	expect "empty entry" 2 '' 'invalid sender ids "12,,13": empty entry in the list' -- group member add shoal0 id 7 members 12,,13 &&
	expect "trailing comma" 2 '' 'invalid sender ids "12,": empty entry' -- group member add shoal0 id 7 members 12, &&
	expect "members without ids" 2 '' 'members needs at least one sender id' -- group add shoal0 id 1 broadcast members &&
	expect "members, then a keyword" 2 '' 'members needs at least one sender id' -- group add shoal0 id 1 members broadcast &&
	expect "no member" 2 '' 'no member given: members ID... or members-file FILE' -- group member del shoal0 id 7 &&
	expect "a keyword of add" 2 '' 'unexpected argument "prefix"' -- group member add shoal0 id 7 prefix 10.0.0.0/8 members 12 &&
	expect "del extra" 2 '' 'unexpected argument "members"' -- group del shoal0 id 7 members 12 &&
	expect "unknown keyword" 2 '' 'unknown keyword "mtu"' -- group add shoal0 id 1 broadcast mtu 5 &&
	expect "show id 0" 2 '' 'groups have ids from 1' -- group show shoal0 id 0 &&
	expect "show extra" 2 '' 'unexpected argument "x"' -- group show shoal0 x &&
	expect "listed twice" 2 '' '^shoal: sender id 12 is listed twice$' -- group member add shoal0 id 7 members 14 12,13 12 &&
	expect "twice across file and args" 2 '' 'sender id 12 is listed twice' -- group member add shoal0 id 8 members 12 members-file "$TMP/twice" &&
	expect "junk in a file" 2 '' "^shoal: $TMP/junk:2: invalid sender id \"x13\": not a decimal number\$" -- group member add shoal0 id 8 members-file "$TMP/junk" &&
	expect "empty file" 2 '' "^shoal: no sender id in $TMP/none\$" -- group member add shoal0 id 8 members-file "$TMP/none" &&
	expect "missing file" 1 '' '^shoal: opening /nonexistent/m: No such file or directory$' -- group member add shoal0 id 8 members-file /nonexistent/m &&
	expect "file twice" 2 '' 'members-file given twice' -- group member add shoal0 id 8 members-file a members-file b &&
	[[ ! -e $SHOAL_FAKE_LOG ]]	# nothing reached the kernel
}

group_kernel_errors()
{
	grouped
	expect "id 0" 1 '' '^shoal: adding group 0 to shoal0: Numerical result out of range: integer out of range \(attribute id\)$' \
		-- group add shoal0 id 0 broadcast &&
	expect "id taken" 1 '' '^shoal: adding group 7 to shoal0: File exists: A group with this id exists \(attribute id\)$' \
		-- group add shoal0 id 7 prefix 239.9.0.0/16 &&
	expect "prefix taken" 1 '' 'File exists: A group has this prefix \(attribute prefix\)$' \
		-- group add shoal0 id 30 prefix 239.1.0.0/16 &&
	expect "a second broadcast group" 1 '' 'File exists: The device has a broadcast group \(attribute broadcast\)$' \
		-- group add shoal0 id 30 broadcast &&
	expect "not a peer" 1 '' 'No such peer \(attribute members.3\)$' \
		-- group add shoal0 id 30 prefix 239.9.0.0/16 members 12 13 77 &&
	expect "no such device" 1 '' '^shoal: adding group 30 to nosuch: No such device \(attribute ifname\)$' \
		-- group add nosuch id 30 broadcast &&
	expect "show, no such group" 1 '' '^shoal: getting group 99 of shoal0: No such file or directory: No such group$' \
		-- group show shoal0 id 99 &&
	expect "show, no such device" 1 '' '^shoal: getting device nosuch: No such device \(attribute ifname\)$' -- group show nosuch &&
	expect "nothing added" 0 '*' '' -- group show shoal0 &&
	[[ $(grep -c '^group' "$TMP/out") == 3 ]]
}

show_groups()
{
	grouped
	expect show 0 '*' '' -- show &&
	diff -u - "$TMP/out" <<-EOF &&
	shoal0: ifindex 5 port 51820 sender-id 7 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 3
	  stats rx-packets 5000 rx-bytes 500000 tx-encryptions 4294967301 drop-replay 3
	  group 7: prefix 239.1.0.0/16 member-count 2
	  group 8: prefix ff3e::/16 member-count 0
	  group 9: broadcast all-peers member-count 3
	  peer 12: endpoint none keepalive off last rx never
	    allowed-ips none
	    rx-keys none
	    stats rx-packets 24 rx-bytes 2400 tx-packets 12
	  peer 13: endpoint none keepalive off last rx never
	    allowed-ips none
	    rx-keys none
	    stats rx-packets 26 rx-bytes 2600 tx-packets 13 drop-auth 1
	  peer 14: endpoint none keepalive off last rx never
	    allowed-ips none
	    rx-keys none
	    stats rx-packets 28 rx-bytes 2800 tx-packets 14
	shoal1: ifindex 9 port 40000 sender-id 0 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 1
	  stats rx-packets 9000 rx-bytes 900000 tx-encryptions 4294967305 drop-replay 3
	  group 1: prefix 10.9.0.0/16 member-count 1
	  peer 1: endpoint none keepalive off last rx never
	    allowed-ips none
	    rx-keys none
	    stats rx-packets 2 rx-bytes 200 tx-packets 1 drop-auth 1
	EOF
	expect "-j show" 0 '*' '' -- -j show &&
	cp "$TMP/out" "$TMP/devs.json" &&
	expect "-j group show" 0 '*' '' -- -j group show &&
	python3 - "$TMP/devs.json" "$TMP/out" <<-'EOF'
	import json, sys
	devs = json.load(open(sys.argv[1]))
	groups = json.load(open(sys.argv[2]))
	# The same objects as "group show" prints.
	assert devs[0]["groups"] + devs[1]["groups"] == groups
	assert [g["id"] for g in devs[0]["groups"]] == [7, 8, 9]
	EOF
}

# A module older than groups refuses their commands: the device view goes
# on without them.
show_module_without_groups()
{
	populated
	SHOAL_FAKE_NOGROUPS=1 expect show 0 '^  peer 13: ' '' -- show &&
	[[ $(wc -l <"$TMP/out") == 15 ]] &&
	SHOAL_FAKE_NOGROUPS=1 expect "-j show" 0 '"groups":\[\],"peers":\[\{"sender_id":12,' '' -- -j show &&
	SHOAL_FAKE_NOGROUPS=1 expect "group show" 1 '' \
		'^shoal: listing the groups of shoal0: Operation not supported$' -- group show shoal0 &&
	SHOAL_FAKE_NOGROUPS=1 expect "group add" 1 '' \
		'^shoal: adding group 1 to shoal0: Operation not supported$' -- group add shoal0 id 1 broadcast
}
