#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Tests of the tool that need no module: the command line, and every
# netlink path against fakenl.so (a fake kernel, see fakenl.c) and, for the
# netlink layer alone, against the running kernel's nlctrl family. KTAP
# output; exits 1 when a case fails. The module's own behaviour is tested
# by selftests/ in a VM. "./run.sh CASE..." runs only those cases.

set -u
cd "$(dirname "$0")" || exit 1

SHOAL=$(realpath ../shoal)
FAKE=$(realpath fakenl.so)
# Key files are private, as the tool asks: it warns about others.
umask 077
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SHOAL_FAKE_STATE=$TMP/state SHOAL_FAKE_LOG=$TMP/log

n=0
failed=0
CASES=(
	usage_and_help
	exit_codes_usage
	family_missing
	show_text
	show_json
	show_one
	show_missing_device
	show_many_devices
	show_odd_names
	dump_interrupted
	dump_error
	set_encoding
	set_kernel_errors
	set_warning
	set_device_settings
	genkey
	key_file_exposed
	key_encoding
	key_errors
	key_alphabet
	key_material_never_printed
	show_peers_text
	show_peers_json
	peer_add_encoding
	peer_set_encoding
	peer_del_and_show
	peer_usage_errors
	peer_too_many_ips
	peer_kernel_errors
	peer_bulk_file
	peer_bulk_inline_keys
	peer_bulk_10000
	peer_bulk_refusals
	peer_dump_interrupted
	group_add_encoding
	group_add_5000_members_file
	group_10000_members
	group_del
	group_members
	group_show_text
	group_show_json
	group_show_split_dumps
	group_usage_errors
	group_kernel_errors
	show_groups
	show_module_without_groups
	batch
	batch_after_file
	batch_force
	batch_errors
	batch_4096_lines
	quoted_words
	bulk_key_files
	write_error
	netns
	netlink_layer_on_real_kernel
	no_leaks
)

