/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ndiv ring: the memory shared between the kernel and a user-space daemon
 * that answers requests an ndiv app hands over (Documentation/ring.rst).
 *
 * One mapping holds a header page and, per CPU, a request ring (kernel to
 * user space) and a response ring (user space to kernel). Every field has
 * a fixed width and a fixed offset, asserted below, so a 32-bit daemon and
 * a 64-bit kernel agree on the layout; all values are in the CPU's byte
 * order unless a comment says otherwise.
 */
#ifndef _UAPI_LINUX_NDIV_RING_H
#define _UAPI_LINUX_NDIV_RING_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define NDIV_RING_MAGIC		0x4e445247	/* "NDRG" */
#define NDIV_RING_ABI_VERSION	1

/*
 * Shared indices are 128 bytes apart: one cache line on every CPU ndiv
 * runs on (128-byte lines on some arm64 and POWER parts), and on x86 the
 * pair of lines the adjacent-line prefetcher fetches together.
 */
#define NDIV_RING_LINE		128

/* Limits of a ring's geometry; slots and slot_size are powers of two. */
#define NDIV_RING_SLOTS_MIN	8
#define NDIV_RING_SLOTS_MAX	65536
#define NDIV_RING_SLOT_SIZE_MIN	1024
#define NDIV_RING_SLOT_SIZE_MAX	(1U << 20)
#define NDIV_RING_MAX_HEADERS	64

/* Ring flags word: the consumer sleeps and must be woken. */
#define NDIV_RING_F_NEED_WAKEUP	0x1

/*
 * The header page, at offset 0 of the mapping, read-only to user space.
 * Offsets are from the start of the mapping, multiples of page_size.
 * [0, rw_off) is mapped read-only (this page, the kernel's indices, the
 * request slots); [rw_off, map_size) read-write (the daemon's indices,
 * the response slots). A newer kernel may fill a longer info_size; fields
 * a daemon does not know it ignores.
 */
struct ndiv_ring_info {
	__u32 magic;		/* NDIV_RING_MAGIC */
	__u32 abi_version;	/* NDIV_RING_ABI_VERSION */
	__u32 info_size;	/* sizeof(struct ndiv_ring_info) */
	__u32 page_size;
	__u32 nr_rings;		/* ring pairs, one per possible CPU */
	__u32 slots;		/* per ring, a power of two */
	__u32 slot_size;	/* bytes per slot, a power of two */
	__u32 max_body;		/* bytes, the sum of one response's bodies */
	__u64 map_size;		/* bytes of the whole mapping */
	__u64 rw_off;		/* start of the read-write part */
	__u64 kidx_off;		/* nr_rings struct ndiv_ring_kidx (read-only) */
	__u64 uidx_off;		/* nr_rings struct ndiv_ring_uidx (read-write) */
	__u64 req_off;		/* request slots of ring i at req_off + i * */
	__u64 resp_off;		/* ring_bytes; response slots likewise */
	__u64 ring_bytes;	/* slots * slot_size */
	__u32 generation;	/* high half of every request id of this attach */
	__u32 reserved0;
	char name[32];		/* the ring's name, NUL-terminated */
};

/* Indices the kernel writes, per ring pair; read-only to user space. */
struct ndiv_ring_kidx {
	__u32 req_prod;		/* requests published by the kernel */
	__u8 pad0[NDIV_RING_LINE - 4];
	__u32 resp_cons;	/* responses the kernel is done with */
	__u8 pad1[NDIV_RING_LINE - 4];
	__u32 resp_flags;	/* NDIV_RING_F_NEED_WAKEUP: kick the kernel */
	__u8 pad2[NDIV_RING_LINE - 4];
};

/* Indices the daemon writes, per ring pair; the kernel validates them. */
struct ndiv_ring_uidx {
	__u32 req_cons;		/* requests the daemon is done with */
	__u8 pad0[NDIV_RING_LINE - 4];
	__u32 req_flags;	/* NDIV_RING_F_NEED_WAKEUP: wake the daemon */
	__u8 pad1[NDIV_RING_LINE - 4];
	__u32 resp_prod;	/* responses published by the daemon */
	__u8 pad2[NDIV_RING_LINE - 4];
};

