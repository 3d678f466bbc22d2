/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv: apps that run inside NIC drivers on every received frame.
 *
 * Two audiences use this header:
 *
 *  - apps (modules) register a per-frame handler with ndiv_register_app();
 *  - drivers embed a struct ndiv_port in their private data, register it
 *    with ndiv_port_register() and a static struct ndiv_port_info, and
 *    call the inline hook on each frame:
 *
 *	b = ndiv_port_binding(&priv->ndiv);	// NAPI poll, BH disabled
 *	if (unlikely(b)) {
 *		struct ndiv_frame f = { ... };
 *		switch (ndiv_run(b, &f)) { ... }
 *	}
 *
 * With no app bound the cost is one load and one predictable branch.
 * See Documentation/networking/ndiv.rst for the full contract.
 */
#ifndef _LINUX_NDIV_H
#define _LINUX_NDIV_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <net/xdp.h>
#include <uapi/linux/ndiv.h>
#include <ndiv/frame.h>

#define NDIV_APP_NAME_MAX	32

struct ndiv_dev;

/**
 * struct ndiv_app - an ndiv app, registered by its module
 * @name: unique name, [a-z0-9_-], shorter than NDIV_APP_NAME_MAX
 * @owner: THIS_MODULE; pinned while the app is bound to any device
 * @rx: per-frame handler, returns an enum ndiv_verdict. Runs in NAPI
 *	(softirq) context under RCU, possibly on several CPUs at once for
 *	different RX queues: it must not sleep, allocate per frame or take a
 *	lock that a frame on another queue could contend.
 * @bind: optional, called (process context, may sleep) when the app is
 *	bound to a device; *priv is handed to @rx for that device.
 * @unbind: optional, called after an RCU grace period once no CPU can be
 *	running @rx for that binding any more.
 */
struct ndiv_app {
	const char *name;
	struct module *owner;
	int (*rx)(struct ndiv_frame *f, void *priv);
	int (*bind)(struct net_device *dev, void **priv);
	void (*unbind)(struct net_device *dev, void *priv);
	/* private to the core */
	struct list_head node;
};

int ndiv_register_app(struct ndiv_app *app);
void ndiv_unregister_app(struct ndiv_app *app);

/*
 * /sys/kernel/ndiv, for apps to add their own directories under (e.g.
 * /sys/kernel/ndiv/slhttpd). Valid while ndiv is loaded, that is, while
 * any module using it is.
 */
struct kobject *ndiv_sysfs_kobj(void);

/*
 * An app's own counters, kept like the core's (ndiv/appstats.c): per CPU,
 * u64_stats so that 32-bit CPUs never show a torn value, one file each
 * in /sys/kernel/ndiv/<app>/stats/. The app's rx counts between
 * ndiv_app_stats_begin() and ndiv_app_stats_end() on its CPU; its plain-C
 * engine increments cnt[] with ndiv_stat_inc() (<ndiv/compat.h>).
 */
struct ndiv_app_stats_pcpu {
	struct u64_stats_sync syncp;
	struct ndiv_stat cnt[];
};

struct ndiv_app_stat_attr;

struct ndiv_app_stats {
	struct ndiv_app_stats_pcpu __percpu *pcpu;
	unsigned int n;
	struct kobject *kobj;
	struct ndiv_app_stat_attr *attrs;
	struct attribute **ptrs;
	struct attribute_group group;
};

int ndiv_app_stats_init(struct ndiv_app_stats *st, const char *app,
			const char *const *names, unsigned int n);
void ndiv_app_stats_exit(struct ndiv_app_stats *st);
u64 ndiv_app_stats_sum(const struct ndiv_app_stats *st, unsigned int idx);

/* This CPU's counters, open for writing. Context: softirq (rx). */
static inline struct ndiv_app_stats_pcpu *
ndiv_app_stats_begin(struct ndiv_app_stats *st)
{
	struct ndiv_app_stats_pcpu *p = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&p->syncp);
	return p;
}

