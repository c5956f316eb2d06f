#!/usr/bin/env bash
# Installs what kfdo needs with the system's package manager, and nothing when
# everything is already there.   deps.sh build | test | e2e
#   build: libraries and tools to build and run kfdo
#   test:  what `make check` needs on top (tmux, git and procps for the TUI tests, the real LLVM
#          the toolchain tests detect, makepkg for the package tests, locales for the German test,
#          perf for the recordings, the benchmark workloads' tools, man-db, zsh and fish for the
#          man page and completion tests)
#   e2e:   what `make check-e2e` needs: LLVM 19 and a kernel tree to build
set -eu
want=${1:-build}

. /etc/os-release 2>/dev/null || true
family=unknown
case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) family=debian ;;
    *" arch "*|*" cachyos "*) family=arch ;;
esac

debian_build="build-essential pkg-config gettext libncurses-dev libpfm4-dev libcpuid-dev
 libalpm-dev libarchive-dev libcurl4-openssl-dev libgpgme-dev libelf-dev libjson-c-dev
 zlib1g-dev libcmocka-dev"
# makepkg and what it packs with: the package tests build real packages; locales: the German test;
# autofdo: Debian's create_llvm_prof 0.19, too old for kernel profiles, which kfdo must tell;
# man-db (man --warnings): the man page's lint; zsh, fish: the completions are run in them.
debian_test="tmux git procps clang-19 lld-19 llvm-19 locales makepkg libarchive-tools fakeroot zstd xz-utils
 linux-perf stress-ng sysbench rt-tests autofdo man-db zsh fish"
# Real kernel builds for make check-e2e.
# rsync: make pacman-pkg's -api-headers package runs headers_install, which needs it.
# clang-14, lld-14, llvm-14: bookworm's default LLVM, the "other clang" whose syncconfig drops AUTOFDO_CLANG.
debian_e2e="clang-19 lld-19 llvm-19 linux-source-6.12 bc flex bison libelf-dev libssl-dev cpio xz-utils
 makepkg libarchive-tools fakeroot dwarves rsync patch clang-14 lld-14 llvm-14"
arch_build="base-devel pkgconf gettext ncurses libpfm4 libcpuid pacman libelf json-c zlib cmocka"
arch_test="tmux git procps-ng clang lld llvm perf stress-ng sysbench man-db zsh fish"
arch_e2e="clang lld llvm bc flex bison libelf openssl cpio xz pahole rsync"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else echo "+ sudo $*" >&2; sudo "$@"; fi
}

# tests/cli/test_i18n.sh reads kfdo's figures under a real German locale (its
# LC_NUMERIC writes a decimal comma); glibc builds it from /etc/locale.gen.
TEST_LOCALE=de_DE.UTF-8
have_locale() { locale -a 2>/dev/null | grep -qixE 'de_DE\.utf-?8'; }
make_locale() {
    have_locale && return 0
    if [ ! -f /etc/locale.gen ] || ! command -v locale-gen >/dev/null; then
        echo "kfdo: cannot generate the $TEST_LOCALE locale here (no /etc/locale.gen or locale-gen)" >&2
        return 1
    fi
    echo "kfdo: generating the $TEST_LOCALE locale" >&2
    # Uncomment its line, or add it: locale-gen builds only what the file lists.
    grep -q "^$TEST_LOCALE UTF-8" /etc/locale.gen ||
        as_root sed -i "s/^# *\($TEST_LOCALE UTF-8\)/\1/" /etc/locale.gen
    grep -q "^$TEST_LOCALE UTF-8" /etc/locale.gen ||
        echo "$TEST_LOCALE UTF-8" | as_root tee -a /etc/locale.gen >/dev/null
    as_root locale-gen >/dev/null
    have_locale
}

case $family in
debian)
    pkgs=$debian_build; [ "$want" = test ] && pkgs=$debian_test; [ "$want" = e2e ] && pkgs=$debian_e2e
    missing=()
    for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "kfdo: installing ${missing[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    [ "$want" = test ] && make_locale
    exit 0
    ;;
arch)
    pkgs=$arch_build; [ "$want" = test ] && pkgs=$arch_test; [ "$want" = e2e ] && pkgs=$arch_e2e
    missing=()
    for p in $pkgs; do pacman -Qq "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "kfdo: installing ${missing[*]}" >&2
        as_root pacman -S --needed --noconfirm "${missing[@]}"
    fi
    [ "$want" = test ] && make_locale
    exit 0
    ;;
*)
    echo "kfdo: unknown distribution '${ID:-?}': install ncursesw, libpfm4, libcpuid, libalpm, libelf," >&2
    echo "      json-c, zlib, cmocka, gettext and pkg-config by hand, then run make again." >&2
    exit 1
    ;;
esac
