#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh KERNEL_TREE - put ndiv into an unpacked Linux 6.12 tree.
#
# Applies patches/series (patch -p1; a patch already applied is skipped),
# copies the driver glue next to the patched drivers and makes each hooked
# driver "select NDIV" in its Kconfig entry, installs the public headers
# (include/linux/ndiv.h, include/ndiv/, include/uapi/linux/ndiv_*.h),
# and places the core, ndiv_bench and slhttpd under net/ndiv/ with their
# Kconfig and Makefile, hooked into net/Kconfig and net/Makefile.
# Idempotent: running it twice changes nothing. See
# Documentation/kernel-builders.rst.
set -eu

usage() {
	echo "usage: $0 KERNEL_TREE" >&2
	exit 2
}
[ $# -eq 1 ] || usage
top=$(cd "$(dirname "$0")/../.." && pwd)
kt=$(cd "$1" && pwd)
for f in net/Kconfig net/Makefile; do
	[ -f "$kt/$f" ] || {
		echo "intree: $kt: no $f: not a kernel tree" >&2
		exit 1
	}
done

# 1. The series, in order.
while read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	pf=$top/patches/$p
	[ -f "$pf" ] || {
		echo "intree: series: $p: no such patch" >&2
		exit 1
	}
	if patch -s -f -p1 -R --dry-run -d "$kt" < "$pf" > /dev/null 2>&1; then
		echo "  SKIP    $p (already applied)"
		continue
	fi
	echo "  PATCH   $p"
	patch -s -f -p1 -d "$kt" --no-backup-if-mismatch < "$pf"
done < "$top/patches/series"

# Copy $1 into directory $2 unless the same file is there: an unchanged
# file keeps its mtime, so rebuilding a tree recompiles only what changed.
put() {
	cmp -s "$1" "$2/$(basename "$1")" || cp "$1" "$2/"
}

# Add "select NDIV" to the Kconfig entry of symbol $1 in file $2.
kconfig_select() {
	awk -v sym="$1" '
	$0 == "config " sym { inblk = 1; print; next }
	inblk && /^(config|menuconfig|menu|endmenu|if|endif|source|choice|comment)[ \t]/ {
		inblk = 0
	}
	inblk && /^\tselect NDIV$/ { done = 1 }
	{ print }
	END { exit done ? 3 : 0 }' "$2" > /dev/null && rc=0 || rc=$?
	[ "$rc" -eq 3 ] && return 0
	[ "$rc" -eq 0 ] || return 1
	awk -v sym="$1" '
	$0 == "config " sym { inblk = 1; print; next }
	inblk && /^\t(tristate|bool)[ \t]/ {
		print
		print "\tselect NDIV"
		inblk = 0
		next
	}
	{ print }' "$2" > "$2.ndiv.tmp" && mv "$2.ndiv.tmp" "$2"
}

# 2. Driver glue: drivers/DRV/*.c *.h go next to the driver (the directory
# of the first path in drivers/DRV/sources), as build-driver.sh does; the
# out-of-tree Kbuild stays behind.
for sf in "$top"/drivers/*/sources; do
	drv=$(basename "$(dirname "$sf")")
	first=$(sed -n '/./{p;q;}' "$sf")
	case "$first" in
	*.c) dest=$(dirname "$first") ;;
	*) dest=$first ;;
	esac
	[ -d "$kt/$dest" ] || {
		echo "intree: $drv: $dest is not in the tree" >&2
		exit 1
	}
	for g in "$top"/drivers/"$drv"/*.c "$top"/drivers/"$drv"/*.h; do
		case "$g" in *.mod.c) continue ;; esac
		[ -f "$g" ] || continue
		put "$g" "$kt/$dest"
		echo "  GLUE    $dest/$(basename "$g")"
	done
	# The module keeps its name: obj-$(CONFIG_SYM) += DRV.o
	sym=$(sed -n "s/^obj-\$(CONFIG_\([A-Z0-9_]*\))[ \t]*+=[ \t]*$drv\.o.*/\1/p" \
		"$kt/$dest/Makefile" | head -n 1)
	[ -n "$sym" ] || {
		echo "intree: $drv: no obj-\$(CONFIG_...) += $drv.o in $dest/Makefile" >&2
		exit 1
	}
	d=$dest
	kc=
	while [ "$d" != . ] && [ "$d" != / ]; do
		if [ -f "$kt/$d/Kconfig" ] && grep -qx "config $sym" "$kt/$d/Kconfig"; then
			kc=$kt/$d/Kconfig
			break
		fi
		d=$(dirname "$d")
	done
	[ -n "$kc" ] || {
		echo "intree: $drv: config $sym not found above $dest" >&2
		exit 1
	}
	kconfig_select "$sym" "$kc"
	echo "  KCONFIG $sym selects NDIV"
done

# 3. Public headers, where <linux/ndiv.h>, <ndiv/...> and the user-space
#    ABI (<uapi/linux/ndiv_*.h>) find them.
mkdir -p "$kt/include/linux" "$kt/include/ndiv" "$kt/include/uapi/linux"
put "$top/ndiv/include/linux/ndiv.h" "$kt/include/linux"
for h in "$top"/ndiv/include/uapi/linux/*.h; do
	put "$h" "$kt/include/uapi/linux"
done
for h in "$top"/ndiv/include/ndiv/*.h; do
	put "$h" "$kt/include/ndiv"
done

# 4. net/ndiv: the core, ndiv_bench and slhttpd.
nd=$kt/net/ndiv
mkdir -p "$nd/lib" "$nd/bench" "$nd/slhttpd"
# The sources only: not the *.mod.c an out-of-tree build leaves behind.
srcs() {
	for f in "$1"/*.c "$1"/*.h; do
		case "$f" in *.mod.c) ;; *) [ -f "$f" ] && put "$f" "$2" ;; esac
	done
	return 0
}
srcs "$top/ndiv" "$nd"
srcs "$top/ndiv/lib" "$nd/lib"
srcs "$top/ndiv/bench" "$nd/bench"
srcs "$top/slhttpd" "$nd/slhttpd"

# The objects of module $2 in the out-of-tree Kbuild $1, prefixed with $3.
objs() {
	sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}' "$1" |
		sed -n "s/^$2-y[ \t]*[:+]*=[ \t]*//p" | tr -s ' \t' '\n' |
		sed -n "/./s|^|$3|p" | tr '\n' ' ' | sed 's/ $//'
}
ndiv_objs=$(objs "$top/ndiv/Kbuild" ndiv "")
bench_objs=$(objs "$top/ndiv/bench/Kbuild" ndiv_bench bench/)
slhttpd_objs=$(objs "$top/slhttpd/Kbuild" slhttpd slhttpd/)
for v in "$ndiv_objs" "$bench_objs" "$slhttpd_objs"; do
	[ -n "$v" ] || {
		echo "intree: cannot read the object lists from the Kbuild files" >&2
		exit 1
	}
