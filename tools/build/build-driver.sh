#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-driver.sh DRV KVER - build the ndiv version of a driver out of tree.
#
# Copies the driver's sources (drivers/DRV/sources: kernel-tree paths) out
# of the installed linux-source-6.12 tarball, applies patches/DRV/*.patch,
# adds the glue in drivers/DRV/ and builds against the headers of KVER.
# The module keeps its name; the result is copied to build/modules/.
set -eu

drv=$1
kver=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
src=$top/build/src
work=$top/build/drivers/$drv
kdir=/lib/modules/$kver/build

[ -f "$top/drivers/$drv/sources" ] || {
	echo "build-driver: $drv: no drivers/$drv/sources" >&2
	exit 1
}

# Unpack only what the driver needs, once per path.
while read -r path; do
	[ -n "$path" ] || continue
	if [ ! -e "$src/linux-source-6.12/$path" ]; then
		mkdir -p "$src"
		tar -xf "$tarball" -C "$src" "linux-source-6.12/$path"
	fi
done < "$top/drivers/$drv/sources"

rm -rf "$work"
mkdir -p "$work/tree" "$work/mod"
while read -r path; do
	[ -n "$path" ] || continue
	(cd "$src/linux-source-6.12" && cp -r --parents "$path" "$work/tree/")
done < "$top/drivers/$drv/sources"

for p in "$top"/patches/"$drv"/*.patch; do
	[ -f "$p" ] || continue
	patch -s -p1 -d "$work/tree" --no-backup-if-mismatch < "$p"
done

# Flatten into the module directory: the driver, then the ndiv glue.
while read -r path; do
	[ -n "$path" ] || continue
	if [ -d "$work/tree/$path" ]; then
		cp -r "$work/tree/$path"/. "$work/mod/"
	else
		cp "$work/tree/$path" "$work/mod/"
	fi
done < "$top/drivers/$drv/sources"
for f in "$top"/drivers/"$drv"/*; do
	case "$(basename "$f")" in
	sources|README*) ;;
	*) cp "$f" "$work/mod/" ;;
	esac
done

make -s -C "$kdir" M="$work/mod" NDIV_INC="$top/ndiv/include" \
	KBUILD_EXTRA_SYMBOLS="$top/Module.symvers" modules
mkdir -p "$top/build/modules"
cp "$work"/mod/*.ko "$top/build/modules/"
