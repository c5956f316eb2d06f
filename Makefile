# kfdo — see README.md. `make check` installs what is missing, builds, runs every test.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

PKGS    := ncursesw libcpuid libalpm libelf json-c zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpfm

CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifneq ($(CI),)
WARN    += -Werror
endif
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -DKFDO_VERSION='"$(VERSION)"' \
	-DLOCALEDIR='"$(PREFIX)/share/locale"' -I. $(PKG_CFLAGS) $(CFLAGS)

LIB_SRC  := $(sort $(wildcard core/*.c detect/*.c))
TUI_SRC  := $(sort $(wildcard tui/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBKFDO  := $(BUILD)/libkfdo.a
KFDO     := $(BUILD)/kfdo

.PHONY: all deps deps-test check check-e2e unit cli-tests asan run install clean
all: $(KFDO)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBKFDO): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(KFDO): $(TUI_OBJ) $(LIBKFDO)
	$(CC) $(ALL_CFLAGS) -o $@ $(TUI_OBJ) $(LIBKFDO) $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testlib.h $(LIBKFDO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -MMD -MP -o $@ $< $(LIBKFDO) \
		$(PKG_LIBS) $(shell pkg-config --libs cmocka) $(LDFLAGS)

-include $(LIB_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(TESTS:=.d)

# Installs the build and run dependencies that are missing (sudo when not root).
deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

# Every test: unit tests, the CLI tests against the real binary, then both once
# more built with AddressSanitizer + UndefinedBehaviorSanitizer.
check: deps deps-test
	@mkdir -p $(BUILD) && rm -f $(BUILD)/tally
	@KFDO_TEST_TALLY=$(abspath $(BUILD))/tally $(MAKE) --no-print-directory unit cli-tests
	@KFDO_TEST_TALLY=$(abspath $(BUILD))/tally $(MAKE) --no-print-directory asan
	@awk '{p += $$1; f += $$2} END {printf "all tests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0)}' $(BUILD)/tally

unit: $(TESTS) $(KFDO)
	@scripts/run-tests.sh unit $(TESTS)

cli-tests: $(KFDO)
	@KFDO=$(KFDO) scripts/run-tests.sh cli $(sort $(wildcard tests/cli/test_*.sh))

asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit cli-tests

# A sub-make, so pkg-config sees what deps just installed on a fresh machine.
# Real kernel builds (Debian's linux-source-6.12, tinyconfig, clang-19): minutes.
check-e2e: deps
	@scripts/deps.sh e2e
	@$(MAKE) --no-print-directory $(KFDO)
	@KFDO=$(abspath $(KFDO)) E2E_DIR=$(abspath $(BUILD))/e2e scripts/run-tests.sh cli $(sort $(wildcard tests/e2e/test_*.sh))

run: deps
	@$(MAKE) --no-print-directory $(KFDO)
	@$(KFDO) detect || true  # its exit status is the verdict, not a make error

install: $(KFDO)
	install -Dm755 $(KFDO) $(DESTDIR)$(PREFIX)/bin/kfdo

clean:
	rm -rf $(BUILD)
