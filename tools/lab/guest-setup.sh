#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the lab VM (through the agent) right after boot.  /init has
# already installed the ndiv modules into the overlay (updates/ndiv, with
# the host's depmod index); this loads ndiv, ndiv_bench and the NIC
# driver, finds the lab NIC by its MAC address and configures it.  Prints
# "DEV patched" or "DEV stock" on stdout (the interface name, and whether
# the driver is the ndiv build); all diagnostics go to stderr.
#
# usage: guest-setup.sh DRIVER MAC IP4/LEN IP6/LEN QUEUES
set -eu

driver=$1 mac=$2 ip4=$3 ip6=$4 queues=$5
updates=/lib/modules/$(uname -r)/updates/ndiv

say() { echo "ndiv-lab(guest): $*" >&2; }

# Keep the number of programs started low: each costs ~0.1 s under TCG.
mods=
for m in ndiv ndiv_bench; do
	if [ -e "$updates/$m.ko" ]; then
		mods="$mods $m"
	fi
done
if [ -n "$mods" ]; then
	# shellcheck disable=SC2086
	modprobe -a $mods
fi

while read -r m _; do
	if [ "$m" = "$driver" ]; then
		say "$driver was already loaded before setup (autoload?)"
		exit 1
	fi
done </proc/modules
modprobe "$driver"
file=$(modinfo -F filename "$driver" 2>/dev/null || true)
case "$file" in
*/updates/*) kind=patched ;;
*) kind=stock ;;
esac
say "loaded $kind $driver ($file)"

dev=
i=0
while :; do
	for d in /sys/class/net/*; do
		a=
		read -r a <"$d/address" 2>/dev/null || true
		if [ "$a" = "$mac" ]; then
			dev=${d##*/}
		fi
	done
	[ -n "$dev" ] && break
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		say "no interface with MAC $mac after loading $driver"
		ip link show >&2
		exit 1
	fi
	sleep 0.1
done

echo 0 >"/proc/sys/net/ipv6/conf/$dev/accept_dad"
if [ "$queues" -gt 1 ]; then
	ethtool -L "$dev" combined "$queues"
fi
printf '%s\n' "link set $dev up" "addr add $ip4 dev $dev" \
	"addr add $ip6 dev $dev nodad" | ip -batch -

# Wait for the carrier (the emulated e1000e PHY takes about 3 s).
i=0
while :; do
	read -r st <"/sys/class/net/$dev/operstate"
	[ "$st" = up ] && break
	i=$((i + 1))
	if [ "$i" -gt 200 ]; then
		say "$dev has no carrier after 20 s"
		ip link show "$dev" >&2
		exit 1
	fi
	sleep 0.1
done
echo "$dev $kind"
