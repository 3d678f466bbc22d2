#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_man.sh MANPAGE NDIVCTL - the man page built from
# Documentation/ndivctl.rst: groff renders it without a warning, man shows
# its sections, and it names the version the binary prints (VERSION).
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
page=$1
bin=$2
version=$(cat "$top/VERSION")

ktap_plan 3
warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
if [ -f "$page" ] && [ -z "$warn" ]; then
	ktap_ok "ndivctl.8: groff -ww renders it without a warning"
else
	ktap_diag "${warn:-no $page}"
	ktap_not_ok "ndivctl.8: groff -ww renders it without a warning"
fi
text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
missing=
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" \
	"SEE ALSO"; do
	echo "$text" | grep -q "^$s\$" || missing="$missing '$s'"
done
if [ -z "$missing" ] &&
	echo "$text" | grep -q "ndivctl  *- bind ndiv apps"; then
	ktap_ok "ndivctl.8: man shows NAME, SYNOPSIS ... SEE ALSO"
else
	ktap_diag "missing sections:$missing"
	ktap_not_ok "ndivctl.8: man shows NAME, SYNOPSIS ... SEE ALSO"
fi
th=$(grep '^\.TH ' "$page")
if [ "$th" = ".TH \"NDIVCTL\" 8 \"\" \"$version\" \"System Administration\"" ] &&
	"$bin" -V | grep -qF "$version"; then
	ktap_ok "ndivctl.8 and ndivctl -V say version $version"
else
	ktap_diag "$th / $("$bin" -V)"
	ktap_not_ok "ndivctl.8 and ndivctl -V say version $version"
fi
ktap_finish
