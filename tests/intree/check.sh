#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the in-tree integration, DKMS and kernel-range checks; KTAP.
#
# Unpacks from /usr/src/linux-source-6.12.tar.xz only what patches/series
# and the drivers touch (cached under build/intree/, keyed by the
# tarball's mtime), applies the series (patch --dry-run, git apply
# --check, patch) to a scratch copy, runs tools/build/intree.sh and checks that
# Kconfig and the Makefiles agree. Then dkms.conf against the modules the
# build produces, and the refusal of kernels other than 6.12.x. No kernel
# is compiled here: that is "make kernel".
#
# Single quotes hold make and sed syntax, and the word lists read below
# are names without spaces:
# shellcheck disable=SC2016,SC2013
set -u
# The make runs below must not inherit "make check"'s flags (-j, -k).
unset MAKEFLAGS MFLAGS MAKELEVEL

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
tarball=${NDIV_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
kv=linux-source-6.12
base=$top/build/intree
series=$top/patches/series

ktap_plan 20

mkdir -p "$base"
scratch=$(mktemp -d "$base/scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' HUP INT TERM

patches() {
	sed -e '/^[ \t]*#/d' -e '/^[ \t]*$/d' "$series"
}

# 1. The series lists every per-driver patch, each once, and nothing else.
msg=
for p in $(patches); do
	[ -f "$top/patches/$p" ] || msg="$msg${msg:+
}series: $p: no such file"
done
for f in "$top"/patches/*/*.patch; do
	r=${f#"$top"/patches/}
	c=$(patches | grep -cxF "$r")
	[ "$c" -eq 1 ] || msg="$msg${msg:+
}$r is listed $c times in patches/series"
done
ktap_result "series lists the patches/<drv>/*.patch" "$msg"

# 2. Unpack the paths the series and the drivers need, once per tarball.
paths() {
	echo net/Kconfig
	echo net/Makefile
	echo fs/configfs/Kconfig
	for p in $(patches); do
		sed -n 's|^+++ b/||p' "$top/patches/$p"
	done
	cat "$top"/drivers/*/sources
}
ancestors() {
	# Makefile and Kconfig of every directory above the given paths
	while read -r p; do
		[ -n "$p" ] || continue
		echo "$p"
		d=$(dirname "$p")
		while [ "$d" != . ]; do
			echo "$d/Makefile"
			echo "$d/Kconfig"
			d=$(dirname "$d")
		done
	done
}
list=$(paths | ancestors | sort -u)
if [ ! -f "$tarball" ]; then
	ktap_not_ok "unpack $kv (cached)"
	ktap_diag "no $tarball: install linux-source-6.12 (tools/build/deps.sh)"
	ktap_skip_rest "in-tree" "no kernel source"
	ktap_finish
	exit 0
fi
key=$(stat -c %Y "$tarball")-$(echo "$list" | cksum | cut -d' ' -f1)
src=$base/src-$key
t0=$(date +%s)
if [ ! -f "$src/.done" ]; then
	rm -rf "$base"/src-*
	mkdir -p "$src"
	# Missing members (a directory without Kconfig) are fine: tar
	# extracts the others and the checks below find what is needed.
	# shellcheck disable=SC2046 # one member per line, no spaces
	tar -xf "$tarball" -C "$src" $(echo "$list" | sed "s|^|$kv/|") \
		2> "$scratch/tar.log" || true
	touch "$src/.done"
	how="unpacked in $(($(date +%s) - t0))s"
else
	how="cached"
fi
msg=
for p in $(paths); do
	[ -e "$src/$kv/$p" ] || msg="$msg${msg:+
}$p is missing from $tarball"
done
ktap_result "unpack $kv ($how)" "$msg"

pristine=$src/$kv
a=$scratch/a
b=$scratch/b
cp -r "$pristine" "$a"
cp -r "$pristine" "$b"

# 3-5. The series applies: patch --dry-run, git apply --check, patch.
msg=
for p in $(patches); do
	out=$(patch -s -f -p1 --dry-run -d "$a" < "$top/patches/$p" 2>&1) ||
		msg="$msg${msg:+
}$p: $out"
done
ktap_result "series applies with patch -p1 --dry-run" "$msg"

