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

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define ndiv_htons(x)	htons(x)
#define ndiv_ntohs(x)	ntohs(x)
#define ndiv_htonl(x)	htonl(x)
#define ndiv_ntohl(x)	ntohl(x)
#endif

#endif /* _NDIV_COMPAT_H */
