#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-cross.sh ARCH - cross-build ndiv's core and the drivers that exist
# only on other architectures (drivers/<drv>/arch lists ARCH) against
# linux-source-6.12. ARCH is a kernel architecture: arm64 or arm.
# build-cross.sh --prepare ARCH only unpacks and prepares the kernel tree;
# build-cross.sh --src only unpacks it and prints the source's path.
#
# Cached, keyed by the tarball's mtime, under build/cross/:
#
#  - src-<key>/: the tarball unpacked once for all architectures, less
#    what no module build reads: the C sources of drivers/, sound/, fs/ and
#    net/ (but the files the cross-only drivers take from there),
#    Documentation, tools/perf, tools/testing and the other architectures
#    (but for the Kconfig files and the system call table Kbuild reads).
#    Before pruning, the EXPORT_SYMBOL*() lines of the whole source are
#    listed in exports.tsv.
#  - <arch>/obj-<key>/: the object tree (O=) of ARCH: defconfig
#    (multi_v7_defconfig for arm, which has the Armada 370/XP/38x), the
#    drivers as modules, no debug info, then modules_prepare.
#
# No vmlinux is built (a whole kernel build, far too slow for a test), so
# the tree has no Module.symvers to check modules against. One is written,
# each run, from the Module.symvers of the host's 6.12 kernel (its headers
# package: the real exports of the generic code, names made by macros
# included) and from exports.tsv (the EXPORT_SYMBOL*() lines of the generic
# code and of arch/ARCH). It holds the names the kernel exports, not those
# of this configuration exactly: a vmlinux would give those.
#
# Then, from scratch each time: the core, from a copy of ndiv/ (no foreign
# objects in the source tree, where the host build would take them), and
# each driver: its sources from the unpacked tree, patches/<drv>/*.patch,
# the glue of drivers/<drv>/, built with the core's Module.symvers
# (KBUILD_EXTRA_SYMBOLS). modpost checks every symbol the modules use, no
# KBUILD_MODPOST_WARN. Everything builds with -Werror; any compiler or
# modpost warning fails the build. Output: <arch>/modules/*.ko, the log
# in <arch>/build.log. The modules are checks of the code against the
# architecture, not for a particular kernel: they are built against
# defconfig, not the target's configuration.
#
# NDIV_JOBS sets make's -j (default: the number of CPUs).
set -eu

usage() {
	echo "usage: $0 [--prepare] arm64|arm" >&2
	echo "       $0 --src" >&2
	exit 2
}
only_prepare=
if [ "${1:-}" = --prepare ]; then
	only_prepare=1
	shift
fi
[ $# -eq 1 ] || usage

top=$(cd "$(dirname "$0")/../.." && pwd)
tarball=${NDIV_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
kv=linux-source-6.12
base=$top/build/cross
# Bump when what is unpacked, pruned or listed changes.
layout=3
jobs=${NDIV_JOBS:-$(nproc 2> /dev/null || echo 2)}

arch=$1
case "$arch" in
arm64)
	cross=aarch64-linux-gnu-
	defconfig=defconfig
	;;
arm)
	cross=arm-linux-gnueabihf-
	defconfig=multi_v7_defconfig
	;;
--src) [ -z "$only_prepare" ] || usage ;;
*) usage ;;
esac

die() {
	echo "build-cross: $*" >&2
	exit 1
}

[ -f "$tarball" ] || die "no $tarball: install linux-source-6.12 (tools/build/deps.sh)"

# The drivers that list $1 in drivers/<drv>/arch ("all": any architecture).
cross_drivers() {
	for af in "$top"/drivers/*/arch; do
		[ -f "$af" ] || continue
		# shellcheck disable=SC2013 # words, not lines
		for a in $(sed 's/#.*//' "$af"); do
			if [ "$1" = all ] || [ "$a" = "$1" ]; then
				basename "$(dirname "$af")"
				break
			fi
		done
	done
}

# Kernel-tree paths the cross-only drivers take from the source.
cross_sources() {
	for d in $(cross_drivers all); do
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/drivers/$d/sources"
	done | sort -u
}

# Serialise the cache updates of concurrent runs (flock from util-linux).
lock() {
	mkdir -p "$base"
	if command -v flock > /dev/null; then
		eval "exec $1>\"$base/.lock-$2\""
		flock "$1"
	fi
}

key=$(stat -c %Y "$tarball")-$layout-$(cross_sources | cksum | cut -d' ' -f1)
src=$base/src-$key
srctree=$src/$kv