msg=
if command -v git > /dev/null; then
	for p in $(patches); do
		# not inside ndiv's own git tree
		out=$(cd "$a" && GIT_CEILING_DIRECTORIES=$scratch \
			git apply --check -p1 "$top/patches/$p" 2>&1) ||
			msg="$msg${msg:+
}$p: $out"
	done
	ktap_result "series applies with git apply --check" "$msg"
else
	ktap_skip "series applies with git apply --check" "no git"
fi

msg=
for p in $(patches); do
	out=$(patch -s -f -p1 --no-backup-if-mismatch -d "$a" \
		< "$top/patches/$p" 2>&1) || msg="$msg${msg:+
}$p: $out"
done
ktap_result "series applies with patch -p1" "$msg"

# 6. tools/build/intree.sh on a pristine tree and on the patched one (it skips
# applied patches): same result; 7. a second run changes nothing.
msg=
out=$("$top/tools/build/intree.sh" "$b" 2>&1) || msg="pristine: $out"
out=$("$top/tools/build/intree.sh" "$a" 2>&1) || msg="$msg${msg:+
}patched: $out"
[ -n "$msg" ] || msg=$(diff -r "$a" "$b" 2>&1 | head -n 20)
ktap_result "tools/build/intree.sh on a pristine and on a patched tree" "$msg"

cp -r "$b" "$scratch/c"
msg=$("$top/tools/build/intree.sh" "$b" 2>&1) &&
	msg=$(diff -r "$scratch/c" "$b" 2>&1 | head -n 20)
ktap_result "tools/build/intree.sh is idempotent" "$msg"
kt=$b
nd=$kt/net/ndiv

# 8. net/Kconfig sources net/ndiv/Kconfig inside "if NET"; net/Makefile
# descends into ndiv/ for CONFIG_NDIV.
msg=
awk '/^if NET$/ { in_net = 1 } /^endif.*# if NET$/ { in_net = 0 }
	$0 == "source \"net/ndiv/Kconfig\"" && in_net { f++ }
	END { exit f == 1 ? 0 : 1 }' "$kt/net/Kconfig" ||
	msg="net/Kconfig: no single 'source \"net/ndiv/Kconfig\"' within if NET"
c=$(grep -c '^obj-$(CONFIG_NDIV)[[:space:]]*+=[[:space:]]*ndiv/$' \
	"$kt/net/Makefile")
[ "$c" -eq 1 ] || msg="$msg${msg:+
}net/Makefile: 'obj-\$(CONFIG_NDIV) += ndiv/' appears $c times"
ktap_result "net/Kconfig and net/Makefile hook net/ndiv" "$msg"

# The objects of a kbuild Makefile: the words after obj-... and *-y.
objects() {
	sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}' "$1" |
		sed -n 's/^[A-Za-z0-9_$()-]*-[ym$][A-Z_()]*[[:space:]]*[:+]*=//p' |
		tr -s ' \t' '\n' | grep '\.o$'
}

# 9. Every .c under net/ndiv is an object of net/ndiv/Makefile, and
# 10. every object there (but the composite modules) has its .c.
msg=
objs=$(objects "$nd/Makefile")
for c in $(cd "$nd" && find . -name '*.c' | sed 's|^\./||'); do
	echo "$objs" | grep -qxF "${c%.c}.o" ||
		msg="$msg${msg:+
}net/ndiv/$c is not built by net/ndiv/Makefile"
done
ktap_result "every .c under net/ndiv has an object in net/ndiv/Makefile" "$msg"

msg=
mods=$(sed -n 's/^obj-$(CONFIG_[A-Z0-9_]*)[[:space:]]*+=[[:space:]]*//p' \
	"$nd/Makefile" | tr -s ' \t' '\n' | grep '\.o$')
