// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv_bench: the framework's own test and benchmark apps, the ndiv
 * equivalent of xdp-bench's drop, pass and tx:
 *
 *   bench-drop     drop every frame
 *   bench-pass     pass every frame to the stack
 *   bench-reflect  send UDP/TCP frames back with addresses swapped,
 *                  pass the rest (see reflect.c)
 */
#include <linux/module.h>
#include <linux/ndiv.h>

#include "reflect.h"

static int bench_drop_rx(struct ndiv_frame *f, void *priv)
{
	return NDIV_DROP;
}

static int bench_pass_rx(struct ndiv_frame *f, void *priv)
{
	return NDIV_PASS;
}

static int bench_reflect_rx(struct ndiv_frame *f, void *priv)
{
	return ndiv_bench_reflect(f);
}

static struct ndiv_app bench_apps[] = {
	{ .name = "bench-drop", .owner = THIS_MODULE, .rx = bench_drop_rx },
	{ .name = "bench-pass", .owner = THIS_MODULE, .rx = bench_pass_rx },
	{ .name = "bench-reflect", .owner = THIS_MODULE,
	  .rx = bench_reflect_rx },
};

static int __init ndiv_bench_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(bench_apps); i++) {
		err = ndiv_register_app(&bench_apps[i]);
		if (err) {
			while (--i >= 0)
				ndiv_unregister_app(&bench_apps[i]);
			return err;
		}
	}
	return 0;
}

static void __exit ndiv_bench_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(bench_apps) - 1; i >= 0; i--)
		ndiv_unregister_app(&bench_apps[i]);
}

module_init(ndiv_bench_init);
module_exit(ndiv_bench_exit);
MODULE_DESCRIPTION("ndiv bench apps: drop, pass, reflect");
MODULE_LICENSE("GPL");
