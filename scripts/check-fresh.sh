#!/usr/bin/env bash
# make check-fresh: the README's two commands on a fresh Debian root, as a new
# user would run them, so that a step the install leaves out fails here and not
# on a user's machine. (CI's own machine keeps what earlier runs installed: a
# green `make check` there once hid four missing packages.)
#
# A root made anew with mmdebstrap from this machine's own apt sources (nothing
# cached between runs), a clean clone of the checkout's HEAD copied in, /proc,
# /sys and /dev (with /dev/pts, for tmux) mounted in a private mount namespace,
# then, in that root:
#   as root:              make run </dev/null   (no terminal: the hardware check)
#                         make check
#   as a user with sudo:  the same, in a second fresh root, so that every install
#                         goes through sudo as the README promises
# Before them only what the README asks a user to have: make (and sudo, for the
# user). Each run's whole output is in $FRESH_DIR/logs/; the inner summary lines
# are printed, and the closing line counts the four commands.
#
#   FRESH_DIR    where the roots and logs go (default build/fresh)
#   FRESH_KEEP=1 keep the roots after the run (to look inside)
#   FRESH_ONLY=root|user   one of the two runs
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${FRESH_DIR:-$repo/build/fresh}
sources=
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [ -s "$f" ] && { sources=$f; break; }
done
. /etc/os-release 2>/dev/null || true
suite=${VERSION_CODENAME:-bookworm}
user=kfdo-fresh

say() { printf 'check-fresh: %s\n' "$*"; }
die() { say "$*" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap, chroot and mounts): run it as root or with sudo"
[ -n "$sources" ] || die "no apt sources on this machine (/etc/apt/sources.list.d/debian.sources): a Debian host is needed"
command -v git >/dev/null || die "git is needed to clone the checkout"
"$repo/scripts/deps.sh" fresh || die "cannot install mmdebstrap"

