# SPDX-License-Identifier: GPL-2.0
# The packet library's sources, for user-space builds (tests, fuzzers,
# benchmarks) that link it as ndiv.ko does. Include with NDIV_TOP set to
# the top of the tree.
NDIV_LIB_SRCS := $(addprefix $(NDIV_TOP)/ndiv/lib/,csum.c siphash.c \
	cookie.c pkt.c tcp.c http1.c ring.c splice.c)
NDIV_LIB_HDRS := $(wildcard $(NDIV_TOP)/ndiv/include/ndiv/*.h \
	$(NDIV_TOP)/ndiv/include/uapi/linux/*.h)
