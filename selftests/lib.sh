#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Helpers for shoal's selftests: KTAP output, one subshell per test case with
# its own deferred cleanup, namespaces with unique names, and waiting for a
# condition instead of sleeping.
#
# A test script sources this file, defines one function per case and ends
# with `ktap_run case_a case_b ...`. A case fails on the first command that
# fails (set -e inside its subshell); it skips by calling `skip REASON`.

# Key files are private, as the tool expects: it warns about any that
# others can read.
umask 077

readonly KSFT_PASS=0
readonly KSFT_FAIL=1
readonly KSFT_SKIP=4

SHOAL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly SHOAL_TOP
# Debian's python3, which has the apt-installed modules (yaml, pyroute2).
readonly PY=/usr/bin/python3
readonly NL="$PY $SHOAL_TOP/selftests/nl.py"
readonly MCAST="$PY $SHOAL_TOP/selftests/mcast.py"

__defer=()

# defer CMD [ARGS...]: run CMD when the current case ends, last in first out.
defer()
{
	local cmd
	printf -v cmd '%q ' "$@"
	__defer+=("$cmd")
}

# __on_err RC LINE CMD: what failed in a case, CMD's first line only (a
# here-document would bury the error it printed).
__on_err()
{
	echo "# line $2: ${3%%$'\n'*}: exit $1"
}

