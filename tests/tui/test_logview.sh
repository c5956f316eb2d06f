#!/usr/bin/env bash
# The build log widget in a real terminal: tests/tools/logview_demo (the
# widget alone in a curses screen with a poll loop, row 0 its own header, the
# widget below) in a private tmux server, fed real build logs and floods.
# tests/tui/logview_lib.sh explains how the tmux tests work.
set -u
cd "$(dirname "$0")/../.."
TOOLS=${KFDO_TOOLS:-build/tools}
DEMO=$TOOLS/logview_demo
FLOOD=$TOOLS/floodlog
. tests/tui/logview_lib.sh
FIX=tests/fixtures/kbuild

need tmux
# The real failed build, without its timestamps; a line of it is "line N".
"$FLOOD" --from "$FIX/error-clang.log" >"$T/err.log"
# At 100x30 the widget has rows 1-29: 28 rows of lines, the status on row 29.
LAST=28
STATUS=29

# ---- Follow mode: the newest lines while they come, a paused view stays.
mkfifo "$T/fifo"
lv_start "$DEMO" "$T/fifo"
exec 3<>"$T/fifo"	# read-write: never blocks; the demo's open returns once it is done
seq -f 'line %g' 1 100 >&3
lv_wait_row $LAST '^line 100$'
check "follow: the bottom row is the newest line" $? "want 'line 100' on row $LAST"
seq -f 'line %g' 101 150 >&3
lv_wait_row $LAST '^line 150$'
check "follow: new lines scroll in" $? "want 'line 150' on row $LAST"
lv_screen
[ "$(lv_row 1)" = "line 123" ] && lv_row $STATUS | grep -q 'following.*line 150 of 150'
check "follow: the rows above hold the lines before it, the status says so" $?

lv_keys Up
lv_wait_row $STATUS 'paused'
check "follow: Up pauses" $?
seq -f 'line %g' 151 170 >&3
lv_wait_row 0 'lines 170 '
lv_screen
[ "$(lv_row $LAST)" = "line 149" ] && lv_row $STATUS | grep -q 'line 149 of 170'
check "follow: a paused view stays while lines arrive" $? "row $LAST: '$(lv_row $LAST)'"
lv_keys End
lv_wait_row $LAST '^line 170$' && lv_wait_row $STATUS 'following'
check "follow: End follows again" $?
exec 3>&-
lv_wait_row 0 'EOF'
check "follow: the end of the input is seen" $?

# ---- Search: a prompt on the status row, matches marked, the view jumps.
LV_H=15 lv_start "$DEMO" "$T/err.log"	# 13 rows of lines: lines 38-50
lv_wait_row 14 'line 50 of 50'
lv_keys /
lv_wait_row 14 '^/ +Enter: search, Esc: cancel'
check "search: / opens the prompt on the widget's last row" $?
lv_keys p a n i c
lv_wait_row 14 '^/panic '
check "search: the prompt shows what is typed" $?
lv_keys Enter
lv_wait_row 14 'paused.*/panic'
check "search: Enter searches and pauses" $?
lv_attrs
y=$(lv_find_row "make[3]: *** [scripts/Makefile.build:234: kernel/panic.o] Error 1")
x=$(lv_col_of "$y" panic)
# Mono attributes: matches reverse+underline (6), an error line bold+underline (3).
[ "$y" -ge 0 ] && [ "$(lv_attr_at "$y" "$x")" = "6 - -" ] && [ "$(lv_attr_at "$y" $((x + 4)))" = "6 - -" ] &&
    [ "$(lv_attr_at "$y" $((x + 5)))" = "3 - -" ] && [ "$(lv_attr_at "$y" $((x - 1)))" = "3 - -" ]
check "search: the match is marked in the line" $? "row $y col $x: $(lv_attr_at "$y" "$x")"
y=$(lv_find_row "kernel/panic.c:953:1: note:")
[ "$(lv_attr_at "$y" 7)" = "6 - -" ] && [ "$(lv_attr_at "$y" 0)" = "0 - -" ]
check "search: every match on screen is marked" $?
# n goes to older matches: 41 and 38 are on screen, 35 is not: the view jumps.
lv_keys n n n
lv_wait_row 5 '^kernel/panic.c:955:2: error: use of undeclared identifier'
check "search: n jumps to a match above the view" $? "want line 35 on row 5"
lv_screen
[ "$(lv_row 1)" = "  CC      kernel/panic.o" ]
check "search: the match is shown a third of the way down" $? "row 1: '$(lv_row 1)'"
lv_keys N N N N
lv_wait_row 14 'no newer match for panic'
check "search: N goes back to newer matches until there is none" $?
lv_keys / n o s u c h t h i n g Enter
lv_wait_row 14 'not found: nosuchthing'
check "search: not found is said" $?

