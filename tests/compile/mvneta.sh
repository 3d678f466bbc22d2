#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mvneta.sh - the ndiv hook for mvneta (Marvell Armada), which has no QEMU
# model and no x86 build: its patch applies to the pristine 6.12 driver,
# and ndiv's core and the patched driver cross-compile for arm64 and arm
# (tools/build/build-cross.sh: -Werror, no warnings, modpost resolving
# every symbol) into modules for the right machine that use ndiv. KTAP.
#
# The kernel trees are cached under build/cross/ (see
# tools/build/build-cross.sh): about two minutes the first time, then the
# builds only.
set -u
# The make runs below must not inherit "make check"'s flags (-j, -k).
unset MAKEFLAGS MFLAGS MAKELEVEL

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
drv=mvneta
# The architectures drivers/mvneta/arch lists (arm64 arm).
arches=$(sed 's/#.*//' "$top/drivers/$drv/arch" | tr -s ' \t\n' ' ')

ktap_plan "$((3 + 6 * $(echo "$arches" | wc -w)))"

mkdir -p "$top/build/cross"
scratch=$(mktemp -d "$top/build/cross/test-$drv.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' HUP INT TERM

patches=$(ls "$top"/patches/$drv/*.patch 2> /dev/null)
paths=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/drivers/$drv/sources")

# 1-2. The patch applies to the pristine driver: patch and git apply.
t0=$(date +%s)
if ! src=$("$top/tools/build/build-cross.sh" --src 2> "$scratch/src.log"); then
	ktap_diag "$(cat "$scratch/src.log")"
	ktap_not_ok "$drv: patch applies with patch -p1 --fuzz=0 --dry-run"
	ktap_not_ok "$drv: patch applies with git apply --check"
else
	ktap_diag "kernel source unpacked (cached under build/cross): $(($(date +%s) - t0))s"
	pristine=$scratch/pristine
	mkdir -p "$pristine"
	for p in $paths; do
		(cd "$src" && cp -r --parents "$p" "$pristine/")
	done
	msg=
	[ -n "$patches" ] || msg="no patches/$drv/*.patch"
	for p in $patches; do
		out=$(patch -s -f -p1 --fuzz=0 --dry-run -d "$pristine" < "$p" 2>&1) ||
			msg="$msg${msg:+
}$(basename "$p"): $out"
	done
	ktap_result "$drv: patch applies with patch -p1 --fuzz=0 --dry-run" "$msg"

	msg=
	[ -n "$patches" ] || msg="no patches/$drv/*.patch"
	for p in $patches; do
		# not inside ndiv's own git tree
		out=$(cd "$pristine" && GIT_CEILING_DIRECTORIES=$scratch \
			git apply --check -p1 "$p" 2>&1) || msg="$msg${msg:+
}$(basename "$p"): $out"
	done
	ktap_result "$drv: patch applies with git apply --check" "$msg"
fi

# 3. The patch changes only the driver's sources, and its diffstat
# summary counts what its diff changes.
msg=
[ -n "$patches" ] || msg="no patches/$drv/*.patch"
for p in $patches; do
	b=$(basename "$p")
	# shellcheck disable=SC2013 # kernel paths, no spaces
	for f in $(sed -n 's|^+++ b/||p' "$p" | sort -u); do
		echo "$paths" | grep -qxF "$f" ||
			msg="$msg${msg:+
}$b: changes $f, not in drivers/$drv/sources"
	done
	stat=$(sed -n 's/^ \([0-9]* files\{0,1\} changed.*\)$/\1/p' "$p")
	# below the ceiling: not inside ndiv's own git tree
	mkdir -p "$scratch/stat"
	num=$(cd "$scratch/stat" && GIT_CEILING_DIRECTORIES=$scratch \
		git apply --numstat "$p" | awk '
		{ f++; a += $1; d += $2 }
		END {
			s = f " file" (f == 1 ? "" : "s") " changed"
			if (a) s = s ", " a " insertion" (a == 1 ? "" : "s") "(+)"
			if (d) s = s ", " d " deletion" (d == 1 ? "" : "s") "(-)"
			print s
		}')
	[ "$stat" = "$num" ] || msg="$msg${msg:+
}$b: diffstat says '$stat', the diff has '$num'"
done
ktap_result "$drv: patch changes only drivers/$drv/sources; diffstat agrees" "$msg"

# 4-15. Per architecture: the kernel tree, the core, the driver, the .ko.
for arch in $arches; do
	case "$arch" in
	arm64)
		cc=aarch64-linux-gnu-gcc
		class=ELF64
		machine=AArch64
		;;
	arm)
		cc=arm-linux-gnueabihf-gcc
		class=ELF32
		machine=ARM
		;;
	*)
		cc=${arch}-linux-gnu-gcc
		class=ELF
		machine=$arch
		;;
	esac
	descs="$arch: kernel tree unpacked and prepared (modules_prepare)
$arch: ndiv core builds, -Werror, no warnings
$arch: $drv builds, -Werror, no warnings, modpost resolves every symbol
$arch: $drv.ko is an $class relocatable for $machine
$arch: $drv.ko depends on ndiv
$arch: $drv.ko references __ndiv_port_register"
	if ! command -v "$cc" > /dev/null; then
		while read -r d; do
			ktap_skip "$d" "no $cc (tools/build/deps.sh)"
		done <<-EOF
		$descs
		EOF
		continue
	fi

	out=$top/build/cross/$arch
	t0=$(date +%s)
	if "$top/tools/build/build-cross.sh" --prepare "$arch" > "$scratch/prep.log" 2>&1; then
		ktap_diag "$arch kernel tree prepared (cached under build/cross): $(($(date +%s) - t0))s"
		ktap_ok "$arch: kernel tree unpacked and prepared (modules_prepare)"
	else
		ktap_diag "$(tail -n 20 "$scratch/prep.log")"
		ktap_not_ok "$arch: kernel tree unpacked and prepared (modules_prepare)"
		while read -r d; do
			ktap_not_ok "$d"
		done <<-EOF
		$(echo "$descs" | sed 1d)
		EOF
		continue
	fi

	t0=$(date +%s)
	"$top/tools/build/build-cross.sh" "$arch" > "$scratch/build.log" 2>&1
	rc=$?
	ktap_diag "builds: $(($(date +%s) - t0))s"
	log=$out/build.log
	warn=$(grep -E 'warning:|WARNING:' "$log" 2> /dev/null)

	msg=
	[ -f "$out/modules/ndiv.ko" ] || msg=$(grep -E \
		'error|ERROR|build-cross:' "$scratch/build.log" | sort -u |
		head -n 20)
	[ -z "$warn" ] || msg="$msg${msg:+
}$warn"
	ktap_result "$arch: ndiv core builds, -Werror, no warnings" "$msg"

	ko=$out/modules/$drv.ko
	msg=
	if [ "$rc" -ne 0 ] || [ ! -f "$ko" ]; then
		msg=$(grep -E 'error|ERROR|FAILED|build-cross:' \
			"$scratch/build.log" | sort -u | head -n 20)
		[ -n "$msg" ] || msg="tools/build/build-cross.sh $arch: exit status $rc"
	fi
	[ -z "$warn" ] || msg="$msg${msg:+
}$warn"
	ktap_result "$arch: $drv builds, -Werror, no warnings, modpost resolves every symbol" "$msg"

	if [ ! -f "$ko" ]; then
		ktap_not_ok "$arch: $drv.ko is an $class relocatable for $machine"
		ktap_not_ok "$arch: $drv.ko depends on ndiv"
		ktap_not_ok "$arch: $drv.ko references __ndiv_port_register"
		continue
	fi

	hdr=$(readelf -h "$ko" 2>&1)
	msg=
	echo "$hdr" | grep -qE "^ *Class: *$class\$" ||
		msg="$(echo "$hdr" | grep Class:)"
	echo "$hdr" | grep -qE "^ *Machine: *$machine\$" ||
		msg="$msg${msg:+
}$(echo "$hdr" | grep Machine:)"
	echo "$hdr" | grep -qE '^ *Type: *REL ' ||
		msg="$msg${msg:+
}$(echo "$hdr" | grep Type:)"
	ktap_result "$arch: $drv.ko is an $class relocatable for $machine" "$msg"

	deps=$(modinfo -F depends "$ko" 2> /dev/null ||
		readelf -p .modinfo "$ko" | sed -n 's/.*depends=//p')
	msg=
	echo ",$deps," | grep -q ',ndiv,' || msg="depends=$deps"
	ktap_result "$arch: $drv.ko depends on ndiv" "$msg"

	msg=
	readelf -sW "$ko" | grep -qE ' UND __ndiv_port_register$' ||
		msg="no undefined symbol __ndiv_port_register"
	ktap_result "$arch: $drv.ko references __ndiv_port_register" "$msg"
done
ktap_finish