/* Bytes of a request: off and len from the start of the request bytes. */
struct ndiv_ring_span {
	__u32 off;
	__u32 len;
};

struct ndiv_ring_hdr {
	struct ndiv_ring_span name;
	struct ndiv_ring_span value;	/* without surrounding white space */
};

#define NDIV_RING_IPV4		4
#define NDIV_RING_IPV6		6

/* The request was handed to an earlier daemon that went away. */
#define NDIV_RING_REQ_F_REDELIVERED	0x1

/*
 * A request slot: this descriptor, nr_headers struct ndiv_ring_hdr right
 * after it, and the request bytes as received (request line, header
 * lines, the empty line, any body that came with them) at data_off from
 * the start of the slot. Written by the kernel, read-only to user space.
 */
struct ndiv_ring_req {
	__u64 id;		/* echo it in the response */
	__u32 data_off;		/* request bytes, from the start of the slot */
	__u32 data_len;
	struct ndiv_ring_span method;
	struct ndiv_ring_span target;	/* path and query, as sent */
	__u16 version;		/* (major << 8) | minor: 0x0101 is HTTP/1.1 */
	__u16 nr_headers;
	__u32 flags;		/* NDIV_RING_REQ_F_* */
	__u8 addr[16];		/* client: IPv6, or IPv4 in the first 4 bytes */
	__u16 port;		/* client port, host byte order */
	__u16 local_port;	/* port the request came to, host byte order */
	__u16 family;		/* NDIV_RING_IPV4 or NDIV_RING_IPV6 */
	__u16 reserved;
};

/* The body continues in the next response descriptor of the same id. */
#define NDIV_RING_RESP_F_MORE	0x1
/* Close the connection once the response is sent. */
#define NDIV_RING_RESP_F_CLOSE	0x2
#define NDIV_RING_RESP_F_ALL	(NDIV_RING_RESP_F_MORE | NDIV_RING_RESP_F_CLOSE)

/*
 * A response slot: this descriptor and the bytes it points at, written by
 * the daemon. head is header lines ("Name: value\r\n" each, no status line,
 * no Content-Length or Transfer-Encoding: the kernel frames the response);
 * body is body bytes. Both are off/len from the start of the slot, after
 * the descriptor. A body longer than a slot continues in descriptors with
 * the same id, status 0 and no head; every one but the last has
 * NDIV_RING_RESP_F_MORE.
 */
struct ndiv_ring_resp {
	__u64 id;		/* the request's id */
	__u16 status;		/* 100..599; 0 in a continuation */
	__u16 flags;		/* NDIV_RING_RESP_F_* */
	__u32 head_off;
	__u32 head_len;
	__u32 body_off;
	__u32 body_len;
	__u32 reserved;		/* 0 */
};

/*
 * The control device, /dev/ndiv-ring (Documentation/ring.rst, "The
 * kernel side"). Rings are named objects of the network namespace of the
 * process that creates them; every ioctl names a ring of the caller's
 * namespace. ADD, DEL and ATTACH need CAP_NET_ADMIN in that namespace.
 * After ATTACH the file descriptor is the daemon's: mmap() maps the ring
 * (offset 0 read-only, rw_off read-write), poll() says a request ring is
 * not empty, KICK makes the kernel consume responses.
 */
#define NDIV_RING_DEV_PATH	"/dev/ndiv-ring"
#define NDIV_RING_NAME_MAX	32	/* bytes, with the NUL */
#define NDIV_RING_DEF_SLOTS	256
#define NDIV_RING_DEF_SLOT_SIZE	2048

