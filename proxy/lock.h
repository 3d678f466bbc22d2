/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one lock type of the proxy's portable code. In the kernel a
 * spinlock taken with BH already disabled (rx runs in softirq; the reaper
 * disables BH around its calls). In user space the tests run on one
 * thread, so a lock only checks that it is taken and released in pairs:
 * a double lock or a stray unlock aborts the test.
 */
#ifndef _PROXY_LOCK_H
#define _PROXY_LOCK_H

#ifdef __KERNEL__
#include <linux/spinlock.h>

struct prx_lock {
	spinlock_t sl;
};

#define prx_lock_init(l)	spin_lock_init(&(l)->sl)
#define prx_lock(l)		spin_lock(&(l)->sl)
#define prx_unlock(l)		spin_unlock(&(l)->sl)
#else
#include <stdlib.h>

struct prx_lock {
	int held;
};

static inline void prx_lock_init(struct prx_lock *l)
{
	l->held = 0;
}

static inline void prx_lock(struct prx_lock *l)
{
	if (l->held)
		abort();
	l->held = 1;
}

static inline void prx_unlock(struct prx_lock *l)
{
	if (!l->held)
		abort();
	l->held = 0;
}
#endif

#endif /* _PROXY_LOCK_H */