done

gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
trap 'exit 1' HUP INT TERM
cat > "$gen/Kconfig" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
#
# ndiv: in-driver packet processing apps. The hooked drivers (e1000e,
# virtio_net) select NDIV: their hook calls into ndiv unconditionally.
#
config NDIV
	tristate "ndiv: in-driver packet processing apps"
	help
	  ndiv runs small C programs ("apps") inside NIC drivers, on every
	  received frame, before the network stack: an app passes, drops
	  or transmits a rewritten reply out of the same NIC. Drivers with
	  an ndiv hook (e1000e, virtio_net) select this option; other NICs
	  run apps in generic mode.

	  To compile it as a module, choose M here: the module is ndiv.

config NDIV_BENCH
	tristate "ndiv benchmark apps (bench-drop, bench-pass, bench-reflect)"
	depends on NDIV
	help
	  The apps bench-drop, bench-pass and bench-reflect, counterparts
	  of xdp-bench's drop, pass and tx. The module is ndiv_bench.

config NDIV_SLHTTPD
	tristate "slhttpd: stateless in-driver HTTP responder"
	depends on NDIV && CONFIGFS_FS
	help
	  The ndiv app slhttpd answers TCP handshakes and HTTP/1.x GET and
	  HEAD requests in the driver with no per-connection memory. It is
	  configured through configfs. The module is slhttpd.
EOF

{
	echo "# SPDX-License-Identifier: GPL-2.0"
	echo "# ndiv; generated by ndiv's tools/build/intree.sh from its Kbuild files."
	echo "obj-\$(CONFIG_NDIV) += ndiv.o"
	echo "ndiv-y := $ndiv_objs"
	echo
	echo "obj-\$(CONFIG_NDIV_BENCH) += ndiv_bench.o"
	echo "ndiv_bench-y := $bench_objs"
	echo
	echo "obj-\$(CONFIG_NDIV_SLHTTPD) += slhttpd.o"
	echo "slhttpd-y := $slhttpd_objs"
} > "$gen/Makefile"
put "$gen/Kconfig" "$nd"
put "$gen/Makefile" "$nd"
echo "  NET     net/ndiv"

# 5. Hook net/ndiv into net/Kconfig (inside "if NET") and net/Makefile.
if ! grep -q '^source "net/ndiv/Kconfig"$' "$kt/net/Kconfig"; then
	awk '{ print }
	$0 == "source \"net/packet/Kconfig\"" {
		print "source \"net/ndiv/Kconfig\""; n = 1
	}
	END { exit n ? 0 : 1 }' "$kt/net/Kconfig" > "$kt/net/Kconfig.ndiv.tmp" || {
		rm -f "$kt/net/Kconfig.ndiv.tmp"
		echo "intree: net/Kconfig: no source \"net/packet/Kconfig\" line" >&2
		exit 1
	}
	mv "$kt/net/Kconfig.ndiv.tmp" "$kt/net/Kconfig"
fi
# shellcheck disable=SC2016 # make syntax, not shell
grep -q '^obj-$(CONFIG_NDIV)[[:space:]]*+= ndiv/$' "$kt/net/Makefile" ||
	printf 'obj-$(CONFIG_NDIV)\t\t+= ndiv/\n' >> "$kt/net/Makefile"
echo "  HOOK    net/Kconfig net/Makefile"
