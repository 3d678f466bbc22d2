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
#define PROXY_ATTR_BALANCE	"balance"	/* one of PROXY_BALANCE_* */
/* ... and at the next bind only: they size the flow table */
#define PROXY_ATTR_MAX_FLOWS	"max_flows"
#define PROXY_ATTR_SPORT_MIN	"sport_min"	/* first local port */

/* Attributes of a backend */
#define PROXY_BE_ATTR_ADDR	"addr"
#define PROXY_BE_ATTR_PORT	"port"
#define PROXY_BE_ATTR_WEIGHT	"weight"	/* PROXY_WEIGHT_MIN..MAX */
#define PROXY_BE_ATTR_BACKUP	"backup"	/* 0 or 1 */
#define PROXY_BE_ATTR_MAX_CONN	"max_conn"	/* 0: no limit */

/* Values of PROXY_ATTR_BALANCE, in the order of enum prx_balance */
#define PROXY_BALANCE_RR	"roundrobin"	/* smooth weighted */
#define PROXY_BALANCE_LEASTCONN	"leastconn"	/* weighted */
#define PROXY_BALANCE_HASH_SRC	"hash-source"	/* Maglev, client address */
#define PROXY_BALANCE_HASH_URI	"hash-uri"	/* Maglev, request path */

/* Limits */
#define PROXY_MAX_BACKENDS	64
#define PROXY_NAME_MAX		31	/* a backend's name */
#define PROXY_WEIGHT_MIN	1
#define PROXY_WEIGHT_MAX	256
#define PROXY_WEIGHT_DEFAULT	1
#define PROXY_MAX_CONN_MAX	1000000	/* max_conn; 0 is no limit */
/* Entries of the consistent-hash (Maglev) table: a prime, see proxy.rst */
#define PROXY_MAGLEV_SIZE	4093
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
