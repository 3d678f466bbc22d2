# SPDX-License-Identifier: GPL-2.0
#
# ndiv: in-driver packet processing apps.
#
#   make            build the core, the apps, the patched drivers, ndivctl
#   make demo       boot the lab and show an app at work
#   make check      all tests; ends with "N passed, N failed"
#   make install    install modules (updates/) and ndivctl on this machine
#
# Debian packages the build needs are installed by tools/deps.sh.

TOP := $(CURDIR)
BUILD := $(TOP)/build
KVER ?= $(shell cat $(BUILD)/kver 2>/dev/null)
KDIR = /lib/modules/$(KVER)/build
DRIVERS := $(patsubst drivers/%/sources,%,$(wildcard drivers/*/sources))
DESTDIR ?=
PREFIX ?= /usr/local

.PHONY: all deps modules drivers tools check check-unit demo install \
	clean checkpatch bench bench-http help

all: modules drivers tools

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

# The kernel version comes from the installed linux-source-6.12; deps.sh
# installs what is missing and prints it.
$(BUILD)/kver: tools/deps.sh
	@mkdir -p $(BUILD)
	@tools/deps.sh --print-kver | tail -n 1 > $@.tmp && mv $@.tmp $@

deps: $(BUILD)/kver
	@tools/deps.sh

modules: $(BUILD)/kver
	@$(MAKE) -s -C /lib/modules/$$(cat $(BUILD)/kver)/build M=$(TOP) modules
	@mkdir -p $(BUILD)/modules
	@cp ndiv/ndiv.ko ndiv/bench/ndiv_bench.ko slhttpd/slhttpd.ko \
		$(BUILD)/modules/

drivers: $(patsubst %,$(BUILD)/drivers/%.stamp,$(DRIVERS))

# Rebuilt when its patches, glue or the core's exports change.
$(BUILD)/drivers/%.stamp: drivers/%/* patches/%/* ndiv/include/*/*.h \
		Module.symvers | modules
	@echo "  DRIVER  $*"
	@tools/build-driver.sh $* $$(cat $(BUILD)/kver)
	@touch $@

tools: $(BUILD)/kver
	@mkdir -p $(BUILD)/bin
	@$(MAKE) -s -C tools/ndivctl O=$(BUILD)/bin

check: all
	@tests/run.sh

check-unit:
	@tests/run.sh unit

demo: all
	@tools/demo.sh

checkpatch: $(BUILD)/kver
	@tools/checkpatch.sh

install: all
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates/ndiv
	install -m 644 $(BUILD)/modules/*.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/ndiv/
	install -D -m 755 $(BUILD)/bin/ndivctl $(DESTDIR)$(PREFIX)/sbin/ndivctl
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

clean:
	-@[ -z "$(KVER)" ] || $(MAKE) -s -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)/modules $(BUILD)/drivers $(BUILD)/bin $(BUILD)/unit

Module.symvers: | modules

# slhttpd against nginx, side by side in the lab VM, and slhttpd's engine
# natively: build/bench/slhttpd.json, the plot and the table in
# Documentation/benchmarks/slhttpd.rst. Needs root; about 15 minutes.
# Not part of make check. BENCH_* variables: tools/bench/bench-http.sh.
bench-http: all
	@tools/bench/bench-http.sh