struct ndiv_ring_ioc_add {
	char name[NDIV_RING_NAME_MAX];	/* letters, digits, '-', '_', '.' */
	__u32 slots;			/* 0: NDIV_RING_DEF_SLOTS */
	__u32 slot_size;		/* 0: NDIV_RING_DEF_SLOT_SIZE */
	__u32 flags;			/* 0 */
	__u32 reserved;			/* 0 */
};

struct ndiv_ring_ioc_name {
	char name[NDIV_RING_NAME_MAX];
};

/*
 * SHOW: in: name, or an empty name and index (the index-th ring of the
 * namespace, from 0; ENOENT past the last). out: the rest, the counters
 * summed over the ring pairs.
 */
struct ndiv_ring_ioc_show {
	char name[NDIV_RING_NAME_MAX];
	__u32 index;
	__u32 nr_rings;
	__u32 slots;
	__u32 slot_size;
	__u32 max_body;
	__s32 pid;		/* attached daemon's process, 0: none */
	__u32 generation;
	__u32 reserved;
	__u64 map_size;
	__u64 cnt[5];		/* enum ndiv_ring_counter */
};

/* CPU: in: name, cpu (a ring pair); out: that pair's counters. */
struct ndiv_ring_ioc_cpu {
	char name[NDIV_RING_NAME_MAX];
	__u32 cpu;
	__u32 waiting;		/* requests the daemon holds */
	__u64 cnt[5];		/* enum ndiv_ring_counter */
};

enum ndiv_ring_counter {
	NDIV_RING_CNT_PRODUCED,		/* requests handed to the daemon */
	NDIV_RING_CNT_ANSWERED,		/* responses from the daemon */
	NDIV_RING_CNT_FALLBACK,		/* answered 503 by the kernel */
	NDIV_RING_CNT_RING_FULL,	/* of those: the ring was full */
	NDIV_RING_CNT_INVALID,		/* faults of the daemon's writes */
	NDIV_RING_CNT_NR
};

#define NDIV_RING_IOC_MAGIC	0xd9
#define NDIV_RING_IOC_ADD	_IOW(NDIV_RING_IOC_MAGIC, 1, struct ndiv_ring_ioc_add)
#define NDIV_RING_IOC_DEL	_IOW(NDIV_RING_IOC_MAGIC, 2, struct ndiv_ring_ioc_name)
#define NDIV_RING_IOC_ATTACH	_IOW(NDIV_RING_IOC_MAGIC, 3, struct ndiv_ring_ioc_name)
#define NDIV_RING_IOC_KICK	_IO(NDIV_RING_IOC_MAGIC, 4)
#define NDIV_RING_IOC_SHOW	_IOWR(NDIV_RING_IOC_MAGIC, 5, struct ndiv_ring_ioc_show)
#define NDIV_RING_IOC_CPU	_IOWR(NDIV_RING_IOC_MAGIC, 6, struct ndiv_ring_ioc_cpu)

#ifdef __cplusplus
#define __NDIV_RING_ASSERT(c)	static_assert(c, #c)
#else
#define __NDIV_RING_ASSERT(c)	_Static_assert(c, #c)
#endif
#define __NDIV_RING_AT(type, field, off) \
	__NDIV_RING_ASSERT(__builtin_offsetof(struct type, field) == (off))

__NDIV_RING_AT(ndiv_ring_info, magic, 0);
__NDIV_RING_AT(ndiv_ring_info, abi_version, 4);
__NDIV_RING_AT(ndiv_ring_info, info_size, 8);
__NDIV_RING_AT(ndiv_ring_info, page_size, 12);
__NDIV_RING_AT(ndiv_ring_info, nr_rings, 16);
__NDIV_RING_AT(ndiv_ring_info, slots, 20);
__NDIV_RING_AT(ndiv_ring_info, slot_size, 24);
__NDIV_RING_AT(ndiv_ring_info, max_body, 28);
__NDIV_RING_AT(ndiv_ring_info, map_size, 32);
__NDIV_RING_AT(ndiv_ring_info, rw_off, 40);
__NDIV_RING_AT(ndiv_ring_info, kidx_off, 48);
__NDIV_RING_AT(ndiv_ring_info, uidx_off, 56);
__NDIV_RING_AT(ndiv_ring_info, req_off, 64);
__NDIV_RING_AT(ndiv_ring_info, resp_off, 72);
__NDIV_RING_AT(ndiv_ring_info, ring_bytes, 80);
__NDIV_RING_AT(ndiv_ring_info, generation, 88);
__NDIV_RING_AT(ndiv_ring_info, reserved0, 92);
__NDIV_RING_AT(ndiv_ring_info, name, 96);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_info) == 128);

