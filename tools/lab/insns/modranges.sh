#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modranges.sh NAME=MODULE... - run in the lab guest: the text ranges of
# loaded modules, for insns.py split. Prints "NAME ADDRESS SIZE" (hex)
# for each executable section of each MODULE that the kernel kept after
# loading it (not .init.*): the address from /sys/module/MODULE/sections/,
# the size from the section headers of the module's file (modinfo -n,
# decompressed when needed). Several modules may share a NAME.
set -eu

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for arg in "$@"; do
	name=${arg%%=*}
	mod=${arg#*=}
	sec=/sys/module/$mod/sections
	[ -d "$sec" ] || {
		echo "modranges: module $mod is not loaded" >&2
		exit 1
	}
	file=$(modinfo -n "$mod")
	case $file in
	*.xz) xz -dc "$file" >"$tmp/m.ko" ;;
	*.zst) zstd -qdc "$file" >"$tmp/m.ko" ;;
	*.gz) gzip -dc "$file" >"$tmp/m.ko" ;;
	*) cp "$file" "$tmp/m.ko" ;;
	esac
	# [Nr] Name Type Address Off Size ES Flg ...: executable sections
	readelf -SW "$tmp/m.ko" |
		sed -n 's/^ *\[ *[0-9]*\] *//p' |
		awk '$7 ~ /X/ && $1 !~ /^\.init/ { print $1, $5 }' |
		while read -r s size; do
			[ -r "$sec/$s" ] || continue
			addr=$(cat "$sec/$s")
			echo "$name ${addr#0x} $size"
		done
done