ok()
{
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok()
{
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
}

skip()
{
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# expect NAME WANT_RC WANT_STDOUT_REGEX WANT_STDERR_REGEX -- ARGS...
# Runs the tool under the fake kernel, output in $TMP/out and $TMP/err.
# "" matches an empty stream only, "*" anything.
expect()
{
	local name=$1 rc=$2 out=$3 err=$4 got_rc

	shift 5
	env LD_PRELOAD="$FAKE" "$SHOAL" "$@" >"$TMP/out" 2>"$TMP/err"
	got_rc=$?
	if [[ $got_rc != "$rc" ]] ||
	   ! match "$out" "$TMP/out" || ! match "$err" "$TMP/err"
	then
		echo "# shoal $*: exit $got_rc (want $rc)"
		sed 's/^/# stdout: /' "$TMP/out"
		sed 's/^/# stderr: /' "$TMP/err"
		return 1
	fi
	return 0
}

match()
{
	if [[ $1 == "*" ]]
	then
		return 0
	elif [[ -z $1 ]]
	then
		[[ ! -s $2 ]]
	else
		grep -Eq -- "$1" "$2"
	fi
}

devices()
{
	printf '%s\n' "$@" >"$SHOAL_FAKE_STATE"
}

# case NAME: run the function NAME and report it.
case_()
{
	rm -f "$SHOAL_FAKE_LOG" "$TMP/sockets"
	devices '5 shoal0 51820 7' '9 shoal1 40000 0'
	if "$1"
	then
		ok "$1"
	else
		not_ok "$1"
	fi
}

usage_and_help()
{
	expect help 0 '^Usage: shoal \[OPTIONS\] COMMAND' '' -- help &&
	expect -h 0 '^  set DEV \[port N\] \[id N\]' '' -- -h &&
	expect --help 0 '^  show \[DEV\]' '' -- --help &&
	expect "help set" 0 '^Usage: shoal \[OPTIONS\] set DEV' '' -- help set &&
	expect "set help" 0 'sender-id N' '' -- set help &&
	expect "show -h" 0 '^Usage: shoal \[OPTIONS\] show \[DEV\]' '' -- show -h &&
	expect -V 0 '^shoal [^ ]+ \(generic netlink family "shoal" version 1\)$' '' -- -V &&
	expect --version 0 '^shoal ' '' -- --version
}

exit_codes_usage()
{
	expect none 2 '' 'no command given' -- &&
	expect unknown 2 '' 'unknown command "frobnicate"' -- frobnicate &&
	expect "bad option" 2 '' 'unknown option "-x"' -- -x show &&
	expect "bad long option" 2 '' 'unknown option "--bogus"' -- --bogus &&
	expect "-n alone" 2 '' '"-n" needs an argument' -- -n &&
	expect "help nosuch" 2 '' 'unknown command "nosuch"' -- help nosuch &&
	expect "show extra" 2 '' 'unexpected argument "b"' -- show a b &&
	expect "show long name" 2 '' 'longer than 15 bytes' -- show abcdefghijklmnop &&
	expect "set alone" 2 '' 'device name is required' -- set &&
	expect "set nothing" 2 '' 'nothing to change' -- set shoal0 &&
	expect "set junk keyword" 2 '' 'unknown keyword "mtu"' -- set shoal0 mtu 1 &&
	expect "set no value" 2 '' '"id" needs a value' -- set shoal0 port 1 id &&
	expect "port too big" 2 '' 'invalid port "70000": out of range 0-65535' -- set shoal0 port 70000 &&
	expect "port negative" 2 '' 'invalid port "-1": not a decimal number' -- set shoal0 port -1 &&
	expect "port trailing junk" 2 '' 'invalid port "1x"' -- set shoal0 port 1x &&
	expect "port blank" 2 '' 'invalid port " 1"' -- set shoal0 port " 1" &&
	expect "port plus" 2 '' 'invalid port "\+1"' -- set shoal0 port +1 &&
	expect "port hex" 2 '' 'invalid port "0x10"' -- set shoal0 port 0x10 &&
	expect "port empty" 2 '' 'invalid port ""' -- set shoal0 port "" &&
	expect "id too big" 2 '' 'out of range 0-4294967295' -- set shoal0 id 4294967296 &&
	expect "id huge" 2 '' 'out of range' -- set shoal0 id 99999999999999999999999 &&
	expect "huge junk" 2 '' 'not a decimal number' -- set shoal0 id 99999999999999999999x &&
	expect "twice" 2 '' 'sender id given twice' -- set shoal0 id 1 sender-id 2 &&
	expect "option after the command" 2 '' 'option "-j" goes before the command' -- show -j &&
	expect "option after the device" 2 '' 'option "--json" goes before the command' -- show shoal0 --json &&
	[[ ! -e $SHOAL_FAKE_LOG ]]	# nothing reached the kernel
}

family_missing()
{
	SHOAL_FAKE_NOFAMILY=1 expect show 1 '' \
		'^shoal: generic netlink family "shoal" not found \(is the shoal module loaded\?\)$' -- show &&
	SHOAL_FAKE_NOFAMILY=1 expect set 1 '' 'family "shoal" not found' -- set shoal0 id 1
}

show_text()
{
	expect show 0 '*' '' -- show &&
	diff -u - "$TMP/out" <<-EOF &&
	shoal0: ifindex 5 port 51820 sender-id 7 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 0
	  stats rx-packets 5000 rx-bytes 500000 tx-encryptions 4294967301 drop-replay 3
	shoal1: ifindex 9 port 40000 sender-id 0 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 0
	  stats rx-packets 9000 rx-bytes 900000 tx-encryptions 4294967305 drop-replay 3
	EOF
	# The devices, then the peers and the groups of each, by ifindex.
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF
	cmd 1 flags 0x305 version 1
	cmd 6 flags 0x305 version 1 1:u32:5
	cmd 13 flags 0x305 version 1 1:u32:5
	cmd 6 flags 0x305 version 1 1:u32:9
	cmd 13 flags 0x305 version 1 1:u32:9
	EOF
}

show_json()
{
	expect "-j show" 0 '*' '' -- -j show &&
	grep -q '^\[{"ifname":"shoal0","ifindex":5,"port":51820,"sender_id":7,"replay_window":8192,"epoch_max_age":900,"key_limit":4611686018427387904,"cipher":"chacha20-poly1305","keys":\[\],"stats":{"rx_packets":5000,' "$TMP/out" &&
	grep -q '"tx_fanout_copies":0,"drop_not_pairwise":0},"groups":\[\],"peers":\[\]},{"ifname":"shoal1",' "$TMP/out" &&
	expect "--json --pretty show" 0 '^        "sender_id": 0,$' '' -- --json --pretty show &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d) == 2 and d[1]["port"] == 40000' "$TMP/out" &&
	devices '' &&
	expect "-j show, no device" 0 '^\[\]$' '' -- -j show &&
	expect "-j -p show, no device" 0 '^\[\]$' '' -- -j -p show &&
	expect "show, no device" 0 '' '' -- show
}

show_one()
{
	expect "show shoal1" 0 '^shoal1: ifindex 9 port 40000 sender-id 0 ' '' -- show shoal1 &&
	[[ $(grep -c '^shoal' "$TMP/out") == 1 ]] &&
	expect "-j show shoal1" 0 '^\[\{"ifname":"shoal1","ifindex":9,"port":40000,"sender_id":0,.*\}\]$' '' -- -j show shoal1 &&
	grep -qx "cmd 1 flags 0x5 version 1 2:str:shoal1" "$SHOAL_FAKE_LOG" &&
	grep -qx "cmd 6 flags 0x305 version 1 1:u32:9" "$SHOAL_FAKE_LOG"
}

show_missing_device()
{
	expect "show nosuch" 1 '' '^shoal: getting device nosuch: No such device \(attribute ifname\)$' -- show nosuch &&
	expect "-j show nosuch" 1 '' 'No such device' -- -j show nosuch
}

show_many_devices()
{
	local i devs=()

	for ((i = 1; i <= 60; i++))
	do
		devs+=("$((i + 100)) shoal$i $((40000 + i)) $i")
	done
	devices "${devs[@]}"
	expect "60 devices, one a message" 0 '*' '' -- -j show &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert [x["sender_id"] for x in d] == list(range(1, 61))' "$TMP/out" &&
	SHOAL_FAKE_PER_MSG=7 expect "60 devices, 7 a message" 0 '*' '' -- show &&
	[[ $(grep -c '^shoal' "$TMP/out") == 60 ]] &&
	grep -q '^shoal60: ifindex 160 port 40060 sender-id 60 ' "$TMP/out"
}

show_odd_names()
{
	# Device names are bytes: quotes, backslashes, escapes, non-UTF-8.
	# C1 controls (CSI is 0x9b) as UTF-8 and alone; U+201B ends in 0x9b.
	printf '5 a"b\\c 1 2\n6 e\033[31m 3 4\n7 \xff\xc3\xa9 5 6\n8 f\xc2\x9b2J\x9b\xe2\x80\x9b\x7f 7 8\n' >"$SHOAL_FAKE_STATE"
	expect "-j show" 0 '*' '' -- -j show &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	raw = open(sys.argv[1], "rb").read()
	assert b"\xc2\x9b" not in raw and b"\x7f" not in raw, raw
	d = json.load(open(sys.argv[1], encoding="utf-8"))
	assert [x["ifname"] for x in d] == ['a"b\\c', "e\x1b[31m", "\ufffd\u00e9",
	                                    "f\u009b2J\ufffd\u201b\x7f"], d
	EOF
	expect show 0 '*' '' -- show &&
	grep -qF 'a"b\x5cc: ifindex 5' "$TMP/out" &&
	grep -qF 'e\x1b[31m: ifindex 6' "$TMP/out" &&
	grep -qF '\xffé: ifindex 7' "$TMP/out" &&
	grep -qF "f\\xc2\\x9b2J\\x9b$(printf '\xe2\x80\x9b')\\x7f: ifindex 8" "$TMP/out"
}

dump_interrupted()
{
	SHOAL_FAKE_INTR=4 expect "4 interrupted dumps, then one whole" 0 '*' '' -- show &&
	[[ $(grep -c '^shoal' "$TMP/out") == 2 && $(grep -c '^cmd 1 ' "$SHOAL_FAKE_LOG") == 5 ]] &&
	SHOAL_FAKE_INTR=99 expect "always interrupted" 1 '' \
		'^shoal: listing devices: dump interrupted by concurrent changes, try again$' -- -j show &&
	[[ ! -s $TMP/out ]]
}

dump_error()
{
	SHOAL_FAKE_DUMP_ERR=1 expect "error at the end of a dump" 1 '' \
		'^shoal: listing devices: No buffer space available: Fake dump failure$' -- show &&
	[[ ! -s $TMP/out ]]
}

set_encoding()
{
	expect "port and id" 0 '' '' -- set shoal0 port 40001 id 9 &&
	expect "id and port" 0 '' '' -- set shoal0 id 10 port 40002 &&
	expect "sender-id" 0 '' '' -- set shoal1 sender-id 4294967295 &&
	expect "port 0" 0 '' '' -- set shoal1 port 0 &&
	expect "port 65535" 0 '' '' -- set shoal1 port 65535 &&
	expect "leading zeros" 0 '' '' -- set shoal1 id 007 &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 2 flags 0x5 version 1 2:str:shoal0 3:u16:40001 4:u32:9
	cmd 2 flags 0x5 version 1 2:str:shoal0 3:u16:40002 4:u32:10
	cmd 2 flags 0x5 version 1 2:str:shoal1 4:u32:4294967295
	cmd 2 flags 0x5 version 1 2:str:shoal1 3:u16:0
	cmd 2 flags 0x5 version 1 2:str:shoal1 3:u16:65535
	cmd 2 flags 0x5 version 1 2:str:shoal1 4:u32:7
	EOF
	expect "show after set" 0 '*' '' -- show &&
	grep -q '^shoal0: ifindex 5 port 40002 sender-id 10 ' "$TMP/out" &&
	grep -q '^shoal1: ifindex 9 port 65535 sender-id 7 ' "$TMP/out"
}

set_kernel_errors()
{
	local nocap

	# The same messages whether or not errors echo the whole request.
	for nocap in 0 1
	do
		SHOAL_FAKE_NOCAP=$nocap expect "id 0 (nocap=$nocap)" 1 '' \
			'^shoal: setting device shoal0: Numerical result out of range: integer out of range \(attribute sender-id\)$' \
			-- set shoal0 port 1 id 0 &&
		SHOAL_FAKE_NOCAP=$nocap expect "no such device (nocap=$nocap)" 1 '' \
			'^shoal: setting device nosuch: No such device \(attribute ifname\)$' \
			-- set nosuch id 1 &&
		SHOAL_FAKE_NOCAP=$nocap expect "port in use (nocap=$nocap)" 1 '' \
			'^shoal: setting device shoal0: Address already in use: UDP port is already in use$' \
			-- set shoal0 port 53 id 3 || return 1
	done
	SHOAL_FAKE_EPERM=1 expect "bare EPERM" 1 '' \
		'^shoal: setting device shoal0: Operation not permitted$' -- set shoal0 id 9 &&
	expect "nothing applied" 0 '^shoal0: ifindex 5 port 51820 sender-id 7 ' '' -- show
}

set_warning()
{
	SHOAL_FAKE_WARN=1 expect "warning" 0 '' \
		'^shoal: warning from the kernel: Fake warning$' -- set shoal0 id 9
}

# Key files: $TMP/k0 holds bytes 0..31, $TMP/kff 32 bytes of 0xff.
K0_HEX=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
KFF_HEX=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
keyfiles()
{
	python3 - "$TMP" <<-'EOF'
	import base64, sys
	d = sys.argv[1]
	open(d + "/k0", "w").write(base64.b64encode(bytes(range(32))).decode() + "\n")
	open(d + "/kff", "w").write(base64.b64encode(b"\xff" * 32).decode() + "\n")
	EOF
}

# A device with both key slots and two peers.
populated()
{
	devices '5 shoal0 51820 7' '9 shoal1 40000 0' \
		'key 5 0 1 1 1000 deadbeef 0' 'key 5 1 2 0 0 0 1' \
		'peer 5 12 192.0.2.1:51820 25 1234 3 1,2 10.0.0.2/32,fd00::2/128' \
		'peer 5 13 [2001:db8::1]:4000 0 - - - -'
}

set_device_settings()
{
	expect "three settings" 0 '' '' -- set shoal0 replay-window 1024 epoch-max-age 60 key-limit 4294967296 &&
	expect "key-limit 2^62" 0 '' '' -- set shoal1 key-limit 4611686018427387904 &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 2 flags 0x5 version 1 2:str:shoal0 5:u32:1024 6:u32:60 7:u64:4294967296
	cmd 2 flags 0x5 version 1 2:str:shoal1 7:u64:4611686018427387904
	EOF
	expect show 0 '^shoal0: ifindex 5 port 51820 sender-id 7 replay-window 1024 epoch-max-age 60 key-limit 4294967296 cipher chacha20-poly1305 peers 0$' '' -- show &&
	expect "window too small" 1 '' \
		'^shoal: setting device shoal0: Numerical result out of range: integer out of range \(attribute replay-window\)$' \
		-- set shoal0 replay-window 10 &&
	expect "key-limit past 2^62" 1 '' '\(attribute key-limit\)$' -- set shoal0 key-limit 18446744073709551615 &&
	expect "key-limit past u64" 2 '' 'invalid key limit "18446744073709551616": out of range' -- set shoal0 key-limit 18446744073709551616 &&
	expect "twice" 2 '' 'replay window given twice' -- set shoal0 replay-window 64 replay-window 128 &&
	expect "no value" 2 '' '"epoch-max-age" needs a value' -- set shoal0 epoch-max-age &&
	expect "cipher" 0 '' '' -- set shoal1 cipher aes-256-gcm &&
	expect "show cipher" 0 'key-limit 4611686018427387904 cipher aes-256-gcm peers 0$' '' -- show shoal1 &&
	expect "unknown cipher" 2 '' 'unknown cipher "aes-128-gcm": give chacha20-poly1305 or aes-256-gcm' \
		-- set shoal0 cipher aes-128-gcm
}

genkey()
{
	expect genkey 0 '^[A-Za-z0-9+/]{43}=$' '' -- genkey &&
	[[ $(wc -l <"$TMP/out") == 1 ]] &&
	python3 -c 'import base64, sys; assert len(base64.b64decode(open(sys.argv[1]).read().strip(), validate=True)) == 32' "$TMP/out" &&
	cp "$TMP/out" "$TMP/gen1" &&
	expect "genkey again" 0 '*' '' -- genkey &&
	! cmp -s "$TMP/out" "$TMP/gen1" &&
	expect "genkey extra" 2 '' 'unexpected argument "x"' -- genkey x &&
	[[ ! -e $SHOAL_FAKE_LOG ]] &&
	# What genkey prints, key set takes, and sends as those 32 bytes.
	expect "key set from genkey" 0 '' '' -- key set shoal0 slot 1 id 1 "$TMP/gen1" &&
	grep -q "3:bin:$(python3 -c 'import base64, sys; print(base64.b64decode(open(sys.argv[1]).read()).hex())' "$TMP/gen1")}}\$" "$SHOAL_FAKE_LOG"
}

# A key in a file others can read: a warning, the key taken all the same.
key_file_exposed()
{
	keyfiles
	chmod 640 "$TMP/k0" &&
	expect "group can read" 0 '' \
		"^shoal: warning: key file $TMP/k0 can be read by users other than its owner" \
		-- key set shoal0 slot 1 id 9 "$TMP/k0" &&
	[[ $(wc -l <"$TMP/err") == 1 && $(grep -c '^cmd 7 ' "$SHOAL_FAKE_LOG") == 1 ]] &&
	chmod 600 "$TMP/k0" &&
	expect "owner only" 0 '' '' -- key set shoal0 slot 1 id 9 "$TMP/k0" &&
	expect "standard input" 0 '' '' -- key set shoal0 slot 1 id 9 - <"$TMP/kff" &&
	# genkey into a file others can read, into a private one, into a pipe.
	(umask 022 && "$SHOAL" genkey >"$TMP/g1" 2>"$TMP/err") &&
	grep -q "^shoal: warning: writing a key to a file that users other than its owner can read" "$TMP/err" &&
	[[ $(wc -c <"$TMP/g1") == 45 ]] &&
	"$SHOAL" genkey >"$TMP/g2" 2>"$TMP/err" && [[ ! -s $TMP/err ]] &&
	"$SHOAL" genkey 2>"$TMP/err" | cat >/dev/null && [[ ! -s $TMP/err ]]
}

key_encoding()
{
	keyfiles
	expect "key set" 0 '' '' -- key set shoal0 slot 1 id 9 "$TMP/k0" &&
	printf '\n \t%s  \n\n' "$(cat "$TMP/kff")" >"$TMP/blanks" &&
	expect "key set from stdin, blanks around" 0 '' '' -- key set shoal0 id 255 - slot 0 <"$TMP/blanks" &&
	expect "key activate" 0 '' '' -- key activate shoal0 slot 1 &&
	expect "key del" 0 '' '' -- key del shoal0 slot 0 &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 7 flags 0x5 version 1 2:str:shoal0 8:{1:{1:u8:1 2:u8:9 3:bin:$K0_HEX}}
	cmd 7 flags 0x5 version 1 2:str:shoal0 8:{1:{1:u8:0 2:u8:255 3:bin:$KFF_HEX}}
	cmd 8 flags 0x5 version 1 2:str:shoal0 8:{1:{1:u8:1}}
	cmd 9 flags 0x5 version 1 2:str:shoal0 8:{1:{1:u8:0}}
	EOF
	expect show 0 '^  key slot 1 id 9 active packets 0 epoch 0x0123456789abcdef$' '' -- show shoal0 &&
	! grep -q 'slot 0' "$TMP/out"
}

key_errors()
{
	keyfiles
	printf 'sekritsekrit\n' >"$TMP/junk"
	python3 -c 'import base64; print(base64.b64encode(bytes(31)).decode())' >"$TMP/short"
	printf '%043d=\n' 0 | tr 0 / >"$TMP/noncanon"
	head -c 2000 /dev/zero | tr '\0' A >"$TMP/long"
	: >"$TMP/empty"
	expect "no action" 2 '' 'an action is required' -- key &&
	expect "bad action" 2 '' 'unknown action "frob"' -- key frob shoal0 &&
	expect "no device" 2 '' 'a device name is required' -- key set &&
	expect "no slot" 2 '' 'a slot is required' -- key set shoal0 id 1 "$TMP/k0" &&
	expect "no id" 2 '' 'a key id is required' -- key set shoal0 slot 0 "$TMP/k0" &&
	expect "no file" 2 '' 'a key file is required' -- key set shoal0 slot 0 id 1 &&
	expect "bad slot" 2 '' 'invalid slot "x"' -- key set shoal0 slot x id 1 "$TMP/k0" &&
	expect "id 256" 2 '' 'invalid id "256": out of range 0-255' -- key set shoal0 slot 0 id 256 "$TMP/k0" &&
	expect "two files" 2 '' 'unexpected argument "extra"' -- key set shoal0 slot 0 id 1 "$TMP/k0" extra &&
	expect "id on activate" 2 '' 'unexpected argument "id"' -- key activate shoal0 slot 0 id 1 &&
	expect "slot twice" 2 '' 'slot given twice' -- key del shoal0 slot 0 slot 1 &&
	expect "junk key" 2 '' 'the key in .*/junk is not 32 bytes of base64' -- key set shoal0 slot 0 id 1 "$TMP/junk" &&
	! grep -q sekrit "$TMP/err" &&
	expect "31 bytes" 2 '' 'not 32 bytes of base64' -- key set shoal0 slot 0 id 1 "$TMP/short" &&
	expect "non-canonical" 2 '' 'not 32 bytes of base64' -- key set shoal0 slot 0 id 1 "$TMP/noncanon" &&
	expect "huge file" 2 '' 'longer than a key' -- key set shoal0 slot 0 id 1 "$TMP/long" &&
	expect "empty stdin" 2 '' 'the key in standard input is not 32 bytes' -- key set shoal0 slot 0 id 1 - <"$TMP/empty" &&
	expect "missing file" 1 '' '^shoal: reading key file /nonexistent/k: No such file or directory$' -- key set shoal0 slot 0 id 1 /nonexistent/k &&
	expect "a directory" 1 '' 'Is a directory' -- key set shoal0 slot 0 id 1 "$TMP" &&
	[[ ! -e $SHOAL_FAKE_LOG ]] &&
	expect "slot 2" 1 '' \
		'^shoal: installing a key on shoal0: Numerical result out of range: integer out of range \(attribute keys.1.slot\)$' \
		-- key set shoal0 slot 2 id 1 "$TMP/k0" &&
	expect "no such device" 1 '' '^shoal: activating a key of nosuch: No such device \(attribute ifname\)$' -- key activate nosuch slot 0 &&
	SHOAL_FAKE_MISSING=1 expect "missing, in a nest" 1 '' \
		'^shoal: installing a key on shoal0: Invalid argument \(missing attribute keys.1.material\)$' \
		-- key set shoal0 slot 0 id 1 "$TMP/k0" &&
	expect "activate an empty slot" 1 '' '^shoal: activating a key of shoal0: Required key not available: The slot holds no key \(attribute keys.1.slot\)$' \
		-- key activate shoal0 slot 1 &&
	expect "del an empty slot" 1 '' 'deleting a key of shoal0: No such file or directory: The slot holds no key' -- key del shoal0 slot 0 &&
	expect "set" 0 '' '' -- key set shoal0 slot 0 id 1 "$TMP/k0" &&
	expect "activate" 0 '' '' -- key activate shoal0 slot 0 &&
	expect "replace the active key" 1 '' 'Device or resource busy: Cannot replace the active key \(attribute keys.1.slot\)$' \
		-- key set shoal0 slot 0 id 2 "$TMP/kff"
}

# Every base64 digit decodes to its value, and the characters on either
# side of each range of digits are refused (the decoder computes a digit's
# value from ranges, so that its time does not depend on the key).
key_alphabet()
{
	local b64=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/
	local text hex c

	keyfiles
	# Two keys that hold every digit between them. A key's last digit
	# has its two low bits zero (256 bits in 43 digits).
	for text in "${b64:0:42}A=" "${b64:22:42}w="
	do
		echo "$text" >"$TMP/alpha"
		hex=$(python3 -c 'import base64, sys; print(base64.b64decode(sys.argv[1], validate=True).hex())' "$text")
		rm -f "$SHOAL_FAKE_LOG"
		expect "key $text" 0 '' '' -- key set shoal0 slot 1 id 1 "$TMP/alpha" &&
		grep -q "3:bin:$hex}}\$" "$SHOAL_FAKE_LOG" || return 1
	done
	for c in @ '[' '`' '{' . : , '*' - = '"' $'\x7f' $'\x80' $'\xc1' $'\xff'
	do
		printf '%s%s%sA=\n' "${b64:0:5}" "$c" "${b64:6:36}" >"$TMP/alpha"
		expect "digit $(printf %q "$c")" 2 '' 'not 32 bytes of base64' \
			-- key set shoal0 slot 1 id 1 "$TMP/alpha" || return 1
	done
}

# Whatever the kernel sends, material never reaches the output.
key_material_never_printed()
{
	local args b64

	keyfiles
	b64=$(cat "$TMP/k0")
	expect "key set" 0 '' '' -- key set shoal0 slot 1 id 9 "$TMP/k0" &&
	expect "peer with keys" 0 '' '' -- peer add shoal0 id 12 rx-key 1 "$TMP/k0" tx-key 2 "$TMP/k0" || return 1
	for args in "show" "-j show" "-j -p show shoal0" "peer show shoal0" "-j peer show shoal0 id 12"
	do
		# shellcheck disable=SC2086
		SHOAL_FAKE_LEAK=1 expect "$args" 0 '*' '' -- $args || return 1
		if grep -qiE "QUFBQUFB|41414141|${b64:0:12}|${K0_HEX:0:16}" "$TMP/out"
		then
			echo "# key material in the output of shoal $args"
			return 1
		fi
	done
	grep -q '"tx_key":{"id":2,"packets":5,"epoch":"0x1122334455667702"}' "$TMP/out"
}

show_peers_text()
{
	populated
	expect show 0 '*' '' -- show &&
	diff -u - "$TMP/out" <<-EOF
	shoal0: ifindex 5 port 51820 sender-id 7 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 2
	  key slot 0 id 1 active packets 1000 epoch 0x00000000deadbeef
	  key slot 1 id 2 packets 0 epoch 0x0000000000000000 exhausted
	  stats rx-packets 5000 rx-bytes 500000 tx-encryptions 4294967301 drop-replay 3
	  peer 12: endpoint 192.0.2.1:51820 keepalive 25 last rx 1.234s ago
	    allowed-ips 10.0.0.2/32 fd00::2/128
	    rx-keys 1 2
	    tx-key id 3 packets 5 epoch 0x1122334455667703
	    stats rx-packets 24 rx-bytes 2400 tx-packets 12
	  peer 13: endpoint [2001:db8::1]:4000 keepalive off last rx never
	    allowed-ips none
	    rx-keys none
	    stats rx-packets 26 rx-bytes 2600 tx-packets 13 drop-auth 1
	shoal1: ifindex 9 port 40000 sender-id 0 replay-window 8192 epoch-max-age 900 key-limit 4611686018427387904 cipher chacha20-poly1305 peers 0
	  stats rx-packets 9000 rx-bytes 900000 tx-encryptions 4294967305 drop-replay 3
	EOF
}

show_peers_json()
{
	populated
	expect "-j show" 0 '*' '' -- -j show &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	devs = json.load(open(sys.argv[1]))
	d = devs[0]
	assert list(d) == ["ifname", "ifindex", "port", "sender_id", "replay_window",
	                   "epoch_max_age", "key_limit", "cipher", "keys", "stats",
	                   "groups",
	                   "peers"], list(d)
	assert d["key_limit"] == 2 ** 62
	assert d["keys"] == [
	    {"slot": 0, "id": 1, "active": True, "packets": 1000,
	     "epoch": "0x00000000deadbeef", "exhausted": False},
	    {"slot": 1, "id": 2, "active": False, "packets": 0,
	     "epoch": "0x0000000000000000", "exhausted": True}], d["keys"]
	assert len(d["stats"]) == 21 and d["stats"]["tx_encryptions"] == 2 ** 32 + 5
	assert d["stats"]["drop_tx_error"] == 0
	p, q = d["peers"]
	assert p == {"sender_id": 12, "endpoint": "192.0.2.1:51820",
	             "allowed_ips": ["10.0.0.2/32", "fd00::2/128"], "rx_keys": [1, 2],
	             "rx_keys_pairwise": [], "tx_key": {"id": 3, "packets": 5, "epoch": "0x1122334455667703"},
	             "keepalive": 25, "rx_age_ms": 1234, "stats": p["stats"]}, p
	assert p["stats"]["rx_packets"] == 24 and len(p["stats"]) == 21
	assert q["endpoint"] == "[2001:db8::1]:4000" and q["allowed_ips"] == []
	assert q["rx_keys"] == [] and "tx_key" not in q and q["rx_age_ms"] is None
	assert devs[1]["peers"] == [] and devs[1]["keys"] == [] and devs[1]["groups"] == []
	EOF
	expect "-j -p show" 0 '^                "rx_age_ms": null,$' '' -- -j -p show &&
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/out"
}

peer_add_encoding()
{
	keyfiles
	expect "everything" 0 '' '' -- peer add shoal0 id 20 endpoint 198.51.100.7:51820 \
		allowed-ips 10.1.0.0/16,fd01::/64,10.0.0.2 rx-key 1 "$TMP/k0" \
		rx-key 2 - tx-key 7 "$TMP/k0" keepalive 25 <"$TMP/kff" &&
	expect "IPv6, default routes" 0 '' '' -- peer add shoal0 keepalive 0 id 21 \
		endpoint '[2001:db8::5]:1' allowed-ips ::/0,0.0.0.0/0 &&
	expect "id alone" 0 '' '' -- peer add shoal1 sender-id 4294967295 &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 3 flags 0x5 version 1 2:str:shoal0 3:u32:20 4:bin:c6336407 6:u16:51820 7:{1:{1:u16:2 2:bin:0a010000 3:u8:16} 2:{1:u16:10 2:bin:fd010000000000000000000000000000 3:u8:64} 3:{1:u16:2 2:bin:0a000002 3:u8:32}} 8:{1:{2:u8:1 3:bin:$K0_HEX} 2:{2:u8:2 3:bin:$KFF_HEX}} 9:{2:u8:7 3:bin:$K0_HEX} 10:u16:25
	cmd 3 flags 0x5 version 1 2:str:shoal0 3:u32:21 5:bin:20010db8000000000000000000000005 6:u16:1 7:{1:{1:u16:10 2:bin:00000000000000000000000000000000 3:u8:0} 2:{1:u16:2 2:bin:00000000 3:u8:0}} 10:u16:0
	cmd 3 flags 0x5 version 1 2:str:shoal1 3:u32:4294967295
	EOF
	expect "show" 0 '*' '' -- peer show shoal0 &&
	diff -u - "$TMP/out" <<-EOF
	peer 20: endpoint 198.51.100.7:51820 keepalive 25 last rx never
	  allowed-ips 10.1.0.0/16 fd01::/64 10.0.0.2/32
	  rx-keys 1 2
	  tx-key id 7 packets 5 epoch 0x1122334455667707
	  stats rx-packets 40 rx-bytes 4000 tx-packets 20
	peer 21: endpoint [2001:db8::5]:1 keepalive off last rx never
	  allowed-ips ::/0 0.0.0.0/0
	  rx-keys none
	  stats rx-packets 42 rx-bytes 4200 tx-packets 21 drop-auth 1
	EOF
}

peer_set_encoding()
{
	keyfiles
	populated
	expect "allowed-ips none" 0 '' '' -- peer set shoal0 id 12 allowed-ips none &&
	expect "rx-keys" 0 '' '' -- peer set shoal0 id 12 rx-key 1 remove rx-key 5 "$TMP/k0" &&
	expect "tx-key remove" 0 '' '' -- peer set shoal0 id 12 tx-key remove &&
	expect "tx-key remove, none left" 0 '' '' -- peer set shoal0 id 12 tx-key remove &&
	expect "endpoint, keepalive" 0 '' '' -- peer set shoal0 id 13 endpoint '[::1]:9' keepalive 10 &&
	expect "tx-key ID remove" 0 '' '' -- peer set shoal0 id 13 tx-key 4 "$TMP/k0" &&
	expect "tx-key ID remove" 0 '' '' -- peer set shoal0 id 13 tx-key 4 remove &&
	expect "prefix moves" 0 '' '' -- peer set shoal0 id 13 allowed-ips fd00::2/128 &&
	expect "pairwise key" 0 '' '' -- peer set shoal0 id 13 rx-key 9 "$TMP/k0" pairwise &&
	expect "pairwise mark" 0 '' '' -- peer set shoal0 id 12 rx-key 5 pairwise off rx-key 2 pairwise on &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:12 7:{}
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:12 8:{1:{2:u8:1} 2:{2:u8:5 3:bin:$K0_HEX}}
	cmd 6 flags 0x305 version 1 2:str:shoal0 3:u32:12
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:12 9:{2:u8:3}
	cmd 6 flags 0x305 version 1 2:str:shoal0 3:u32:12
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:12
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:13 5:bin:00000000000000000000000000000001 6:u16:9 10:u16:10
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:13 9:{2:u8:4 3:bin:$K0_HEX}
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:13 9:{2:u8:4}
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:13 7:{1:{1:u16:10 2:bin:fd000000000000000000000000000002 3:u8:128}}
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:13 8:{1:{2:u8:9 3:bin:$K0_HEX 8:u8:1}}
	cmd 4 flags 0x5 version 1 2:str:shoal0 3:u32:12 8:{1:{2:u8:5 8:u8:0} 2:{2:u8:2 8:u8:1}}
	EOF
	expect "show" 0 '*' '' -- peer show shoal0 &&
	diff -u - "$TMP/out" <<-EOF
	peer 12: endpoint 192.0.2.1:51820 keepalive 25 last rx 1.234s ago
	  allowed-ips none
	  rx-keys 2 5
	  stats rx-packets 24 rx-bytes 2400 tx-packets 12
	peer 13: endpoint [::1]:9 keepalive 10 last rx never
	  allowed-ips fd00::2/128
	  rx-keys 9
	  stats rx-packets 26 rx-bytes 2600 tx-packets 13 drop-auth 1
	EOF
}

# One attribute holds at most 64 KiB, 2,340 IPv4 prefixes: libnl takes a
# longer list out of the request again, which went without it (the fake
# kernel takes 64 prefixes; peers_test.sh many_prefixes sends 1,200).
peer_too_many_ips()
{
	local ips

	populated
	ips=$(for ((i = 0; i < 2341; i++)); do printf '10.%d.%d.0/24,' $((i >> 8)) $((i & 255)); done)
	expect "2,341 prefixes" 1 '' '^shoal: building a netlink request: more than 64 KiB' \
		-- peer set shoal0 id 12 allowed-ips "${ips%,}" &&
	[[ ! -e $SHOAL_FAKE_LOG ]]
}

peer_del_and_show()
{
	populated
	expect "show one" 0 '^peer 12: ' '' -- peer show shoal0 id 12 &&
	[[ $(grep -c '^peer' "$TMP/out") == 1 ]] &&
	expect "-j show one" 0 '^\[\{"sender_id":12,.*\}\]$' '' -- -j peer show shoal0 sender-id 12 &&
	expect "-j show none" 0 '^\[\]$' '' -- -j peer show shoal1 &&
	expect "show none" 0 '' '' -- peer show shoal1 &&
	expect "del" 0 '' '' -- peer del shoal0 id 13 &&
	expect "show after del" 0 '^peer 12: ' '' -- peer show shoal0 &&
	! grep -q 'peer 13' "$TMP/out" &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 6 flags 0x305 version 1 2:str:shoal0 3:u32:12
	cmd 6 flags 0x305 version 1 2:str:shoal0 3:u32:12
	cmd 6 flags 0x305 version 1 2:str:shoal1
	cmd 6 flags 0x305 version 1 2:str:shoal1
	cmd 5 flags 0x5 version 1 2:str:shoal0 3:u32:13
	cmd 6 flags 0x305 version 1 2:str:shoal0
	EOF
	expect "show, no device" 1 '' '^shoal: listing the peers of nosuch: No such device \(attribute ifname\)$' -- peer show nosuch &&
	expect "show, no peer" 1 '' '^shoal: getting peer 99 of shoal0: No such file or directory: No such peer$' -- peer show shoal0 id 99 &&
	expect "del, no peer" 1 '' '^shoal: deleting peer 13 of shoal0: No such file or directory: No such peer \(attribute sender-id\)$' -- peer del shoal0 id 13
}

peer_usage_errors()
{
	keyfiles
	expect "no action" 2 '' 'an action is required' -- peer &&
	expect "bad action" 2 '' 'unknown action "frob"' -- peer frob shoal0 &&
	expect "no device" 2 '' 'a device name is required' -- peer add &&
	expect "long device" 2 '' 'longer than 15 bytes' -- peer show abcdefghijklmnop &&
	expect "no id" 2 '' "sender id is required" -- peer add shoal0 endpoint 1.2.3.4:5 &&
	expect "host bits" 2 '' '^shoal: invalid prefix "10.0.0.1/24": host bits must be zero \(did you mean 10.0.0.0/24\?\)$' \
		-- peer add shoal0 id 1 allowed-ips 10.0.0.0/8,10.0.0.1/24 &&
	expect "IPv6 host bits" 2 '' 'host bits must be zero \(did you mean fd00::/64\?\)' -- peer add shoal0 id 1 allowed-ips fd00::1/64 &&
	expect "length" 2 '' 'invalid prefix "10.0.0.0/33": the length must be 0-32' -- peer add shoal0 id 1 allowed-ips 10.0.0.0/33 &&
	expect "IPv6 length" 2 '' 'the length must be 0-128' -- peer add shoal0 id 1 allowed-ips ::/129 &&
	expect "short address" 2 '' 'invalid prefix "10.0.0/8": expected an IPv4 or IPv6' -- peer add shoal0 id 1 allowed-ips 10.0.0/8 &&
	expect "empty prefix" 2 '' 'empty prefix in the list' -- peer add shoal0 id 1 allowed-ips 10.0.0.0/8,,fd00::/8 &&
	expect "prefix scope" 2 '' 'scope ids are not part of a prefix' -- peer add shoal0 id 1 allowed-ips fe80::%eth0/64 &&
	expect "bare IPv6 endpoint" 2 '' 'an IPv6 address goes in brackets' -- peer add shoal0 id 1 endpoint fd00::1:5 &&
	expect "no port" 2 '' 'invalid endpoint "1.2.3.4": expected ADDR:PORT' -- peer add shoal0 id 1 endpoint 1.2.3.4 &&
	expect "IPv4 in brackets" 2 '' 'expected ADDR:PORT' -- peer add shoal0 id 1 endpoint '[1.2.3.4]:5' &&
	expect "a name" 2 '' 'expected ADDR:PORT' -- peer add shoal0 id 1 endpoint host.example:80 &&
	expect "port" 2 '' 'the port must be 0-65535' -- peer add shoal0 id 1 endpoint '[::1]:65536' &&
	expect "scope" 2 '' 'scope ids are not supported' -- peer add shoal0 id 1 endpoint '[fe80::1%eth0]:5' &&
	expect "two keys on stdin" 2 '' 'only one key can be read from standard input' \
		-- peer add shoal0 id 1 rx-key 1 - tx-key 2 - <"$TMP/k0" &&
	expect "remove in add" 2 '' 'rx-key 1 remove: a new peer has no key to remove' -- peer add shoal0 id 1 rx-key 1 remove &&
	expect "tx remove in add" 2 '' 'tx-key remove: a new peer' -- peer add shoal0 id 1 tx-key remove &&
	expect "rx-key twice" 2 '' 'rx-key 1 given twice' -- peer add shoal0 id 1 rx-key 1 "$TMP/k0" rx-key 1 "$TMP/kff" &&
	expect "endpoint twice" 2 '' 'endpoint given twice' -- peer add shoal0 id 1 endpoint 1.2.3.4:5 endpoint 1.2.3.4:6 &&
	expect "key id range" 2 '' 'invalid rx-key "300": out of range 0-255' -- peer add shoal0 id 1 rx-key 300 "$TMP/k0" &&
	expect "key without file" 2 '' 'rx-key 1 needs a key file' -- peer add shoal0 id 1 rx-key 1 &&
	expect "keepalive range" 2 '' 'out of range 0-65535' -- peer add shoal0 id 1 keepalive 65536 &&
	expect "unknown keyword" 2 '' 'unknown keyword "mtu"' -- peer add shoal0 id 1 mtu 5 &&
	expect "nothing to change" 2 '' 'nothing to change' -- peer set shoal0 id 12 &&
	expect "del without id" 2 '' 'sender id is required' -- peer del shoal0 &&
	expect "del extra" 2 '' 'unexpected argument "x"' -- peer del shoal0 id 1 x &&
	expect "show id 0" 2 '' 'peers have ids from 1' -- peer show shoal0 id 0 &&
	expect "--file alone" 2 '' '--file needs a file name' -- peer add shoal0 --file &&
	expect "--file and more" 2 '' '--file takes no other option' -- peer add shoal0 --file a id 1 &&
	expect "bad key file" 2 '' 'the key in .* is not 32 bytes' -- peer add shoal0 id 1 tx-key 1 "$TMP/err" &&
	[[ ! -e $SHOAL_FAKE_LOG ]]
}

peer_kernel_errors()
{
	local nocap

	keyfiles
	populated
	expect "exists" 1 '' '^shoal: adding peer 12 to shoal0: File exists: A peer with this sender id exists \(attribute sender-id\)$' \
		-- peer add shoal0 id 12 &&
	expect "id 0" 1 '' 'adding peer 0 to shoal0: Numerical result out of range: integer out of range \(attribute sender-id\)$' \
		-- peer add shoal0 id 0 &&
	expect "port 0" 1 '' 'integer out of range \(attribute endpoint-port\)$' -- peer add shoal0 id 5 endpoint 1.2.3.4:0 &&
	expect "no such device" 1 '' '^shoal: adding peer 1 to nosuch: No such device \(attribute ifname\)$' -- peer add nosuch id 1 &&
	expect "no such peer" 1 '' '^shoal: changing peer 99 of shoal0: No such file or directory: No such peer \(attribute sender-id\)$' \
		-- peer set shoal0 id 99 keepalive 1 &&
	expect "tx-key remove, no peer" 1 '' '^shoal: getting peer 99 of shoal0: No such file or directory: No such peer' \
		-- peer set shoal0 id 99 tx-key remove &&
	expect "too many rx keys" 1 '' 'No space left on device: Too many receive keys \(attribute rx-keys.3\)$' \
		-- peer set shoal0 id 12 rx-key 7 "$TMP/k0" rx-key 8 "$TMP/k0" rx-key 9 "$TMP/k0" || return 1
	# Attributes inside nests are named the same whether or not the
	# kernel echoes the request.
	for nocap in 0 1
	do
		SHOAL_FAKE_NOCAP=$nocap expect "rx key, nocap=$nocap" 1 '' \
			'^shoal: changing peer 12 of shoal0: No such file or directory: No receive key with this id \(attribute rx-keys.2.id\)$' \
			-- peer set shoal0 id 12 rx-key 1 remove rx-key 9 remove &&
		SHOAL_FAKE_NOCAP=$nocap expect "tx key, nocap=$nocap" 1 '' \
			'No transmit key with this id \(attribute tx-key.id\)$' \
			-- peer set shoal0 id 12 tx-key 4 remove || return 1
	done
	# Nothing was applied by the failed requests.
	expect show 0 '*' '' -- peer show shoal0 id 12 &&
	grep -qx '  rx-keys 1 2' "$TMP/out"
}

peer_bulk_file()
{
	keyfiles
	populated
	mkdir -p "$TMP/conf/keys" && cp "$TMP/k0" "$TMP/conf/keys/a.key" &&
	cat >"$TMP/conf/peers" <<-EOF &&
	# The peers of shoal0.
	id 30 endpoint 192.0.2.30:51820 allowed-ips 10.30.0.0/16	# a comment

	   id 31 endpoint [2001:db8::31]:51820 rx-key 1 keys/a.key
	#id 12
	id 12 endpoint 192.0.2.12:1
	id 32
	EOF
	expect "a peer that exists, line 6" 1 '' \
		"^shoal: $TMP/conf/peers:6: adding peer 12 to shoal0: File exists: A peer with this sender id exists \(attribute sender-id\)$" \
		-- peer add shoal0 --file "$TMP/conf/peers" &&
	# One datagram; only the last request asks for an ack.
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 3 flags 0x1 version 1 2:str:shoal0 3:u32:30 4:bin:c000021e 6:u16:51820 7:{1:{1:u16:2 2:bin:0a1e0000 3:u8:16}}
	cmd 3 flags 0x1 version 1 2:str:shoal0 3:u32:31 5:bin:20010db8000000000000000000000031 6:u16:51820 8:{1:{2:u8:1 3:bin:$K0_HEX}}
	cmd 3 flags 0x1 version 1 2:str:shoal0 3:u32:12 4:bin:c000020c 6:u16:1
	cmd 3 flags 0x5 version 1 2:str:shoal0 3:u32:32
	EOF
	expect "all added but the refused one" 0 '*' '' -- peer show shoal0 &&
	[[ $(grep -c '^peer' "$TMP/out") == 5 ]] && grep -q '^peer 32' "$TMP/out" || return 1

	# A mistake anywhere: nothing is sent.
	rm -f "$SHOAL_FAKE_LOG"
	printf 'id 40\n\nid 41 allowed-ips 10.0.0.1/8\n' >"$TMP/conf/bad"
	expect "syntax, line 3" 2 '' "^shoal: $TMP/conf/bad:3: invalid prefix \"10.0.0.1/8\": host bits must be zero" \
		-- peer add shoal0 --file "$TMP/conf/bad" &&
	printf 'id 40 rx-key 1 keys/nosuch\n' >"$TMP/conf/bad" &&
	expect "key file, line 1" 1 '' "^shoal: $TMP/conf/bad:1: reading key file keys/nosuch: No such file or directory$" \
		-- peer add shoal0 --file "$TMP/conf/bad" &&
	printf 'id 40 frob\n' >"$TMP/conf/bad" &&
	expect "keyword" 2 '' "bad:1: unknown keyword \"frob\"$" -- peer add shoal0 --file "$TMP/conf/bad" &&
	expect "no such file" 1 '' '^shoal: opening /nonexistent/peers: No such file or directory$' \
		-- peer add shoal0 --file /nonexistent/peers &&
	[[ ! -e $SHOAL_FAKE_LOG ]] &&
	printf 'id 40 rx-key 1 -\n' >"$TMP/conf/bad" &&
	expect "stdin twice" 2 '' '^shoal: standard input:1: standard input was already read' \
		-- peer add shoal0 --file - <"$TMP/conf/bad" &&
	# From stdin, relative key files start at the current directory.
	(cd "$TMP/conf" && printf 'id 40 rx-key 1 keys/a.key\n' |
		expect "from stdin" 0 '' '' -- peer add shoal0 --file -) &&
	printf '# nothing\n\n' >"$TMP/conf/empty" &&
	expect "empty" 0 '' '' -- peer add shoal0 --file "$TMP/conf/empty" &&
	[[ $(wc -l <"$SHOAL_FAKE_LOG") == 1 ]]
}

# Keys written inline in a peer file, and only there.
peer_bulk_inline_keys()
{
	local k0 kff

	keyfiles
	populated
	k0=$(<"$TMP/k0") && kff=$(<"$TMP/kff") &&
	mkdir -p "$TMP/conf" && cp "$TMP/k0" "$TMP/conf/inline" &&
	cat >"$TMP/conf/peers" <<-EOF &&
	id 40 rx-key 1 inline $k0 pairwise rx-key 2 ./inline tx-key 3 inline $kff
	id 41 keepalive 5 rx-key 7 inline $kff
	EOF
	chmod 600 "$TMP/conf/peers" &&
	expect "owner only" 0 '' '' -- peer add shoal0 --file "$TMP/conf/peers" &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 3 flags 0x1 version 1 2:str:shoal0 3:u32:40 8:{1:{2:u8:1 3:bin:$K0_HEX 8:u8:1} 2:{2:u8:2 3:bin:$K0_HEX}} 9:{2:u8:3 3:bin:$KFF_HEX}
	cmd 3 flags 0x5 version 1 2:str:shoal0 3:u32:41 8:{1:{2:u8:7 3:bin:$KFF_HEX}} 10:u16:5
	EOF
	# Others can read the file: a warning, the peers added all the same.
	chmod 644 "$TMP/conf/peers" && rm -f "$SHOAL_FAKE_LOG" &&
	expect "readable by others" 0 '' \
		"^shoal: warning: $TMP/conf/peers:1: a key inline in a file that users other than its owner can read" \
		-- peer add shoal1 --file "$TMP/conf/peers" &&
	[[ $(wc -l <"$TMP/err") == 1 && $(grep -c '^cmd 3 ' "$SHOAL_FAKE_LOG") == 2 ]] &&
	expect "del 40" 0 '' '' -- peer del shoal1 id 40 &&
	expect "del 41" 0 '' '' -- peer del shoal1 id 41 &&
	(cd "$TMP/conf" &&
		expect "from stdin, no warning" 0 '' '' -- peer add shoal1 --file - <peers) &&
	rm -f "$SHOAL_FAKE_LOG" &&
	# Never on the command line, and a bad key is not quoted back.
	expect "command line" 2 '' '^shoal: rx-key 1 inline: a key is written inline only in a peer file' \
		-- peer add shoal0 id 42 rx-key 1 inline "$k0" &&
	expect "peer set" 2 '' '^shoal: tx-key 1 inline: a key is written inline only in a peer file' \
		-- peer set shoal0 id 12 tx-key 1 inline "$k0" &&
	printf 'id 43\nid 44 rx-key 1 inline %s\n' "${k0:1}" >"$TMP/conf/bad" &&
	expect "short key, line 2" 2 '' "^shoal: $TMP/conf/bad:2: rx-key 1 inline needs a key: 32 bytes of base64" \
		-- peer add shoal0 --file "$TMP/conf/bad" &&
	! grep -qF -- "${k0:1:20}" "$TMP/err" &&
	printf 'id 44 tx-key 1 inline\n' >"$TMP/conf/bad" &&
	expect "no key" 2 '' "^shoal: $TMP/conf/bad:1: tx-key 1 inline needs a key" \
		-- peer add shoal0 --file "$TMP/conf/bad" &&
	printf 'id 44 rx-key 1 inline %s rx-key 1 inline %s\n' "$k0" "$kff" >"$TMP/conf/bad" &&
	expect "one id twice" 2 '' "^shoal: $TMP/conf/bad:1: rx-key 1 given twice$" \
		-- peer add shoal0 --file "$TMP/conf/bad" &&
	[[ ! -e $SHOAL_FAKE_LOG ]]
}

# Thousands of peers: one process, one socket; and printed back whole.
peer_bulk_10000()
{
	keyfiles
	awk -v key="$TMP/k0" 'BEGIN {
		for (i = 1; i <= 10000; i++)
			printf "id %d endpoint 10.%d.%d.1:51820 allowed-ips 10.%d.%d.0/24,fd00::%x/128 rx-key 1 %s\n",
				i, int(i / 256) % 256, i % 256, 100 + int(i / 256), i % 256, i, key
	}' >"$TMP/bulk"
	expect "10000 peers" 0 '' '' -- peer add shoal1 --file "$TMP/bulk" &&
	[[ $(grep -c '^cmd 3 ' "$SHOAL_FAKE_LOG") == 10000 ]] &&
	expect "-j show" 0 '*' '' -- -j show &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	d = json.load(open(sys.argv[1]))[1]
	assert d["ifname"] == "shoal1" and len(d["peers"]) == 10000
	assert [p["sender_id"] for p in d["peers"]] == list(range(1, 10001))
	assert d["peers"][-1]["allowed_ips"] == ["10.139.16.0/24", "fd00::2710/128"]
	EOF
	SHOAL_FAKE_PEER_INTR=2 expect "show, twice interrupted" 0 '^    allowed-ips 10.139.16.0/24 fd00::2710/128$' '' -- show &&
	[[ $(grep -c '^  peer ' "$TMP/out") == 10000 ]] &&
	expect "peer show" 0 '*' '' -- peer show shoal1 &&
	[[ $(grep -c '^peer ' "$TMP/out") == 10000 ]]
}

