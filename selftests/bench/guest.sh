#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The benchmark's guest side, run as root in the VM by selftests/bench/run
# (through selftests/vm/run): shoal (with ChaCha20-Poly1305, and with
# AES-256-GCM as shoal-aes) side by side with plain veth, VXLAN and kernel
# WireGuard, each built on the same underlay, repetitions interleaved
# (veth, vxlan, wg, shoal, shoal-aes, veth, ...). It only measures and
# keeps raw results; selftests/bench/report.py turns them into figures.
#
#   guest.sh [BENCH_VAR=VALUE...]
#
# $SHOAL_RESULTS (the VM harness's results directory) receives raw.jsonl (one JSON object per measurement or raw file),
# the raw iperf3/ping/tcrypt outputs it names, and meta.json. See
# Documentation/performance.rst for the method; the BENCH_* variables
# below set the sizes (the defaults are issue #5's); they can be given as
# arguments, since the VM does not inherit the host's environment.

set -u

for arg in "$@"
do
	case $arg in
	BENCH_*=*) export "${arg?}" ;;
	*) echo "bench: unknown argument $arg" >&2; exit 2 ;;
	esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly PY=/usr/bin/python3

readonly REPS=${BENCH_REPS:-3}
readonly TIME=${BENCH_TIME:-5}			# iperf3 seconds (S1-S3)
readonly PINGS=${BENCH_PINGS:-500}		# S4
readonly PING_INTERVAL=${BENCH_PING_INTERVAL:-0.002}
readonly FANOUT_N=${BENCH_FANOUT_N:-1 16 256 1024}	# S5
readonly FANOUT_SIZES=${BENCH_FANOUT_SIZES:-64 1400}
readonly FANOUT_TIME=${BENCH_FANOUT_TIME:-3}
readonly PEERS=${BENCH_PEERS:-10000}		# S6
readonly SYSTEMS=${BENCH_SYSTEMS:-veth vxlan wg shoal shoal-aes}
readonly SCENARIOS=${BENCH_SCENARIOS:-s7 s1 s2 s3 s4 s5rx s5 s6}
# RPS on B's tunnel device (a hex CPU mask; none by default), every system
# alike but veth, whose device is the underlay's.
readonly INNER_RPS=${BENCH_INNER_RPS:-}
# "off": A's veth does not carry outer UDP GSO packets (UDP and UDP-tunnel
# segmentation off), so every system's datagrams cross the underlay one by
# one, as between hosts whose receiver has no UDP GRO; "on" (the default)
# leaves veth's offloads as they are.
readonly OUTER_GSO=${BENCH_OUTER_GSO:-on}
# The wire of S1-S4 and S5rx. "routed" (the default): a router namespace
# between A and B (underlay_up), so that what A sends leaves A's
# ownership (and A's TCP Small Queues budget) on A's CPU, where a NIC's
# transmit completion would release it; "veth": A and B on the two ends of
# one veth. S5 always uses one veth (no TCP; its copies are counted at A).
readonly WIRE=${BENCH_WIRE:-routed}
CUR_WIRE=veth					# that of the hosts up now
# Kernel functions whose calls the function tracer counts during every
# run of S1-S3, S5rx and S5, by CPU and task: which CPU does a tunnel's
# work (none by default; only functions of loaded code can be traced).
readonly TRACE=${BENCH_TRACE:-}
# Kernel functions the function-graph tracer times, with what they call
# down to GRAPH_DEPTH levels, during every run of S1-S3, S5rx and S5
# (none by default; not with TRACE): where a tunnel's CPU time goes,
# where perf's sampling gets nothing in this emulated guest.
readonly GRAPH=${BENCH_GRAPH:-}
readonly GRAPH_DEPTH=${BENCH_GRAPH_DEPTH:-3}
# "on": perf samples every CPU (cpu-clock, 2 kHz) during every run of
# S1-S3, S5rx and S5, and each CPU's profile by symbol is kept beside the
# run's results. Works under -cpu qemu64; under -cpu max the samples land
# in the idle halt. Sampling costs the runs a little; with TRACE or GRAPH
# it would profile the tracer too, so those are off with it.
readonly PERF=${BENCH_PERF:-off}
readonly BLAST=${BENCH_BLAST:?BENCH_BLAST: the udpblast binary}

readonly OUT=${SHOAL_RESULTS:?not in the VM harness}
NS_A="" NS_B="" NS_W=""			# the two hosts, the router (use_pair)
declare -A FAN_DEV				# fan-out sending device
readonly UNDER_A=192.0.2.1 UNDER_B=192.0.2.2	# underlay (veth)
readonly INNER_A=10.10.0.1 INNER_B=10.10.0.2	# inner (tunnel)
readonly PORT=51820				# tunnel port (wg, shoal)
readonly GROUP=239.1.2.3			# fan-out destination

# Each host gets its own CPU: A (the sender) CPU 0, B (the receiver) the
# last CPU. Its applications are pinned there, and RPS on its veth steers
# what arrives to it there too. With one CPU, both share CPU 0.
readonly CPU_A=0
CPU_B=$(($(nproc) - 1))
readonly CPU_B

log()
{
	echo "bench: $*"
}

# record SCENARIO SYSTEM REP KEY=VALUE...: one line of raw.jsonl. Values
# that look like numbers are written as numbers.
record()
{
	local scen=$1 sys=$2 rep=$3 kv k v line

	shift 3
	line="{\"scenario\": \"$scen\", \"system\": \"$sys\", \"rep\": $rep"
	for kv in "$@"
	do
		k=${kv%%=*}
		v=${kv#*=}
		if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]
		then
			line+=", \"$k\": $v"
		else
			line+=", \"$k\": \"$v\""
		fi
	done
	echo "$line}" >>"$OUT/raw.jsonl"
}

# now: seconds since the epoch, nanosecond resolution.
now()
{
	date +%s.%N
}

# elapsed T0 T1: T1 - T0, in seconds.
elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'
}

# What in_a runs its command under: perf, between trace_start and
# trace_stop with PERF=on (perf_start).
PERF_WRAP=()

# in_a CMD..., in_b CMD...: run in host A (on CPU_A) or B (on CPU_B).
in_a()
{
	"${PERF_WRAP[@]}" ip netns exec "$NS_A" taskset -c "$CPU_A" "$@"
}