static inline void ndiv_app_stats_end(struct ndiv_app_stats_pcpu *p)
{
	u64_stats_update_end(&p->syncp);
}

/*
 * Frames an app sends besides the one its verdict covers (ndiv/emit.c,
 * Documentation/networking/ndiv.rst "Sending more than one frame"): an
 * skb allocation and a trip through the qdisc per frame, for rare answers
 * of several frames, not for the per-frame fast path. Callable from @rx.
 */
struct sk_buff *ndiv_emit_alloc(struct net_device *dev, unsigned int cap);
int ndiv_emit_xmit(struct sk_buff *skb, unsigned int len);
void ndiv_emit_discard(struct sk_buff *skb);

/*
 * The extra frames of one call of an app's @rx, on its stack: buffers are
 * taken with ndiv_emit_batch_get(), each sent or given back with
 * ndiv_emit_batch_send(), and ndiv_emit_batch_end() frees the rest. get
 * and send take the batch as void *, the shape of an engine's emitter
 * callbacks (slhttpd's struct slh_emitter).
 */
struct ndiv_emit_batch {
	struct net_device *dev;
	struct sk_buff_head pending;
};

static inline void ndiv_emit_batch_init(struct ndiv_emit_batch *b,
					struct net_device *dev)
{
	b->dev = dev;
	__skb_queue_head_init(&b->pending);
}

u8 *ndiv_emit_batch_get(void *batch, u32 cap, void **handle);
int ndiv_emit_batch_send(void *batch, void *handle, u32 len);
void __ndiv_emit_batch_purge(struct ndiv_emit_batch *b);

/* Free what the call took and did not send: a buffer cannot leak. */
static inline void ndiv_emit_batch_end(struct ndiv_emit_batch *b)
{
	if (unlikely(!skb_queue_empty(&b->pending)))
		__ndiv_emit_batch_purge(b);
}

/*
 * Per RX queue, per CPU counters, indexed by enum ndiv_qstat
 * (uapi/linux/ndiv.h, where their names are), under one syncp.
 */
struct ndiv_qstats {
	u64_stats_t cnt[NDIV_QSTAT_NR];
	struct u64_stats_sync syncp;
};
static_assert(NDIV_QSTAT_PASS + NDIV_PASS == NDIV_QSTAT_PASS &&
	      NDIV_QSTAT_PASS + NDIV_DROP == NDIV_QSTAT_DROP &&
	      NDIV_QSTAT_PASS + NDIV_TX == NDIV_QSTAT_TX);

/*
 * What the data path sees of an attachment. Replaced as a whole (RCU) on
 * attach, detach and swap, so a frame is always handled by exactly one app.
 */
struct ndiv_binding {
	const struct ndiv_app *app;
	void *priv;
	struct ndiv_qstats __percpu *stats;	/* [nqueues] per CPU */
	unsigned int nqueues;
	struct net_device *dev;
	struct rcu_head rcu;
};

/*
 * The hook ABI between ndiv and patched drivers: struct ndiv_frame, the
 * verdicts, struct ndiv_port(_info) and the inline hook below. A driver
 * built against another version is refused by ndiv_port_register() (and
 * falls back to generic mode) instead of misreading frames. Bumped on any
 * change to them; shown by "ndivctl features".
 */
#define NDIV_HOOK_ABI		2

/* What a driver's hook can do: struct ndiv_port_info.caps */
#define NDIV_CAP_TX		BIT(0)	/* NDIV_TX sends the frame back out */
#define NDIV_CAP_MULTIBUF	BIT(1)	/* frames over several buffers */

/**
 * struct ndiv_port_info - what a patched driver tells ndiv about its hook
 * @driver: the driver's name, shown in sysfs and by ndivctl
 * @caps: NDIV_CAP_* flags
 * @prepare: optional. Called with @on true before the first app is bound
 *	natively to the device, and with @on false after the last one is
 *	unbound and no CPU runs it any more, for drivers whose hook needs
 *	resources of its own (XDP TX rings, NAPI on a device without it).
 *	Context: process, RTNL held, may sleep and may reset the device. Not
 *	called by ndiv_port_unregister(): the driver is tearing down anyway.
 *	An error fails the bind.
 */
