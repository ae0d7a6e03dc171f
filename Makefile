# hvsim - discrete-event simulator of hypervisor resource allocation and
# vCPU scheduling.  One plain Makefile: sources are found by wildcard, so a
# new policy or trace format is one new file (plus its line in the
# *-list.h registry), never a Makefile edit.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BUILD     ?= build
CC        ?= cc
# zlib, liblzma, libzstd, libbz2: compressed traces (workloads/decompress.c);
# libbz2 has no pkg-config file on Debian, hence -lbz2 below.
PKGS      := gsl jansson zlib liblzma libzstd
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -pthread
WARN      := -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wno-missing-field-initializers
OPT       ?= -O2 -g
SAN       ?=
DATADIR   ?= $(PREFIX)/share/hvsim

CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) $(SAN) -I. -MMD -MP \
              -DHVSIM_VERSION='"$(VERSION)"' -DHVSIM_DATADIR='"$(DATADIR)"' \
              $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LDLIBS_ALL := $(shell pkg-config --libs $(PKGS)) -lbz2 -lm $(LDLIBS)

# The layers, bottom first: a file may include its own folder and the
# folders before it, never one after it (scripts/check-layers.sh, run by
# `make test`; README.md, "Architecture").
LAYERS   := base workloads models calibrate schedulers allocators consolidation sim report cli
LIB_SRC  := $(filter-out cli/main.c,$(foreach d,$(LAYERS),$(wildcard $(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/cli/main.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC := $(wildcard scripts/bench/*.c)

.PHONY: all test test-plugin test-sweep asan bench demo validate clean install deps
all: $(BUILD)/hvsim docs/hvsim.1

# The man page is generated from the commands' option tables and the
# registries (cli/cmd-man.c); a test checks that docs/hvsim.1 is what the
# binary prints, so it cannot drift from --help.
docs/hvsim.1: $(BUILD)/hvsim
	HVSIM_DATA=models $(BUILD)/hvsim --man > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libhvsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The whole library, its symbols exported (-rdynamic): a policy plug-in
# (--sched PATH.so) calls the helpers a policy may use (schedulers/sched.h)
# from the binary that loads it.
WHOLE_LIB = -rdynamic -Wl,--whole-archive $(BUILD)/libhvsim.a -Wl,--no-whole-archive

$(BUILD)/hvsim: $(MAIN_OBJ) $(BUILD)/libhvsim.a
	$(CC) $(CFLAGS_ALL) -o $@ $(MAIN_OBJ) $(WHOLE_LIB) $(LDLIBS_ALL) -ldl

$(BUILD)/hvsim-tests: $(TEST_OBJ) $(BUILD)/libhvsim.a
	$(CC) $(CFLAGS_ALL) -o $@ $(TEST_OBJ) $(WHOLE_LIB) $(shell pkg-config --libs criterion) \
	    $(LDLIBS_ALL) -ldl

# Tests run with the directory of the repository as working directory; they
# find the binary under test through HVSIM_BIN.
test: $(BUILD)/hvsim $(BUILD)/hvsim-tests docs/hvsim.1
	scripts/check-layers.sh $(LAYERS)
	HVSIM_BIN=$(BUILD)/hvsim HVSIM_DATA=models $(BUILD)/hvsim-tests $(TEST_ARGS)
	$(MAKE) --no-print-directory test-plugin test-sweep

# The plug-in ABI: install into a staging prefix, build examples/lottery
# against it, run it (tests/plugin/test_plugin.sh).
test-plugin: $(BUILD)/hvsim $(BUILD)/hvsim-tests
	BUILD=$(BUILD) TEST_ARGS='$(TEST_ARGS)' tests/plugin/test_plugin.sh

# scripts/sweep through GNU parallel and a single-node Slurm started by the test.
test-sweep: $(BUILD)/hvsim
	HVSIM_BIN=$(BUILD)/hvsim tests/sweep/test_sweep.sh

# One test at a time (--jobs=1): Criterion 2.4.1 (its BoxFort timeout
# killer) leaks a 48-byte timeout request in the runner when two tests with
# a .timeout overlap, and LeakSanitizer then fails the whole run although
# every test passed.  Serial, the sanitizer run takes about 1.5x as long.
asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined' \
	    TEST_ARGS='--jobs=1 $(TEST_ARGS)' test

$(BUILD)/bench/%: scripts/bench/%.c $(BUILD)/libhvsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# SimGrid's M/M/1, for the side-by-side row: only where SimGrid is
# installed (Debian: libsimgrid-dev; make bench says so otherwise).
SIMGRID_BENCH := $(if $(shell pkg-config --exists simgrid && echo y),$(BUILD)/bench/simgrid-mm1)
$(BUILD)/bench/simgrid-mm1: scripts/bench/simgrid-mm1.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -Wall -Wextra -Werror -o $@ $< \
	    $(shell pkg-config --cflags --libs simgrid gsl)

bench: $(BUILD)/hvsim $(BENCH_SRC:scripts/bench/%.c=$(BUILD)/bench/%) $(SIMGRID_BENCH)
	BUILD=$(BUILD) scripts/bench.sh

$(BUILD)/validate: scripts/validate.c $(BUILD)/tests/validation.o $(BUILD)/tests/validation-sched.o \
                   $(BUILD)/libhvsim.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

validate: $(BUILD)/validate
	$(BUILD)/validate

# The README's first command: installs what is missing, builds, runs.
demo:
	scripts/deps.sh
	$(MAKE) $(BUILD)/hvsim
	HVSIM_BIN=$(BUILD)/hvsim scripts/demo.sh

deps:
	scripts/deps.sh

# The headers a policy plug-in needs (the plug-in ABI, base/registry.h),
# installed under PREFIX/include/hvsim with their folders, and hvsim.pc.
ABI_HEADERS := base/types.h base/error.h base/xalloc.h base/param.h base/registry.h \
               base/evq.h base/otree.h base/dist.h base/zigexp.h base/latstat.h models/hw.h \
               models/platform.h \
               workloads/trace.h schedulers/sched.h allocators/alloc.h allocators/place.h
INCLUDEDIR  ?= $(PREFIX)/include/hvsim
PCDIR       ?= $(PREFIX)/lib/pkgconfig

install: $(BUILD)/hvsim
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/hvsim $(DESTDIR)$(PREFIX)/bin/hvsim
	cp -r models/profiles models/classes models/power $(DESTDIR)$(DATADIR)/
	install -m 644 docs/hvsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	for h in $(ABI_HEADERS); do \
	    install -d $(DESTDIR)$(INCLUDEDIR)/$$(dirname $$h) && \
	    install -m 644 $$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; \
	done
	install -d $(DESTDIR)$(PCDIR)
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$(INCLUDEDIR)' '' 'Name: hvsim' \
	    'Description: headers for hvsim policy plug-ins (hvsim run --sched PATH.so)' \
	    'Version: $(VERSION)' 'Requires: gsl jansson' 'Cflags: -I$${includedir}' \
	    > $(DESTDIR)$(PCDIR)/hvsim.pc

clean:
	rm -rf build build-*

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# Fuzzing with clang's libFuzzer: one target per trace reader
# (tests/fuzz/fuzz_<fmt>.c, tests/fuzz/harness.h) and per other input
# (config, generate, duration, platform, profile, summary:
# tests/fuzz/targets.h), each run for FUZZ_SECONDS, seeded from
# tests/fuzz/corpus/<name>.  New inputs collect in build-fuzz/corpus/<name>,
# failing ones in build-fuzz/crashes/ (copy them to
# tests/fuzz/regress/<name> so that `make test` replays them).
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_FMTS    := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzz-lib
# The library again, built by clang with coverage for libFuzzer and the
# sanitizers, in its own directory.
fuzz-lib:
	$(MAKE) BUILD=$(FUZZ_BUILD)/lib CC=$(FUZZ_CC) OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=fuzzer-no-link $(FUZZ_SAN)' $(FUZZ_BUILD)/lib/libhvsim.a

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/harness.h tests/fuzz/targets.h fuzz-lib
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g -I. -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
	    $(FUZZ_BUILD)/lib/libhvsim.a $(LDLIBS_ALL)

fuzz: $(FUZZ_FMTS:%=$(FUZZ_BUILD)/fuzz_%)
	@mkdir -p $(FUZZ_BUILD)/crashes $(FUZZ_BUILD)/logs
	@failed=""; for f in $(FUZZ_FMTS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$f; \
	    echo "== fuzz_$$f for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -max_len=65536 -artifact_prefix=$(FUZZ_BUILD)/crashes/$$f- -print_final_stats=1 \
	        $(FUZZ_BUILD)/corpus/$$f tests/fuzz/corpus/$$f > $(FUZZ_BUILD)/logs/$$f.log 2>&1 \
	        || failed="$$failed $$f"; \
	    grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' \
	        $(FUZZ_BUILD)/logs/$$f.log; \
	done; \
	ls $(FUZZ_BUILD)/crashes | sed 's/^/crash: /'; \
	if [ -n "$$failed" ]; then \
	    echo "fuzz: a target failed:$$failed (logs in $(FUZZ_BUILD)/logs, inputs in $(FUZZ_BUILD)/crashes)" >&2; \
	    exit 1; \
	fi