in_b()
{
	ip netns exec "$NS_B" taskset -c "$CPU_B" "$@"
}

# devstat NS DEV COUNTER: a counter of DEV in NS (tx_packets, ...).
devstat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# cpu_jiffies: "BUSY TOTAL" jiffies of CPU_A then of CPU_B, from
# /proc/stat (busy: user, nice, system, irq, softirq, steal).
cpu_jiffies()
{
	awk -v a="cpu$CPU_A" -v b="cpu$CPU_B" '
		$1 == a || $1 == b {
			busy = $2 + $3 + $4 + $7 + $8 + $9
			j[$1] = busy " " (busy + $5 + $6)
		}
		END { print j[a], j[b] }' /proc/stat
}

# cpu_busy BEFORE AFTER: "busy_a=F busy_b=F", the fraction of time each
# host's CPU was busy between two cpu_jiffies.
cpu_busy()
{
	awk -v x="$1" -v y="$2" 'BEGIN {
		split(x, p); split(y, q)
		printf "busy_a=%.4f busy_b=%.4f\n",
			(q[1] - p[1]) / (q[2] - p[2] + 1e-9),
			(q[3] - p[3]) / (q[4] - p[4] + 1e-9)
	}'
}

# ---------------------------------------------------------------- underlay

# use_pair NAME: hosts A and B are now namespaces bench-NAME-a and -b.
use_pair()
{
	NS_A=bench-$1-a
	NS_B=bench-$1-b
	NS_W=bench-$1-w
}

# all_down: delete every namespace of the benchmark.
all_down()
{
	local ns

	for ns in $(ip netns list | awk '$1 ~ /^bench-/ { print $1 }')
	do
		ip netns del "$ns"
	done
}

# rps NS DEV CPU: NS's DEV hands what it receives to CPU's backlog.
rps()
{
	ip netns exec "$1" sh -c \
		"printf %x $((1 << $3)) >/sys/class/net/$2/queues/rx-0/rps_cpus"
}

# mac NS DEV: DEV's MAC address.
mac()
{
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# underlay_up: hosts A and B joined by one veth (veth0 on both sides),
# 192.0.2.1 and .2; RPS steers each side's receive processing to its own
# host's CPU; B's MAC address is a permanent neighbour entry on A, so that
# nothing waits for ARP, even once B drops everything at ingress. With
# WIRE (or the argument) "routed", a router namespace W sits between them
# instead (veth0 of A to wa, wb to veth0 of B); W forwards what A sends on
# A's CPU and what B sends on B's, and A and B reach each other at W's
# MACs.
underlay_up()
{
	underlay_down
	CUR_WIRE=${1:-$WIRE}
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	if [[ $CUR_WIRE == routed ]]
	then
		ip netns add "$NS_W"
		ip link add veth0 netns "$NS_A" type veth peer wa netns "$NS_W"
		ip link add veth0 netns "$NS_B" type veth peer wb netns "$NS_W"
		ip netns exec "$NS_W" sysctl -qw net.ipv4.ip_forward=1
		ip -n "$NS_W" link set wa up
		ip -n "$NS_W" link set wb up
		rps "$NS_W" wa "$CPU_A"
		rps "$NS_W" wb "$CPU_B"
	else
		ip link add veth0 netns "$NS_A" type veth peer veth0 netns "$NS_B"
	fi
	ip -n "$NS_A" addr add "$UNDER_A/24" dev veth0
	ip -n "$NS_B" addr add "$UNDER_B/24" dev veth0
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
	rps "$NS_A" veth0 "$CPU_A"
	rps "$NS_B" veth0 "$CPU_B"
	wire_neigh "$UNDER_A" "$UNDER_B"
	[[ $OUTER_GSO == on ]] ||
		ip netns exec "$NS_A" ethtool -K veth0 tx-udp-segmentation off \
			tx-udp_tnl-segmentation off \
			tx-udp_tnl-csum-segmentation off >/dev/null
}

# wire_neigh ADDR_A ADDR_B: A reaches ADDR_B and B reaches ADDR_A, on-link
# at permanent neighbour entries (through W, which routes to both, with
# a routed wire).
wire_neigh()
{
	local to_b to_a

	if [[ $CUR_WIRE == routed ]]
	then
		to_b=$(mac "$NS_W" wa)
		to_a=$(mac "$NS_W" wb)
		ip -n "$NS_W" route add "$1/32" dev wa
		ip -n "$NS_W" route add "$2/32" dev wb
		ip -n "$NS_W" neigh replace "$1" lladdr "$(mac "$NS_A" veth0)" \
			dev wa nud permanent
		ip -n "$NS_W" neigh replace "$2" lladdr "$(mac "$NS_B" veth0)" \
			dev wb nud permanent
	else
		to_b=$(mac "$NS_B" veth0)
		to_a=$(mac "$NS_A" veth0)
	fi
	ip -n "$NS_A" neigh replace "$2" lladdr "$to_b" dev veth0 nud permanent
	ip -n "$NS_B" neigh replace "$1" lladdr "$to_a" dev veth0 nud permanent
}

# underlay_down: delete both hosts (and W) and all they hold (tunnel
# devices die with their namespace; a shoal or wg device's sockets with it
# too).
underlay_down()
{
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip netns del "$NS_W" 2>/dev/null
	# Namespace teardown is asynchronous: wait until the devices and
	# their UDP ports are really gone before building the next system.
	udevadm settle 2>/dev/null
	sleep 0.5
}

# drop_at_b: B discards every packet at ingress of its veth (tc matchall,
# action drop), the same cheap way for every system.
drop_at_b()
{
	ip netns exec "$NS_B" tc qdisc add dev veth0 clsact
	ip netns exec "$NS_B" tc filter add dev veth0 ingress matchall action drop
}

undrop_at_b()
{
	ip netns exec "$NS_B" tc qdisc del dev veth0 clsact 2>/dev/null
}

# diag NAME: the counters of both hosts (links, shoal's own, the softnet
# backlog's), kept as diag/NAME.txt to explain a figure.
diag()
{
	local ns

	mkdir -p "$OUT/diag"
	{
		for ns in "$NS_A" "$NS_B" "$NS_W"
		do
			[[ -e /run/netns/$ns ]] || continue	# W: routed only
			echo "== $ns: ip -s -s link"
			ip -n "$ns" -s -s link
			if ip -n "$ns" link show shoal0 >/dev/null 2>&1
			then
				echo "== $ns: shoal -j show shoal0"
				ip netns exec "$ns" shoal -j show shoal0 |
					$PY -c 'import json, sys
d = json.load(sys.stdin)[0]
d.pop("peers", None)
print(json.dumps(d, indent=1))'
			fi
		done
		echo "== /proc/net/softnet_stat"
		cat /proc/net/softnet_stat
	} >"$OUT/diag/$1.txt" 2>&1
}

# ---------------------------------------------------------------- systems

# sys_up SYSTEM: the two hosts joined by SYSTEM, inner addresses
# 10.10.0.1/24 (A) and 10.10.0.2/24 (B) on device $DEV, each system with
# its default MTU.
sys_up()
{
	underlay_up
	case $1 in
	veth)	pair_veth ;;
	vxlan)	pair_vxlan ;;
	wg)	pair_wg ;;
	shoal)	pair_shoal ;;
	shoal-aes) pair_shoal aes-256-gcm ;;
	esac
	if [[ -n $INNER_RPS && $DEV != veth0 ]]
	then
		ip netns exec "$NS_B" sh -c \
			"echo $INNER_RPS >/sys/class/net/$DEV/queues/rx-0/rps_cpus"
	fi
	# A first packet resolves what needs resolving (WireGuard's
	# handshake) before anything is measured.
	in_a ping -c 1 -W 5 "$INNER_B" >/dev/null ||
		in_a ping -c 1 -W 5 "$INNER_B" >/dev/null ||
		log "warning: $1: $INNER_B does not answer"
}