# Refused lines in several windows of requests: each reported with its
# line number, none stops the others.
peer_bulk_refusals()
{
	local i

	populated
	for ((i = 1; i <= 200; i++))
	do
		case $i in
		5) echo "id 12" ;;
		70) echo "id 13" ;;
		200) echo "id 12" ;;
		*) echo "id $((100 + i))" ;;
		esac
	done >"$TMP/bulk"
	expect "three refused" 1 '' "^shoal: $TMP/bulk:70: adding peer 13 to shoal0: File exists" \
		-- peer add shoal0 --file "$TMP/bulk" &&
	[[ $(grep -c "^shoal: $TMP/bulk:\(5\|70\|200\): adding peer 1[23] to shoal0: File exists" "$TMP/err") == 3 &&
	   $(wc -l <"$TMP/err") == 3 ]] &&
	[[ $(grep -c '^cmd 3 ' "$SHOAL_FAKE_LOG") == 200 ]] &&
	expect "the others added" 0 '*' '' -- peer show shoal0 &&
	[[ $(grep -c '^peer' "$TMP/out") == 199 ]]
}

peer_dump_interrupted()
{
	populated
	devices '5 shoal0 51820 7' 'peer 5 1 - 0 - - - -' 'peer 5 2 - 0 - - - -' \
		'peer 5 3 - 0 - - - -'
	SHOAL_FAKE_PEER_INTR=2 SHOAL_FAKE_PER_MSG=1 expect "peer show" 0 '*' '' -- peer show shoal0 &&
	[[ $(grep -c '^peer' "$TMP/out") == 3 && $(grep -c '^cmd 6 ' "$SHOAL_FAKE_LOG") == 3 ]] &&
	SHOAL_FAKE_PEER_INTR=4 SHOAL_FAKE_PER_MSG=1 expect "-j show" 0 '*' '' -- -j show &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert [p["sender_id"] for p in d[0]["peers"]] == [1, 2, 3]' "$TMP/out" &&
	SHOAL_FAKE_PEER_INTR=99 expect "always interrupted" 1 '' \
		'^shoal: listing the peers of shoal0: dump interrupted by concurrent changes, try again$' -- peer show shoal0 &&
	SHOAL_FAKE_PEER_INTR=99 expect "always interrupted, show" 1 '' \
		'^shoal: listing the peers of shoal0: dump interrupted by concurrent changes, try again$' -- -j show &&
	SHOAL_FAKE_DUMP_ERR=1 expect "error at the end" 1 '' \
		'^shoal: listing the peers of shoal0: No buffer space available: Fake dump failure$' -- peer show shoal0
}

