#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The tool's own work in S6 of make bench, counted in instructions:
# adding PEERS peers from the bench's own peer file
# (selftests/bench/s6peers.py: an endpoint, a /24 and an inline receive
# key each) and dumping them as JSON and as text, against fakenl.so,
# under valgrind's callgrind. The fake kernel's instructions (every call
# into fakenl.so's socket functions) are taken out, so what is left is
# the tool's: parsing, building messages, reading replies, writing the
# dump. Instruction counts do not drift with the host's load, as the
# bench's times do; compare two trees by running this in each.
#
# Usage: tools/tests/profile.sh [PEERS] [KEEP_DIR]
#   PEERS     peers to add and dump (default 10000)
#   KEEP_DIR  keep the peer file, the states and callgrind's files there

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peers=${1:-10000}
keep=${2:-}

command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null || {
	echo "profile.sh: needs valgrind (apt-get install valgrind)" >&2
	exit 1
}
make -s -C "$HERE/.." shoal
make -s -C "$HERE" fakenl.so
SHOAL=$HERE/../shoal

if [[ -n $keep ]]
then
	mkdir -p "$keep"
	dir=$(cd "$keep" && pwd)
else
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
fi
# The peer file holds keys: private, as the tool asks.
umask 077

"$HERE/../../selftests/bench/s6peers.py" "$dir" "$peers"

# Every interposed entry point of the fake kernel: its share is not the
# tool's.
fake_calls='fakenl\.c:(socket|close|bind|getsockname|setsockopt|sendmsg|recvmsg) '

# fake STATE CMD...: run CMD with the tool's netlink going to fakenl.so,
# whose kernel state is the file STATE.
fake()
{
	SHOAL_FAKE_STATE=$1 SHOAL_FAKE_LOG=/dev/null \
	LD_PRELOAD=$HERE/fakenl.so "${@:2}"
}

# count NAME STATE ARGS...: run the tool under callgrind on a copy of STATE
# and print NAME, its instructions and the fake's.
count()
{
	local name=$1 state=$2 out=$dir/callgrind.$1

	shift 2
	cp "$state" "$dir/state"
	fake "$dir/state" valgrind -q --tool=callgrind \
		--callgrind-out-file="$out" "$SHOAL" "$@" >/dev/null
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
	awk -v name="$name" -v fake="$fake_calls" '
		# The per-file annotations after the table repeat names.
		/^-- / { done = 1 }
		done { next }
		{ n = $1; gsub(",", "", n) }
		/shoal\.c:shoal_run / { run = n }
		$0 ~ fake { out += n }
		END {
			if (!run) { print "profile.sh: no shoal_run in " name > "/dev/stderr"; exit 1 }
			printf "%-10s %10.1f M %10.1f M\n", name, (run - out) / 1e6, out / 1e6
		}'
}

echo '5 shoal0 51820 7' >"$dir/state.empty"
cp "$dir/state.empty" "$dir/state.full"
fake "$dir/state.full" "$SHOAL" peer add shoal0 --file "$dir/s6.peers"

echo "$peers peers; instructions of the tool, and of the fake kernel"
printf '%-10s %12s %12s\n' command tool fake
count add "$dir/state.empty" peer add shoal0 --file "$dir/s6.peers"
count dump-json "$dir/state.full" -j peer show shoal0
count dump-text "$dir/state.full" peer show shoal0
