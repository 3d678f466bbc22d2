#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# igb.sh [DRV] - compile test of a hooked driver that the QEMU lab cannot
# run (igb by default; ixgbe.sh calls this with "ixgbe"); KTAP.
#
# In a fresh work directory: checks patches/DRV/*.patch against a pristine
# copy of the driver from /usr/src/linux-source-6.12.tar.xz (patch -p1
# --dry-run, git apply --check, the diffstat against the hunks), builds
# the driver with tools/build/build-driver.sh (the glue's Kbuild has
# -Werror; any warning, modpost's included, fails the build test) against
# the headers of $KVER, default the version tools/build/deps.sh prints, as
# the Makefile does, and inspects the module: vermagic, the dependency on
# ndiv, the hook's symbols in the RX path and the ndiv counters in the
# ethtool code. The tree's build/ is not touched; ndiv's Module.symvers
# ("make modules") is read from the top of the tree. Exits non-zero if a
# test failed.
set -u

drv=${1:-igb}
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
tarball=/usr/src/linux-source-6.12.tar.xz
kv=linux-source-6.12

ktap_plan 8

patches=$(ls "$top"/patches/"$drv"/*.patch 2> /dev/null)
path=$(sed -n '/./{p;q;}' "$top/drivers/$drv/sources" 2> /dev/null)
if [ -z "$patches" ] || [ -z "$path" ]; then
	ktap_not_ok "$drv: drivers/$drv/sources and patches/$drv/*.patch exist"
	ktap_skip_rest "$drv: not run" "nothing to test"
	ktap_finish
	exit 1
fi
if [ ! -f "$tarball" ]; then
	ktap_not_ok "$drv: unpack $path"
	ktap_diag "no $tarball: install linux-source-6.12 (tools/build/deps.sh)"
	ktap_skip_rest "$drv: not run" "no kernel source"
	ktap_finish
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ndiv-compile-$drv.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# The pieces build-driver.sh reads, laid out as in the tree, so that it
# unpacks and builds under $work/build.
mkdir -p "$work/tools/build" "$work/drivers" "$work/patches" "$work/ndiv" \
	"$work/build/src"
cp "$top/tools/build/build-driver.sh" "$work/tools/build/"
cp -r "$top/drivers/$drv" "$work/drivers/"
cp -r "$top/patches/$drv" "$work/patches/"
cp -r "$top/ndiv/include" "$work/ndiv/"
[ -f "$top/Module.symvers" ] && cp "$top/Module.symvers" "$work/"
# Unpack the pristine sources once; build-driver.sh then reuses them.
while read -r p; do
	[ -n "$p" ] || continue
	tar -xf "$tarball" -C "$work/build/src" "$kv/$p" 2>> "$work/tar.log"
done < "$top/drivers/$drv/sources"
pristine=$work/build/src/$kv

# 1-2. The patches apply, in order, to a copy of the pristine sources.
cp -r "$pristine" "$work/a"
msg=
for p in $patches; do
	out=$(patch -s -f -p1 --dry-run -d "$work/a" < "$p" 2>&1) ||
		msg="$msg${msg:+
}$(basename "$p"): $out"
done
ktap_result "$drv: patch applies with patch -p1 --dry-run" "$msg"

msg=
if command -v git > /dev/null; then
	for p in $patches; do
		out=$(cd "$work/a" && GIT_CEILING_DIRECTORIES=$work \
			git apply --check -p1 "$p" 2>&1) ||
			msg="$msg${msg:+
}$(basename "$p"): $out"
	done
	ktap_result "$drv: patch applies with git apply --check" "$msg"
else
	ktap_skip "$drv: patch applies with git apply --check" "no git"
fi

# 3. Each patch's diffstat summary agrees with its hunks, and it is ours.
msg=
for p in $patches; do
	b=$(basename "$p")
	want=$(sed -n 's/^ \([0-9]*\) files\{0,1\} changed.*/\1/p' "$p")
	wins=$(sed -n 's/.* \([0-9]*\) insertions\{0,1\}(+).*/\1/p' "$p")
	wdel=$(sed -n 's/.* \([0-9]*\) deletions\{0,1\}(-).*/\1/p' "$p")
	got=$(cd "$work/a" && GIT_CEILING_DIRECTORIES=$work \
		git apply --numstat -p1 "$p" 2> /dev/null |
		awk '{ f++; i += $1; d += $2 } END { print f + 0, i + 0, d + 0 }')
	[ "$got" = "${want:-0} ${wins:-0} ${wdel:-0}" ] ||
		msg="$msg${msg:+
}$b: diffstat says ${want:-0} files +${wins:-0} -${wdel:-0}, hunks give $got"
	grep -q '^From: ndiv developers <dev@ndiv.invalid>$' "$p" &&
		grep -q '^Signed-off-by: ndiv developers <dev@ndiv.invalid>$' "$p" ||
		msg="$msg${msg:+
}$b: no From:/Signed-off-by: ndiv developers <dev@ndiv.invalid>"
done
ktap_result "$drv: patch diffstat matches its hunks; From and Signed-off-by" \
	"$msg"

