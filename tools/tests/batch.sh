# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Cases of run.sh, which sources this file: batches (shoal -b) and the
# words of files read a line at a time.
# shellcheck shell=bash disable=SC2154

batch()
{
	grouped
	cat >"$TMP/batch" <<-'EOF'
	# Set up shoal1.
	set shoal1 port 4000 id 3

	group add shoal1 id 2 prefix 239.2.0.0/16 members 1   # a comment
	group member add "shoal1" id "1" members 1 # already a member: refused

	peer add shoal1 id 2
	EOF
	SHOAL_FAKE_SOCKETS=$TMP/sockets expect "stops at line 5" 1 '' \
		'^shoal: line 5: adding members to group 1 of shoal1: File exists: Already a member \(attribute members.1\)$' \
		-- -b "$TMP/batch" &&
	[[ $(wc -l <"$TMP/sockets") == 1 ]] &&
	diff -u - "$SHOAL_FAKE_LOG" <<-EOF &&
	cmd 2 flags 0x5 version 1 2:str:shoal1 3:u16:4000 4:u32:3
	cmd 11 flags 0x5 version 1 2:str:shoal1 3:u32:2 4:{1:u16:2 2:bin:ef020000 3:u8:16} 7:{1:u32:1}
	cmd 14 flags 0x5 version 1 2:str:shoal1 3:u32:1 7:{1:u32:1}
	EOF
	# Output in order; global options apply to every line.
	rm -f "$SHOAL_FAKE_LOG" "$TMP/sockets"
	printf 'group show shoal1 id 2\nshow shoal1\n\ngroup show "shoal0" id 9\n' >"$TMP/batch"
	SHOAL_FAKE_SOCKETS=$TMP/sockets expect "-j, from stdin" 0 '*' '' -- -j --batch - <"$TMP/batch" &&
	[[ $(wc -l <"$TMP/sockets") == 1 && $(wc -l <"$TMP/out") == 3 ]] &&
	python3 - "$TMP/out" <<-'EOF' &&
	import json, sys
	docs = [json.loads(l) for l in open(sys.argv[1])]
	assert docs[0][0]["id"] == 2 and docs[0][0]["members"] == [1]
	assert docs[1][0]["ifname"] == "shoal1" and docs[1][0]["port"] == 4000
	assert docs[2][0]["broadcast"] is True
	EOF
	expect "text" 0 '^group 2: prefix 239.2.0.0/16 member-count 1$' '' -- -b "$TMP/batch" &&
	grep -q '^shoal1: ifindex 9 port 4000 sender-id 3 ' "$TMP/out" &&
	# A peer file named on a line: errors name both.
	printf 'id 5\nid 1\n' >"$TMP/peers" &&
	printf 'show shoal1\npeer add shoal1 --file %s\n' "$TMP/peers" >"$TMP/batch" &&
	expect "a file in a line" 1 '*' \
		"^shoal: line 2: $TMP/peers:2: adding peer 1 to shoal1: File exists: A peer with this sender id exists \(attribute sender-id\)\$" \
		-- -b "$TMP/batch" &&
	expect "empty" 0 '' '' -- -b /dev/null
}

# Lines after a peer file: its requests went in windows whose sequence
# numbers libnl does not track, and every later line was refused by
# libnl's sequence check, its change made all the same.
batch_after_file()
{
	grouped
	printf 'id 5\nid 6\n' >"$TMP/peers" &&
	printf 'peer add shoal1 --file %s\nshow shoal1\nset shoal1 port 4001\npeer show shoal1 id 5\n' \
		"$TMP/peers" >"$TMP/batch" &&
	expect "lines after a peer file" 0 '^peer 5: ' '' -- -b "$TMP/batch" &&
	grep -q '^shoal1: ifindex 9 port 40000 ' "$TMP/out" &&
	expect "the port" 0 '^shoal1: ifindex 9 port 4001 ' '' -- show shoal1
}