write_error()
{
	[[ -w /dev/full ]] || return 0
	env LD_PRELOAD="$FAKE" "$SHOAL" show >/dev/full 2>"$TMP/err"
	[[ $? == 1 ]] && grep -q '^shoal: writing the output: No space left on device$' "$TMP/err"
}

netns()
{
	expect "missing netns" 1 '' '^shoal: entering network namespace nosuch-netns-[0-9]+: No such file or directory$' \
		-- -n "nosuch-netns-$$" show || return 1
	# Entering one's own netns by path needs CAP_SYS_ADMIN.
	if [[ $EUID == 0 ]]
	then
		expect "own netns by path" 0 '^shoal0: ' '' -- -n /proc/self/ns/net show
	fi
}

netlink_layer_on_real_kernel()
{
	local out

	if grep -q '^shoal ' /proc/modules 2>/dev/null
	then
		echo "# the shoal module is loaded: realnl expects it absent"
		return 0
	fi
	out=$(./realnl 2>&1)
	local rc=$?
	sed 's/^/# /' <<<"$out"
	[[ $rc == 0 ]]
}

no_leaks()
{
	local args

	if ! command -v valgrind >/dev/null
	then
		echo "# valgrind missing"
		return 0
	fi
	# Lines longer than the first line buffer, inline keys, key files.
	keyfiles
	printf 'id 40 allowed-ips %s rx-key 1 inline %s\n' \
		"$(seq -f 10.0.%g.0/24 0 40 | paste -sd,)" "$(<"$TMP/k0")" >"$TMP/vgpeers"
	printf 'key set shoal0 slot 1 id 4 %s\npeer add shoal0 --file %s\n' \
		"$TMP/kff" "$TMP/vgpeers" >"$TMP/vgbatch"
	for args in "help" "show" "-j -p show" "show nosuch" "set shoal0 port 1 id 0" \
		    "set shoal0 port 40001 id 3" "set shoal0 mtu 1" \
		    "peer add shoal1 --file $TMP/vgpeers" "-b $TMP/vgbatch"
	do
		# shellcheck disable=SC2086
		LD_PRELOAD="$FAKE" valgrind -q --leak-check=full \
			--errors-for-leak-kinds=all --error-exitcode=99 \
			"$SHOAL" $args >/dev/null 2>"$TMP/vg"
		if [[ $? == 99 ]]
		then
			echo "# valgrind: shoal $args"
			sed 's/^/# /' "$TMP/vg"
			return 1
		fi
	done
	SHOAL_FAKE_NOFAMILY=1 LD_PRELOAD="$FAKE" valgrind -q --leak-check=full \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		"$SHOAL" show >/dev/null 2>"$TMP/vg"
	[[ $? != 99 ]] || { sed 's/^/# /' "$TMP/vg"; return 1; }
	# The real kernel's answer when the module is missing.
	if ! grep -q '^shoal ' /proc/modules 2>/dev/null
	then
		valgrind -q --leak-check=full --errors-for-leak-kinds=all \
			--error-exitcode=99 "$SHOAL" show >/dev/null 2>"$TMP/vg"
		[[ $? != 99 ]] || { sed 's/^/# /' "$TMP/vg"; return 1; }
	fi
	SHOAL_FAKE_INTR=99 LD_PRELOAD="$FAKE" valgrind -q --leak-check=full \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		"$SHOAL" show >/dev/null 2>"$TMP/vg"
	[[ $? != 99 ]] || { sed 's/^/# /' "$TMP/vg"; return 1; }
	keyfiles
	populated
	printf 'id 40 allowed-ips 10.40.0.0/16 rx-key 1 %s\nid 12\n' "$TMP/k0" >"$TMP/vgbulk"
	for args in "genkey" "-j show" "peer show shoal0" "peer show shoal0 id 99" \
		    "key set shoal0 slot 1 id 3 $TMP/k0" "key set shoal0 slot 1 id 3 $TMP/err" \
		    "peer add shoal0 id 20 endpoint [::1]:5 allowed-ips ::/0,10.0.0.0/8 rx-key 1 $TMP/k0 tx-key 2 $TMP/k0" \
		    "peer set shoal0 id 12 tx-key remove allowed-ips none" \
		    "peer set shoal0 id 12 rx-key 9 remove" "peer add shoal0 id 1 allowed-ips 10.0.0.1/8" \
		    "peer add shoal0 --file $TMP/vgbulk" "peer del shoal0 id 13"
	do
		# shellcheck disable=SC2086
		SHOAL_FAKE_PEER_INTR=1 LD_PRELOAD="$FAKE" valgrind -q --leak-check=full \
			--errors-for-leak-kinds=all --error-exitcode=99 \
			"$SHOAL" $args >/dev/null 2>"$TMP/vg"
		if [[ $? == 99 ]]
		then
			echo "# valgrind: shoal $args"
			sed 's/^/# /' "$TMP/vg"
			return 1
		fi
	done
	# Groups, split and interrupted dumps, and batches that fail.
	grouped
	seq 20 -1 12 | sed 's/$/ # a member/' >"$TMP/vgmembers"
	printf '12\n13\nx\n' >"$TMP/vgjunk"
	printf 'show\ngroup show shoal0 id 7\nfrob\nshow "x\ngroup del shoal0 id 99\n' >"$TMP/vgbatch"
	for args in "show" "-j group show" "group show shoal0" "group show shoal0 id 7" \
		    "group show shoal0 id 99" "group add shoal0 id 30 prefix ff3e::/16 members 12,13 14" \
		    "group add shoal0 id 31 broadcast" "group add shoal0 id 32 prefix 1.0.0.1/8" \
		    "group add shoal0 id 33 prefix 239.9.0.0/16 members-file $TMP/vgjunk" \
		    "group member add shoal0 id 8 members 12 members-file $TMP/vgmembers" \
		    "group member add shoal0 id 8 members 12 13" "group member del shoal0 id 7 members 13" \
		    "group member del shoal0 id 7 members 12,12" "group del shoal0 id 9" \
		    "-b $TMP/vgbatch" "--force -j -b $TMP/vgbatch" "-b /nonexistent"
	do
		# shellcheck disable=SC2086
		SHOAL_FAKE_GROUP_INTR=1 SHOAL_FAKE_GROUP_SPLIT=1 LD_PRELOAD="$FAKE" \
			valgrind -q --leak-check=full --errors-for-leak-kinds=all \
			--error-exitcode=99 "$SHOAL" $args >/dev/null 2>"$TMP/vg"
		if [[ $? == 99 ]]
		then
			echo "# valgrind: shoal $args"
			sed 's/^/# /' "$TMP/vg"
			return 1
		fi
	done
}

# The cases of groups and of batches.
. ./groups.sh
. ./batch.sh

if (($#))
then
	CASES=("$@")
fi
echo "TAP version 13"
echo "1..${#CASES[@]}"
for c in "${CASES[@]}"
do
	case_ "$c"
done
echo "# $((n - failed)) passed, $failed failed"
((failed == 0))