for o in $objs; do
	echo "$mods" | grep -qxF "$o" && continue
	[ -f "$nd/${o%.o}.c" ] || msg="$msg${msg:+
}net/ndiv/Makefile: $o has no source"
done
for m in $mods; do
	grep -q "^${m%.o}-y[[:space:]]*[:+]*=" "$nd/Makefile" ||
		[ -f "$nd/${m%.o}.c" ] || msg="$msg${msg:+
}net/ndiv/Makefile: module $m has neither objects nor source"
done
ktap_result "every object in net/ndiv/Makefile has a source" "$msg"

# The hooked drivers, as tools/build/intree.sh sees them: "drv dir SYM", dir the
# directory of the first path of drivers/<drv>/sources, SYM from its
# "obj-$(CONFIG_SYM) += drv.o".
hooked=$(for sf in "$top"/drivers/*/sources; do
	drv=$(basename "$(dirname "$sf")")
	first=$(sed -n '/./{p;q;}' "$sf")
	case "$first" in *.c) d=$(dirname "$first") ;; *) d=$first ;; esac
	sym=$(sed -n "s/^obj-\$(CONFIG_\([A-Z0-9_]*\))[[:space:]]*+=[[:space:]]*$drv\.o.*/\1/p" \
		"$kt/$d/Makefile" 2> /dev/null | head -n 1)
	echo "$drv $d ${sym:-?}"
done)

