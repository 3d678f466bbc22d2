/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * slhttpd: the names and limits that user space (ndivctl, scripts)
 * shares with the slhttpd module. Configuration lives in configfs under
 * SLHTTPD_CONFIGFS_DIR, counters in sysfs under
 * /sys/kernel/ndiv/slhttpd/stats/; see
 * Documentation/ABI/testing/configfs-slhttpd and
 * Documentation/ABI/testing/sysfs-kernel-ndiv-slhttpd.
 */
#ifndef _UAPI_LINUX_NDIV_SLHTTPD_H
#define _UAPI_LINUX_NDIV_SLHTTPD_H

/* configfs: <configfs>/slhttpd/ and its objects/<name>/ */
#define SLHTTPD_CONFIGFS_DIR	"slhttpd"
#define SLHTTPD_OBJECTS_DIR	"objects"

/* Attributes of SLHTTPD_CONFIGFS_DIR */
#define SLHTTPD_ATTR_PORTS	"ports"
#define SLHTTPD_ATTR_INVALID	"invalid"
#define SLHTTPD_ATTR_ROTATE	"rotate"
#define SLHTTPD_ATTR_ADDRESSES	"addresses"
#define SLHTTPD_ATTR_DATE	"date"
/*
 * Offload rules: reading gives "PREFIX RING" lines; writing "add PREFIX
 * RING" or "del PREFIX" changes one (Documentation/ring.rst).
 */
#define SLHTTPD_ATTR_OFFLOAD	"offload"
#define SLHTTPD_OFFLOAD_MAX	32	/* rules at most */

/* Attributes of an object */
#define SLHTTPD_OBJ_ATTR_PATH		"path"
#define SLHTTPD_OBJ_ATTR_TYPE		"type"
#define SLHTTPD_OBJ_ATTR_STATUS		"status"
#define SLHTTPD_OBJ_ATTR_LOCATION	"location"
#define SLHTTPD_OBJ_ATTR_BODY		"body"
#define SLHTTPD_OBJ_ATTR_SIZE		"size"		/* read-only */
#define SLHTTPD_OBJ_ATTR_ENABLE		"enable"

/* Limits */
#define SLHTTPD_MAX_PORTS	8	/* ports served at once */
#define SLHTTPD_MAX_ADDRS	8	/* addresses of each family */
#define SLHTTPD_MAX_BODY	(512u * 1024)	/* synthetic or static */
/*
 * Longest path of a static object, content type and Location. The last
 * two are small enough that every header fits in a 536-byte segment.
 */
#define SLHTTPD_OBJ_PATH_MAX	255
#define SLHTTPD_OBJ_TYPE_MAX	63
#define SLHTTPD_OBJ_LOCATION_MAX	200
#define SLHTTPD_ROTATE_MIN	10	/* key rotation, seconds */
#define SLHTTPD_ROTATE_MAX	86400

#endif /* _UAPI_LINUX_NDIV_SLHTTPD_H */