# Every process left in a root is stopped before it goes (a tmux server a test
# left, a build): nothing of a run outlives it.
stop_inside() { # ROOT
    local p r left=0
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        case $r in "$1"|"$1"/*) kill -KILL "${p#/proc/}" 2>/dev/null && left=$((left + 1)) ;; esac
    done
    [ "$left" -gt 0 ] && say "stopped $left process(es) left in $1"
    return 0
}
roots=()
cleanup() {
    local r
    for r in "${roots[@]}"; do
        stop_inside "$r"
        [ "${FRESH_KEEP:-}" = 1 ] || rm -rf --one-file-system "$r"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$dir/logs" || die "cannot create $dir"
rm -f "$dir/logs/"*.log

# A clean clone: what is committed, nothing a build or an earlier run left.
rm -rf "$dir/src"
git clone --quiet --no-hardlinks "$repo" "$dir/src" || die "cannot clone $repo"
commit=$(git -C "$dir/src" rev-parse --short HEAD)
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] ||
    say "note: the checkout has uncommitted changes; only commit $commit is tested"

t0=$(date +%s)
say "a fresh $suite root from $sources"
if ! mmdebstrap --quiet --variant=apt "$suite" "$dir/root.tar" "$sources" >"$dir/logs/mmdebstrap.log" 2>&1; then
    tail -n 20 "$dir/logs/mmdebstrap.log"
    die "mmdebstrap failed (log: $dir/logs/mmdebstrap.log)"
fi
say "root made in $(($(date +%s) - t0)) s"

# inside ROOT CMD...: CMD chrooted into ROOT with /proc, /sys and /dev mounted in a
# mount namespace of its own, so the mounts go with it on every exit path.
inside() {
    local root=$1
    shift
    unshare --mount --propagation private -- /bin/bash -c '
        root=$1; shift
        # The root a mount point of its own, as on a real machine: unshare -m
        # (a test of kfdo uses it) fails in a chroot whose / is not one.
        mount --bind "$root" "$root" &&
            mount -t proc proc "$root/proc" && mount --rbind /sys "$root/sys" &&
            mount --rbind /dev "$root/dev" || exit 125
        exec chroot "$root" "$@"' inside "$root" "$@"
}

# Lines worth seeing as they come: installs, summaries, failures.
progress() { grep --line-buffered -E '^(kfdo: installing|\+ sudo|(unit|cli|all tests): [0-9]+ passed|failing: |not ok - |\[  FAILED  \] [a-z])' | sed -u 's/^/    /'; }

passed=0; failed=0; summaries=()
# step NAME LOG CMD...: runs CMD, its output to LOG, the progress lines shown.
step() {
    local name=$1 log=$2 t rc
    shift 2
    t=$(date +%s)
    say "$name"
    "$@" >"$log" 2>&1 &
    local pid=$!
    tail -n +1 -F --pid=$pid "$log" 2>/dev/null | progress
    wait $pid
    rc=$?
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1)); say "$name: ok in $(($(date +%s) - t)) s"
    else
        failed=$((failed + 1)); say "$name: FAILED (exit $rc) after $(($(date +%s) - t)) s; the log's end:"
        tail -n 40 "$log" | sed 's/^/    | /'
    fi
    return $rc
}

fresh_run() { # root|user
    local who=$1 root=$dir/root-$1 home
    rm -rf --one-file-system "$root" && mkdir -p "$root" || die "cannot create $root"
    roots+=("$root")
    tar -xf "$dir/root.tar" -C "$root" || die "cannot unpack the root"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    local pre=(make) as=()
    home=/root
    if [ "$who" = user ]; then
        pre+=(sudo)
        home=/home/$user
    fi
    # What the README asks of a user before its two commands.
    if ! step "$who: what the README asks for first (${pre[*]})" "$dir/logs/$who-prereq.log" \
        inside "$root" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"' \
        prereq "${pre[@]}"; then
        return
    fi
    if [ "$who" = user ]; then
        inside "$root" useradd -m -s /bin/bash "$user" || die "cannot add $user"
        # A CI user cannot type a password: sudo without one, as a desktop user's cached sudo.
        printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$user" >"$root/etc/sudoers.d/$user"
        chmod 0440 "$root/etc/sudoers.d/$user"
        as=(runuser -u "$user" --)
    fi
    cp -a "$dir/src" "$root$home/kfdo"
    [ "$who" = user ] && inside "$root" chown -R "$user:$user" "$home/kfdo"
    # The environment of a fresh login: no CI, no variable of this machine's.
    local name=root
    [ "$who" = user ] && name=$user
    local envv=(env -i HOME="$home" USER="$name" LOGNAME="$name" SHELL=/bin/bash
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
    # Except CI's -Werror in the root run: .ci/run runs make check only here.
    [ "$who" = root ] && [ -n "${CI:-}" ] && envv+=(CI="$CI")
    # make run without a terminal: the hardware check, whose verdict it prints.
    if step "$who: make run </dev/null" "$dir/logs/$who-run.log" \
        inside "$root" "${as[@]}" "${envv[@]}" /bin/sh -c 'cd "$1" && exec make run </dev/null' run "$home/kfdo"; then
        if ! grep -q '^Verdict: ' "$dir/logs/$who-run.log"; then
            passed=$((passed - 1)); failed=$((failed + 1))
            say "$who: make run printed no verdict"
        fi
    fi
    step "$who: make check" "$dir/logs/$who-check.log" \
        inside "$root" "${as[@]}" "${envv[@]}" /bin/sh -c 'cd "$1" && exec make check' check "$home/kfdo"
    local line
    line=$(grep -E '^all tests: [0-9]+ passed' "$dir/logs/$who-check.log" | tail -n 1)
    summaries+=("$who: ${line:-no summary line: make check stopped early}")
    stop_inside "$root"
    if [ "${FRESH_KEEP:-}" != 1 ]; then rm -rf --one-file-system "$root"; fi
}

for who in root user; do
    [ -z "${FRESH_ONLY:-}" ] || [ "$FRESH_ONLY" = "$who" ] || continue
    fresh_run "$who"
done
rm -f "$dir/root.tar"

say "commit $commit on a fresh $suite root, $(($(date +%s) - t0)) s in all; logs in $dir/logs"
for s in "${summaries[@]}"; do say "  $s"; done
echo "check-fresh: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
