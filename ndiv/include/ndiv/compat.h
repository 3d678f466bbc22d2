/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin shim that lets ndiv packet logic build both in the kernel and in
 * user space: fixed-width types, byte order and memory helpers.
 */
#ifndef _NDIV_COMPAT_H
#define _NDIV_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <asm/byteorder.h>
#include <linux/export.h>
#include <linux/build_bug.h>
#include <linux/array_size.h>
#include <linux/u64_stats_sync.h>

/* Library code is in ndiv.ko; apps in other modules link against it. */
#define NDIV_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)

/* A counter an app's engine increments: struct ndiv_app_stats's cnt[]. */
struct ndiv_stat {
	u64_stats_t v;
};

static inline void ndiv_stat_inc(struct ndiv_stat *c)
{
	u64_stats_inc(&c->v);
}

#define ndiv_htons(x)	((uint16_t)cpu_to_be16(x))
#define ndiv_ntohs(x)	((uint16_t)be16_to_cpu((__force __be16)(x)))
#define ndiv_htonl(x)	((uint32_t)cpu_to_be32(x))
#define ndiv_ntohl(x)	((uint32_t)be32_to_cpu((__force __be32)(x)))
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>

struct net_device;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* In user space a counter is a plain u64: one thread counts. */
struct ndiv_stat {
	uint64_t v;
};

static inline void ndiv_stat_inc(struct ndiv_stat *c)
{
	c->v++;
}

#define ndiv_htons(x)	htons(x)
#define ndiv_ntohs(x)	ntohs(x)
#define ndiv_htonl(x)	htonl(x)
#define ndiv_ntohl(x)	ntohl(x)

/*
 * Nothing to export. A tag declaration gives the ';' after the macro
 * something to end, as a bare ';' at file scope is not ISO C; the kernel
 * build checks that sym exists.
 */
#define NDIV_EXPORT(sym)	struct ndiv_export_##sym
#endif

/*
 * Unaligned loads and stores in a fixed byte order. Packet fields sit at
 * any offset, and ndiv runs on CPUs of either endianness, so these work a
 * byte at a time; compilers merge them into single loads where that is
 * allowed, so they cost no more than get_unaligned() and a swap.
 */
static inline uint16_t ndiv_get_be16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t ndiv_get_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline void ndiv_put_be16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void ndiv_put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline uint32_t ndiv_get_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[1] << 8 | b[0];
}

static inline uint64_t ndiv_get_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)ndiv_get_le32(b + 4) << 32 | ndiv_get_le32(b);
}

static inline void ndiv_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

/*
 * Ordering of memory shared with another CPU or with user space (the ring,
 * Documentation/ring.rst). The kernel's primitives in the kernel, the C11
 * atomics they correspond to elsewhere:
 *
 *   ndiv_load_acquire(p)      read *p; later accesses stay after it
 *   ndiv_store_release(p, v)  *p = v; earlier accesses stay before it
 *   ndiv_read_once(x)         one untorn read of x the compiler may not
 *                             repeat or merge: for values another side can
 *                             change at any time
 *   ndiv_write_once(x, v)     the same for a store
 *   ndiv_smp_mb()             full barrier: earlier stores before later
 *                             loads too (need-wakeup handshakes)
 */
#ifdef __KERNEL__
#include <asm/barrier.h>

/* Each one pairs as its user's comment says. */
#define ndiv_load_acquire(p)		smp_load_acquire(p) /* see above */
#define ndiv_store_release(p, v)	smp_store_release(p, v) /* see above */
#define ndiv_read_once(x)		READ_ONCE(x)
#define ndiv_write_once(x, v)		WRITE_ONCE(x, v)
#define ndiv_smp_mb()			smp_mb() /* see above */
#else
#define ndiv_load_acquire(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define ndiv_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define ndiv_read_once(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ndiv_write_once(x, v)		__atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define ndiv_smp_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#endif /* _NDIV_COMPAT_H */