# List exports as "where<TAB>type<TAB>symbol<TAB>namespace", where is "-"
# for generic code or arch/<name> for architecture code. Run in the tree.
list_exports() {
	grep -rHoE --include='*.[chS]' \
		'^[[:space:]]*EXPORT_[A-Z_]+\([^)]*\)' . |
		awk -F'\t' '
		function out(t, s, ns) {
			printf "%s\t%s\t%s\t%s\n", where, t, s, ns
		}
		{
			i = index($0, ":")
			path = substr($0, 3, i - 3)
			m = substr($0, i + 1)
			sub(/^[ \t]+/, "", m)
			macro = m
			sub(/\(.*/, "", macro)
			args = m
			sub(/^[^(]*\(/, "", args)
			sub(/\)$/, "", args)
			gsub(/[ \t"]/, "", args)
			n = split(args, a, ",")
			s = a[1]
			ns = n > 1 ? a[2] : ""
			where = "-"
			if (path ~ /^arch\//) {
				split(path, p, "/")
				where = "arch/" p[2]
			}
			gpl = macro ~ /_GPL/ ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL"
			if (s !~ /^[A-Za-z_][A-Za-z0-9_]*$/)
				next
			if (macro ~ /^EXPORT_SYMBOL(_GPL)?$/ ||
			    macro ~ /^EXPORT_PER_CPU_SYMBOL(_GPL)?$/) {
				out(gpl, s, "")
			} else if (macro ~ /^EXPORT_SYMBOL_NS(_GPL)?$/) {
				out(gpl, s, ns)
			} else if (macro == "EXPORT_SYMBOL_GPL_FOR_MODULES") {
				out(gpl, s, "module:" ns)
			} else if (macro ~ /^EXPORT_TRACEPOINT_SYMBOL(_GPL)?$/) {
				out(gpl, "__tracepoint_" s, "")
				out(gpl, "__traceiter_" s, "")
				out(gpl, "__SCK__tp_func_" s, "")
				out(gpl, "__SCT__tp_func_" s, "")
			} else if (macro ~ /^EXPORT_STATIC_CALL(_GPL)?$/) {
				out(gpl, "__SCK__" s, "")
				out(gpl, "__SCT__" s, "")
			} else if (macro ~ /^EXPORT_STATIC_CALL_TRAMP(_GPL)?$/) {
				out(gpl, "__SCT__" s, "")
			}
		}'
}

# Delete what no module build reads but the files listed in $1 (paths
# of files or directories). Kconfig and Makefiles stay: the next
# architecture is configured from the same tree.
prune() {
	# Kconfig sources a few files of other architectures unconditionally,
	# scripts/checksyscalls.sh reads x86's system call table.
	for d in arch/*/; do
		case "$d" in
		arch/arm/ | arch/arm64/) ;;
		*) find "$d" -type f ! -name 'Kconfig*' ! -name '*.tbl' -delete ;;
		esac
	done
	find drivers sound fs net -type f -name '*.[chS]' |
		awk -v keepf="$1" '
		BEGIN { while ((getline k < keepf) > 0) keep[k] = 1 }
		{
			for (p = $0; p != ""; ) {
				if (p in keep)
					next
				if (!sub(/\/[^\/]*$/, "", p))
					break
			}
			print
		}' | xargs rm -f
}

unpack() {
	[ -f "$src/.done" ] && return 0
	lock 8 src
	[ -f "$src/.done" ] && return 0
	t0=$(date +%s)
	rm -rf "$base"/src-*
	# Unpacked and pruned outside the work tree, then moved in: creating
	# the 90000 files where tools watch the tree is twice as slow.
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ndiv-cross.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	xz -T0 -dc "$tarball" | tar -x -C "$tmp" \
		--exclude="$kv/Documentation/*/*" \
		--exclude="$kv/tools/perf" --exclude="$kv/tools/testing"
	(cd "$tmp/$kv" && list_exports) > "$tmp/exports.tsv"
	cross_sources > "$tmp/keep"
	(cd "$tmp/$kv" && prune "$tmp/keep")
	mv "$tmp" "$src"
	trap - EXIT
	touch "$src/.done"
	echo "  UNPACK  $kv in $(($(date +%s) - t0))s ($(du -sh "$src" | cut -f1))"
}

if [ "$arch" = --src ]; then
	unpack > /dev/null
	echo "$srctree"
	exit 0
fi

command -v "${cross}gcc" > /dev/null ||
	die "no ${cross}gcc: install the cross compiler (tools/build/deps.sh)"

out=$base/$arch
obj=$out/obj-$key
log=$out/build.log

kmake() {
	make -C "$obj" ARCH="$arch" CROSS_COMPILE="$cross" "$@"
}

# The Module.symvers of the host's build of the same kernel source, if
# its headers are installed.
host_symvers() {
	kver=$(cat "$top/build/kver" 2> /dev/null || true)
	for f in ${kver:+"/lib/modules/$kver/build/Module.symvers"} \
		/usr/src/linux-headers-6.12*/Module.symvers; do
		if [ -f "$f" ]; then
			echo "$f"
			return
		fi
	done
	echo /dev/null
}

# The kernel's exports as a Module.symvers for this architecture: those of
# the host's build (the real list, macro-made names included) and the
# EXPORT_SYMBOL*() lines of the generic code and of arch/ARCH.
symvers() {
	awk -F'\t' -v a="arch/$arch" -v host="$1" '
		FILENAME == host {
			if (NF >= 4 && !seen[$2]++)
				printf "0x00000000\t%s\t%s\t%s\t%s\n", \
					$2, $3, $4, $5
			next
		}
		($1 == "-" || $1 == a) && !seen[$3]++ {
			printf "0x00000000\t%s\tvmlinux\t%s\t%s\n", $3, $2, $4
		}' "$1" "$src/exports.tsv"
}

# The CONFIG_ symbol that builds driver $1 (obj-$(CONFIG_SYM) += $1.o).
driver_sym() {
	first=$(sed -n '/^[^#]/{p;q;}' "$top/drivers/$1/sources")
	case "$first" in
	*.c) d=$(dirname "$first") ;;
	*) d=$first ;;
	esac
	sed -n "s/^obj-\$(CONFIG_\([A-Z0-9_]*\))[ \t]*+=[ \t]*$1\.o.*/\1/p" \
		"$srctree/$d/Makefile" | head -n 1
}

prepare() {
	[ -f "$obj/.done" ] && return 0
	lock 9 "$arch"
	[ -f "$obj/.done" ] && return 0
	t0=$(date +%s)
	rm -rf "$out"/obj-*
	mkdir -p "$obj"
	make -s -C "$srctree" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross" \
		"$defconfig" > /dev/null
	syms=
	for drv in $(cross_drivers "$arch"); do
		sym=$(driver_sym "$drv")
		[ -n "$sym" ] || die "$drv: no obj-\$(CONFIG_...) += $drv.o"
		syms="$syms $sym"
	done
	cfg="-e MODULES -d MODVERSIONS -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT"
	cfg="$cfg -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 -e DEBUG_INFO_NONE"
	for sym in $syms; do
		cfg="$cfg --module $sym"
	done
	# shellcheck disable=SC2086 # options and symbols, no spaces
	"$srctree/scripts/config" --file "$obj/.config" $cfg
	kmake -s olddefconfig > /dev/null
	for sym in $syms; do
		grep -qx "CONFIG_$sym=m" "$obj/.config" ||
			die "CONFIG_$sym=m did not survive olddefconfig for $arch"
	done
	kmake -s -j"$jobs" modules_prepare
	touch "$obj/.done"
	echo "  PREPARE $arch in $(($(date +%s) - t0))s"
}

# Copy the core's sources (no objects) to $1.
copy_core() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$top/ndiv" && find . -type f \( -name Kbuild -o -name Makefile \
		-o -name '*.h' -o \( -name '*.c' ! -name '*.mod.c' \) \) |
		while read -r f; do
			mkdir -p "$1/$(dirname "$f")"
			cp "$f" "$1/$f"
		done)
}