batch_force()
{
	grouped
	cat >"$TMP/batch" <<-'EOF'
	group del shoal0 id 99
	group add shoal0 id 40 broadcast
	group add shoal0 id 41 prefix 239.41.0.0/16
	group show shoal0 id 41
	frobnicate
	show "unterminated
	group del shoal0 id 7
	EOF
	SHOAL_FAKE_SOCKETS=$TMP/sockets expect "--force" 1 '^group 41: prefix 239.41.0.0/16 member-count 0$' '*' -- --force -b "$TMP/batch" &&
	[[ $(wc -l <"$TMP/sockets") == 1 ]] &&
	grep -qx 'shoal: line 1: deleting group 99 of shoal0: No such file or directory: No such group (attribute id)' "$TMP/err" &&
	grep -qx 'shoal: line 2: adding group 40 to shoal0: File exists: The device has a broadcast group (attribute broadcast)' "$TMP/err" &&
	grep -qx 'shoal: line 5: unknown command "frobnicate"' "$TMP/err" &&
	grep -qx 'shoal: line 6: unterminated quote' "$TMP/err" &&
	grep -qx 'shoal: 4 of 7 commands failed' "$TMP/err" &&
	[[ $(grep -c '^cmd ' "$SHOAL_FAKE_LOG") == 5 ]] &&
	expect "all ran" 0 '*' '' -- group show shoal0 &&
	grep -q '^group 41: ' "$TMP/out" && ! grep -q '^group 7: ' "$TMP/out" &&
	printf 'group show shoal0\n' >"$TMP/batch" &&
	expect "--force, nothing failed" 0 '^group 9: ' '' -- --force -b "$TMP/batch"
}

batch_errors()
{
	grouped
	printf 'group show shoal0\n' >"$TMP/batch"
	expect "a command after -b" 2 '' '^shoal: a command after -b FILE: the commands are in FILE$' -- -b "$TMP/batch" show &&
	expect "--force alone" 2 '' '^shoal: --force goes with -b FILE$' -- --force show &&
	expect "-b without a file" 2 '' '"-b" needs an argument' -- -b &&
	expect "missing file" 1 '' '^shoal: opening /nonexistent/batch: No such file or directory$' -- -b /nonexistent/batch &&
	expect "-b after the command" 2 '' 'option "-b" goes before the command' -- show -b x &&
	printf 'show\n-j show\n' >"$TMP/batch" &&
	expect "an option on a line" 1 '*' '^shoal: line 2: option "-j" on a line: options go before -b and apply to every line$' -- -b "$TMP/batch" &&
	printf 'show shoal0\nshow -j\n' >"$TMP/batch" &&
	expect "an option after a line's command" 1 '*' '^shoal: line 2: option "-j" goes before the command$' -- -b "$TMP/batch" &&
	rm -f "$SHOAL_FAKE_LOG" &&
	printf 'peer add shoal0 --file -\n' >"$TMP/batch" &&
	expect "standard input twice" 1 '' '^shoal: line 1: standard input was already read' -- -b - <"$TMP/batch" &&
	printf 'group member add shoal0 id 8 members-file -\n' >"$TMP/batch" &&
	expect "stdin, members-file -" 1 '' '^shoal: line 1: standard input was already read' -- -b - <"$TMP/batch" &&
	[[ ! -e $SHOAL_FAKE_LOG ]] &&
	printf 'group member add shoal0 id 8 members 13\nshow nosuch\n' >"$TMP/batch" &&
	expect "-n applies" 1 '' '^shoal: entering network namespace nosuch-netns' -- -n "nosuch-netns-$$" -b "$TMP/batch" &&
	[[ ! -e $SHOAL_FAKE_LOG ]] &&
	# What follows a NUL byte would be lost: the line is refused.
	printf 'set shoal0 id 3\0 port 9\n' >"$TMP/batch" &&
	expect "a NUL byte" 1 '' '^shoal: line 1: a NUL byte in the line$' -- -b "$TMP/batch" &&
	printf 'id 40 keepalive 5\0 rx-key 1 x\n' >"$TMP/batch" &&
	expect "a NUL byte in a peer file" 2 '' "^shoal: $TMP/batch:1: a NUL byte in the line\$" \
		-- peer add shoal0 --file "$TMP/batch" &&
	[[ ! -e $SHOAL_FAKE_LOG ]]
}

