# Helpers for the build log widget's terminal tests (tests/tui/test_logview.sh).
# Each assertion prints "ok - NAME" or "not ok - NAME" (with "#" lines that
# show what the screen held), like tests/cli/lib.sh.
#
# How these tmux tests work
# -------------------------
# A script starts its own tmux server on a private socket (tmux -L NAME -f
# /dev/null: no user configuration, nothing shared with another test or a
# user's tmux), with one detached session of a fixed size (100x30 unless
# LV_W/LV_H say otherwise) whose only pane runs the program under test in a
# UTF-8 locale, so tmux is the terminal, its TERM is tmux-256color and its
# width rules are the ones a user's terminal applies. Keys go in with
# send-keys. What a user sees comes out with capture-pane: -p gives the text
# of each row, -p -e -N the same with the SGR attributes (bold, underline,
# reverse, colours) and the trailing blanks, which lv_attrs decodes into one
# attribute digit per column. Nothing sleeps a fixed time and then looks:
# lv_wait polls the screen every 20 ms until a pattern shows or a deadline
# passes, and the test asserts on what showed. The server is killed when the
# script exits, whatever happened.

LV_W=${LV_W:-100}
LV_H=${LV_H:-30}
# A new server (socket) for every start: killing one and starting the next on
# the same socket races with its exit.
LV_BASE=kfdo-logview-$$
LV_N=0
LV_SOCK=$LV_BASE-0
T=$(mktemp -d /tmp/kfdo-tui-XXXXXX)
lv_cleanup() {
    local i
    for i in $(seq 0 "$LV_N"); do tmux -L "$LV_BASE-$i" kill-server 2>/dev/null; done
    rm -rf "$T"
}
trap lv_cleanup EXIT

