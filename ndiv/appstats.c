// SPDX-License-Identifier: GPL-2.0
/*
 * Counters of an app, kept like the core's own: per CPU, u64_stats so
 * that a 32-bit CPU never shows a torn value, summed on read, one file
 * each in /sys/kernel/ndiv/<app>/stats/ named from one table the app
 * hands over (ndivctl stats shows them after the device's).
 *
 * Writers: the app's rx on each CPU (softirq), between
 * ndiv_app_stats_begin() and _end(). Readers: sysfs, process context.
 */
#include <linux/ndiv.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/slab.h>

struct ndiv_app_stat_attr {
	struct kobj_attribute attr;
	struct ndiv_app_stats *st;
	unsigned int idx;
};

u64 ndiv_app_stats_sum(const struct ndiv_app_stats *st, unsigned int idx)
{
	const struct ndiv_app_stats_pcpu *p;
	unsigned int start;
	u64 sum = 0, val;
	int cpu;

	if (idx >= st->n)
		return 0;
	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(st->pcpu, cpu);
		do {
			start = u64_stats_fetch_begin(&p->syncp);
			val = u64_stats_read(&p->cnt[idx].v);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		sum += val;
	}
	return sum;
}
EXPORT_SYMBOL_GPL(ndiv_app_stats_sum);

static ssize_t ndiv_app_stat_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	const struct ndiv_app_stat_attr *sa =
		container_of(attr, struct ndiv_app_stat_attr, attr);

	return sysfs_emit(buf, "%llu\n", ndiv_app_stats_sum(sa->st, sa->idx));
}

static int ndiv_app_stats_files(struct ndiv_app_stats *st,
				const char *const *names)
{
	struct ndiv_app_stat_attr *attrs;
	unsigned int i;

	attrs = kcalloc(st->n, sizeof(*attrs), GFP_KERNEL);
	st->ptrs = kcalloc(st->n + 1, sizeof(*st->ptrs), GFP_KERNEL);
	if (!attrs || !st->ptrs) {
		kfree(attrs);
		kfree(st->ptrs);
		/* ndiv_app_stats_free() runs next: leave nothing to free twice */
		st->ptrs = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < st->n; i++) {
		sysfs_attr_init(&attrs[i].attr.attr);
		attrs[i].attr.attr.name = names[i];
		attrs[i].attr.attr.mode = 0444;
		attrs[i].attr.show = ndiv_app_stat_show;
		attrs[i].st = st;
		attrs[i].idx = i;
		st->ptrs[i] = &attrs[i].attr.attr;
	}
	st->attrs = attrs;
	st->group.name = "stats";
	st->group.attrs = st->ptrs;
	return 0;
}

static void ndiv_app_stats_free(struct ndiv_app_stats *st)
{
	kfree(st->attrs);
	kfree(st->ptrs);
	free_percpu(st->pcpu);
}

/**
 * ndiv_app_stats_init - the counters of an app and their sysfs files
 * @st: zeroed by the caller, lives until ndiv_app_stats_exit()
 * @app: the directory under /sys/kernel/ndiv/
 * @names: @n file names, kept by reference (a static table)
 * @n: number of counters
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno; nothing to undo on error.
 */
int ndiv_app_stats_init(struct ndiv_app_stats *st, const char *app,
			const char *const *names, unsigned int n)
{
	int cpu, err;

	st->n = n;
	st->pcpu = __alloc_percpu(struct_size(st->pcpu, cnt, n),
				  __alignof__(struct ndiv_app_stats_pcpu));
	if (!st->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(st->pcpu, cpu)->syncp);
	err = ndiv_app_stats_files(st, names);
	if (err)
		goto free;
	st->kobj = kobject_create_and_add(app, ndiv_sysfs_kobj());
	if (!st->kobj) {
		err = -ENOMEM;
		goto free;
	}
	err = sysfs_create_group(st->kobj, &st->group);
	if (err)
		goto put;
	return 0;
put:
	kobject_put(st->kobj);
free:
	ndiv_app_stats_free(st);
	return err;
}
EXPORT_SYMBOL_GPL(ndiv_app_stats_init);

/**
 * ndiv_app_stats_exit - remove the files and free the counters
 * @st: from ndiv_app_stats_init(); no writer may be left (the app is
 *	unregistered, so no rx runs)
 */
void ndiv_app_stats_exit(struct ndiv_app_stats *st)
{
	sysfs_remove_group(st->kobj, &st->group);
	kobject_put(st->kobj);
	ndiv_app_stats_free(st);
}
EXPORT_SYMBOL_GPL(ndiv_app_stats_exit);
