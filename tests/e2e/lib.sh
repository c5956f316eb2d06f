# Shared setup of the end-to-end tests and the benchmarks: Debian's
# linux-source-6.12 unpacked once into $E2E_DIR and patched with
# tests/e2e/autofdo-6.12.patch (6.12 predates AutoFDO), a copy of the
# unpatched files for the "too old" check, and an unprivileged user for
# makepkg, which refuses to run as root (CI runs as root).
#
#   . tests/cli/lib.sh; . tests/e2e/lib.sh
#   e2e_tree            sets $tree (patched) and $unpatched (a skeleton of the
#                       files kfdo reads: 6.12's own Makefile, Kconfig files, scripts/config)
#   e2e_user            sets $E2E_USER (kfdo-e2e when root, else the caller)
#                       and gives it the tree; as_user CMD... runs CMD as it
#   secs 1m07s          -> 67
#   eta_error OUT FRAC  the ETA error (%) of kfdo run's plain progress lines in
#                       OUT at FRAC (e.g. 0.5) of the build; prints
#                       "ELAPSED ETA REMAINING ERROR%", nothing without a line
E2E_DIR=${E2E_DIR:-/tmp/kfdo-e2e}
# need CMD (tests/lib/need.sh) may lean on what make check-e2e installs on top.
KFDO_DEPS_LEVEL=e2e
E2E_PATCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/autofdo-6.12.patch
E2E_PATCHED_FILES="Makefile arch/Kconfig arch/x86/Kconfig scripts/Makefile.lib tools/objtool/check.c"

# One test at a time unpacks the tree: two tests started together would remove
# each other's half-unpacked copy. flock is util-linux's, on every Debian root.
e2e_tree() {
    local lk rc
    mkdir -p "$E2E_DIR" || return 1
    exec {lk}>"$E2E_DIR/.tree.lock" || return 1
    flock "$lk"
    e2e_tree_locked
    rc=$?
    exec {lk}>&-
    return "$rc"
}

e2e_tree_locked() {
    tree=$E2E_DIR/linux-6.12
    unpatched=$E2E_DIR/linux-6.12-unpatched
    local tarball sum
    tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
    sum=$(sha256sum "$E2E_PATCH" | cut -c1-16)
    # A tree patched with another version of the patch (or none) is unpacked again.
    if [ -f "$tree/Makefile" ] && [ "$(cat "$tree/.kfdo-patch" 2>/dev/null)" != "$sum" ]; then
        rm -rf "$tree" "$unpatched"
    fi
    if [ ! -f "$tree/Makefile" ]; then
        rm -rf "$tree.part" "$unpatched" && mkdir -p "$tree.part"
        if ! tar -xf "$tarball" -C "$tree.part" --strip-components=1; then
            echo "# cannot unpack '$tarball' into $tree.part" >&2
            return 1
        fi
        # -b keeps each file as it was (FILE.orig): the unpatched skeleton below.
        if ! patch -s -b -p1 -d "$tree.part" <"$E2E_PATCH"; then
            echo "# $E2E_PATCH does not apply to $tarball" >&2
            return 1
        fi
        echo "$sum" >"$tree.part/.kfdo-patch"
        mv "$tree.part" "$tree"
    fi
    if [ ! -f "$unpatched/Kconfig" ]; then
        local f
        for f in $E2E_PATCHED_FILES scripts/config Kconfig; do
            mkdir -p "$unpatched/$(dirname "$f")"
            if [ -f "$tree/$f.orig" ]; then cp "$tree/$f.orig" "$unpatched/$f"; else cp -p "$tree/$f" "$unpatched/$f"; fi
        done
    fi
}

as_user() {
    if [ "$(id -u)" -eq 0 ] && [ "$E2E_USER" != root ]; then runuser -u "$E2E_USER" -- "$@"; else "$@"; fi
}

e2e_user() {
    if [ "$(id -u)" -ne 0 ]; then
        E2E_USER=$(id -un)
        return 0
    fi
    E2E_USER=kfdo-e2e
    if ! id "$E2E_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir "$E2E_DIR/home" --shell /bin/bash "$E2E_USER" || return 1
    fi
    mkdir -p "$E2E_DIR/home"
    # chown is cheap on a tree it already owns (no inode changes), so always.
    chown -R "$E2E_USER:" "$tree" "$E2E_DIR/home"
}

secs() { # 1m07s / 45s / 1h02m -> seconds
    local s=$1 t=0
    [[ $s =~ ([0-9]+)h ]] && t=$((t + 10#${BASH_REMATCH[1]} * 3600))
    [[ $s =~ ([0-9]+)m ]] && t=$((t + 10#${BASH_REMATCH[1]} * 60))
    [[ $s =~ ([0-9]+)s ]] && t=$((t + 10#${BASH_REMATCH[1]}))
    echo $t
}

eta_error() { # OUT FRACTION
    local out=$1 frac=$2 total line e eta best="" bestd=999999 d
    total=$(secs "$(sed -n 's/.*built in \([0-9hms]*\):.*/\1/p' "$out" | tail -n1)")
    [ "$total" -gt 0 ] || return 0
    while read -r line; do
        e=$(secs "$(sed -n 's/.*\[\([0-9hms]*\) elapsed.*/\1/p' <<<"$line")")
        eta=$(secs "$(sed -n 's/.*ETA \([0-9hms]*\) .*/\1/p' <<<"$line")")
        d=$(awk -v e="$e" -v t="$total" -v f="$frac" 'BEGIN { d = e - t * f; print int(d < 0 ? -d : d) }')
        if [ "$d" -lt "$bestd" ]; then bestd=$d; best="$e $eta"; fi
    done < <(grep 'elapsed, last build\]' "$out" | grep 'ETA [0-9]')
    [ -n "$best" ] || return 0
    read -r e eta <<<"$best"
    local remaining=$((total - e))
    [ "$remaining" -gt 0 ] || return 0
    echo "$e $eta $remaining $(( (eta - remaining) * 100 / remaining ))"
}