# The patched driver $1 in $2, flattened as tools/build/build-driver.sh does.
copy_driver() {
	rm -rf "$2"
	mkdir -p "$2/tree" "$2/mod"
	paths=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/drivers/$1/sources")
	for p in $paths; do
		(cd "$srctree" && cp -r --parents "$p" "$2/tree/")
	done
	for p in "$top"/patches/"$1"/*.patch; do
		[ -f "$p" ] || continue
		patch -s -p1 --fuzz=0 -d "$2/tree" --no-backup-if-mismatch < "$p" ||
			die "$1: $(basename "$p") does not apply"
	done
	for p in $paths; do
		if [ -d "$2/tree/$p" ]; then
			cp -r "$2/tree/$p"/. "$2/mod/"
		else
			cp "$2/tree/$p" "$2/mod/"
		fi
	done
	for f in "$top"/drivers/"$1"/*; do
		case "$(basename "$f")" in
		sources | arch | README*) ;;
		*) cp "$f" "$2/mod/" ;;
		esac
	done
}

# Build the external module in $1, logging; fail on errors and warnings.
build() {
	dir=$1
	shift
	echo "  CROSS   $arch ${dir#"$out"/}" | tee -a "$log"
	if ! kmake -j"$jobs" M="$dir" "$@" modules >> "$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "$arch: ${dir#"$out"/} failed to build (see $log)"
	fi
	if grep -qE 'warning:|WARNING:' "$log"; then
		grep -E 'warning:|WARNING:' "$log" >&2
		die "$arch: warnings (see $log)"
	fi
}

unpack
prepare
symvers "$(host_symvers)" > "$obj/Module.symvers"
[ -z "$only_prepare" ] || exit 0

rm -rf "$out/modules" "$out/drivers"
mkdir -p "$out/modules"
: > "$log"

core=$out/ndiv
copy_core "$core"
build "$core"
find "$core" -name '*.ko' -exec cp {} "$out/modules/" \;

for drv in $(cross_drivers "$arch"); do
	w=$out/drivers/$drv
	copy_driver "$drv" "$w"
	build "$w/mod" NDIV_INC="$top/ndiv/include" \
		KBUILD_EXTRA_SYMBOLS="$core/Module.symvers"
	cp "$w"/mod/*.ko "$out/modules/"
done
echo "  MODULES $(cd "$out/modules" && echo *.ko) in ${out#"$top"/}/modules"