__NDIV_RING_AT(ndiv_ring_kidx, req_prod, 0);
__NDIV_RING_AT(ndiv_ring_kidx, resp_cons, NDIV_RING_LINE);
__NDIV_RING_AT(ndiv_ring_kidx, resp_flags, 2 * NDIV_RING_LINE);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_kidx) == 3 * NDIV_RING_LINE);

__NDIV_RING_AT(ndiv_ring_uidx, req_cons, 0);
__NDIV_RING_AT(ndiv_ring_uidx, req_flags, NDIV_RING_LINE);
__NDIV_RING_AT(ndiv_ring_uidx, resp_prod, 2 * NDIV_RING_LINE);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_uidx) == 3 * NDIV_RING_LINE);

__NDIV_RING_AT(ndiv_ring_span, off, 0);
__NDIV_RING_AT(ndiv_ring_span, len, 4);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_span) == 8);
__NDIV_RING_AT(ndiv_ring_hdr, name, 0);
__NDIV_RING_AT(ndiv_ring_hdr, value, 8);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_hdr) == 16);

__NDIV_RING_AT(ndiv_ring_req, id, 0);
__NDIV_RING_AT(ndiv_ring_req, data_off, 8);
__NDIV_RING_AT(ndiv_ring_req, data_len, 12);
__NDIV_RING_AT(ndiv_ring_req, method, 16);
__NDIV_RING_AT(ndiv_ring_req, target, 24);
__NDIV_RING_AT(ndiv_ring_req, version, 32);
__NDIV_RING_AT(ndiv_ring_req, nr_headers, 34);
__NDIV_RING_AT(ndiv_ring_req, flags, 36);
__NDIV_RING_AT(ndiv_ring_req, addr, 40);
__NDIV_RING_AT(ndiv_ring_req, port, 56);
__NDIV_RING_AT(ndiv_ring_req, local_port, 58);
__NDIV_RING_AT(ndiv_ring_req, family, 60);
__NDIV_RING_AT(ndiv_ring_req, reserved, 62);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_req) == 64);

__NDIV_RING_AT(ndiv_ring_resp, id, 0);
__NDIV_RING_AT(ndiv_ring_resp, status, 8);
__NDIV_RING_AT(ndiv_ring_resp, flags, 10);
__NDIV_RING_AT(ndiv_ring_resp, head_off, 12);
__NDIV_RING_AT(ndiv_ring_resp, head_len, 16);
__NDIV_RING_AT(ndiv_ring_resp, body_off, 20);
__NDIV_RING_AT(ndiv_ring_resp, body_len, 24);
__NDIV_RING_AT(ndiv_ring_resp, reserved, 28);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_resp) == 32);

__NDIV_RING_AT(ndiv_ring_ioc_add, slots, 32);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_ioc_add) == 48);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_ioc_name) == 32);
__NDIV_RING_AT(ndiv_ring_ioc_show, index, 32);
__NDIV_RING_AT(ndiv_ring_ioc_show, map_size, 64);
__NDIV_RING_AT(ndiv_ring_ioc_show, cnt, 72);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_ioc_show) == 112);
__NDIV_RING_AT(ndiv_ring_ioc_cpu, cpu, 32);
__NDIV_RING_AT(ndiv_ring_ioc_cpu, cnt, 40);
__NDIV_RING_ASSERT(sizeof(struct ndiv_ring_ioc_cpu) == 80);

#endif /* _UAPI_LINUX_NDIV_RING_H */