struct ndiv_port_info {
	const char *driver;
	u32 caps;
	int (*prepare)(struct net_device *dev, bool on);
};

/**
 * struct ndiv_port - the ndiv hook point of a patched driver
 * @binding: the bound app, or NULL. Read in NAPI context with
 *	ndiv_port_binding(); written by the core under its mutex.
 *
 * Embedded in the driver's private data, registered with
 * ndiv_port_register() once the netdev exists and unregistered before
 * free_netdev().
 */
struct ndiv_port {
	struct ndiv_binding __rcu *binding;
	/* private to the core */
	struct net_device *dev;
	const struct ndiv_port_info *info;
	struct ndiv_dev *nd;
	struct list_head node;
};

int __ndiv_port_register(struct ndiv_port *port, struct net_device *dev,
			 const struct ndiv_port_info *info, unsigned int abi);
#define ndiv_port_register(port, dev, info) \
	__ndiv_port_register(port, dev, info, NDIV_HOOK_ABI)
void ndiv_port_unregister(struct ndiv_port *port);

/*
 * ethtool -S: the device's ndiv counters as rx_queue_<n>_ndiv_<counter>,
 * for the driver to append to its own. The count depends on the device
 * alone (its RX queues), never on whether the port is registered yet, so
 * the three calls of one "ethtool -S" agree. Context: ethtool ops
 * (process, RTNL held).
 */
int ndiv_ethtool_sset_count(struct net_device *dev);
void ndiv_ethtool_strings(struct net_device *dev, u8 **data);
void ndiv_ethtool_stats(struct net_device *dev, u64 **data);

/*
 * The binding for this frame, or NULL when no app is bound. Callers are
 * NAPI pollers (softirq, BH disabled), which is an RCU read-side section.
 */
static __always_inline struct ndiv_binding *
ndiv_port_binding(struct ndiv_port *port)
{
	return rcu_dereference_bh(port->binding);
}

static __always_inline struct ndiv_qstats *
ndiv_qstats(struct ndiv_binding *b, unsigned int rxq)
{
	if (unlikely(rxq >= b->nqueues))
		rxq = b->nqueues - 1;
	return this_cpu_ptr(b->stats) + rxq;
}

/*
 * Run the bound app on one frame and count the outcome on this CPU.
 * Returns NDIV_PASS, NDIV_DROP or NDIV_TX. A bad verdict, or frame
 * geometry the app broke, is counted as aborted and turned into NDIV_DROP.
 */
static __always_inline int ndiv_run(struct ndiv_binding *b,
				    struct ndiv_frame *f)
{
	struct ndiv_qstats *qs = ndiv_qstats(b, f->rxq);
	const uint8_t *start = f->data - f->headroom;
	uint32_t room = ndiv_frame_room(f);
	uint32_t len = f->len;
	int v;

	v = b->app->rx(f, b->priv);
	if (unlikely(!ndiv_frame_intact(f, start, room) ||
		     (unsigned int)v > NDIV_TX))
		v = -1;

	u64_stats_update_begin(&qs->syncp);
	u64_stats_inc(&qs->cnt[NDIV_QSTAT_RX_PACKETS]);
	u64_stats_add(&qs->cnt[NDIV_QSTAT_RX_BYTES], len);
	if (likely(v >= 0)) {
		/* pass, drop and tx are in the verdicts' order */
		u64_stats_inc(&qs->cnt[NDIV_QSTAT_PASS + v]);
	} else {
		u64_stats_inc(&qs->cnt[NDIV_QSTAT_ABORTED]);
		v = NDIV_DROP;
	}
	u64_stats_update_end(&qs->syncp);
	return v;
}