# pair_veth: no tunnel, the inner addresses directly on the veth.
pair_veth()
{
	DEV=veth0
	ip -n "$NS_A" addr add "$INNER_A/24" dev veth0
	ip -n "$NS_B" addr add "$INNER_B/24" dev veth0
	[[ $CUR_WIRE != routed ]] || wire_neigh "$INNER_A" "$INNER_B"
}

# pair_vxlan: VXLAN (VNI 42, port 4789, unencrypted) over the veth.
pair_vxlan()
{
	DEV=vx0
	ip -n "$NS_A" link add vx0 type vxlan id 42 local "$UNDER_A" \
		remote "$UNDER_B" dstport 4789 dev veth0
	ip -n "$NS_B" link add vx0 type vxlan id 42 local "$UNDER_B" \
		remote "$UNDER_A" dstport 4789 dev veth0
	ip -n "$NS_A" addr add "$INNER_A/24" dev vx0
	ip -n "$NS_B" addr add "$INNER_B/24" dev vx0
	ip -n "$NS_A" link set vx0 up
	ip -n "$NS_B" link set vx0 up
}

# pair_wg: kernel WireGuard, keys from wg genkey.
pair_wg()
{
	local a b

	DEV=wg0
	wg genkey >"$WORK/wg-a"
	wg genkey >"$WORK/wg-b"
	a=$(wg pubkey <"$WORK/wg-a")
	b=$(wg pubkey <"$WORK/wg-b")
	ip -n "$NS_A" link add wg0 type wireguard
	ip -n "$NS_B" link add wg0 type wireguard
	ip netns exec "$NS_A" wg set wg0 listen-port "$PORT" \
		private-key "$WORK/wg-a" peer "$b" \
		endpoint "$UNDER_B:$PORT" allowed-ips "$INNER_B/32"
	ip netns exec "$NS_B" wg set wg0 listen-port "$PORT" \
		private-key "$WORK/wg-b" peer "$a" \
		endpoint "$UNDER_A:$PORT" allowed-ips "$INNER_A/32"
	ip -n "$NS_A" addr add "$INNER_A/24" dev wg0
	ip -n "$NS_B" addr add "$INNER_B/24" dev wg0
	ip -n "$NS_A" link set wg0 up
	ip -n "$NS_B" link set wg0 up
}

# shoal_dev NS ID [CIPHER]: shoal0 in NS, sender id ID, its transmit key in
# $WORK/shoal-ID (from shoal genkey), active; ChaCha20-Poly1305 unless
# CIPHER names the other.
shoal_dev()
{
	shoal genkey >"$WORK/shoal-$2"
	ip -n "$1" link add shoal0 type shoal
	ip netns exec "$1" shoal set shoal0 port "$PORT" id "$2" \
		cipher "${3:-chacha20-poly1305}"
	ip netns exec "$1" shoal key set shoal0 slot 0 id 1 "$WORK/shoal-$2"
	ip netns exec "$1" shoal key activate shoal0 slot 0
}

# pair_shoal [CIPHER]: shoal (ChaCha20-Poly1305 unless CIPHER names the
# other), each host the other's peer.
pair_shoal()
{
	DEV=shoal0
	shoal_dev "$NS_A" 1 "${1:-}"
	shoal_dev "$NS_B" 2 "${1:-}"
	ip netns exec "$NS_A" shoal peer add shoal0 id 2 \
		endpoint "$UNDER_B:$PORT" allowed-ips "$INNER_B/32" \
		rx-key 1 "$WORK/shoal-2"
	ip netns exec "$NS_B" shoal peer add shoal0 id 1 \
		endpoint "$UNDER_A:$PORT" allowed-ips "$INNER_A/32" \
		rx-key 1 "$WORK/shoal-1"
	ip -n "$NS_A" addr add "$INNER_A/24" dev shoal0
	ip -n "$NS_B" addr add "$INNER_B/24" dev shoal0
	ip -n "$NS_A" link set shoal0 up
	ip -n "$NS_B" link set shoal0 up
}

# ---------------------------------------------------------------- S1-S4

readonly TRACEFS=/sys/kernel/tracing

# trace_funcs FILE FUNCS...: the functions FUNCS into the tracer's filter
# FILE, one by one: one the kernel cannot trace (not there, inlined) is
# left out with a line in the log; false if none is left.
trace_funcs()
{
	local file=$1 fn n=0

	shift
	: >"$file"
	for fn
	do
		if echo "$fn" >>"$file" 2>/dev/null
		then
			n=$((n + 1))
		else
			log "trace: cannot trace $fn"
		fi
	done
	((n))
}

