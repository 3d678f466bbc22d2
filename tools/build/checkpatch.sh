#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh - run the kernel's checkpatch.pl (from the installed
# linux-source-6.12) on ndiv's C sources and driver patches; KTAP output.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
src=$top/build/src
cp=$src/linux-source-6.12/scripts/checkpatch.pl
if [ ! -f "$cp" ]; then
	mkdir -p "$src"
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi

cd "$top" || exit 1
# Absolute paths, run from / : checkpatch misreads patches when the
# current directory is a git tree that is not the kernel's.
files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -v -E '(^|/)tests/' |
	sed "s|^|$top/|")
patches=$(git ls-files 'patches/*.patch' 2>/dev/null | sed "s|^|$top/|")
ktap_plan 2
run() {
	desc=$1
	shift
	if [ -z "$*" ]; then
		ktap_skip "$desc" "nothing to check"
		return
	fi
	res=$(cd / && perl "$cp" --no-tree --quiet --show-types "$@" 2>&1)
	if echo "$res" | grep -qE '^(ERROR|WARNING)'; then
		ktap_diag "$res"
		ktap_not_ok "$desc"
	else
		ktap_ok "$desc"
	fi
}
# shellcheck disable=SC2086
run "checkpatch C sources" -f $files
# shellcheck disable=SC2086
run "checkpatch driver patches" $patches
ktap_finish
