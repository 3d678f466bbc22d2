#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# get-header.sh FILE - the TCG plugin API header, include/qemu/qemu-plugin.h,
# of the installed qemu-system-x86, from Debian's qemu source package,
# written to FILE.
#
# Source packages need a deb-src entry: when apt has none, one is added
# for each deb entry of /etc/apt/sources.list.d/*.sources (the same
# archive, suites and components) as
# /etc/apt/sources.list.d/ndiv-deb-src.sources, and only that list is
# updated. The package of the installed version is downloaded
# (apt-get source --download-only) to a temporary directory next to FILE,
# the header alone is taken out of the upstream tarball, and the download
# is removed. A Debian patch that changes the header is refused rather
# than ignored. Needs root, once per machine.
set -eu

out=${1:?usage: get-header.sh FILE}
src_list=/etc/apt/sources.list.d/ndiv-deb-src.sources
header=include/qemu/qemu-plugin.h

say() {
	echo "get-header: $*" >&2
}

die() {
	say "$*"
	exit 1
}

has_deb_src() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -qE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)'
}

# The deb822 stanzas of type deb, as deb-src.
deb_src_stanzas() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		[ "$f" = "$src_list" ] && continue
		awk '
		function flush() {
			if (n && deb && enabled) {
				for (i = 1; i <= n; i++) {
					if (lines[i] ~ /^Types:/)
						print "Types: deb-src"
					else
						print lines[i]
				}
				print ""
			}
			n = 0; deb = 0; enabled = 1
		}
		BEGIN { enabled = 1 }
		/^[[:space:]]*$/ { flush(); next }
		/^#/ { next }
		{
			lines[++n] = $0
			if ($1 == "Types:")
				for (i = 2; i <= NF; i++)
					if ($i == "deb")
						deb = 1
			if ($1 == "Enabled:" && $2 == "no")
				enabled = 0
		}
		END { flush() }' "$f"
	done
}

# apt-get waits for no lock of its own: retry while another apt runs.
apt_retry() {
	i=0
	until apt-get -q "$@"; do
		i=$((i + 1))
		[ "$i" -lt 60 ] || return 1
		say "apt-get $* failed (another apt running?), retrying in 10 s"
		sleep 10
	done
}

[ "$(id -u)" = 0 ] || die "needs root (apt-get source)"
pkg=$(dpkg-query -W -f='${source:Package}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed (tools/build/deps.sh)"
ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)

if ! has_deb_src; then
	stanzas=$(deb_src_stanzas)
	[ -n "$stanzas" ] ||
		die "no deb entry in /etc/apt/sources.list.d/*.sources to copy"
	say "adding $src_list"
	echo "$stanzas" >"$src_list"
	apt_retry update -o Dir::Etc::SourceList="$src_list" \
		-o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0 ||
		die "apt-get update of $src_list failed"
fi

dl=$(dirname "$out")/qemu-src.tmp
rm -rf "$dl"
mkdir -p "$dl"
say "downloading the source of $pkg $ver"
# (as root: the _apt user cannot write to the build directory)
(cd "$dl" && apt_retry -o APT::Sandbox::User=root source --download-only \
	"$pkg=$ver") >&2 ||
	die "apt-get source $pkg=$ver failed"
orig=$(find "$dl" -name "${pkg}_*.orig.tar.*" | head -n 1)
[ -n "$orig" ] || die "no upstream tarball in the source package"
tar -xf "$orig" -C "$dl" --wildcards "*/$header" ||
	die "no $header in $orig"
for d in "$dl"/*.debian.tar.*; do
	[ -f "$d" ] || continue
	if tar -xOf "$d" --wildcards 'debian/patches/*' 2>/dev/null |
		grep -q "^+++ .*/$header"; then
		die "a Debian patch of $pkg changes $header: not handled"
	fi
done
mkdir -p "$(dirname "$out")"
cp "$(find "$dl" -path "*/$header" | head -n 1)" "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$dl"
say "$out from $(basename "$orig")"