readonly PERF_DATA=/tmp/bench-perf.data

# perf_start: with PERF=on, the next command in_a runs (the measured one)
# runs under perf, which samples every CPU until it ends. (perf sent to
# the background and stopped by a signal recorded almost nothing here.)
perf_start()
{
	[[ $PERF == on ]] || return 1
	PERF_WRAP=(perf record -q -a -e cpu-clock -F 2000 -o "$PERF_DATA" --)
}

# perf_stop FILE: the samples of that command, by symbol, one profile per
# CPU of the two hosts, into FILE.cpuN.perf.
perf_stop()
{
	local cpu

	PERF_WRAP=()
	for cpu in $(printf '%s\n' "$CPU_A" "$CPU_B" | sort -u)
	do
		perf report -i "$PERF_DATA" --stdio --no-children --cpu "$cpu" \
			--sort dso,sym --percent-limit 0.3 2>/dev/null |
			grep -v '^$' >"${1%.trace}.cpu$cpu.perf"
	done
	rm -f "$PERF_DATA"
}

# trace_start: sample with perf (PERF=on), or else count the calls to
# $TRACE (or time those to $GRAPH) from now on; false (and nothing
# traced) if there is nothing to trace.
trace_start()
{
	local tracer=function funcs=$TRACE

	! perf_start || return 0
	if [[ -z $TRACE && -n $GRAPH ]]
	then
		tracer=function_graph
		funcs=$GRAPH
	fi
	[[ -n $funcs ]] || return 1
	echo 0 >"$TRACEFS/tracing_on"
	echo >"$TRACEFS/trace"
	if [[ $tracer == function_graph ]]
	then
		# Room for a few seconds of calls; durations in every line
		# that closes a call, named there; no interrupt handlers in
		# the times of what they interrupted.
		# "1410 (expanded: 1408)" before the buffer first grows.
		TRACE_KB=$(sed 's/ .*//' "$TRACEFS/buffer_size_kb")
		echo 65536 >"$TRACEFS/buffer_size_kb"
		echo "$GRAPH_DEPTH" >"$TRACEFS/max_graph_depth"
		echo 1 >"$TRACEFS/options/funcgraph-tail"
		echo 0 >"$TRACEFS/options/funcgraph-irqs"
		# shellcheck disable=SC2086
		trace_funcs "$TRACEFS/set_graph_function" $funcs || return 1
	else
		# shellcheck disable=SC2086
		trace_funcs "$TRACEFS/set_ftrace_filter" $funcs || return 1
	fi
	echo "$tracer" >"$TRACEFS/current_tracer"
	echo 1 >"$TRACEFS/tracing_on"
}

# graph_sum: function_graph output on stdin, summed by CPU, depth and
# function: "cpu depth calls total-us mean-us function", the costliest
# first. A call's time includes what it called; a ring buffer that
# overflowed lost the oldest calls (the "lost" line counts them).
graph_sum()
{
	awk '
	/^ *[0-9]+\)/ && /\|/ {
		cpu = $1; sub(/\)/, "", cpu)
		split($0, half, "|")
		us = half[1]; sub(/^ *[0-9]+\) */, "", us)
		if (us !~ /us/)
			next
		gsub(/[^0-9.]/, "", us)
		body = half[2]
		match(body, /^ */)
		depth = int((RLENGTH - 2) / 2)
		if (body ~ /\/\* .* \*\//) {
			fn = body; sub(/.*\/\* /, "", fn); sub(/ \*\/.*/, "", fn)
		} else if (body ~ /\(\);/) {
			fn = body; sub(/^ */, "", fn); sub(/\(\);.*/, "", fn)
		} else {
			next
		}
		sub(/ \[.*\]$/, "", fn)
		k = cpu " " depth " " fn
		n[k]++; t[k] += us
	}
	END {
		for (k in n) {
			split(k, f, " ")
			printf "%s %s %d %.1f %.3f %s\n", f[1], f[2], n[k], t[k],
			       t[k] / n[k], f[3]
		}
	}' | sort -k4,4 -gr
}

