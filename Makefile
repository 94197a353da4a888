# casroot — build, test, demo, bench and install.
# Missing build or test dependencies are installed first (scripts/install-deps.sh).

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

NO_DEPS_GOALS := clean format help
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell scripts/install-deps.sh --check >/dev/null 2>&1 && echo ok),ok)
$(info casroot: installing missing dependencies with scripts/install-deps.sh)
DEPS_RC := $(shell scripts/install-deps.sh >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error dependencies are missing and could not be installed; run: sudo scripts/install-deps.sh)
endif
endif
endif

pkg_cflags = $(shell pkg-config --cflags $(1))
pkg_libs = $(shell pkg-config --libs $(1))

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
override CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -DCASROOT_VERSION='"$(VERSION)"' \
	-Iinclude -I$(BUILD)/gen -MMD -MP

LIB_PKGS := libprotobuf-c libcrypto
FUSE_PKGS := fuse3
RUNNER_PKGS := libcap json-c

LIB_SRCS := $(wildcard lib/*.c)
CLI_SRCS := $(wildcard cli/*.c)
FUSE_SRCS := $(wildcard fuse/*.c)
RUNNER_SRCS := $(wildcard runner/*.c)
ENV_SRCS := fuse/env/env.c fuse/env/env_args.c
GEN_SRCS := $(BUILD)/gen/reapi.pb-c.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/reapi.pb-c.o
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
FUSE_OBJS := $(FUSE_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/fuse/env_blob.o
RUNNER_OBJS := $(RUNNER_SRCS:%.c=$(BUILD)/obj/%.o)
ENV_BIN := $(BUILD)/env/env
LIBCASROOT := $(BUILD)/libcasroot.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

BINS := $(BUILD)/bin/casroot $(BUILD)/bin/casrootfs $(BUILD)/bin/casroot-run

.PHONY: all check unit integration demo bench install clean format format-check fuzz help
all: $(BINS)

help:
	@echo "make [all] | check | demo | bench | install PREFIX=… DESTDIR=… | format | clean"

$(BUILD)/gen/reapi.pb-c.c $(BUILD)/gen/reapi.pb-c.h: lib/reapi.proto
	@mkdir -p $(BUILD)/gen
	@echo "  PROTOC  $@"
	$(Q)protoc-c --proto_path=lib --c_out=$(BUILD)/gen $<

$(BUILD)/obj/gen/reapi.pb-c.o: $(BUILD)/gen/reapi.pb-c.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -Wno-shadow $(call pkg_cflags,$(LIB_PKGS)) -c -o $@ $<

$(BUILD)/obj/%.o: %.c | $(BUILD)/gen/reapi.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(call pkg_cflags,$(LIB_PKGS) $(FUSE_PKGS) $(RUNNER_PKGS)) -c -o $@ $<

$(BUILD)/obj/fuse/%.o: override CFLAGS += -DFUSE_USE_VERSION=312

# The static env that casrootfs serves as /usr/bin/env.
$(ENV_BIN): $(ENV_SRCS) fuse/env/env_args.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 $(WARNINGS) -O2 -static -o $@ $(ENV_SRCS)

$(BUILD)/obj/fuse/env_blob.o: fuse/env_blob.S $(ENV_BIN)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -c -DENV_BINARY='"$(ENV_BIN)"' -o $@ $<

$(LIBCASROOT): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(BUILD)/bin/casroot: $(CLI_OBJS) $(LIBCASROOT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(LIB_PKGS) json-c) -lm

$(BUILD)/bin/casrootfs: $(FUSE_OBJS) $(LIBCASROOT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(FUSE_PKGS) json-c $(LIB_PKGS)) -lpthread

# The runner knows nothing of the CAS: it links only the logging helpers.
$(BUILD)/bin/casroot-run: $(RUNNER_OBJS) $(BUILD)/obj/lib/log.o $(BUILD)/obj/lib/util.o
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(RUNNER_PKGS)) -lm

$(BUILD)/tests/test_inode: tests/unit/test_inode.c fuse/inode.c $(LIBCASROOT) | $(BUILD)/gen/reapi.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -DFUSE_USE_VERSION=312 -Ifuse $(call pkg_cflags,cmocka fuse3) -o $@ $(filter %.c,$^) \
		$(LIBCASROOT) $(call pkg_libs,cmocka $(LIB_PKGS))

$(BUILD)/tests/test_pool: tests/unit/test_pool.c fuse/pool.c $(LIBCASROOT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -Ifuse $(call pkg_cflags,cmocka) -o $@ $(filter %.c,$^) $(LIBCASROOT) \
		$(call pkg_libs,cmocka)

$(BUILD)/tests/test_env: tests/unit/test_env.c fuse/env/env_args.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -Ifuse/env $(call pkg_cflags,cmocka) -o $@ $(filter %.c,$^) $(call pkg_libs,cmocka)

$(BUILD)/tests/%: tests/unit/%.c $(LIBCASROOT) | $(BUILD)/gen/reapi.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(call pkg_cflags,cmocka $(LIB_PKGS)) -o $@ $< $(LIBCASROOT) \
		$(call pkg_libs,cmocka $(LIB_PKGS))

# Static programs the integration tests and the demo run inside roots.
TOOLS := $(BUILD)/tools/ls-proc $(BUILD)/tools/probe
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -O2 -static -o $@ $<

unit: $(UNIT_BINS) $(TOOLS)

check: all unit format-check
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5
	tests/run.sh $(BUILD)

# libFuzzer targets over the parsers that take untrusted bytes; `make fuzz`
# runs each for FUZZ_SECONDS from the seeds in tests/fuzz/corpus/.
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(BUILD)/gen/reapi.pb-c.c $(BUILD)/gen/reapi.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=gnu11 $(WARNINGS) \
		-D_GNU_SOURCE -DCASROOT_VERSION='"$(VERSION)"' -Iinclude -I$(BUILD)/gen $(call pkg_cflags,$(LIB_PKGS)) \
		-o $@ $< $(LIB_SRCS) $(BUILD)/gen/reapi.pb-c.c $(call pkg_libs,$(LIB_PKGS))

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		name=$${t##*/fuzz_}; mkdir -p $(BUILD)/fuzz/corpus-$$name; \
		if $$t -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$name tests/fuzz/corpus/$$name \
			>$(BUILD)/fuzz/$$name.log 2>&1; then \
			echo "fuzz $$name: $$(grep -o 'Done [0-9]* runs' $(BUILD)/fuzz/$$name.log), no failure"; \
		else tail -n 40 $(BUILD)/fuzz/$$name.log; echo "fuzz $$name: FAILED (inputs in $(BUILD)/fuzz)"; exit 1; fi; \
	done

demo: all $(TOOLS)
	scripts/demo.sh $(BUILD)

bench: all $(TOOLS)
	scripts/bench.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/

FORMATTED := $(LIB_SRCS) $(CLI_SRCS) $(FUSE_SRCS) $(RUNNER_SRCS) $(ENV_SRCS) $(UNIT_SRCS) \
	$(wildcard tests/tools/*.c tests/fuzz/*.c include/casroot/*.h cli/*.h fuse/*.h fuse/env/*.h runner/*.h tests/unit/*.h)

format-check:
	@clang-format --dry-run -Werror $(FORMATTED) && echo "format: clean"

format:
	clang-format -i $(FORMATTED)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
