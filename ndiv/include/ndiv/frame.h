/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv frame descriptor and verdicts.
 *
 * This header is plain C: it builds inside the kernel and in user space, so
 * that an app's packet logic can be unit-tested, fuzzed and benchmarked
 * natively. It must not include kernel-only headers.
 */
#ifndef _NDIV_FRAME_H
#define _NDIV_FRAME_H

#include "compat.h"

/* What the driver does with a frame once the app has looked at it. */
enum ndiv_verdict {
	NDIV_PASS = 0,	/* hand the frame to the kernel stack */
	NDIV_DROP = 1,	/* recycle the buffer; the stack never sees it */
	NDIV_TX = 2,	/* frame was rewritten into a reply: send it back */
	NDIV_VERDICT_MAX = NDIV_TX,
};

/* The hardware stripped an 802.1Q tag; it is in ndiv_frame.vlan_tci. */
#define NDIV_F_VLAN_STRIPPED	0x1

/*
 * One received Ethernet frame, as the driver hands it to the app.
 *
 * data points at the destination MAC address; len counts the bytes from
 * there (no FCS). headroom bytes before data and tailroom bytes after
 * data + len are writable, so an app may grow the frame with
 * ndiv_frame_push() / ndiv_frame_put(). Apps change data/len only through
 * the helpers below: the core checks headroom + len + tailroom on return
 * and counts a frame whose geometry was broken as aborted (dropped).
 */
struct ndiv_frame {
	uint8_t *data;
	uint32_t len;
	uint32_t headroom;
	uint32_t tailroom;
	uint16_t rxq;		/* RX queue index the frame arrived on */
	uint16_t vlan_tci;	/* valid when NDIV_F_VLAN_STRIPPED */
	uint32_t flags;
	struct net_device *dev;	/* opaque to packet logic */
};

/* Grow the frame by n bytes at the front; NULL if headroom is short. */
static inline uint8_t *ndiv_frame_push(struct ndiv_frame *f, uint32_t n)
{
	if (n > f->headroom)
		return NULL;
	f->data -= n;
	f->len += n;
	f->headroom -= n;
	return f->data;
}

/* Remove n bytes from the front; NULL if the frame is shorter. */
static inline uint8_t *ndiv_frame_pull(struct ndiv_frame *f, uint32_t n)
{
	if (n > f->len)
		return NULL;
	f->data += n;
	f->len -= n;
	f->headroom += n;
	return f->data;
}

/* Grow the frame by n bytes at the end; returns the first new byte. */
static inline uint8_t *ndiv_frame_put(struct ndiv_frame *f, uint32_t n)
{
	uint8_t *tail = f->data + f->len;

	if (n > f->tailroom)
		return NULL;
	f->len += n;
	f->tailroom -= n;
	return tail;
}

/* Cut the frame to len bytes; a no-op if it is not longer. */
static inline void ndiv_frame_trim(struct ndiv_frame *f, uint32_t len)
{
	if (len >= f->len)
		return;
	f->tailroom += f->len - len;
	f->len = len;
}

/*
 * NDIV_TX with NDIV_F_VLAN_STRIPPED still set sends the reply tagged with
 * vlan_tci, on the VLAN the request came from; an app that clears the
 * flag sends it untagged. Drivers whose TX path takes the buffer as it is
 * (the XDP TX helpers) call this to put the tag back into the frame.
 * Returns 0, or -1 when the frame has no room for it (left unchanged).
 */
static inline int ndiv_frame_vlan_restore(struct ndiv_frame *f)
{
	uint8_t *p;

	if (!(f->flags & NDIV_F_VLAN_STRIPPED))
		return 0;
	if (f->len < 12 || !ndiv_frame_push(f, 4))
		return -1;
	p = f->data;
	memmove(p, p + 4, 12);		/* destination and source MAC */
	p[12] = 0x81;			/* ETH_P_8021Q */
	p[13] = 0x00;
	p[14] = f->vlan_tci >> 8;
	p[15] = f->vlan_tci & 0xff;
	f->flags &= ~NDIV_F_VLAN_STRIPPED;
	return 0;
}

/* Writable bytes the frame can use in total, wherever data sits. */
static inline uint32_t ndiv_frame_room(const struct ndiv_frame *f)
{
	return f->headroom + f->len + f->tailroom;
}

/*
 * Is the frame still inside the buffer of room bytes at start, where it
 * was handed to the app? The start of the buffer and the total room must
 * be unchanged, and no u32 term may have wrapped.
 */
static inline int ndiv_frame_intact(const struct ndiv_frame *f,
				    const uint8_t *start, uint32_t room)
{
	return f->data - f->headroom == start && f->headroom <= room &&
	       f->len <= room - f->headroom && ndiv_frame_room(f) == room;
}

#endif /* _NDIV_FRAME_H */