# ---- Filter: all -> warnings+errors -> errors only.
lv_start "$DEMO" "$T/err.log"
lv_wait_row $STATUS 'line 50 of 50'
lv_keys w
lv_wait_row $STATUS 'warnings\+errors'
lv_screen
shown=$(sed -n "2,$((LAST + 1))p" "$T/screen" | grep -c .)
[ "$shown" -eq 17 ] && ! grep -qE '^  (CC|LD|AR) ' "$T/screen" && ! grep -q 'generated\.' "$T/screen" &&
    [ "$(grep -c 'warning:' "$T/screen")" -eq 2 ] && [ "$(lv_row 1)" = \
    "kernel/panic.c:949:6: warning: unused variable 'unused_var' [-Wunused-variable]" ]
check "filter: w shows warnings and errors only, with their clang excerpts" $? "$shown rows shown, want 17"
lv_keys w
lv_wait_row $STATUS 'errors only'
lv_screen
shown=$(sed -n "2,$((LAST + 1))p" "$T/screen" | grep -c .)
[ "$shown" -eq 7 ] && ! grep -q 'warning:' "$T/screen" && [ "$(grep -c 'error:' "$T/screen")" -eq 1 ] &&
    [ "$(grep -c '\*\*\* \[' "$T/screen")" -eq 4 ] && ! grep -q 'Waiting for unfinished' "$T/screen"
check "filter: w again shows errors only" $? "$shown rows shown, want 7"
lv_keys w
lv_wait_row $LAST '^make: \*\*\* \[Makefile:236: __sub-make\] Error 2$' && lv_screen && ! lv_row $STATUS | grep -q 'errors only'
check "filter: w a third time shows everything" $?

# ---- The first error: highlighted on its whole row, e finds it, pinned once gone.
lv_attrs
y=$(lv_find_row "kernel/panic.c:955:2: error:")
y2=$(lv_find_row "make[3]: ***")
[ "$y" -ge 1 ] && [ "$(lv_attr_at "$y" 0)" = "5 - -" ] && [ "$(lv_attr_at "$y" 99)" = "5 - -" ] &&
    [ "$(lv_attr_at "$y2" 0)" = "3 - -" ] && [ "$(lv_attr_at "$y2" 99)" = "0 - -" ]
check "first error: its row is reversed to the edge, other errors are not" $? \
    "first error row $y: $(lv_attr_at "$y" 0) / $(lv_attr_at "$y" 99); make row $y2: $(lv_attr_at "$y2" 0)"

lv_start_sh "{ cat $T/err.log; $FLOOD --lines 200; } | $DEMO -"
lv_wait_row 0 'lines 250 .*EOF'
lv_screen
! grep -q 'kernel/panic.c:955:2' "$T/screen"
check "first error: scrolled away by later lines" $?
lv_keys e
lv_wait_row 10 '^kernel/panic.c:955:2: error: use of undeclared identifier'
check "first error: e jumps to it" $? "want it on row 10, a third of the way down"

lv_start_sh "{ cat $T/err.log; $FLOOD --lines 20000; } | $DEMO --max 1000 -"
lv_wait_row 0 'lines 20050 .*EOF'
lv_attrs
lv_screen
[ "$(lv_row 1)" = "$(printf '%.99s>' "first error, line 35: $(sed -n 35p "$T/err.log")")" ] &&
    [ "$(lv_attr_at 1 0)" = "5 - -" ]
check "first error: pinned on the top row once it left the scrollback" $? "row 1: '$(lv_row 1)'"
lv_keys e
lv_wait_row $STATUS 'the first error \(line 35\) has left the scrollback'
check "first error: e says where it went" $?

# ---- Display width: CJK and emoji cut at the right column, never in half.
{
    printf 'a'; printf '漢%.0s' $(seq 60); echo
    printf '😀%.0s' $(seq 60); echo
    printf 'x%.0s' $(seq 150); echo
    printf 'tab\there \033[31mred\033[0m \xff\xfe bell\a\n'
} >"$T/wide.log"
lv_start "$DEMO" --margin 10 "$T/wide.log"	# the widget is 80 columns wide, '.' on each side
lv_wait_row 0 'EOF'
lv_screen
dots=..........
han=$(printf '漢%.0s' $(seq 39))
emo=$(printf '😀%.0s' $(seq 39))
[ "$(lv_row 1)" = "${dots}a${han}>${dots}" ]
check "width: a CJK line is cut at column 80 with '>'" $? "row 1: '$(lv_row 1)'"
[ "$(lv_row 2)" = "${dots}${emo} >${dots}" ]
check "width: an emoji that would cross the edge is left out whole" $? "row 2: '$(lv_row 2)'"
[ "$(lv_row 3)" = "${dots}$(printf 'x%.0s' $(seq 79))>${dots}" ]
check "width: an ASCII line is cut at the same column" $?
[ "$(lv_row 4)" = "${dots}$(printf '%-80s' 'tab     here ^[[31mred^[[0m ?? bell^G')${dots}" ]
check "width: tabs, escapes, bad bytes and bells are drawn safely" $? "row 4: '$(lv_row 4)'"

