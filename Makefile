# SPDX-License-Identifier: GPL-2.0
#
# ndiv: in-driver packet processing apps.
#
#   make            build the core, the apps, the patched drivers, ndivctl
#   make demo       boot the lab and show an app at work
#   make check      all tests; ends with "N passed, N failed"
#   make install    install modules (updates/), ndivctl and its man page,
#                   libndiv, ndiv-offloadd and its systemd unit
#   make kernel     in-tree build: ndiv and the hooked drivers in build/kernel
#   make cross      cross-build the core and the ARM drivers (mvneta)
#   make insns      the lab's guest instruction counter (a QEMU TCG plugin)
#   make fuzz       every fuzzer for NDIV_FUZZ_SECONDS (build/fuzz/summary.json)
#
# Debian packages the build needs are installed by tools/build/deps.sh.

TOP := $(CURDIR)
BUILD := $(TOP)/build
KVER ?= $(shell cat $(BUILD)/kver 2>/dev/null)
KDIR = /lib/modules/$(KVER)/build
DRIVERS := $(patsubst drivers/%/sources,%,$(filter-out $(patsubst %/arch,%/sources,$(wildcard drivers/*/arch)),$(wildcard drivers/*/sources)))
DESTDIR ?=
PREFIX ?= /usr/local

.PHONY: all deps modules drivers tools check check-unit demo install \
	clean checkpatch bench bench-http bench-xdp help kver-check kernel fuzz man \
	insns

all: modules drivers tools

help:
	@sed -n '3,/^$$/{/^#/p}' Makefile | sed 's/^# \{0,1\}//'

# The kernel version comes from the installed linux-source-6.12; deps.sh
# installs what is missing and prints it.
$(BUILD)/kver: tools/build/deps.sh
	@mkdir -p $(BUILD)
	@tools/build/deps.sh --print-kver > $@.out && tail -n 1 $@.out > $@.tmp
	@test -s $@.tmp || { echo "ndiv: no kernel version from deps.sh" >&2; \
		rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@ && rm -f $@.out

deps: $(BUILD)/kver
	@tools/build/deps.sh

# Linux 6.12.x only: the driver patches and sources are 6.12's. A KVER
# given on the command line (DKMS: KVER=$${kernelver}) is used as is.
KVER_FILE = $(if $(filter command line environment,$(origin KVER)),,$(BUILD)/kver)
kver-check:
	@case "$(KVER)" in ''|6.12|6.12.*|6.12-*|6.12+*) ;; *) \
	echo "ndiv: kernel $(KVER) is not supported: ndiv supports Linux 6.12.x (linux-source-6.12); build for a 6.12 kernel (KVER=<6.12 version>)" >&2; \
	exit 2;; esac

modules: kver-check $(KVER_FILE)
	@$(MAKE) -s -C /lib/modules/$(KVER)/build M=$(TOP) modules
	@mkdir -p $(BUILD)/modules
	@cp ndiv/ndiv.ko ndiv/bench/ndiv_bench.ko slhttpd/slhttpd.ko proxy/proxy.ko \
		$(BUILD)/modules/

drivers: $(patsubst %,$(BUILD)/drivers/%.stamp,$(DRIVERS))

# Rebuilt when its patches, glue or the core's exports change.
$(BUILD)/drivers/%.stamp: drivers/%/* patches/%/* ndiv/include/*/*.h \
		ndiv/include/uapi/linux/*.h \
		Module.symvers | modules
	@echo "  DRIVER  $*"
	@tools/build/build-driver.sh $* $(KVER)
	@touch $@

# Drivers of other architectures (drivers/<drv>/arch lists them) and the
# core, cross-built against linux-source-6.12 by tools/build/build-cross.sh into
# build/cross/<arch>/modules: build checks, not modules for this machine.
.PHONY: cross
cross:
	@for a in $$(sed 's/#.*//' drivers/*/arch | tr -s ' \t' '\n' | \
		sort -u); do tools/build/build-cross.sh $$a || exit 1; done