# trace_stop FILE: the calls since trace_start, counted by CPU, task
# (without its pid) and function, into FILE; or with GRAPH, timed
# (graph_sum), into FILE.graph instead, with the entries the ring buffer
# lost on its last line; or with PERF, the profiles perf_stop writes.
trace_stop()
{
	mkdir -p "$(dirname "$1")"
	if ((${#PERF_WRAP[@]}))
	then
		perf_stop "$1"
		return
	fi
	echo 0 >"$TRACEFS/tracing_on"
	if [[ -z $TRACE ]]
	then
		{
			grep -v '^#' "$TRACEFS/trace" | graph_sum
			echo "lost $(awk '/overrun/ { n += $2 } END { print n + 0 }' \
				"$TRACEFS"/per_cpu/cpu*/stats)"
		} >"${1%.trace}.graph"
		echo nop >"$TRACEFS/current_tracer"
		echo >"$TRACEFS/set_graph_function"
		echo "$TRACE_KB" >"$TRACEFS/buffer_size_kb"
		return
	fi
	grep -v '^#' "$TRACEFS/trace" |
		awk '{ t = $1; sub(/-[0-9]+$/, "", t); print $2, t, $(NF - 1) }' |
		sort | uniq -c | sort -rn >"$1"
	echo nop >"$TRACEFS/current_tracer"
	echo >"$TRACEFS/set_ftrace_filter"
}

# iperf SCEN SYS REP IPERF3-ARGS...: one iperf3 run from A to B; its JSON
# is kept as SCEN/SYS.REP.json (and the calls BENCH_TRACE counts as
# SCEN/SYS.REP.trace).
iperf()
{
	local scen=$1 sys=$2 rep=$3 pid file i rx0 rx1 ra0 ra1 j0 j1 traced=0

	shift 3
	file=$scen/$sys.$rep.json
	mkdir -p "$OUT/$scen"
	in_b iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++))
	do
		[[ -z $(ip netns exec "$NS_B" ss -Hltn "sport = :5201") ]] || break
		sleep 0.1
	done
	rx0=$(devstat "$NS_B" "$DEV" rx_packets)
	ra0=$(devstat "$NS_A" "$DEV" rx_packets)
	! trace_start || traced=1
	j0=$(cpu_jiffies)
	in_a timeout $((TIME + 60)) iperf3 -c "$INNER_B" -p 5201 -t "$TIME" \
		-J "$@" >"$OUT/$file" 2>&1
	j1=$(cpu_jiffies)
	((!traced)) || trace_stop "$OUT/${file%.json}.trace"
	rx1=$(devstat "$NS_B" "$DEV" rx_packets)
	ra1=$(devstat "$NS_A" "$DEV" rx_packets)
	timeout 10 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# dev_rx: packets B's inner device delivered to B's stack during the
	# run (what the tunnel delivered, whether the application kept up);
	# dev_rx_a: the same at A (TCP's acknowledgements).
	# shellcheck disable=SC2046
	record "$scen" "$sys" "$rep" file="$file" kind=iperf3 mtu="$(devstat_mtu)" \
		dev_rx=$((rx1 - rx0)) dev_rx_a=$((ra1 - ra0)) \
		$(cpu_busy "$j0" "$j1")
}

devstat_mtu()
{
	ip netns exec "$NS_A" cat "/sys/class/net/$DEV/mtu"
}

s1() { iperf s1 "$@"; }
s2() { iperf s2 "$@" -P 8; }
s3() { iperf s3 "$@" -u -l 64 -b 0; }

# s4 SYS REP: PINGS pings every PING_INTERVAL from A to B, the raw output
# (one line per reply) kept as s4/SYS.REP.txt.
s4()
{
	local file=s4/$1.$2.txt

	mkdir -p "$OUT/s4"
	in_a ping -c 3 -i 0.2 "$INNER_B" >/dev/null
	in_a ping -n -c "$PINGS" -i "$PING_INTERVAL" -W 2 "$INNER_B" \
		>"$OUT/$file" 2>&1
	record s4 "$1" "$2" file="$file" kind=ping
}

# sink_b: in the background, a socket on B's port 9, bound but never read
# (no ICMP port unreachable back to A).
sink_b()
{
	in_b $PY -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9))
time.sleep(3600)' &
}

# s5rx SYS REP: one receiver's decrypt (decapsulation) rate: A floods B
# with 1400-byte inner UDP datagrams from udpblast for FANOUT_TIME
# seconds; packets/s counted on B's inner device. B's application socket
# is bound but never read (no ICMP port unreachable back to A).
s5rx()
{
	local sys=$1 rep=$2 pid rx0 rx1 t0 t1 out j0 j1 traced=0

	sink_b
	pid=$!
	sleep 1
	rx0=$(devstat "$NS_B" "$DEV" rx_packets)
	! trace_start || traced=1
	t0=$(now)
	j0=$(cpu_jiffies)
	out=$(in_a "$BLAST" -s 1400 -t "$FANOUT_TIME" -p 9 "$INNER_B")
	j1=$(cpu_jiffies)
	((!traced)) || trace_stop "$OUT/s5rx/$sys.$rep.trace"
	sleep 0.5	# what is still queued at B
	t1=$(now)
	rx1=$(devstat "$NS_B" "$DEV" rx_packets)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# shellcheck disable=SC2046
	record s5rx "$sys" "$rep" size=1400 rx_packets=$((rx1 - rx0)) \
		$(cpu_busy "$j0" "$j1") \
		seconds="$(elapsed "$t0" "$t1")" \
		sent="$(awk '{ print $2 }' <<<"$out")" \
		send_seconds="$(awk '{ print $6 }' <<<"$out")"
}

