# SPDX-License-Identifier: GPL-2.0
#
# Copyright (C) 2026 The shoal authors.
#
# make            shoal.ko and tools/shoal
# make test       the selftest suite, in a QEMU VM booted from Debian's kernel
# make test KERNEL=debug   the same on a debug kernel (KASAN, lockdep,
#                 kmemleak, KFENCE, UBSAN), built on first use
# make demo       boot the VM and show shoal devices in network namespaces
# make check      sparse (C=2) and W=1 over the module; any warning fails
# make style      checkpatch.pl --strict over the module and uapi header
# make install    module into /lib/modules/$(KVER)/updates + depmod, and tool
# make dkms-install   sources into /usr/src/shoal-VERSION, dkms build and
#                 install for $(KVER); replaces what DKMS held of this
#                 version (DKMS rebuilds it for other kernels as they boot)

SHOAL_CACHE ?= $(HOME)/.cache/shoal
VM_RUN := $(CURDIR)/selftests/vm/run
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# The running kernel's build tree when there is one; otherwise (a host whose
# kernel cannot load modules, like the CI machines) Debian's 6.1 headers, as
# fetched and cached by the VM harness.
KERNELRELEASE_HOST := $(shell uname -r)
KDIR ?= $(or $(wildcard /lib/modules/$(KERNELRELEASE_HOST)/build),$(shell $(CURDIR)/selftests/vm/fetch-kernel --headers))
# The release modules are installed for (uname -r on that kernel); Debian's
# include/config/kernel.release holds the upstream version instead.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

all: module tool

# Kbuild runs in the kernel tree and names its headers relative to it, so
# objects built for another kernel (Debian's, the debug one) look up to
# date: a change of KDIR starts over.
module:
	@if [ "$$(cat .shoal-kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@echo "$(KDIR)" >.shoal-kdir

module-debug:
	$(MAKE) -C $(KDIR) M=$(CURDIR) SHOAL_DEBUG=y modules

tool:
	$(MAKE) -C tools

# sparse over every file; W=1 makes compiler warnings visible, and any
# diagnostic line at all fails the target.
check:
	@command -v sparse >/dev/null || apt-get install -y sparse
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 W=1 modules 2>&1 | tee .check.log
	@! grep -E 'warning:|error:' .check.log
	@rm -f .check.log
	$(MAKE) -C tools clean all

CHECKPATCH := $(SHOAL_CACHE)/checkpatch/scripts/checkpatch.pl
$(CHECKPATCH):
	@test -f /usr/src/linux-source-6.1.tar.xz || apt-get install -y linux-source-6.1
	mkdir -p $(SHOAL_CACHE)/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(SHOAL_CACHE)/checkpatch \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch

style: $(CHECKPATCH)
	perl $(CHECKPATCH) --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f module/*.[ch] uapi/linux/shoal.h

# KERNEL=debug boots a kernel built from Debian's source with the sanitizers
# (selftests/vm/build-debug-kernel: about half an hour on two cores, once;
# then cached), on which the suite runs about four and a half times slower
# (6,128 s of scripts against 1,352 s, alone on 2 cores, 2026-12-04).
# TESTS="device_test.sh netlink_test.sh" runs only those.
KERNEL ?= stock
TESTS ?=
TEST_FLAGS_stock := --timeout 4800
TEST_FLAGS_debug := --kernel debug --timeout 14400

test:
	$(if $(TEST_FLAGS_$(KERNEL)),,$(error KERNEL is stock or debug, not '$(KERNEL)'))
	selftests/deps.sh
	$(VM_RUN) $(TEST_FLAGS_$(KERNEL)) selftests/run_tests.sh $(TESTS)

demo:
	selftests/deps.sh
	$(VM_RUN) selftests/demo.sh

# shoal against veth, VXLAN and WireGuard, one VM boot per CPU model:
# bench/results.json, plots, a table (Documentation/performance.rst).
bench:
	selftests/bench/run

install: module tool
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	$(MAKE) -C tools install

dkms-install:
	@command -v dkms >/dev/null || apt-get install -y dkms
	if dkms status -m shoal -v $(VERSION) | grep shoal >/dev/null; then \
		dkms remove -m shoal -v $(VERSION) --all; fi
	rm -rf /usr/src/shoal-$(VERSION)
	mkdir -p /usr/src/shoal-$(VERSION)
	cp -r Kbuild Makefile dkms.conf module uapi /usr/src/shoal-$(VERSION)/
	dkms add -m shoal -v $(VERSION)
	dkms build -m shoal -v $(VERSION) -k $(KVER)
	dkms install -m shoal -v $(VERSION) -k $(KVER)

# Without KDIR, so that cleaning never fetches a kernel.
clean:
	rm -rf *.ko *.mod *.mod.c *.o .*.cmd module/*.o module/.*.cmd \
		Module.symvers modules.order .check.log .shoal-kdir
	$(if $(wildcard tools/Makefile),$(MAKE) -C tools clean)

.PHONY: all module module-debug tool check style test demo bench install \
	dkms-install clean
