/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * proxy: the names and limits that user space (ndivctl, scripts, tests)
 * shares with the proxy module. Configuration lives in configfs under
 * PROXY_CONFIGFS_DIR, counters in sysfs under
 * /sys/kernel/ndiv/proxy/stats/; see Documentation/proxy.rst.
 */
#ifndef _UAPI_LINUX_NDIV_PROXY_H
#define _UAPI_LINUX_NDIV_PROXY_H

/* configfs: <configfs>/ndiv-proxy/ and its backends/<name>/ */
#define PROXY_CONFIGFS_DIR	"ndiv-proxy"
#define PROXY_BACKENDS_DIR	"backends"

/* Attributes of PROXY_CONFIGFS_DIR: read by rx at once */
#define PROXY_ATTR_VIP		"vip"		/* IPv4 address, or "none" */
#define PROXY_ATTR_PORT		"port"		/* the VIP's TCP port */
#define PROXY_ATTR_TIMEOUT	"timeout"	/* idle flow timeout, seconds */
/* ... and at the next bind only: they size the flow table */
#define PROXY_ATTR_MAX_FLOWS	"max_flows"
#define PROXY_ATTR_SPORT_MIN	"sport_min"	/* first local port */

/* Attributes of a backend */
#define PROXY_BE_ATTR_ADDR	"addr"
#define PROXY_BE_ATTR_PORT	"port"

/* Limits */
#define PROXY_MAX_BACKENDS	64
#define PROXY_NAME_MAX		31	/* a backend's name */
/*
 * Flows per bound device: each takes one local port of
 * [sport_min, sport_min + max_flows), reserved from the local stack.
 */
#define PROXY_MAX_FLOWS_MIN	16
#define PROXY_MAX_FLOWS_MAX	16384
#define PROXY_MAX_FLOWS_DEFAULT	1024
#define PROXY_SPORT_MIN_MIN	1024
#define PROXY_SPORT_MIN_DEFAULT	50000
#define PROXY_TIMEOUT_MIN	1
#define PROXY_TIMEOUT_MAX	86400
#define PROXY_TIMEOUT_DEFAULT	60

#endif /* _UAPI_LINUX_NDIV_PROXY_H */