ok() { echo "ok - $1"; }
not_ok() {
    echo "not ok - $1"; shift
    for l in "$@"; do echo "#   $l"; done
    lv_screen 2>/dev/null && sed 's/^/#   | /' "$T/screen"
}
check() { # NAME STATUS [DETAIL...]: ok when STATUS is 0
    local name=$1 st=$2; shift 2
    if [ "$st" -eq 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

tm() { tmux -L "$LV_SOCK" "$@"; }

# lv_start_sh SCRIPT: runs the script (the test's own text) in the only pane
# of a fresh server; the pane stays when the program exits, so its last
# screen can still be read. The file descriptors of the test stay out of it.
lv_start_sh() {
    tm kill-server 2>/dev/null
    LV_N=$((LV_N + 1))
    LV_SOCK=$LV_BASE-$LV_N
    tm -f /dev/null new-session -d -s lv -x "$LV_W" -y "$LV_H" \
        -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 "$1" 3>&- 4>&- 5>&- || return 1
    tm set-option -t lv remain-on-exit on >/dev/null
}
# lv_start WORDS...: the same for one command, its words quoted for the shell.
lv_start() {
    lv_start_sh "$(printf '%q ' "$@")"
}

lv_keys() { tm send-keys -t lv "$@"; }
lv_screen() { tm capture-pane -p -t lv >"$T/screen"; }
# Row N (0 is the top) of the last lv_screen, trailing blanks removed.
lv_row() { sed -n "$(($1 + 1))p" "$T/screen" | sed 's/ *$//'; }

# lv_deadline SECONDS: the end of a wait, in ns. SECONDS is what the step
# needs on an idle machine; a slow or loaded CI machine gets three times that
# and at least 20 s (nothing is lost when the screen comes sooner). After a
# wait has missed, the script has failed: later ones give up after 5 s.
LV_MISSED=0
lv_deadline() {
    local s=$(( ${1:-5} * 3 ))
    [ "$s" -lt 20 ] && s=20
    [ "$LV_MISSED" = 1 ] && s=5
    echo $(($(date +%s%N) + s * 1000000000))
}

# lv_wait ERE [SECONDS]: until some row matches (grep -E); see lv_deadline.
lv_wait() {
    local deadline
    deadline=$(lv_deadline "${2:-5}")
    while :; do
        lv_screen && grep -qE -- "$1" "$T/screen" && return 0
        if [ "$(date +%s%N)" -ge "$deadline" ]; then LV_MISSED=1; return 1; fi
        sleep 0.02
    done
}
# lv_wait_row N ERE [SECONDS]: until row N matches.
lv_wait_row() {
    local deadline
    deadline=$(lv_deadline "${3:-5}")
    while :; do
        lv_screen && lv_row "$1" | grep -qE -- "$2" && return 0
        if [ "$(date +%s%N)" -ge "$deadline" ]; then LV_MISSED=1; return 1; fi
        sleep 0.02
    done
}

# The screen with attributes, decoded: one row per line, "text TAB attrs TAB
# fg TAB bg", where attrs has a digit per byte of text (1 bold + 2 underline
# + 4 reverse) and fg/bg a colour digit (0-7) or "-" for the default. The
# columns count bytes: use it on ASCII rows.
LV_SGR_AWK='
function apply(p,   n, a, i, v) {
    if (p == "") p = "0"
    n = split(p, a, ";")
    for (i = 1; i <= n; i++) {
        v = a[i] + 0
        if (v == 0) { b = 0; u = 0; r = 0; fg = "-"; bg = "-" }
        else if (v == 1) b = 1
        else if (v == 4) u = 1
        else if (v == 7) r = 1
        else if (v == 22) b = 0
        else if (v == 24) u = 0
        else if (v == 27) r = 0
        else if (v >= 30 && v <= 37) fg = v - 30
        else if (v == 39) fg = "-"
        else if (v >= 40 && v <= 47) bg = v - 40
        else if (v == 49) bg = "-"
        else if ((v == 38 || v == 48) && a[i + 1] == 5) {
            c = a[i + 2] + 0; c = c < 8 ? c : (c < 16 ? c - 8 : "x")
            if (v == 38) fg = c; else bg = c
            i += 2
        }
    }
}
BEGIN { esc = sprintf("%c", 27); b = 0; u = 0; r = 0; fg = "-"; bg = "-" }
{
    line = $0; text = ""; at = ""; fgs = ""; bgs = ""
    while (length(line) > 0) {
        if (substr(line, 1, 1) == esc) {
            if (match(line, "^" esc "\\[[0-9;]*m")) {
                apply(substr(line, 3, RLENGTH - 3))
                line = substr(line, RLENGTH + 1)
            } else {
                line = substr(line, 2)
            }
            continue
        }
        text = text substr(line, 1, 1); line = substr(line, 2)
        at = at (b + 2 * u + 4 * r); fgs = fgs fg; bgs = bgs bg
    }
    print text "\t" at "\t" fgs "\t" bgs
}'
lv_attrs() { tm capture-pane -p -e -N -t lv | awk "$LV_SGR_AWK" >"$T/attrs"; }
# lv_attr_at ROW COL: "ATTRS FG BG" of that cell in the last lv_attrs; a cell
# past the end of what tmux gives back (blanks it was told to clear) is "0 - -".
lv_attr_at() {
    awk -F'\t' -v r="$1" -v c="$2" 'NR == r + 1 {
        if (c >= length($2)) print "0 - -"
        else print substr($2, c + 1, 1), substr($3, c + 1, 1), substr($4, c + 1, 1) }' "$T/attrs"
}
# lv_find_row TEXT: the first row whose text holds TEXT (fixed string), or -1.
lv_find_row() {
    awk -F'\t' -v t="$1" 'index($1, t) { print NR - 1; found = 1; exit } END { if (!found) print -1 }' "$T/attrs"
}
# lv_col_of ROW TEXT: where TEXT starts in that row, or -1.
lv_col_of() {
    awk -F'\t' -v r="$1" -v t="$2" 'NR == r + 1 { print index($1, t) - 1 }' "$T/attrs"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
