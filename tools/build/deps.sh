#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages ndiv builds, tests and runs its lab with.
# Idempotent: does nothing when everything is present, and runs
# "apt-get update" only when something is missing.
#
# Prints the kernel version the build targets (e.g. 6.12.117+deb12-amd64)
# on the last line of stdout when called with --print-kver.
set -eu

# The kernel flavour: the headers, the image and the source must be the
# same upstream version; we take the candidate of linux-source-6.12.
kver_of_source() {
	v=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
	[ -n "$v" ] || v=$(apt-cache policy linux-source-6.12 2>/dev/null |
		sed -n 's/^ *Candidate: *//p')
	[ -n "$v" ] && [ "$v" != "(none)" ] || return 1
	# 6.12.117-1~deb12u1 -> 6.12.117+deb12-amd64
	echo "${v%%-*}+deb12-amd64"
}

BASE_PKGS="build-essential bc kmod cpio xz-utils zstd flex bison libelf-dev
	python3 qemu-system-x86 busybox-static iproute2 iputils-ping ethtool
	curl wrk nftables netcat-openbsd tcpdump python3-scapy socat
	clang libclang-rt-14-dev util-linux procps
	apache2-utils nghttp2-client chromium nginx-light netsniff-ng
	python3-matplotlib valgrind xdp-tools python3-docutils groff-base man-db
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf"

missing=""
need() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $1"
}

for p in $BASE_PKGS linux-source-6.12; do
	need "$p"
done

if ! kver=$(kver_of_source); then
	apt-get update -qq
	kver=$(kver_of_source)
fi
need "linux-headers-$kver"
need "linux-image-$kver-unsigned"

if [ -n "$missing" ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends $missing >&2; then
		apt-get update -qq >&2
		apt-get install -y -qq --no-install-recommends $missing >&2
	fi
fi

[ "${1:-}" = "--print-kver" ] && echo "$kver"
exit 0
