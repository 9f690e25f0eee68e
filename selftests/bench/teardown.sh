#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# How long deleting N devices takes, by kind, in one batch under RTNL (what
# a netns teardown does with its devices): shoal (a UDP socket each, the
# port picked by the kernel), VXLAN (a UDP socket each, once up) and dummy
# (no socket). The difference is the share of a teardown that is the
# tunnel's. Run in the VM:
#
#   selftests/vm/run selftests/bench/teardown.sh [N [REPS]]
#
# Prints one line per repetition and kind, then the medians.

set -euo pipefail

N=${1:-1024}
REPS=${2:-3}
KINDS=(dummy vxlan shoal)
ns=teardown-$$
declare -A times

trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
modprobe -a shoal vxlan dummy

# make KIND: N devices of KIND in $ns, up, in device group 7.
make_devices()
{
	local kind=$1 i

	for ((i = 0; i < N; i++))
	do
		case $kind in
		dummy)	echo "link add d$i group 7 type dummy" ;;
		vxlan)	echo "link add d$i group 7 type vxlan id $((i + 1)) dstport $((20000 + i)) local 127.0.0.1" ;;
		shoal)	echo "link add d$i group 7 type shoal" ;;
		esac
		echo "link set d$i up"
	done >"/tmp/teardown.batch"
	ip -n "$ns" -b /tmp/teardown.batch
}

now_ms()
{
	echo $(($(date +%s%N) / 1000000))
}

for ((r = 1; r <= REPS; r++))
do
	for kind in "${KINDS[@]}"
	do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		make_devices "$kind"
		[[ $(ip -n "$ns" -o link show group 7 | wc -l) == "$N" ]]
		if [[ $kind == shoal ]]
		then
			[[ $(ip netns exec "$ns" ss -uan | grep -c UNCONN) -ge $N ]]
		fi
		t0=$(now_ms)
		ip -n "$ns" link del group 7
		t1=$(now_ms)
		[[ $(ip -n "$ns" -o link show group 7 | wc -l) == 0 ]]
		ip netns del "$ns"
		echo "rep $r $kind $N devices: $((t1 - t0)) ms"
		times[$kind]+="$((t1 - t0)) "
	done
done

for kind in "${KINDS[@]}"
do
	# shellcheck disable=SC2086
	echo "median $kind: $(printf '%s\n' ${times[$kind]} | sort -n |
		awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms"
done