# 4. The build, as "make drivers" runs it, without a warning.
kver=${KVER:-$("$top/tools/build/deps.sh" --print-kver 2> /dev/null | tail -n 1)}
if [ -z "$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
	ktap_not_ok "$drv: build against the headers of ${kver:-?}"
	ktap_diag "no /lib/modules/${kver:-?}/build: install the headers (tools/build/deps.sh)"
	ktap_skip_rest "$drv: not run" "no kernel headers"
	ktap_finish
	exit 1
fi
msg=
if ! grep -q '__ndiv_port_register' "$work/Module.symvers" 2> /dev/null; then
	msg="no Module.symvers with ndiv's exports at the top of the tree: run make modules first"
elif ! MAKEFLAGS="-j$(nproc)" "$work/tools/build/build-driver.sh" "$drv" "$kver" \
	> "$work/build.log" 2>&1; then
	msg=$(tail -n 30 "$work/build.log")
	[ -n "$msg" ] || msg="tools/build/build-driver.sh failed"
elif grep -qi 'warning' "$work/build.log"; then
	msg=$(grep -i 'warning' "$work/build.log" | head -n 20)
fi
ko=$work/build/modules/$drv.ko
mod=$work/build/drivers/$drv/mod
[ -n "$msg" ] || [ -f "$ko" ] || msg="no $drv.ko produced"
ktap_result "$drv: tools/build/build-driver.sh $drv $kver builds without warnings" \
	"$msg"
if [ -n "$msg" ]; then
	ktap_skip_rest "$drv: not run" "no module"
	ktap_finish
	exit 1
fi

# U (undefined) symbols of an object file
undef() {
	nm -u "$1" 2> /dev/null | awk '{ print $NF }'
}
# needs FILE SYM...: the symbols FILE does not reference, if any
needs() {
	f=$1
	shift
	for s in "$@"; do
		undef "$f" | grep -qxF "$s" || echo "$(basename "$f") does not reference $s"
	done
}

# 5. Built for the target kernel.
vm=$(modinfo -F vermagic "$ko" 2>&1)
case "$vm" in
"$kver "*) msg= ;;
*) msg="vermagic '$vm', want $kver" ;;
esac
ktap_result "$drv: vermagic is $kver" "$msg"

# 6. It needs ndiv, and registers its port with it.
msg=$(needs "$ko" __ndiv_port_register ndiv_port_unregister)
modinfo -F depends "$ko" | tr ',' '\n' | grep -qx ndiv ||
	msg="$msg${msg:+
}depends: $(modinfo -F depends "$ko"): no ndiv"
ktap_result "$drv: depends on ndiv, calls __ndiv_port_register and ndiv_port_unregister" \
	"$msg"

# 7. The RX hook and the registration are in the driver's main file.
msg=$(needs "$mod/${drv}_main.o" "${drv}_ndiv_rx" "${drv}_ndiv_register" \
	ndiv_port_unregister)
ktap_result "$drv: ${drv}_main.o calls ${drv}_ndiv_rx, ${drv}_ndiv_register, ndiv_port_unregister" \
	"$msg"

# 8. ethtool -S: count, strings and values come from ndiv too.
msg=$(needs "$mod/${drv}_ethtool.o" ndiv_ethtool_sset_count \
	ndiv_ethtool_strings ndiv_ethtool_stats)
ktap_result "$drv: ${drv}_ethtool.o calls ndiv_ethtool_sset_count/strings/stats" \
	"$msg"
ktap_finish
