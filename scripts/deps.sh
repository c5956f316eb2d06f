#!/usr/bin/env bash
# Installs what kfdo needs with the system's package manager, and nothing when
# everything is already there.   deps.sh build | test | e2e
#   build: libraries and tools to build and run kfdo
#   test:  what `make check` needs on top (tmux for the TUI tests, the real LLVM
#          the toolchain tests detect)
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
debian_test="tmux clang-19 lld-19 llvm-19"
# Real kernel builds for make check-e2e.
debian_e2e="clang-19 lld-19 llvm-19 linux-source-6.12 bc flex bison libelf-dev libssl-dev cpio xz-utils
 makepkg libarchive-tools fakeroot dwarves patch"
arch_build="base-devel pkgconf gettext ncurses libpfm4 libcpuid pacman libelf json-c zlib cmocka"
arch_test="tmux clang lld llvm"
arch_e2e="clang lld llvm bc flex bison libelf openssl cpio xz pahole"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else echo "+ sudo $*" >&2; sudo "$@"; fi
}

case $family in
debian)
    pkgs=$debian_build; [ "$want" = test ] && pkgs=$debian_test; [ "$want" = e2e ] && pkgs=$debian_e2e
    missing=()
    for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && exit 0
    echo "kfdo: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    ;;
arch)
    pkgs=$arch_build; [ "$want" = test ] && pkgs=$arch_test; [ "$want" = e2e ] && pkgs=$arch_e2e
    missing=()
    for p in $pkgs; do pacman -Qq "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && exit 0
    echo "kfdo: installing ${missing[*]}" >&2
    as_root pacman -S --needed --noconfirm "${missing[@]}"
    ;;
*)
    echo "kfdo: unknown distribution '${ID:-?}': install ncursesw, libpfm4, libcpuid, libalpm, libelf," >&2
    echo "      json-c, zlib, cmocka, gettext and pkg-config by hand, then run make again." >&2
    exit 1
    ;;
esac