tools: kver-check $(BUILD)/kver man
	@mkdir -p $(BUILD)/bin
	@$(MAKE) -s -C tools/ndivctl O=$(BUILD)/bin

# Man pages from their reStructuredText, with the tree's version.
MANPAGES := $(BUILD)/man/ndivctl.8
man: $(MANPAGES)
$(BUILD)/man/%.8: Documentation/%.rst VERSION
	@mkdir -p $(BUILD)/man
	@sed '/^:Manual section:/a :Version: $(shell cat VERSION)' $< | \
		rst2man --halt=warning - $@.tmp && mv $@.tmp $@

check: all
	@tests/run.sh

check-unit:
	@tests/run.sh unit

# Long fuzzing runs, not in make check (Documentation/testing.rst).
fuzz:
	@tools/fuzz/run.sh

demo: all
	@tools/demo.sh

checkpatch: $(BUILD)/kver
	@tools/build/checkpatch.sh

install: all
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates/ndiv
	install -m 644 $(BUILD)/modules/*.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/ndiv/
	install -D -m 755 $(BUILD)/bin/ndivctl $(DESTDIR)$(PREFIX)/sbin/ndivctl
	install -D -m 644 $(BUILD)/man/ndivctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/ndivctl.8
	install -D -m 755 $(BUILD)/bin/ndiv-offloadd \
		$(DESTDIR)$(PREFIX)/sbin/ndiv-offloadd
	install -D -m 644 tools/ndiv-offloadd/ndiv-offloadd@.service \
		$(DESTDIR)$(PREFIX)/lib/systemd/system/ndiv-offloadd@.service
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

clean:
	-@[ -z "$(KVER)" ] || $(MAKE) -s -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)/modules $(BUILD)/drivers $(BUILD)/bin $(BUILD)/unit \
		$(BUILD)/man

Module.symvers: | modules

# In-tree build (Documentation/kernel-builders.rst): the whole
# linux-source-6.12 under build/kernel, patches/series applied and ndiv put
# in by tools/build/intree.sh, the Debian config of KVER (or its headers') with
# ndiv and the hooked x86 drivers as modules; builds those objects only
# (mvneta, an ARM driver, is cross-built by the compile suite instead).
KSRC := $(BUILD)/kernel/linux-source-6.12
KSRC_TAR := /usr/src/linux-source-6.12.tar.xz
# A tree patched with other versions of the patches is unpacked afresh:
# intree.sh only skips patches that are applied exactly.
kernel: kver-check $(KVER_FILE)
	@sum=$$(cat patches/series patches/*/*.patch | md5sum); \
	if [ ! -f $(KSRC)/.ndiv-unpacked ] || \
	    [ $(KSRC_TAR) -nt $(KSRC)/.ndiv-unpacked ] || \
	    [ "$$(cat $(KSRC)/.ndiv-patches 2>/dev/null)" != "$$sum" ]; then \
		echo "  UNPACK  $(KSRC_TAR)"; rm -rf $(BUILD)/kernel; \
		mkdir -p $(BUILD)/kernel; \
		tar -xf $(KSRC_TAR) -C $(BUILD)/kernel; \
		touch $(KSRC)/.ndiv-unpacked; fi; \
	echo "$$sum" > $(KSRC)/.ndiv-patches
	@tools/build/intree.sh $(KSRC)
	@cfg=/boot/config-$(KVER); [ -f $$cfg ] || \
		cfg=/lib/modules/$(KVER)/build/.config; \
	echo "  CONFIG  $$cfg + CONFIG_NDIV=m"; cp $$cfg $(KSRC)/.config
	@cd $(KSRC) && scripts/config -m NDIV -m NDIV_BENCH -m NDIV_SLHTTPD \
		-m CONFIGFS_FS -m E1000 -m E1000E -m IGB -m IXGBE -m VETH \
		-m VIRTIO_NET \
		--set-str SYSTEM_TRUSTED_KEYS "" \
		--set-str SYSTEM_REVOCATION_KEYS "" \
		-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 \
		-d DEBUG_INFO_DWARF5 -d DEBUG_INFO_BTF -e DEBUG_INFO_NONE
	@$(MAKE) -s -C $(KSRC) olddefconfig
	@grep -qx CONFIG_NDIV=m $(KSRC)/.config || \
		{ echo "ndiv: CONFIG_NDIV=m did not survive olddefconfig" >&2; exit 1; }
	@$(MAKE) -C $(KSRC) -j$${NDIV_JOBS:-2} net/ndiv/ \
		drivers/net/virtio_net.o drivers/net/veth.o \
		drivers/net/ethernet/intel/e1000/ \
		drivers/net/ethernet/intel/e1000e/ \
		drivers/net/ethernet/intel/igb/ \
		drivers/net/ethernet/intel/ixgbe/

