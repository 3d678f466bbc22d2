#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ixgbe.sh - compile test of the ndiv ixgbe (no QEMU model); KTAP. The
# checks are igb.sh's, run for ixgbe; KVER as there.
exec "$(dirname "$0")/igb.sh" ixgbe