# 11. The glue is next to each driver, its objects in the driver's Makefile.
msg=
while read -r drv d sym; do
	[ "$sym" != "?" ] || msg="$msg${msg:+
}$drv: no obj-\$(CONFIG_...) += $drv.o in $d/Makefile"
	for g in "$top"/drivers/"$drv"/*.c "$top"/drivers/"$drv"/*.h; do
		case "$g" in *.mod.c) continue ;; esac
		[ -f "$g" ] || continue
		f=$d/$(basename "$g")
		cmp -s "$g" "$kt/$f" || {
			msg="$msg${msg:+
}${g#"$top"/}: not placed as $f"
			continue
		}
		case "$f" in
		*.c)
			o=$(basename "${f%.c}.o")
			objects "$kt/$d/Makefile" | grep -qxF "$o" ||
				msg="$msg${msg:+
}$d/Makefile does not build $o"
			;;
		esac
	done
done <<HOOKED
$hooked
HOOKED
ktap_result "driver glue placed next to the drivers and built" "$msg"

# 12. Every CONFIG_ symbol of the Makefiles (net/ndiv/Makefile, the hook in
# net/Makefile, the drivers' lines) is defined in a Kconfig.
kconfigs=$(find "$kt" -name 'Kconfig*' -type f)
defined() {
	# shellcheck disable=SC2086 # file names without spaces
	grep -qE "^[[:space:]]*(menu)?config $1\$" $kconfigs
}
msg=
syms=$({ grep -ho 'CONFIG_[A-Z0-9_]*' "$nd/Makefile"
	grep 'ndiv' "$kt/net/Makefile" | grep -o 'CONFIG_[A-Z0-9_]*'
	echo "$hooked" | while read -r _ _ sym; do echo "CONFIG_$sym"; done
	} | sort -u)
for s in $syms; do
	defined "${s#CONFIG_}" || msg="$msg${msg:+
}$s is used in a Makefile but defined in no Kconfig"
done
ktap_result "every CONFIG_ symbol of the Makefiles is defined in Kconfig" "$msg"

# 13. net/ndiv/Kconfig: NDIV tristate; BENCH, SLHTTPD depend on NDIV,
# SLHTTPD on CONFIGFS_FS; every symbol it refers to exists.
msg=$(awk '
	/^config / { sym = $2; next }
	sym && /^\ttristate/ { tri[sym] = 1 }
	sym && /^\tdepends on/ { dep[sym] = dep[sym] " " $0 }
	END {
		if (!tri["NDIV"]) print "NDIV is not a tristate"
		if (dep["NDIV_BENCH"] !~ /NDIV/) print "NDIV_BENCH: no depends on NDIV"
		if (dep["NDIV_SLHTTPD"] !~ /NDIV/ || dep["NDIV_SLHTTPD"] !~ /CONFIGFS_FS/)
			print "NDIV_SLHTTPD: no depends on NDIV && CONFIGFS_FS"
	}' "$nd/Kconfig")
for s in $(sed -n 's/^[[:space:]]*\(depends on\|select\)[[:space:]]//p' \
	"$nd/Kconfig" | grep -o '[A-Z][A-Z0-9_]*' | sort -u); do
	defined "$s" || msg="$msg${msg:+
}net/ndiv/Kconfig refers to $s, defined nowhere"
done
ktap_result "net/ndiv/Kconfig defines NDIV, NDIV_BENCH, NDIV_SLHTTPD" "$msg"

# 14. Each hooked driver's Kconfig entry selects NDIV (the hook calls into
# ndiv unconditionally; see Documentation/kernel-builders.rst).
msg=
while read -r drv d sym; do
	# shellcheck disable=SC2086
	awk -v sym="$sym" '
		$0 == "config " sym { inblk = 1; next }
		inblk && /^[a-z]/ { inblk = 0 }
		inblk && /^\tselect NDIV$/ { f = 1 }
		END { exit f ? 0 : 1 }' $kconfigs ||
		msg="$msg${msg:+
}$drv: config $sym ($d) does not select NDIV"
done <<HOOKED
$hooked
HOOKED
ktap_result "hooked drivers select NDIV in Kconfig" "$msg"

# 15. The includes of net/ndiv, the glue and the public headers resolve:
# "x.h" next to the file, <linux/ndiv.h> and <ndiv/...> under include/.
msg=
files=$(find "$nd" "$kt/include/ndiv" "$kt/include/linux/ndiv.h" \
	-name '*.[ch]')
for d in $(echo "$hooked" | cut -d' ' -f2 | sort -u); do
	files="$files $(find "$kt/$d" -maxdepth 1 -name '*.[ch]')"
done
for f in $files; do
	for i in $(sed -n 's/^#include "\(.*\)".*/\1/p' "$f"); do
		[ -f "$(dirname "$f")/$i" ] || msg="$msg${msg:+
}${f#"$kt"/}: \"$i\" not found"
	done
	for i in $(sed -n 's/^#include <\(linux\/ndiv\.h\|ndiv\/.*\)>.*/\1/p' "$f"); do
		[ -f "$kt/include/$i" ] || msg="$msg${msg:+
}${f#"$kt"/}: <$i> not found under include/"
	done
done
ktap_result "includes of net/ndiv, the glue and the headers resolve" "$msg"

# 16. dkms.conf: sourced as DKMS does (bash, kernelver set, from
# elsewhere), consistent arrays naming exactly the modules make builds:
# drivers with an "arch" file (mvneta) are cross-built only, not for the
# host, and must not be there.
host_kbuilds=$(for k in "$top"/drivers/*/Kbuild; do
	[ -f "$(dirname "$k")/arch" ] || echo "$k"
done)
expected=$(for k in "$top/ndiv/Kbuild" "$top/ndiv/bench/Kbuild" \
	"$top/slhttpd/Kbuild" "$top/proxy/Kbuild" $host_kbuilds; do
	sed -n 's/^obj-[m$][(A-Z0-9_)]*[[:space:]]*[:+]*=[[:space:]]*//p' "$k" |
		tr -s ' \t' '\n' | sed -n 's/\.o$//p'
done | sort -u | tr '\n' ' ')
kvok=6.12.117+deb12-amd64
if command -v bash > /dev/null; then
	if ! out=$(cd / && kernelver=$kvok bash -c '
		set -u
		. "$1" || exit 1
		echo "name=$PACKAGE_NAME"
		echo "version=$PACKAGE_VERSION"
		echo "auto=$AUTOINSTALL"
		echo "make=${MAKE[0]}"
		echo "n=${#BUILT_MODULE_NAME[@]} ${#BUILT_MODULE_LOCATION[@]} ${#DEST_MODULE_LOCATION[@]}"
		for i in "${!BUILT_MODULE_NAME[@]}"; do
			echo "mod=${BUILT_MODULE_NAME[$i]} ${BUILT_MODULE_LOCATION[$i]:-?} ${DEST_MODULE_LOCATION[$i]:-?}"
		done' sh "$top/dkms.conf" 2>&1); then
		msg="sourcing dkms.conf failed: $out"
	else
		msg=
		v=$(cat "$top/VERSION")
		echo "$v" | grep -qxE '[0-9]+\.[0-9]+\.[0-9]+' ||
			msg="VERSION: '$v' is not X.Y.Z"
		chk() {
			echo "$out" | grep -qxF "$1" || msg="$msg${msg:+
}dkms.conf: expected $1"
		}
		chk "name=ndiv"
		chk "version=$v"
		chk "auto=yes"
		echo "$out" | grep -q "^make=.*KVER=$kvok" || msg="$msg${msg:+
}dkms.conf: MAKE[0] does not pass KVER=\${kernelver}"
		nn=$(echo "$out" | sed -n 's/^n=//p')
		# shellcheck disable=SC2086 # three numbers
		set -- $nn
		[ "$1" = "$2" ] && [ "$2" = "$3" ] || msg="$msg${msg:+
}dkms.conf: BUILT_MODULE_NAME/LOCATION/DEST_MODULE_LOCATION: $nn entries"
		bad=$(echo "$out" | grep '^mod=' |
			grep -v '^mod=[a-z0-9_]* build/modules/ /updates/')
		[ -z "$bad" ] || msg="$msg${msg:+
}dkms.conf: bad entries: $bad"
		got=$(echo "$out" | sed -n 's/^mod=\([^ ]*\).*/\1/p' | sort -u |
			tr '\n' ' ')
		[ "$got" = "$expected" ] || msg="$msg${msg:+
}dkms.conf modules: $got; make builds: $expected"
		if ls "$top"/build/modules/*.ko > /dev/null 2>&1; then
			for m in $got; do
				[ -f "$top/build/modules/$m.ko" ] || msg="$msg${msg:+
}build/modules/$m.ko: not produced by make"
			done
		fi
	fi
	ktap_result "dkms.conf is consistent with the modules make builds" "$msg"
else
	ktap_skip "dkms.conf is consistent" "no bash"
fi

# 17-18. Kernels other than 6.12.x are refused before anything is built,
# with one clear line, exit status 2; 19. 6.12.x kernels are accepted.
refused() {
	out=$(cd "$top" && make --no-print-directory KVER="$1" "$2" 2>&1)
	rc=$?
	want="ndiv: kernel $1 is not supported: ndiv supports Linux 6.12.x (linux-source-6.12);"
	first=$(echo "$out" | head -n 1)
	case "$first" in
	"$want"*) ;;
	*) echo "make KVER=$1 $2: first line: $first" ;;
	esac
	[ "$rc" -eq 2 ] || echo "make KVER=$1 $2: exit status $rc, not 2"
	[ "$(echo "$out" | wc -l)" -le 2 ] ||
		echo "make KVER=$1 $2: did more than refuse: $out"
}
ktap_result "make KVER=6.1.0-20-amd64 is refused" \
	"$(refused 6.1.0-20-amd64 all)"
ktap_result "make modules/kernel refuse 6.13 and 6.120 kernels" \
	"$(refused 6.13.0-1-amd64 modules; refused 6.120.1 kernel)"
msg=
for v in "$kvok" 6.12.0-1-amd64 6.12.9; do
	out=$(cd "$top" && make -s --no-print-directory KVER="$v" kver-check 2>&1) ||
		msg="$msg${msg:+
}make KVER=$v kver-check: $out"
done
ktap_result "6.12.x kernels are accepted" "$msg"

# 20. The new scripts are shellcheck-clean.
if command -v shellcheck > /dev/null; then
	msg=$(cd "$top" && shellcheck -x tools/build/intree.sh \
		tests/intree/check.sh tests/lib/ktap.sh dkms.conf 2>&1)
	ktap_result "shellcheck tools/build/intree.sh tests/intree/check.sh tests/lib/ktap.sh dkms.conf" \
		"$msg"
else
	ktap_skip "shellcheck" "no shellcheck"
fi
ktap_finish
