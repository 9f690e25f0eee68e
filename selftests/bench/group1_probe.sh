#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# A probe, not part of make bench: how fast A's sender goes to one peer
# through shoal, with the peer as a unicast destination and as the only
# member of a group (239.1.0.0/16), in the same boot; udpblast's datagrams
# sent in 3 s, 3 rounds, 1400 and 64 bytes. Phases: B decrypting; the same
# with a route to 239.0.0.0/8 on A's shoal0 (make bench has none, so each
# multicast send builds an uncached route, for every system alike); B
# dropping at ingress (make bench's S5 underlay). Runs in the VM:
#
#   gcc -O2 -o bench/.build/udpblast selftests/bench/udpblast.c
#   selftests/vm/run --append slub_debug=- selftests/bench/group1_probe.sh \
#       BENCH_BLAST="$PWD/bench/.build/udpblast"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# guest.sh's functions and settings, without its main.
# shellcheck source=selftests/bench/guest.sh
source <(sed '$d' "$HERE/guest.sh") "$@"

# sent ARGS...: datagrams udpblast sent from A in 3 s.
sent()
{
	in_a "$BLAST" -t 3 "$@" | awk '{ print $2 }'
}

# rounds PHASE WHAT...: 3 rounds of each size, for each WHAT
# (unicast: to B's inner address; group: to the group).
rounds()
{
	local phase=$1 rep size w line

	shift
	for rep in 1 2 3
	do
		for size in 1400 64
		do
			line="$phase round $rep size $size:"
			for w in "$@"
			do
				case $w in
				unicast) line+=" unicast $(sent -s "$size" -p 9 "$INNER_B")" ;;
				group) line+=" group $(sent -i shoal0 -s "$size" -p 9 239.1.2.3)" ;;
				esac
			done
			echo "$line"
		done
	done
}

WORK=$(mktemp -d)
trap 'all_down; rm -rf "$WORK"' EXIT
umask 077
modprobe -a veth shoal sch_ingress cls_matchall act_gact || exit 1
sysctl -qw net.core.netdev_max_backlog=10000
use_pair pair
underlay_up veth
pair_shoal
ip netns exec "$NS_A" shoal group add shoal0 id 7 prefix 239.1.0.0/16 \
	members 2
sink_b
sleep 1
rounds "B decrypting" unicast group
ip -n "$NS_A" route add 239.0.0.0/8 dev shoal0
rounds "with a route" group
ip -n "$NS_A" route del 239.0.0.0/8 dev shoal0
drop_at_b
rounds "B dropping" unicast group
kill %1 2>/dev/null