# A configuration of thousands of commands runs in one process.
batch_4096_lines()
{
	grouped
	awk 'BEGIN {
		for (i = 1; i <= 4096; i++)
			printf "group add shoal1 id %d prefix 10.%d.%d.0/24 members 1\n",
				100 + i, int(i / 256), i % 256
	}' >"$TMP/batch"
	SHOAL_FAKE_SOCKETS=$TMP/sockets expect "4096 lines" 0 '' '' -- -b "$TMP/batch" &&
	[[ $(wc -l <"$TMP/sockets") == 1 && $(grep -c '^cmd 11 ' "$SHOAL_FAKE_LOG") == 4096 ]] &&
	expect "-j show" 0 '*' '' -- -j group show shoal1 &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d) == 4097 and d[-1]["prefix"] == "10.16.0.0/24"' "$TMP/out"
}

# Files read a line at a time (peer files, batches) take quoted words.
quoted_words()
{
	keyfiles
	mkdir -p "$TMP/a dir" && cp "$TMP/k0" "$TMP/a dir/k \"0\"" &&
	printf 'id 5 rx-key 1 "%s/a dir/k \\"0\\""  # a key file name with blanks\n' "$TMP" >"$TMP/peers" &&
	expect "peer file" 0 '' '' -- peer add shoal0 --file "$TMP/peers" &&
	grep -q "^cmd 3 .* 3:u32:5 8:{1:{2:u8:1 3:bin:$K0_HEX}}\$" "$SHOAL_FAKE_LOG" &&
	printf 'peer show shoal0 "id" 5\nshow" "\n' >"$TMP/batch" &&
	expect "a blank in a quoted word" 1 '^peer 5: ' '^shoal: line 2: unknown command "show "$' -- -b "$TMP/batch"
}

# A peer file that names more key files than the tool keeps read: every
# peer still gets the key of the file its line names.
bulk_key_files()
{
	local i

	devices '5 shoal0 51820 7' &&
	for i in 1 2 3 4 5 6
	do
		python3 -c 'import base64, sys; print(base64.b64encode(bytes([int(sys.argv[1])] * 32)).decode())' "$i" >"$TMP/kc$i" || return 1
	done
	mkdir -p "$TMP/sub" &&
	cat >"$TMP/sub/peers" <<-EOF &&
	id 1 rx-key 1 ../kc1 tx-key 2 ../kc2
	id 2 rx-key 1 ../kc3 tx-key 2 ../kc1
	id 3 rx-key 1 $TMP/kc4 rx-key 3 ../kc5
	id 4 rx-key 1 ../kc6 tx-key 2 ../kc4
	id 5 rx-key 1 ../kc1
	id 6 rx-key 1 ../kc2 tx-key 2 ../kc6
	EOF
	expect "six key files" 0 '' '' -- peer add shoal0 --file "$TMP/sub/peers" &&
	grep '^cmd 3 ' "$SHOAL_FAKE_LOG" | sed -E 's/.* 3:u32:([0-9]+) /\1 /; s/bin:(..)[0-9a-f]*/\1/g' >"$TMP/keys" &&
	diff -u - "$TMP/keys" <<-EOF
	1 8:{1:{2:u8:1 3:01}} 9:{2:u8:2 3:02}
	2 8:{1:{2:u8:1 3:03}} 9:{2:u8:2 3:01}
	3 8:{1:{2:u8:1 3:04} 2:{2:u8:3 3:05}}
	4 8:{1:{2:u8:1 3:06}} 9:{2:u8:2 3:04}
	5 8:{1:{2:u8:1 3:01}}
	6 8:{1:{2:u8:1 3:02}} 9:{2:u8:2 3:06}
	EOF
}
