/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ndiv: what user space shares with the core. Tools include this header
 * as <linux/ndiv.h> (built with -I ndiv/include/uapi), the kernel as
 * <uapi/linux/ndiv.h>; no tool includes kernel sources.
 *
 * sysfs: /sys/class/net/<dev>/ndiv/ (app, mode, caps, stats/,
 * queues/rx-<n>/stats/) and /sys/kernel/ndiv/; see
 * Documentation/ABI/testing/sysfs-class-net-ndiv.
 */
#ifndef _UAPI_LINUX_NDIV_H
#define _UAPI_LINUX_NDIV_H

/*
 * The per-device, per-RX-queue counters, in the order sysfs lists them
 * (stats/<name>), ethtool -S shows them (rx_queue_<n>_ndiv_<name>) and
 * ndivctl prints them. PASS, DROP and TX follow the verdicts' order.
 */
enum ndiv_qstat {
	NDIV_QSTAT_RX_PACKETS,
	NDIV_QSTAT_RX_BYTES,
	NDIV_QSTAT_PASS,
	NDIV_QSTAT_DROP,
	NDIV_QSTAT_TX,
	NDIV_QSTAT_TX_ERR,
	NDIV_QSTAT_ABORTED,
	NDIV_QSTAT_NR
};

/* The name of counter i, or 0 past the last: the one table of names. */
static inline const char *ndiv_qstat_name(unsigned int i)
{
	static const char *const names[NDIV_QSTAT_NR] = {
		[NDIV_QSTAT_RX_PACKETS] = "rx_packets",
		[NDIV_QSTAT_RX_BYTES] = "rx_bytes",
		[NDIV_QSTAT_PASS] = "pass",
		[NDIV_QSTAT_DROP] = "drop",
		[NDIV_QSTAT_TX] = "tx",
		[NDIV_QSTAT_TX_ERR] = "tx_err",
		[NDIV_QSTAT_ABORTED] = "aborted",
	};

	return i < NDIV_QSTAT_NR ? names[i] : 0;
}

#endif /* _UAPI_LINUX_NDIV_H */