# pair_scenarios: S1-S4 and S5rx, each system in turn, REPS times.
pair_scenarios()
{
	local rep sys s todo=()

	# Latency first, on a quiet system; the floods after.
	for s in s4 s1 s2 s3 s5rx
	do
		[[ " $SCENARIOS " != *" $s "* ]] || todo+=("$s")
	done
	((${#todo[@]})) || return 0
	for ((rep = 1; rep <= REPS; rep++))
	do
		for sys in $SYSTEMS
		do
			log "pair: rep $rep/$REPS, $sys: ${todo[*]}"
			sys_up "$sys"
			for s in "${todo[@]}"
			do
				if [[ $s == s5rx && $sys == veth ]]
				then
					continue	# nothing to decrypt
				fi
				"$s" "$sys" "$rep"
			done
			diag "pair.$sys.$rep"
			underlay_down
		done
	done
}

# ---------------------------------------------------------------- S7

# s7: one vCPU's raw ChaCha20-Poly1305 speed, from Debian's tcrypt module
# (mode 213: rfc7539esp(chacha20,poly1305), the kernel crypto API's AEAD
# over the same ChaCha20 and Poly1305 code; 1 s per block size, sizes 16 to
# 8192 bytes). tcrypt refuses to stay loaded on purpose (EAGAIN): the
# results are in the kernel log, kept as s7/tcrypt.txt.
s7()
{
	local marker="bench: tcrypt start $RANDOM$RANDOM"

	mkdir -p "$OUT/s7"
	echo "$marker" >/dev/kmsg
	taskset -c "$CPU_A" modprobe tcrypt mode=213 sec=1 2>/dev/null
	dmesg | sed -n "/$marker/,\$p" >"$OUT/s7/tcrypt.txt"
	record s7 crypto 1 file=s7/tcrypt.txt kind=tcrypt
	# shoal's own AEAD code, as its packet path calls it (BH disabled,
	# 1420-byte datagrams sealed and opened in turn for 2 s per cipher),
	# on the same CPU: the module is loaded again to measure it.
	marker="bench: shoal aead start $RANDOM$RANDOM"
	echo "$marker" >/dev/kmsg
	if rmmod shoal && taskset -c "$CPU_A" modprobe shoal aead_rate=1
	then
		dmesg | sed -n "/$marker/,\$p" >"$OUT/s7/shoal-aead.txt"
		record s7 crypto-shoal 1 file=s7/shoal-aead.txt kind=shoal-aead
	fi
	[[ " $SYSTEMS " == *" shoal-aes "* ]] || return 0
	# Mode 211: gcm(aes), key sizes 128 to 256 bits (and rfc4106).
	marker="bench: tcrypt gcm start $RANDOM$RANDOM"
	echo "$marker" >/dev/kmsg
	taskset -c "$CPU_A" modprobe tcrypt mode=211 sec=1 2>/dev/null
	dmesg | sed -n "/$marker/,\$p" >"$OUT/s7/tcrypt-gcm.txt"
	record s7 crypto-aes 1 file=s7/tcrypt-gcm.txt kind=tcrypt-gcm
}

# ---------------------------------------------------------------- S5

# fan_shoal N [CIPHER]: A's shoal0 (10.99.0.1/16) with N peers, endpoints
# B:20000+I, all members of group 7 (239.1.0.0/16).
fan_shoal()
{
	local n=$1 i

	shoal_dev "$NS_A" 1 "${2:-}"
	ip -n "$NS_A" addr add 10.99.0.1/16 dev shoal0
	ip -n "$NS_A" link set shoal0 up
	for ((i = 0; i < n; i++))
	do
		echo "peer add shoal0 id $((100 + i)) endpoint $UNDER_B:$((20000 + i))"
	done >"$WORK/fan-peers"
	ip netns exec "$NS_A" shoal -b "$WORK/fan-peers"
	seq 100 $((100 + n - 1)) >"$WORK/fan-ids"
	ip netns exec "$NS_A" shoal group add shoal0 id 7 prefix 239.1.0.0/16 \
		members-file "$WORK/fan-ids"
	FAN_DEV[shoal${2:+-aes}]=shoal0
}

# fan_shoal-aes N: the same with AES-256-GCM.
fan_shoal-aes()
{
	fan_shoal "$1" aes-256-gcm
}

# fan_vxlan N: A's vx0 (VNI 42, 10.98.0.1/16) with N remotes for unknown
# and multicast destinations (bridge fdb append 00:00:00:00:00:00 ..., B's
# address, ports 20000+I): VXLAN head-end replication.
fan_vxlan()
{
	local n=$1 i

	ip -n "$NS_A" link add vx0 type vxlan id 42 local "$UNDER_A" \
		dstport 4789 dev veth0 nolearning
	ip -n "$NS_A" addr add 10.98.0.1/16 dev vx0
	ip -n "$NS_A" link set vx0 up
	for ((i = 0; i < n; i++))
	do
		echo "fdb append 00:00:00:00:00:00 dev vx0 dst $UNDER_B port $((20000 + i))"
	done >"$WORK/fan-fdb"
	ip netns exec "$NS_A" bridge -batch "$WORK/fan-fdb"
	FAN_DEV[vxlan]=vx0
}

# fan_wg N: A's wg0 (10.97.0.1/16) with N peers, each one of N WireGuard
# devices in B (wgr0.., port 20000+I) with its own key pair, allowed-ips
# one inner address each (10.97.x.y): the sender writes every packet N
# times, once per peer. The handshakes are done (wg_fresh) before any
# measurement.
fan_wg()
{
	local n=$1 i k priv pub

	$PY "$HERE/wgkeys.py" $((n + 1)) >"$WORK/wg-keys"
	read -r priv pub <"$WORK/wg-keys"
	WG_SENDER_PUB=$pub
	WG_DST=()
	{
		echo "[Interface]"
		echo "PrivateKey = $priv"
		echo "ListenPort = $PORT"
		i=0
		while read -r priv pub
		do
			k=$((i + 2))
			echo "[Peer]"
			echo "PublicKey = $pub"
			echo "Endpoint = $UNDER_B:$((20000 + i))"
			echo "AllowedIPs = 10.97.$((k >> 8)).$((k & 255))/32"
			WG_DST+=("10.97.$((k >> 8)).$((k & 255))")
			i=$((i + 1))
		done < <(tail -n +2 "$WORK/wg-keys")
	} >"$WORK/wg-s.conf"
	ip -n "$NS_A" link add wg0 type wireguard
	ip netns exec "$NS_A" wg setconf wg0 "$WORK/wg-s.conf"
	ip -n "$NS_A" addr add 10.97.0.1/16 dev wg0
	ip -n "$NS_A" link set wg0 up

	tail -n +2 "$WORK/wg-keys" | awk '{ print $1 }' >"$WORK/wg-r"
	for ((i = 0; i < n; i++))
	do
		echo "link add wgr$i type wireguard"
	done >"$WORK/wg-r.ip"
	ip -n "$NS_B" -batch "$WORK/wg-r.ip"
	# One shell for all N receivers (wg reads a private key from a file).
	ip netns exec "$NS_B" bash -c '
		i=0
		while read -r priv
		do
			echo "$priv" >"$1/wgr.key"
			wg set "wgr$i" listen-port $((20000 + i)) \
				private-key "$1/wgr.key" peer "$2" \
				allowed-ips 10.97.0.1/32 || exit 1
			ip link set "wgr$i" up || exit 1
			i=$((i + 1))
		done <"$1/wg-r"' - "$WORK" "$WG_SENDER_PUB"
	FAN_DEV[wg]=wg0
	WG_FRESH=0
}

# wg_handshakes_done N: every one of A's N peers has a handshake younger
# than 100 s (a key older than 120 s makes the sender start a new
# handshake on every send; one older than 180 s is dead).
wg_handshakes_done()
{
	local t

	t=$(date +%s)
	(($(ip netns exec "$NS_A" wg show wg0 latest-handshakes |
		awk -v t="$t" '$2 > t - 100 { n++ } END { print n + 0 }') >= $1))
}

# wg_fresh N: make sure all N handshakes are recent enough for the next
# measurement (made less than 60 s ago): if not, B stops dropping, A's
# peers are reset (setconf again) and each sent packets until all have
# shaken hands.
wg_fresh()
{
	local n=$1 i

	if ((WG_FRESH)) && (($(date +%s) - WG_FRESH < 60))
	then
		return 0
	fi
	undrop_at_b
	ip netns exec "$NS_A" wg setconf wg0 "$WORK/wg-s.conf"
	for ((i = 0; i < 30 + n / 8; i++))
	do
		in_a "$BLAST" -i wg0 -n "$n" -b 16 -t 5 "${WG_DST[@]}" >/dev/null
		sleep 2
		! wg_handshakes_done "$n" || break
	done
	wg_handshakes_done "$n" ||
		log "warning: wg: only some of $n handshakes done"
	WG_FRESH=$(date +%s)
	drop_at_b
}

# fan_measure SYS N SIZE REP: udpblast sends SIZE-byte inner packets
# (IP header included) for FANOUT_TIME seconds, to the group address (to
# every peer's address in turn for wg); copies emitted = the delta of A's
# veth tx_packets (+ tx_dropped: a copy veth could not queue at B was
# still made and sent).
fan_measure()
{
	local sys=$1 n=$2 size=$3 rep=$4 tx0 tx1 d0 d1 t0 t1 out j0 j1 traced=0
	local dst=("$GROUP")

	if [[ $sys == wg ]]
	then
		wg_fresh "$n"
		dst=("${WG_DST[@]}")
	fi
	tx0=$(devstat "$NS_A" veth0 tx_packets)
	d0=$(devstat "$NS_A" veth0 tx_dropped)
	! trace_start || traced=1
	t0=$(now)
	j0=$(cpu_jiffies)
	out=$(in_a "$BLAST" -i "${FAN_DEV[$sys]}" -s "$size" \
		-t "$FANOUT_TIME" -b 64 -p 5000 "${dst[@]}")
	j1=$(cpu_jiffies)
	((!traced)) || trace_stop "$OUT/s5/$sys.$n.$size.$rep.trace"
	t1=$(now)
	tx1=$(devstat "$NS_A" veth0 tx_packets)
	d1=$(devstat "$NS_A" veth0 tx_dropped)
	# shellcheck disable=SC2046
	record s5 "$sys" "$rep" n="$n" size="$size" $(cpu_busy "$j0" "$j1") \
		copies=$((tx1 - tx0 + d1 - d0)) veth_dropped=$((d1 - d0)) \
		seconds="$(elapsed "$t0" "$t1")" \
		sent="$(awk '{ print $2 }' <<<"$out")" \
		send_errors="$(awk '{ print $4 }' <<<"$out")" \
		send_seconds="$(awk '{ print $6 }' <<<"$out")"
}

# fanout: S5, for each N: the three systems built side by side, each on a
# pair of hosts of its own (building WireGuard's N receivers is slow),
# then REPS rounds of (vxlan, wg, shoal) x sizes, then all torn down.
fanout()
{
	local n rep sys size systems=()

	[[ " $SCENARIOS " == *" s5 "* ]] || return 0
	for sys in vxlan wg shoal shoal-aes
	do
		[[ " $SYSTEMS " != *" $sys "* ]] || systems+=("$sys")
	done
	for n in $FANOUT_N
	do
		for sys in "${systems[@]}"
		do
			log "fan-out 1:$n: building $sys"
			use_pair "$sys"
			underlay_up veth
			"fan_$sys" "$n"
			drop_at_b
		done
		for ((rep = 1; rep <= REPS; rep++))
		do
			for sys in "${systems[@]}"
			do
				log "fan-out 1:$n: rep $rep/$REPS, $sys"
				use_pair "$sys"
				for size in $FANOUT_SIZES
				do
					fan_measure "$sys" "$n" "$size" "$rep"
				done
				((rep < REPS)) || diag "fanout.$n.$sys"
			done
		done
		for sys in "${systems[@]}"
		do
			use_pair "$sys"
			underlay_down
		done
	done
	use_pair pair
}

# ---------------------------------------------------------------- S6

# slab_kb: kernel memory that peers take: unreclaimable slab plus per-CPU
# allocations (reclaimable slab, dentries and inodes, moves on its own).
slab_kb()
{
	awk '/^(SUnreclaim|Percpu):/ { n += $2 } END { print n }' /proc/meminfo
}

# s6_charged: add the peers to shoal0 (untimed) from a memory cgroup of
# their own and print what the kernel charged to it, in bytes, as the
# fields "charged_slab=N charged_percpu=N" of the repetition's record.
# shoal allocates a peer's memory accounted (__GFP_ACCOUNT), so this is
# all of it, including what the per-CPU allocator charges for its
# own bookkeeping, which /proc/meminfo shows elsewhere if at all.
# Prints nothing without cgroup v2's memory controller.
s6_charged()
{
	local cg=/sys/fs/cgroup

	[[ -e $cg/cgroup.controllers ]] ||
		mount -t cgroup2 none "$cg" 2>/dev/null || return 0
	grep -qw memory "$cg/cgroup.controllers" || return 0
	echo +memory >"$cg/cgroup.subtree_control" 2>/dev/null || return 0
	mkdir "$cg/bench-s6" || return 0
	(
		echo "$BASHPID" >"$cg/bench-s6/cgroup.procs"
		s6_cmd shoal add >/dev/null
	)
	awk '$1 == "slab" { s = $2 } $1 == "percpu" { p = $2 }
	     END { if (s != "" && p != "")
		     print "charged_slab=" s, "charged_percpu=" p }' \
		"$cg/bench-s6/memory.stat"
	rmdir "$cg/bench-s6"
}

# settle: let the kernel finish freeing what earlier steps dropped
# (namespaces are torn down by a workqueue, objects freed after RCU grace
# periods), so that memory deltas are this step's own.
settle()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 3
}

# s6_cmd SYS WHAT: the control plane command of SYS for WHAT (add, dump)
# in host A.
s6_cmd()
{
	case $1/$2 in
	shoal/add)	ip netns exec "$NS_A" shoal peer add shoal0 --file "$WORK/s6.peers" ;;
	shoal/add_files) ip netns exec "$NS_A" shoal peer add shoal0 --file "$WORK/s6.peers-files" ;;
	shoal/dump)	ip netns exec "$NS_A" shoal -j peer show shoal0 ;;
	wg/add)		ip netns exec "$NS_A" wg addconf wg0 "$WORK/s6.wg" ;;
	wg/dump)	ip netns exec "$NS_A" wg showconf wg0 ;;
	esac
}

