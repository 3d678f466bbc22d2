/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv_bench packet logic, plain C shared by the module and the tests. */
#ifndef _NDIV_BENCH_REFLECT_H
#define _NDIV_BENCH_REFLECT_H

#include <ndiv/frame.h>

int ndiv_bench_reflect(struct ndiv_frame *f);

#endif /* _NDIV_BENCH_REFLECT_H */
