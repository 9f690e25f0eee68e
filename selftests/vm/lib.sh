# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Helpers shared by the host side of the VM harness (fetch-kernel, run).
# Sourced, not executed.

# Debian's own interpreter: a python3 earlier in PATH (pyenv, a venv) may lack
# the standard modules the harness relies on, or not exist inside the guest.
readonly HOST_PY=/usr/bin/python3

# The name of the calling program, for messages.
__prog=${0##*/}

# log MSG...: a progress message. stdout is reserved for results.
log()
{
	echo "$__prog: $*" >&2
}

die()
{
	log "error: $*"
	exit 1
}

# need_packages PKG...: install, with apt, those of PKG that are not
# installed. dpkg -s is cheap, so a warm machine never reaches apt; the
# package lists are refreshed only if the first install attempt fails (a
# fresh machine has none, or stale ones).
need_packages()
{
	local p missing=()

	for p in "$@"
	do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	((${#missing[@]})) || return 0

	((EUID == 0)) || die "missing packages (${missing[*]}); run as root or install them"
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	then
		apt-get update -qq >&2
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	fi
}