__run_deferred()
{
	local i

	for ((i = ${#__defer[@]} - 1; i >= 0; i--))
	do
		eval "${__defer[i]}" >/dev/null 2>&1 || true
	done
	__defer=()
}

# netns_new VAR...: create a namespace per VAR with a unique name, loopback
# up, deleted when the case ends.
netns_new()
{
	local var name

	for var in "$@"
	do
		name="shoal-$var-$$-$RANDOM"
		ip netns add "$name"
		defer ip netns del "$name"
		ip -n "$name" link set lo up
		printf -v "$var" '%s' "$name"
	done
}

# scaled N: a time limit N, four times as long on the debug kernel, which
# runs everything three to five times slower.
scaled()
{
	if [[ ${SHOAL_KERNEL:-stock} == debug ]]
	then
		echo $(($1 * 4))
	else
		echo "$1"
	fi
}

# proc_hex_sum FILE COLUMN: the sum of a hexadecimal column (from 0) over
# the per-CPU lines of a /proc statistics file, its header line skipped.
proc_hex_sum()
{
	local sum=0 line

	while read -r -a line
	do
		[[ ${line[$2]} =~ ^[0-9a-f]+$ ]] || continue
		sum=$((sum + 16#${line[$2]}))
	done <"$1"
	echo "$sum"
}

# softnet_dropped: packets the backlog queues dropped, on every CPU.
softnet_dropped()
{
	proc_hex_sum /proc/net/softnet_stat 1
}

# unres_discards: packets the ARP table dropped from the queue of a
# neighbour being resolved, on every CPU and in every namespace.
unres_discards()
{
	proc_hex_sum /proc/net/stat/arp_cache 11
}

# busywait TIMEOUT_MS CMD [ARGS...]: retry CMD until it succeeds or time is up
# (scaled).
busywait()
{
	local timeout start

	timeout=$(scaled "$1")
	shift
	start=$(date +%s%3N)
	until "$@"
	do
		if (($(date +%s%3N) - start > timeout))
		then
			return 1
		fi
		sleep 0.05
	done
}

# expect_fail CMD [ARGS...]: CMD must fail (set -e ignores `! cmd`).
expect_fail()
{
	if "$@"
	then
		echo "# unexpectedly succeeded: $*"
		return 1
	fi
	return 0
}

# expect_eq WHAT GOT WANT
expect_eq()
{
	if [[ "$2" != "$3" ]]
	then
		echo "# $1: got '$2', want '$3'"
		return 1
	fi
}

# expect_match WHAT TEXT REGEX
expect_match()
{
	if ! [[ "$2" =~ $3 ]]
	then
		echo "# $1: '$2' does not match /$3/"
		return 1
	fi
}

skip()
{
	echo "# SKIP: $*"
	exit $KSFT_SKIP
}

# require_cmd CMD...: skip the case when a tool is missing.
require_cmd()
{
	local cmd

	for cmd in "$@"
	do
		command -v "$cmd" >/dev/null || skip "$cmd not installed"
	done
}

# uptime_s: whole seconds since the VM booted.
uptime_s()
{
	local up

	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# ktap_run CASE...: run each case in its own subshell, print KTAP (with
# the seconds each case took), exit with KSFT_FAIL if any case failed.
# SHOAL_CASES="A B" runs only those. SHOAL_BUDGET=SECONDS starts no case
# once the VM has been up that long: the rest are skipped, named as such
# (CI's bounded time).
ktap_run()
{
	local n=0 pass=0 fail=0 skipped=0 rc name start keep=()

	if [[ -n ${SHOAL_CASES:-} ]]
	then
		for name in "$@"
		do
			[[ " $SHOAL_CASES " != *" $name "* ]] || keep+=("$name")
		done
		set -- "${keep[@]}"
	fi

	echo "TAP version 13"
	echo "1..$#"
	for name in "$@"
	do
		n=$((n + 1))
		if [[ -n ${SHOAL_BUDGET:-} ]] && (($(uptime_s) >= SHOAL_BUDGET))
		then
			echo "ok $n $name # SKIP out of time (SHOAL_BUDGET=$SHOAL_BUDGET s)"
			skipped=$((skipped + 1))
			continue
		fi
		start=$SECONDS
		(
			set -eE -o pipefail
			trap '__on_err $? $LINENO "$BASH_COMMAND"' ERR
			trap __run_deferred EXIT
			"$name"
		) 2>&1 | sed -u 's/^/# /; s/^# # /# /'
		rc=${PIPESTATUS[0]}
		# A diagnostic line: a directive after the result would hide it
		# from run_tests.sh's count.
		echo "# $name: $((SECONDS - start)) s"
		case $rc in
		0) echo "ok $n $name"; pass=$((pass + 1)) ;;
		"$KSFT_SKIP") echo "ok $n $name # SKIP"; skipped=$((skipped + 1)) ;;
		*) echo "not ok $n $name"; fail=$((fail + 1)) ;;
		esac
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skipped error:0"
	((fail == 0)) || exit $KSFT_FAIL
	exit $KSFT_PASS
}

[[ $EUID -eq 0 ]] || { echo "1..0 # SKIP must run as root"; exit $KSFT_SKIP; }

# shoal_json NETNS [DEV]: `shoal -j show` in NETNS.
shoal_json()
{
	ip netns exec "$1" shoal -j show ${2:+"$2"}
}

# json_at PATH: from JSON on stdin, the value at PATH (dotted: object
# members and list indexes) in its first element.
json_at()
{
	$PY -c '
import json, sys
v = json.load(sys.stdin)[0]
for part in sys.argv[1].split("."):
    v = v[int(part)] if isinstance(v, list) else v[part]
print(v)' "$1"
}

# shoal_field NETNS DEV FIELD: one field of one device, from the tool.
shoal_field()
{
	shoal_json "$1" "$2" | json_at "$3"
}

# udp_bound NETNS PORT FAMILY: is a UDP socket of FAMILY (4 or 6) bound to
# PORT in NETNS?
udp_bound()
{
	[[ -n "$(ip netns exec "$1" ss -Hlun -"$3" "sport = :$2")" ]]
}

# shoal_unload: make sure the module is not loaded.
shoal_unload()
{
	if grep -q '^shoal ' /proc/modules
	then
		modprobe -r shoal
	fi
}

is_loaded()
{
	grep -q '^shoal ' /proc/modules
}

readonly TRACEFS=/sys/kernel/tracing

# open_trace_start: from now on, the function-graph tracer records every
# shoal_open() and any skb_cow_data() under it: a datagram copied into a
# new head before it is opened, rather than opened where it lies. Skips
# without the tracer; stopped and reset when the case ends.
open_trace_start()
{
	grep -qw function_graph "$TRACEFS/available_tracers" 2>/dev/null ||
		skip "no function-graph tracer"
	echo shoal_open >"$TRACEFS/set_graph_function"
	echo 'shoal_open skb_cow_data' >"$TRACEFS/set_ftrace_filter"
	echo 0 >"$TRACEFS/options/funcgraph-tail"
	defer sh -c "echo nop >$TRACEFS/current_tracer;
		echo 1 >$TRACEFS/tracing_on;
		echo >$TRACEFS/set_ftrace_filter;
		echo >$TRACEFS/set_graph_function"
	echo function_graph >"$TRACEFS/current_tracer"
	echo >"$TRACEFS/trace"
	echo 1 >"$TRACEFS/tracing_on"
}

# open_trace_count: "OPENED COPIED", the datagrams opened and those of
# them copied first since open_trace_start; stops the trace.
open_trace_count()
{
	echo 0 >"$TRACEFS/tracing_on"
	echo "$(grep -cE 'shoal_open.*[{;]$' "$TRACEFS/trace" || true)" \
		"$(grep -cE 'skb_cow_data.*[{;]$' "$TRACEFS/trace" || true)"
}

# kprobe_hist_start NAME FUNC: count the calls of the kernel function FUNC
# by call stack, from now until the case ends (a kprobe event with a hist
# trigger; both removed then). Skips without kprobe events or hist
# triggers (CONFIG_KPROBE_EVENTS, CONFIG_HIST_TRIGGERS). Called before
# any traffic, as net_event_on in tunnel_test.sh: placing a probe patches
# the kernel's text, which a vCPU crossing the site meanwhile has hung.
kprobe_hist_start()
{
	local ev=$TRACEFS/events/shoal_probe/$1

	[[ -w $TRACEFS/kprobe_events ]] || skip "no kprobe events"
	# One left by a run that was killed.
	echo "-:shoal_probe/$1" >>"$TRACEFS/kprobe_events" 2>/dev/null || true
	echo "p:shoal_probe/$1 $2" >>"$TRACEFS/kprobe_events"
	defer sh -c "echo 0 >$ev/enable; echo '!hist:keys=stacktrace' >>$ev/trigger;
		echo -:shoal_probe/$1 >>$TRACEFS/kprobe_events"
	grep -qw hist "$ev/trigger" || skip "no hist triggers"
	echo 'hist:keys=stacktrace' >>"$ev/trigger"
	echo 1 >"$ev/enable"
}

# kprobe_hist_count NAME [WITH [WITHOUT]]: the calls NAME counted whose
# stack has a frame matching the regular expression WITH and none
# matching WITHOUT (awk's syntax); all of them by default.
kprobe_hist_count()
{
	awk -v with="${2:-.}" -v without="${3:-^$}" '
		/^\{ stacktrace:/ { stack = ""; next }
		/^\} hitcount:/ {
			if (stack ~ with && stack !~ without)
				n += $3
			next
		}
		{ stack = stack " " $1 }
		END { print n + 0 }' "$TRACEFS/events/shoal_probe/$1/hist"
}
