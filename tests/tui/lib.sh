# Helpers for the TUI tests, like tmux's regress/: kfdo runs in a private tmux
# server (its own socket, no config file, a fixed size), keys go in with
# send-keys, and the assertions read what a user sees with capture-pane.
# Every wait polls the screen against a deadline; no sleep is an assertion.
. tests/cli/lib.sh
# The screens hold UTF-8 (│, ✓, wide characters) that sed and grep must read as
# characters: under the C locale of a login without LANG, [^│] is three bytes, and
# a row with ✓ in the sidebar vanished from flat(). kfdo itself gets its own locale
# (start_shell).
export LC_CTYPE=C.UTF-8
KFDO=$(cd "$(dirname "$KFDO")" && pwd)/$(basename "$KFDO")
FIX=$(pwd)/tests/fixtures
SOCK="kfdo-tui-$$-0"
NSOCK=0
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data
PROMPT='tui-test$ '

need tmux
need_kbuild_tools

# start_shell W H [VAR=value...]: a clean interactive shell in a new server,
# W x H, with only the environment the tests choose (plus the extras given).
start_shell() {
    local w=$1 h=$2
    shift 2
    # A fresh server each time: a new one on a socket just killed can lose the race.
    tm kill-server >/dev/null 2>&1
    NSOCK=$((NSOCK + 1))
    SOCK="kfdo-tui-$$-$NSOCK"
    tm new-session -d -x "$w" -y "$h" -- env -i PATH="$PATH" HOME="$T" TERM=screen LANG=C.UTF-8 \
        XDG_STATE_HOME="$XDG_STATE_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" KFDO_LOCALEDIR="${KFDO_LOCALEDIR:-}" \
        HISTFILE=/dev/null PS1="$PROMPT" "$@" bash --norc --noprofile -i
    tm set-option -g status off >/dev/null
    wait_for 'tui-test\$' 5 || { not_ok "a shell starts in tmux" "$(screen)"; exit 1; }
}

# kfdo ARGS...: types the command into the shell, with its exit status after
# it under a marker of its own (kfdo-exit-N:STATUS), so that an earlier exit
# line on the screen is never taken for this one.
KRUN=0
kfdo() {
    local cmd=$KFDO a
    for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
    shell_line "$cmd"
}
# shell_line COMMAND: types any command line, with the same exit marker.
shell_line() {
    KRUN=$((KRUN + 1))
    tm send-keys -t 0 -l "$1; echo kfdo-exit-$KRUN:\${PIPESTATUS[0]}"
    tm send-keys -t 0 Enter
}

screen() { tm capture-pane -p -t 0; }
screen_e() { tm capture-pane -p -e -t 0; }
keys() { tm send-keys -t 0 "$@"; }
typ() { tm send-keys -t 0 -l "$1"; }
pane() { tm display-message -p -t 0 "#{$1}"; }
ms_now() { date +%s%3N; }

# deadline SECONDS: the end of a wait, in ms. SECONDS is what the step needs
# on an idle machine; CI is a slow 2-core machine, sometimes loaded, so the
# wait allows three times that and at least 20 s (it costs nothing when the
# screen comes sooner). Once a wait has missed, the script has failed anyway:
# later waits give up after 5 s, so that a broken run stays short.
WAIT_MISSED=0
deadline() {
    local s=$(( ${1:-5} * 3 ))
    [ "$s" -lt 20 ] && s=20
    [ "$WAIT_MISSED" = 1 ] && s=5
    echo $(( $(ms_now) + s * 1000 ))
}

# wait_for PATTERN [SECONDS]: polls the screen until grep -E matches.
wait_for() {
    local deadline
    deadline=$(deadline "${2:-5}")
    while :; do
        screen >"$T/screen" 2>/dev/null
        grep -qE -- "$1" "$T/screen" && return 0
        if [ "$(ms_now)" -ge "$deadline" ]; then WAIT_MISSED=1; return 1; fi
        sleep 0.05
    done
}

# wait_gone PATTERN [SECONDS]: polls until the pattern has left the screen.
wait_gone() {
    local deadline
    deadline=$(deadline "${2:-5}")
    while :; do
        screen >"$T/screen" 2>/dev/null
        grep -qE -- "$1" "$T/screen" || return 0
        if [ "$(ms_now)" -ge "$deadline" ]; then WAIT_MISSED=1; return 1; fi
        sleep 0.05
    done
}

# skip NAME REASON: a test that cannot run here, and why (counted as skipped).
skip() { echo "ok - $1 # SKIP $2"; }

# The right of the sidebar as one line (rows joined with a space): a command
# that wraps reads as it would be typed.
flat() { screen | sed -n 's/^[^│]*│ \{0,1\}//p' | tr '\n' ' ' | tr -s ' '; }
# expect_flat NAME PATTERN [SECONDS]: like expect, on flat().
expect_flat() {
    local deadline
    deadline=$(deadline "${3:-5}")
    while :; do
        flat >"$T/flat"
        if grep -qE -- "$2" "$T/flat"; then ok "$1"; return; fi
        if [ "$(ms_now)" -ge "$deadline" ]; then
            WAIT_MISSED=1
            not_ok "$1" "the screen lacks /$2/"
            screen >"$T/screen"
            dump
            return
        fi
        sleep 0.05
    done
}

dump() { sed 's/^/#   | /' "$T/screen"; }

# expect NAME PATTERN [SECONDS]: ok when the screen shows PATTERN in time.
expect() {
    if wait_for "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "the screen lacks /$2/"; dump; fi
}
expect_not() { # NAME PATTERN: the screen (now) does not show PATTERN
    screen >"$T/screen"
    if grep -qE -- "$2" "$T/screen"; then not_ok "$1" "the screen shows /$2/"; dump; else ok "$1"; fi
}

# wait_exit [SECONDS]: waits for the last command's exit line; its status in $rc (-1: none in time).
wait_exit() {
    rc=-1
    wait_for "kfdo-exit-$KRUN:[0-9]+" "${1:-5}" || return 1
    rc=$(grep -oE "kfdo-exit-$KRUN:[0-9]+" "$T/screen" | tail -n1 | cut -d: -f2)
}

# The kfdo process running in the pane's shell.
kfdo_pid() {
    local sh
    sh=$(pane pane_pid)
    ps -o pid=,comm= --ppid "$sh" | awk '$2 == "kfdo" { print $1 }'
}

# A copy of the stand-in kernel tree (tests/fixtures/faketree) at $1.
fake_tree() { rm -rf "$1"; cp -a "$FIX/faketree" "$1"; }
