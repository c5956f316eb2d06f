# kfdo — see README.md. `make check` installs what is missing, builds, runs every test.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

PKGS    := ncursesw libcpuid libalpm libarchive libelf json-c zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpfm -lm

CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifneq ($(CI),)
WARN    += -Werror
endif
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -DKFDO_VERSION='"$(VERSION)"' \
	-DLOCALEDIR='"$(PREFIX)/share/locale"' -I. $(PKG_CFLAGS) $(CFLAGS)

# The layers, lowest first (README, Layout): base, proc, detect and engine build into
# libkfdo.a; tui (the wizard, the only curses code) and cli (main and the command line) link it.
LIB_SRC  := $(sort $(wildcard base/*.c proc/*.c detect/*.c engine/*.c))
TUI_SRC  := $(sort $(wildcard tui/*.c cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOLS    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
LIBKFDO  := $(BUILD)/libkfdo.a
KFDO     := $(BUILD)/kfdo

.PHONY: all deps deps-test check check-e2e check-fresh unit cli-tests tui-tests tools asan bench pot po-check locales run install version clean
all: $(KFDO)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Made afresh: ar would keep the object of a source file since removed or renamed,
# and the linker could take a stale definition from it.
$(LIBKFDO): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(KFDO): $(TUI_OBJ) $(LIBKFDO)
	$(CC) $(ALL_CFLAGS) -o $@ $(TUI_OBJ) $(LIBKFDO) $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testlib.h $(LIBKFDO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -MMD -MP -o $@ $< $(EXTRA_OBJ) $(LIBKFDO) \
		$(PKG_LIBS) $(shell pkg-config --libs cmocka) $(LDFLAGS)

# Test programs (trace generators, log floods, fault injectors): tests and
# benchmarks run them, they are never installed.
$(BUILD)/tools/%: tests/tools/%.c $(LIBKFDO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(EXTRA_OBJ) $(LIBKFDO) $(PKG_LIBS) $(LDFLAGS)
tools: $(TOOLS)

# The log widget is in tui/, yet its unit test and its demo run it alone: they
# link its objects too.
LOGVIEW_OBJ := $(BUILD)/tui/logview.o $(BUILD)/tui/logview_draw.o
LOGVIEW_USERS := $(BUILD)/tests/test_logview $(BUILD)/tools/logview_demo $(BUILD)/tools/logview_bench
$(LOGVIEW_USERS): $(LOGVIEW_OBJ)
$(LOGVIEW_USERS): EXTRA_OBJ = $(LOGVIEW_OBJ)
# The same for the word wrap every screen uses (its theme gives text.c its colours).
TEXT_OBJ := $(BUILD)/tui/text.o $(BUILD)/tui/theme.o
$(BUILD)/tests/test_text: $(TEXT_OBJ)
$(BUILD)/tests/test_text: EXTRA_OBJ = $(TEXT_OBJ)

-include $(LIB_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(TESTS:=.d) $(TOOLS:=.d)

# Installs the build and run dependencies that are missing (sudo when not root).
deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

# Every test: unit tests, the CLI tests against the real binary, then both once
# more built with AddressSanitizer + UndefinedBehaviorSanitizer.
check: deps deps-test
	@mkdir -p $(BUILD) && rm -f $(BUILD)/tally
	@KFDO_TEST_TALLY=$(abspath $(BUILD))/tally $(MAKE) --no-print-directory po-check unit cli-tests tui-tests
	@KFDO_TEST_TALLY=$(abspath $(BUILD))/tally $(MAKE) --no-print-directory asan
	@awk '{p += $$1; f += $$2} END {printf "all tests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0)}' $(BUILD)/tally

unit: $(TESTS) $(KFDO) $(TOOLS)
	@KFDO_TOOLS=$(abspath $(BUILD))/tools scripts/run-tests.sh unit $(TESTS)

cli-tests: $(KFDO) $(TOOLS)
	@KFDO=$(KFDO) KFDO_TOOLS=$(abspath $(BUILD))/tools scripts/run-tests.sh cli $(sort $(wildcard tests/cli/test_*.sh))

# The wizard in a real terminal: a private tmux server per script (tests/tui/lib.sh).
tui-tests: $(KFDO) $(TOOLS) locales
	@KFDO=$(abspath $(KFDO)) KFDO_TOOLS=$(abspath $(BUILD))/tools KFDO_LOCALEDIR=$(abspath $(BUILD))/locale \
		scripts/run-tests.sh cli $(sort $(wildcard tests/tui/test_*.sh))

asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit cli-tests

# A sub-make, so pkg-config sees what deps just installed on a fresh machine.
# Real kernel builds (Debian's linux-source-6.12, tinyconfig, clang-19): minutes.
# One test at a time: each build already uses every core, they share one tree
# and its build directories, and test_build checks that nothing of its own
# kernel build is left running, which a neighbour's build would contradict.
check-e2e: deps deps-test
	@scripts/deps.sh e2e
	@$(MAKE) --no-print-directory $(KFDO)
	@$(MAKE) --no-print-directory $(KFDO) $(TOOLS) locales
	@KFDO_TEST_JOBS=1 KFDO=$(abspath $(KFDO)) KFDO_TOOLS=$(abspath $(BUILD))/tools KFDO_LOCALEDIR=$(abspath $(BUILD))/locale \
		E2E_DIR=$(abspath $(BUILD))/e2e scripts/run-tests.sh cli $(sort $(wildcard tests/e2e/test_*.sh))

# The README's two commands (make run, make check) on a fresh Debian root made with
# mmdebstrap, as root and as a user with sudo: proves the install step is complete.
# Needs root; about 30 minutes, most of it installing and make check twice.
check-fresh:
	@FRESH_DIR=$(abspath $(BUILD))/fresh scripts/check-fresh.sh

# Figures against baselines measured in the same run (BENCHMARKS.md); never fails on a number.
bench: deps
	@scripts/deps.sh e2e
	@$(MAKE) --no-print-directory $(KFDO) $(TOOLS)
	@KFDO=$(abspath $(KFDO)) KFDO_TOOLS=$(abspath $(BUILD))/tools BENCH_DIR=$(abspath $(BUILD))/bench scripts/bench.sh

# Translations: po/kfdo.pot from the sources in po/POTFILES.in, one catalog per
# language in po/LINGUAS. po-check fails when kfdo.pot is out of date. Locations
# name the file, not the line, so an edit that moves a message does not date it.
LINGUAS := $(shell sed "s/#.*//" po/LINGUAS 2>/dev/null)
MOS     := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/kfdo.mo)
XGETTEXT = xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --add-comments=TRANSLATORS \
	--package-name=kfdo --package-version=$(VERSION) --msgid-bugs-address='the kfdo issue tracker' --sort-by-file --add-location=file
pot:
	@$(XGETTEXT) --files-from=po/POTFILES.in -o po/kfdo.pot.new && \
		sed -i '/^"POT-Creation-Date:/d' po/kfdo.pot.new && mv po/kfdo.pot.new po/kfdo.pot
	@$(foreach l,$(LINGUAS),msgmerge -q --update --backup=none --add-location=file po/$(l).po po/kfdo.pot;) true
po-check:
	@scripts/po-check.sh $(VERSION)
$(BUILD)/locale/%/LC_MESSAGES/kfdo.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
locales: $(MOS)

# The wizard on a terminal; without one (CI, a pipe) the hardware check instead.
run: deps
	@$(MAKE) --no-print-directory $(KFDO)
	@if [ -t 0 ] && [ -t 1 ]; then $(KFDO); else $(KFDO) detect || true; fi  # detect's status is its verdict

# The binary, its catalogs, the man page, the completions where bash-completion, zsh and fish
# look for them, and the licence when the tree has one. tests/cli/test_install.sh lists them.
install: $(KFDO) $(MOS)
	install -Dm755 $(KFDO) $(DESTDIR)$(PREFIX)/bin/kfdo
	$(foreach l,$(LINGUAS),install -Dm644 $(BUILD)/locale/$(l)/LC_MESSAGES/kfdo.mo \
		$(DESTDIR)$(PREFIX)/share/locale/$(l)/LC_MESSAGES/kfdo.mo;) true
	install -Dm644 doc/kfdo.1 $(DESTDIR)$(PREFIX)/share/man/man1/kfdo.1
	install -Dm644 completions/kfdo.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kfdo
	install -Dm644 completions/_kfdo $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_kfdo
	install -Dm644 completions/kfdo.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/kfdo.fish
	$(if $(wildcard LICENSE),install -Dm644 LICENSE $(DESTDIR)$(PREFIX)/share/licenses/kfdo/LICENSE)

# The version alone (packaging/arch/PKGBUILD's pkgver()).
version:
	@echo $(VERSION)

clean:
	rm -rf $(BUILD)
