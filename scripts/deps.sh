#!/usr/bin/env bash
# Installs what kfdo needs with the system's package manager, and nothing when
# everything is already there. The packages and the commands they must bring are
# listed in scripts/deps.list, by level.
#   deps.sh build|test|e2e|fresh   installs the level's missing packages (sudo when not
#                                  root), then checks that every command it lists is there
#   deps.sh need LEVEL CMD...      for the tests: 0 when every CMD is listed at LEVEL or
#                                  below (build < test < e2e) and installed; 1 with the
#                                  reason when one is not listed or not installed; 77 when
#                                  this distribution has no package for one (skip)
#   deps.sh packages LEVEL         the level's packages for this distribution
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# The overrides are for tests/cli/test_deps.sh.
list=${KFDO_DEPS_LIST:-$here/deps.list}

. "${KFDO_OS_RELEASE:-/etc/os-release}" 2>/dev/null || true
family=unknown
case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) family=debian ;;
    *" arch "*|*" cachyos "*) family=arch ;;
esac

# rows LEVEL...: "PACKAGE COMMANDS" for this distribution, one per line, of the levels given.
rows() {
    local col=2
    [ "$family" = arch ] && col=3
    awk -v col="$col" -v levels=" $* " '
        /^[ \t]*(#|$)/ { next }
        index(levels, " " $1 " ") { print $col, $4 }' "$list"
}

# The levels a test at LEVEL may lean on: each includes the ones before it.
levels_upto() {
    case $1 in
    build) echo build ;;
    test) echo build test ;;
    e2e) echo build test e2e ;;
    fresh) echo fresh ;;
    *) echo "deps.sh: unknown level '$1' (build, test, e2e or fresh)" >&2; return 2 ;;
    esac
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else echo "+ sudo $*" >&2; sudo "$@"; fi
}

installed() { # PACKAGE
    case $family in
    debian) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' ;;
    arch) pacman -Qq "$1" >/dev/null 2>&1 ;;
    esac
}

# need LEVEL CMD...: is each command listed for this distribution, and installed?
need() {
    local level=$1 cmd pkg cmds found rc=0
    shift
    local levels
    levels=$(levels_upto "$level") || return 2
    for cmd in "$@"; do
        found=
        while read -r pkg cmds; do
            case ",$cmds," in *",$cmd,"*) found=${found:-$pkg}; [ "$pkg" != - ] && found=$pkg ;; esac
        done < <(rows $levels)
        if [ -z "$found" ]; then
            local other
            other=$(awk -v c="$cmd" '/^[ \t]*(#|$)/ { next } index("," $4 ",", "," c ",") { print $1; exit }' "$list")
            if [ -z "$other" ]; then
                echo "$cmd is used by this test but scripts/deps.list does not list it: add its package"
                rc=1
            elif [ "$(levels_upto "$other" | wc -w)" -gt "$(echo $levels | wc -w)" ] || [ "$other" = fresh ]; then
                echo "$cmd is listed for deps.sh $other only: a $level-level test cannot lean on it (scripts/deps.list)"
                rc=1
            else
                echo "$cmd: no $family package brings it (scripts/deps.list)"; [ $rc -eq 0 ] && rc=77
            fi
        elif [ "$found" = - ]; then
            echo "$cmd: no $family package brings it (scripts/deps.list)"; [ $rc -eq 0 ] && rc=77
        elif ! command -v "$cmd" >/dev/null 2>&1; then
            echo "$cmd is not installed: scripts/deps.sh $level installs $found"
            rc=1
        fi
    done
    return $rc
}

# TEST_LOCALE: tests/cli/test_i18n.sh reads kfdo's figures under a real German
# locale (its LC_NUMERIC writes a decimal comma); glibc builds it from /etc/locale.gen.
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

install_level() { # LEVEL
    local pkg cmds missing=() absent=()
    while read -r pkg cmds; do
        [ "$pkg" = - ] && continue
        installed "$pkg" || missing+=("$pkg")
    done < <(rows "$1")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "kfdo: installing ${missing[*]}" >&2
        case $family in
        debian)
            # The lock timeout: another apt (unattended-upgrades, a second make) waits, not fails.
            as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
            as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
                --no-install-recommends "${missing[@]}"
            ;;
        arch) as_root pacman -S --needed --noconfirm "${missing[@]}" ;;
        esac
    fi
    # A package that is installed but does not bring what the list says is a wrong list.
    while read -r pkg cmds; do
        [ "$pkg" = - ] || [ "$cmds" = - ] && continue
        local IFS=,
        for c in $cmds; do command -v "$c" >/dev/null 2>&1 || absent+=("$c ($pkg)"); done
        unset IFS
    done < <(rows "$1")
    if [ ${#absent[@]} -gt 0 ]; then
        echo "kfdo: installed, yet not on PATH: ${absent[*]} (scripts/deps.list is wrong)" >&2
        return 1
    fi
    [ "$1" = test ] && make_locale
    return 0
}

if [ "$family" = unknown ]; then
    case ${1:-build} in need) ;; *)
        echo "kfdo: unknown distribution '${ID:-?}': install ncursesw, libpfm4, libcpuid, libalpm, libelf," >&2
        echo "      json-c, zlib, cmocka, gettext and pkg-config by hand, then run make again." >&2
        exit 1 ;;
    esac
fi

case ${1:-build} in
need)
    [ $# -ge 3 ] || { echo "usage: deps.sh need LEVEL CMD..." >&2; exit 2; }
    shift
    need "$@"
    ;;
packages)
    rows "${2:?usage: deps.sh packages LEVEL}" | awk '$1 != "-" { print $1 }'
    ;;
build|test|e2e|fresh)
    levels_upto "$1" >/dev/null
    install_level "$1"
    ;;
*)
    echo "usage: deps.sh build|test|e2e|fresh | need LEVEL CMD... | packages LEVEL" >&2
    exit 2
    ;;
esac