# ---- Resizing redraws at the new size, smaller and larger.
lv_start "$DEMO" "$T/err.log"
lv_wait_row $STATUS 'line 50 of 50'
tm resize-window -t lv -x 60 -y 12
lv_wait_row 11 'following.*line 50 of 50'
check "resize: the status row moves to the new last row" $?
lv_screen
[ "$(lv_row 10)" = "make: *** [Makefile:236: __sub-make] Error 2" ] &&
    [ "$(lv_row 1)" = "$(printf '%.59s>' "$(sed -n 41p "$T/err.log")")" ] &&
    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/screen")" -le 60 ]
check "resize: the lines are cut at the new width" $? "row 1: '$(lv_row 1)'"
tm resize-window -t lv -x 100 -y 30
lv_wait_row $STATUS 'line 50 of 50'
lv_screen
[ "$(lv_row $LAST)" = "make: *** [Makefile:236: __sub-make] Error 2" ] && [ "$(lv_row 1)" = "$(sed -n 23p "$T/err.log")" ] &&
    [ "$(lv_row 17)" = "$(sed -n 39p "$T/err.log")" ]
check "resize: growing back shows every row again" $? "row 1: '$(lv_row 1)'"

# ---- Colours: the front end's pairs, by class.
lv_start "$DEMO" --color "$T/err.log"
lv_wait_row $STATUS 'line 50 of 50'
lv_attrs
[ "$(lv_attr_at "$(lv_find_row 'kernel/panic.c:949:6: warning')" 0)" = "1 3 -" ] &&
    [ "$(lv_attr_at "$(lv_find_row 'kernel/panic.c:955:2: error')" 0)" = "1 7 1" ] &&
    [ "$(lv_attr_at "$(lv_find_row 'make[3]: ***')" 0)" = "1 1 -" ] &&
    [ "$(lv_attr_at "$(lv_find_row '  CC      kernel/panic.o')" 2)" = "0 6 -" ]
check "colour: warnings yellow, errors red, the first error white on red, commands cyan" $?

# ---- Floods.
# A key pressed while lines pour in as fast as a pipe takes them is answered
# while they still pour in: the loop reads at most 1 MiB between looks at the
# keyboard. The flood lasts minutes, so a starved keyboard shows as a key
# answered only at its end (or not in time); how fast the answer comes is a
# figure printed here, not asserted (a loaded CI machine is slow by seconds).
lv_start_sh "$FLOOD --lines 200000000 | $DEMO --trace $T/trace -"
lv_wait_row 0 'lines [1-9][0-9]* .*reading'
t0=$(now_ms)
lv_keys f
lv_wait_row $STATUS 'paused' 5
st=$?
ms=$(($(now_ms) - t0))
lines_at=$(awk '$2 == 102 { print $4; exit }' "$T/trace" 2>/dev/null)
lv_screen
echo "# the key was answered ${ms} ms after it was sent, at line ${lines_at:-?} of the flood"
[ $st -eq 0 ] && [ -n "$lines_at" ] && [ "$lines_at" -lt 200000000 ] && lv_row 0 | grep -q reading
check "flood: a key during the flood is answered while it goes on (at line ${lines_at:-?})" $?
lv_keys q

# A million lines and a failure at the end: every line counted, the view on the newest.
lv_start_sh "$FLOOD --lines 1000000 --fail | $DEMO --stats $T/stats -"
lv_wait_row 0 'EOF' 60
lv_screen
lv_row 0 | grep -q 'lines 1000005 | warnings 100000 | errors 1 | make \*\*\* 4 | EOF' &&
    lv_row $STATUS | grep -q 'following.*line 1000005 of 1000005' &&
    [ "$(lv_row $LAST)" = "make: *** [Makefile:224: __sub-make] Error 2" ] &&
    grep -qx 'lines 1000005' "$T/stats" && grep -qx "first_error kernel/panic.c:43:2: error: use of undeclared identifier 'kfdo_flood_error'" "$T/stats"
check "flood: a million lines, the counts exact ($(sed -n 's/^seconds //p' "$T/stats" 2>/dev/null) s to read them)" $? "row 0: '$(lv_row 0)'"

# A real build's pace (50 times faster): it follows, and the counts are the log's.
lv_start_sh "$FLOOD --from $FIX/tinyconfig-thinlto.log --replay --speed 50 | $DEMO -"
lv_wait_row 0 'lines [1-9]' 5 && lv_wait_row 0 'EOF' 15
lv_screen
lv_row 0 | grep -q 'lines 1020 | warnings 0 | errors 0 | make \*\*\* 0 | EOF' &&
    [ "$(lv_row $LAST)" = "$(tail -n1 "$FIX/tinyconfig-thinlto.log" | cut -f2-)" ]
check "replay: a real build followed to its last line" $? "row 0: '$(lv_row 0)'"
