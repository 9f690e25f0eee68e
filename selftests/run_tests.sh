#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Runs every selftest (selftests/*_test.sh, or those given) as root inside
# the VM, prints KTAP, checks the kernel log at the end, and finishes with
# the line "N passed, N failed, N skipped" counting test cases.

cd "$(dirname "$0")" || exit 1

tests=("$@")
if ((${#tests[@]} == 0))
then
	tests=(*_test.sh)
fi

# Anything the kernel says that means a bug in it, or in us.
readonly SPLAT='BUG|WARNING|Oops|refcount_t|general protection|list_del corruption|kmemleak|Call Trace|UBSAN|KASAN|Redzone|Poison overwritten|Object padding'

# Seconds a test may take (kselftest's settings file), four times as many
# on the debug kernel (selftests/vm/run --kernel debug), which is about three
# and a half times slower; SHOAL_SCRIPT_TIMEOUT for runs at larger sizes
# (the hardening tests' full sizes take hours).
limit=$(sed -n 's/^timeout=//p' settings)
[[ ${SHOAL_KERNEL:-stock} != debug ]] || limit=$((limit * 4))
limit=${SHOAL_SCRIPT_TIMEOUT:-$limit}

pass=0
fail=0
skipped=0
n=0
dmesg -C

echo "TAP version 13"
echo "1..$((${#tests[@]} + 1))"
for t in "${tests[@]}"
do
	n=$((n + 1))
	start=$(date +%s)
	out=$(mktemp)
	timeout --kill-after=10 "$limit" bash "./$t" 2>&1 | tee "$out" | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}
	# Case results are the lines "ok N" / "not ok N" of the test's KTAP.
	p=$(grep -cE '^ok [0-9]+ [^#]*$' "$out")
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	f=$(grep -cE '^not ok [0-9]+' "$out")
	rm -f "$out"
	if ((rc != 0 && rc != 4 && f == 0))
	then
		# Died without saying which case: count the script as one failure.
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skipped=$((skipped + s))
	result=ok
	((f == 0)) || result="not ok"
	echo "$result $n selftests: shoal: $t # $(($(date +%s) - start))s"
done

# Unloading must be clean too, then nothing may have been logged.
n=$((n + 1))
modprobe -r shoal 2>/dev/null
if dmesg | grep -E "$SPLAT" >/dev/null
then
	dmesg | grep -E -B 5 -A 25 "$SPLAT" | sed 's/^/# /'
	echo "not ok $n selftests: shoal: kernel log clean"
	fail=$((fail + 1))
else
	echo "ok $n selftests: shoal: kernel log clean"
	pass=$((pass + 1))
fi

echo "$pass passed, $fail failed, $skipped skipped"
((fail == 0))
