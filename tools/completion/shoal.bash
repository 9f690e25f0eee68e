# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# bash completion for shoal(8).

# The shoal devices of the namespace the command line acts in.
_shoal_devices()
{
	local ns=$1

	ip ${ns:+-n "$ns"} -o link show type shoal 2>/dev/null |
		awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

_shoal_cmds='show set peer group key genkey help'

# "peer ACTION DEV ..." and "key ACTION DEV ...": keywords, then values;
# key files after "rx-key ID", "tx-key ID" and "key set ... slot N id N".
_shoal_sub()
{
	local cmd=$1 at=$2 ns=$3
	local action=${words[at + 1]} prev2= actions='add set del show' kws

	[[ $cmd == key ]] && actions='set activate del'
	if ((cword == at + 1)); then
		COMPREPLY=($(compgen -W "$actions help" -- "$cur"))
		return
	fi
	if ((cword == at + 2)); then
		COMPREPLY=($(compgen -W "$(_shoal_devices "$ns")" -- "$cur"))
		return
	fi
	((cword >= 2)) && prev2=${words[cword - 2]}
	case $cmd/$action in
	peer/add)
		kws='id endpoint allowed-ips rx-key tx-key keepalive'
		((cword == at + 3)) && kws+=' --file'
		;;
	peer/set)
		kws='id endpoint allowed-ips rx-key tx-key keepalive' ;;
	peer/del|peer/show)
		kws='id' ;;
	key/set)
		kws='slot id' ;;
	key/*)
		kws='slot' ;;
	*)
		return ;;
	esac
	case $prev in
	--file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	allowed-ips)
		COMPREPLY=($(compgen -W 'none' -- "$cur"))
		return
		;;
	tx-key)
		[[ $action == set ]] && COMPREPLY=($(compgen -W 'remove' -- "$cur"))
		return
		;;
	id|sender-id|endpoint|keepalive|slot|rx-key)
		return
		;;
	esac
	if [[ $prev2 == rx-key || $prev2 == tx-key ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		[[ $action == set ]] && COMPREPLY+=($(compgen -W 'remove' -- "$cur"))
		[[ $cur == - ]] && COMPREPLY+=(-)
		return
	fi
	if [[ $cmd/$action == key/set ]]; then
		# The key file, beside the keywords.
		COMPREPLY=($(compgen -W "$kws" -- "$cur") $(compgen -f -- "$cur"))
		return
	fi
	[[ $prev == --file ]] || COMPREPLY=($(compgen -W "$kws" -- "$cur"))
}

# "group ACTION DEV ..." and "group member ACTION DEV ...": keywords, and
# files after "members-file".
_shoal_group()
{
	local at=$1 ns=$2
	local action=${words[at + 1]} dev_at=$((at + 2)) kws

	if ((cword == at + 1)); then
		COMPREPLY=($(compgen -W 'add del show member help' -- "$cur"))
		return
	fi
	if [[ $action == member ]]; then
		if ((cword == at + 2)); then
			COMPREPLY=($(compgen -W 'add del' -- "$cur"))
			return
		fi
		dev_at=$((at + 3))
	fi
	if ((cword == dev_at)); then
		COMPREPLY=($(compgen -W "$(_shoal_devices "$ns")" -- "$cur"))
		return
	fi
	case $prev in
	members-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		[[ $cur == - ]] && COMPREPLY+=(-)
		return
		;;
	id|prefix)
		return
		;;
	esac
	case $action in
	add)
		kws='id prefix broadcast all-peers members members-file' ;;
	member)
		kws='id members members-file' ;;
	del|show)
		kws='id' ;;
	*)
		return ;;
	esac
	COMPREPLY=($(compgen -W "$kws" -- "$cur"))
}

_shoal()
{
	local cur prev words cword
	local i cmd= cmd_at=0 ns= w kw
	local -a used=()

	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]}
		prev=${words[cword - 1]}
	fi

	# Global options, up to the command.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-n|--netns)
			ns=${words[i + 1]}
			((i++))
			;;
		-b|--batch)
			((i++))
			;;
		-*)
			;;
		*)
			cmd=$w
			cmd_at=$i
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-n|--netns)
			COMPREPLY=($(compgen -W "$(ip netns list 2>/dev/null |
				awk '{ print $1 }')" -- "$cur"))
			return
			;;
		-b|--batch)
			COMPREPLY=($(compgen -f -- "$cur"))
			[[ $cur == - ]] && COMPREPLY+=(-)
			return
			;;
		esac
		# With -b FILE, the commands are in the file: options only.
		if [[ " ${words[*]:1:cword-1} " == *" -b "* ||
		      " ${words[*]:1:cword-1} " == *" --batch "* ]]; then
			COMPREPLY=($(compgen -W '--force -j --json -p --pretty
				-n --netns' -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -p --pretty -n --netns
				-b --batch --force -V --version -h --help' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_shoal_cmds" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	show)
		if ((cword == cmd_at + 1)); then
			COMPREPLY=($(compgen -W "$(_shoal_devices "$ns") help" \
				-- "$cur"))
		fi
		;;
	set)
		if ((cword == cmd_at + 1)); then
			COMPREPLY=($(compgen -W "$(_shoal_devices "$ns") help" \
				-- "$cur"))
			return
		fi
		# Keywords sit at even distances from DEV; values between.
		if (((cword - cmd_at) % 2 == 1)); then
			return
		fi
		for ((i = cmd_at + 2; i < cword; i += 2)); do
			used+=("${words[i]}")
		done
		w=
		for kw in port id replay-window epoch-max-age key-limit cipher; do
			[[ " ${used[*]} " == *" $kw "* ]] || w+=" $kw"
		done
		[[ " ${used[*]} " == *" id "* || " ${used[*]} " == *" sender-id "* ]] ||
			w+=" sender-id"
		COMPREPLY=($(compgen -W "$w" -- "$cur"))
		;;
	peer|key)
		_shoal_sub "$cmd" "$cmd_at" "$ns"
		;;
	group)
		_shoal_group "$cmd_at" "$ns"
		;;
	help)
		if ((cword == cmd_at + 1)); then
			COMPREPLY=($(compgen -W "$_shoal_cmds" -- "$cur"))
		fi
		;;
	esac
} &&
complete -F _shoal shoal