# s6: time to add PEERS peers (shoal peer add --file: endpoint, a /24 of
# allowed-ips and a receive key each, inline; and again with the keys in
# a file each) and to dump them (shoal -j peer
# show), and the kernel memory they take: the delta over the add, and the
# delta over deleting the device again. The same for WireGuard (wg
# addconf of PEERS peers, random public keys, one allowed /24 each, with
# a private key set; wg showconf). empty_seconds is the dump of the empty
# device: what starting the tool in the namespace costs.
s6()
{
	local rep t0 t1 t2 m0 m1 m2 e0 e1 f0 f1 sys dev charged

	[[ " $SCENARIOS " == *" s6 "* ]] || return 0
	# Every peer is a sender with its own key (the sender-keys model),
	# as every WireGuard peer below has its own public key. The keys are
	# inline in the peer file, as WireGuard's are in its configuration;
	# the same peers with a key file each are timed too (add_files).
	$PY "$HERE/s6peers.py" --key-files "$WORK" "$PEERS"
	$PY -c '
import base64, os, sys
n = int(sys.argv[1])
print("[Interface]")
for i in range(1, n + 1):
    print("[Peer]")
    print("PublicKey = " + base64.b64encode(os.urandom(32)).decode())
    print("Endpoint = 192.0.2.%d:%d" % (i % 250 + 1, 10000 + i % 50000))
    print("AllowedIPs = 10.%d.%d.0/24" % (i >> 8 & 255, i & 255))' "$PEERS" >"$WORK/s6.wg"
	wg genkey >"$WORK/s6.wgkey"
	# Round 0 is not recorded: it waits out what earlier steps left to
	# the kernel (deleting a namespace with 1024 WireGuard devices goes on
	# in a workqueue, under locks the control plane needs, for a while).
	for ((rep = 0; rep <= REPS; rep++))
	do
		for sys in shoal wg
		do
			[[ " $SYSTEMS " == *" $sys "* ]] || continue
			log "control plane: rep $rep/$REPS, $sys, $PEERS peers"
			underlay_up veth
			if [[ $sys == shoal ]]
			then
				dev=shoal0
				ip -n "$NS_A" link add shoal0 type shoal
			else
				dev=wg0
				ip -n "$NS_A" link add wg0 type wireguard
				ip netns exec "$NS_A" wg set wg0 private-key "$WORK/s6.wgkey"
			fi
			e0=$(now)
			s6_cmd "$sys" dump >/dev/null
			e1=$(now)
			settle
			m0=$(slab_kb)
			t0=$(now)
			s6_cmd "$sys" add
			t1=$(now)
			s6_cmd "$sys" dump >"$WORK/s6.dump"
			t2=$(now)
			settle
			m1=$(slab_kb)
			ip -n "$NS_A" link del "$dev"
			settle
			m2=$(slab_kb)
			f0=0 f1=0 charged=()
			if [[ $sys == shoal ]]
			then
				ip -n "$NS_A" link add shoal0 type shoal
				f0=$(now)
				s6_cmd shoal add_files
				f1=$(now)
				ip -n "$NS_A" link del shoal0
				ip -n "$NS_A" link add shoal0 type shoal
				read -ra charged < <(s6_charged) || true
				ip -n "$NS_A" link del shoal0
			fi
			((rep > 0)) || { underlay_down; continue; }
			record s6 "$sys" "$rep" peers="$PEERS" \
				add_seconds="$(elapsed "$t0" "$t1")" \
				add_files_seconds="$(elapsed "$f0" "$f1")" \
				dump_seconds="$(elapsed "$t1" "$t2")" \
				empty_seconds="$(elapsed "$e0" "$e1")" \
				dump_bytes="$(wc -c <"$WORK/s6.dump")" \
				kernel_kb=$((m1 - m0)) freed_kb=$((m1 - m2)) \
				"${charged[@]}"
			underlay_down
		done
	done
}