/* The driver could not transmit a frame the app returned NDIV_TX for. */
static inline void ndiv_count_tx_error(struct ndiv_binding *b,
				       unsigned int rxq)
{
	struct ndiv_qstats *qs = ndiv_qstats(b, rxq);

	u64_stats_update_begin(&qs->syncp);
	u64_stats_inc(&qs->cnt[NDIV_QSTAT_TX_ERR]);
	u64_stats_update_end(&qs->syncp);
}

/*
 * Helpers for drivers whose RX buffers are skbs (e1000, e1000e) and for the
 * generic mode: describe a linear skb whose data starts at the MAC header,
 * and apply the app's changes to data/len back to it.
 */
void ndiv_frame_from_skb(struct ndiv_frame *f, struct sk_buff *skb,
			 unsigned int rxq);
void ndiv_skb_apply(struct sk_buff *skb, const struct ndiv_frame *f);

/*
 * Helpers for drivers whose RX path builds an xdp_buff (igb, ixgbe,
 * mvneta, veth): the app sees the xdp_buff's linear frame, and NDIV_TX
 * hands the buffer to the driver's XDP_TX path, which writes a struct
 * xdp_frame at data_hard_start, so the app's headroom stops short of it
 * (none in a buffer without that much room, e.g. igb's legacy-rx mode:
 * such an NDIV_TX fails as XDP_TX would). The tailroom ends where the
 * buffer's skb_shared_info starts. The caller checked that data_end is
 * inside the buffer, fills in a stripped VLAN tag if its NIC has one, and
 * keeps multi-buffer frames from the app.
 */
static inline void ndiv_frame_from_xdp(struct ndiv_frame *f,
				       const struct xdp_buff *xdp,
				       struct net_device *dev,
				       unsigned int rxq)
{
	u32 room = xdp->data - xdp->data_hard_start;

	f->data = xdp->data;
	f->len = xdp->data_end - xdp->data;
	f->headroom = room > sizeof(struct xdp_frame) ?
		      room - sizeof(struct xdp_frame) : 0;
	f->tailroom = xdp_data_hard_end(xdp) - xdp->data_end;
	f->rxq = rxq;
	f->vlan_tci = 0;
	f->flags = 0;
	f->dev = dev;
}

/*
 * Make the xdp_buff cover the frame the app left (PASS, or TX after
 * ndiv_frame_vlan_restore()). Metadata in front of the frame is dropped
 * once the app moved the frame's start: the app may have written over it,
 * and it would no longer precede the data. A buffer without metadata
 * support keeps none.
 */
static inline void ndiv_xdp_apply(struct xdp_buff *xdp,
				  const struct ndiv_frame *f)
{
	if (f->data != xdp->data) {
		bool no_meta = xdp_data_meta_unsupported(xdp);

		xdp->data = f->data;
		if (no_meta)
			xdp_set_data_meta_invalid(xdp);
		else
			xdp->data_meta = f->data;
	}
	xdp->data_end = f->data + f->len;
}

/*
 * Run the app on f (from ndiv_frame_from_xdp()) and leave the xdp_buff as
 * the verdict needs it: NDIV_PASS with the frame the app left (one without
 * an Ethernet header is dropped instead: nothing the stack can parse),
 * NDIV_TX with a stripped VLAN tag put back (a frame without room for it
 * is dropped, counted as a TX error), or NDIV_DROP. The driver then builds
 * its skb, queues the buffer with its XDP_TX code, or recycles it.
 */
static __always_inline int ndiv_run_xdp(struct ndiv_binding *b,
					struct ndiv_frame *f,
					struct xdp_buff *xdp)
{
	switch (ndiv_run(b, f)) {
	case NDIV_PASS:
		if (unlikely(f->len < ETH_HLEN))
			return NDIV_DROP;
		ndiv_xdp_apply(xdp, f);
		return NDIV_PASS;
	case NDIV_TX:
		if (unlikely(ndiv_frame_vlan_restore(f))) {
			ndiv_count_tx_error(b, f->rxq);
			return NDIV_DROP;
		}
		ndiv_xdp_apply(xdp, f);
		return NDIV_TX;
	default:
		return NDIV_DROP;
	}
}

#endif /* _LINUX_NDIV_H */