# The lab's instruction counter (tools/lab/insns, ndiv-lab --count-insns):
# a QEMU TCG plugin built against the plugin header of Debian's qemu
# source package, fetched once (tools/lab/insns/get-header.sh).
insns:
	@$(MAKE) -s -C tools/lab/insns O=$(BUILD)/lab/insns

# slhttpd against nginx, side by side in the lab VM, and slhttpd's engine
# natively: build/bench/slhttpd.json, the plot and the table in
# Documentation/benchmarks/slhttpd.rst. Needs root; about 15 minutes.
# Not part of make check. BENCH_* variables: tools/bench/bench-http.sh.
bench-http: all
	@tools/bench/bench-http.sh

# ndiv_bench against xdp-bench (native and generic XDP) in the lab VM:
# build/bench/xdp.json, the plot and the table in
# Documentation/benchmarks/xdp.rst. Needs root; about 15 minutes.
# Not part of make check. BENCH_* variables: tools/bench/bench-xdp.sh.
bench-xdp: all
	@tools/bench/bench-xdp.sh

# The ring to user space natively: round trips per second through the
# portable ring code, a kernel-side and a daemon thread on two CPUs, batch
# sizes 1 and 32 (tools/bench/native/ring_bench.c). JSON on stdout and in
# build/bench/ring-native.json. No root, no VM; about 20 s.
.PHONY: bench-ring-native
bench-ring-native:
	@$(MAKE) -s -C tools/bench/native O=$(BUILD)/bench ring
	@$(BUILD)/bench/ring_bench $(RING_BENCH_ARGS) | \
		tee $(BUILD)/bench/ring-native.json

# The ring to user space natively and in the lab: slhttpd with
# ndiv-offloadd --echo against nginx proxy_pass to a local upstream
# (tools/bench/bench-ring.sh). Writes build/bench/ring.json and
# Documentation/benchmarks/ring.rst; about 2 minutes.
.PHONY: bench-ring
bench-ring: all
	@tools/bench/bench-ring.sh

# libndiv, the daemon's side of the ring (tools/libndiv): built with the
# tools into build/lib, installed with make install (library, libndiv.h,
# <linux/ndiv_ring.h>, libndiv.pc).
.PHONY: libndiv install-libndiv
tools: libndiv
libndiv:
	@$(MAKE) -s -C tools/libndiv O=$(BUILD)/lib
install: install-libndiv
install-libndiv: libndiv
	@$(MAKE) -s -C tools/libndiv O=$(BUILD)/lib DESTDIR=$(DESTDIR) \
		PREFIX=$(PREFIX) install
	@[ -n "$(DESTDIR)" ] || ldconfig
clean: clean-libndiv
# ndiv-offloadd, the daemon on libndiv (tools/ndiv-offloadd).
.PHONY: offloadd
tools: offloadd
offloadd: libndiv
	@$(MAKE) -s -C tools/ndiv-offloadd O=$(BUILD)/bin LIBNDIV=$(BUILD)/lib
.PHONY: clean-libndiv
clean-libndiv:
	rm -rf $(BUILD)/lib