# ---------------------------------------------------------------- main

# meta: what this boot is, as meta.json.
meta()
{
	$PY - "$OUT/meta.json" <<-EOF
	import json, os, sys, time
	cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
	       if l.startswith("model name")]
	flags = [l.split(":", 1)[1].split() for l in open("/proc/cpuinfo")
	         if l.startswith("flags")][0]
	json.dump({
	    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
	    "kernel": os.uname().release,
	    "cmdline": open("/proc/cmdline").read().strip(),
	    "clocksource": open("/sys/devices/system/clocksource/"
	                        "clocksource0/current_clocksource").read().strip(),
	    "cpu_model": cpu[0] if cpu else "?",
	    "cpus": len(cpu),
	    "simd": [f for f in ("sse3", "ssse3", "avx", "avx2", "avx512f",
	                         "aes", "pclmulqdq") if f in flags],
	    "rps": "A's veth rx-0 -> CPU $CPU_A, B's veth rx-0 -> CPU $CPU_B"
	           " (routed wire: W's wa -> CPU $CPU_A, wb -> CPU $CPU_B)",
	    "params": {"reps": $REPS, "time": $TIME, "pings": $PINGS,
	               "ping_interval": $PING_INTERVAL,
	               "fanout_n": "$FANOUT_N".split(),
	               "fanout_sizes": "$FANOUT_SIZES".split(),
	               "fanout_time": $FANOUT_TIME, "peers": $PEERS,
	               "systems": "$SYSTEMS".split(),
	               "scenarios": "$SCENARIOS".split(),
	               "inner_rps": "$INNER_RPS", "outer_gso": "$OUTER_GSO",
	               "wire": "$WIRE",
	               "trace": "$TRACE", "perf": "$PERF"},
	}, open(sys.argv[1], "w"), indent=1)
	EOF
}

main()
{
	local t0

	t0=$(date +%s)
	umask 077	# wg refuses world-readable key files, shoal warns
	mkdir -p "$OUT"
	: >"$OUT/raw.jsonl"
	WORK=$(mktemp -d)
	trap 'all_down; rm -rf "$WORK"' EXIT
	all_down
	use_pair pair
	modprobe -a veth vxlan wireguard shoal sch_ingress cls_matchall \
		act_gact || { log "error: cannot load the modules"; exit 1; }
	# Fan-out queues N copies at once at B's CPU; 1:1024 must fit.
	sysctl -qw net.core.netdev_max_backlog=10000
	meta
	log "$(nproc) CPUs: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
	[[ " $SCENARIOS " != *" s7 "* ]] || s7
	pair_scenarios
	fanout
	s6
	log "done in $(($(date +%s) - t0)) s"
}

main
