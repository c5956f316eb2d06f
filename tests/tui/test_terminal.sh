# Terminal manners: resizing (below 80x24 a "too small" screen that recovers),
# the terminal given back on every exit path (quit, SIGTERM, SIGHUP, a crash),
# refusing without a terminal, and colours only when wanted.
. tests/tui/lib.sh

# Resize to 40x10 and back.
start_shell 100 30
kfdo
expect "the frame at 100x30" "Step 1 of 13: Check the hardware"
tm resize-window -t 0 -x 40 -y 10
expect "40x10: the too-small screen" "too small: 40x10"
expect "it says the size needed" "at least 80x24"
expect_not "no frame drawn when too small" "Step 1 of 13"
tm resize-window -t 0 -x 79 -y 30
expect "79x30 is still too small" "too small: 79x30"
tm resize-window -t 0 -x 100 -y 30
expect "back to 100x30: the whole frame again" "Step 1 of 13: Check the hardware"
expect "the key bar is back" "F10/q Quit"
tm resize-window -t 0 -x 80 -y 24
expect "80x24 fits" "Step 1 of 13: Check the hardware"
expect "the key bar at 80 columns" "F1/\? Help.*F10/q Quit"
tm resize-window -t 0 -x 100 -y 30

# Quitting gives the terminal back: the alternate screen left, the cursor shown.
[ "$(pane alternate_on)" = 1 ] && ok "kfdo uses the alternate screen" || not_ok "kfdo uses the alternate screen"
keys q
wait_exit 5
[ "$(pane alternate_on)" = 0 ] && ok "after q: the alternate screen is left" || not_ok "after q: the alternate screen is left"
[ "$(pane cursor_flag)" = 1 ] && ok "after q: the cursor is visible" || not_ok "after q: the cursor is visible"
[ "$(pane keypad_flag)" = 0 ] && ok "after q: keypad mode is off" || not_ok "after q: keypad mode is off"
# The shell reads a line normally again: echo is back.
typ "echo typed-back"
keys Enter
expect "after q: the shell echoes and runs what is typed" "^typed-back$"

# SIGTERM, SIGHUP: restored, exit status 128+signal, nothing left running.
for sig in TERM HUP; do
    kfdo
    wait_for "Step [0-9]+ of 13" 5
    pid=$(kfdo_pid)
    kill -$sig "$pid"
    wait_exit 5
    want=$([ $sig = TERM ] && echo 143 || echo 129)
    [ "$rc" = "$want" ] && ok "SIG$sig: exits $want" || { not_ok "SIG$sig: exits $want" "rc=$rc"; dump; }
    [ "$(pane alternate_on)" = 0 ] && ok "SIG$sig: the alternate screen is left" || not_ok "SIG$sig: the alternate screen is left"
    [ "$(pane cursor_flag)" = 1 ] && ok "SIG$sig: the cursor is visible" || not_ok "SIG$sig: the cursor is visible"
done
# Ctrl-C with nothing running quits like q.
kfdo
wait_for "Step [0-9]+ of 13" 5
keys C-c
wait_exit 5
[ "$rc" = 0 ] && ok "Ctrl-C quits when nothing runs" || { not_ok "Ctrl-C quits when nothing runs" "rc=$rc"; dump; }
[ "$(pane alternate_on)" = 0 ] && ok "Ctrl-C: the alternate screen is left" || not_ok "Ctrl-C: the alternate screen is left"

# A crash (SIGSEGV): the terminal restored first, then the default action.
kfdo
wait_for "Step [0-9]+ of 13" 5
kill -SEGV "$(kfdo_pid)"
wait_exit 5
[ "$rc" = 139 ] && ok "SIGSEGV: re-raised (exit 139)" || { not_ok "SIGSEGV: re-raised (exit 139)" "rc=$rc"; dump; }
[ "$(pane alternate_on)" = 0 ] && ok "SIGSEGV: the alternate screen is left" || not_ok "SIGSEGV: the alternate screen is left"
[ "$(pane cursor_flag)" = 1 ] && ok "SIGSEGV: the cursor is visible" || not_ok "SIGSEGV: the cursor is visible"
typ "stty -a | grep -o ' echo ' ; echo stty-done"
keys Enter
expect "SIGSEGV: the terminal echoes again" "^ echo *$"

# A build running when SIGTERM comes: cancelled, nothing of it left.
tree="$T/tree"
fake_tree "$tree"
"$KFDO" run --yes --until configure --tree "$tree" --config-from tinyconfig --target bzImage --llvm 1 >/dev/null 2>&1
kfdo tui --make-var STEP_DELAY=1
expect "at the build" "Step 5 of 13: Build the kernel"
keys Enter
expect "the build runs" "●  5 Build" 10
expect "the build compiles" "  CC +kernel" 15
kill -TERM "$(kfdo_pid)"
wait_exit 10
[ "$rc" = 143 ] && ok "SIGTERM during a build: exits 143" || { not_ok "SIGTERM during a build: exits 143" "rc=$rc"; dump; }
sleep 0.2
left=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$tree" ] && echo "${p#/proc/}"; done)
if [ -n "$left" ]; then not_ok "SIGTERM during a build: nothing left running" "$(ps -o pid,args -p $left)"; else ok "SIGTERM during a build: nothing left running"; fi
"$KFDO" status >"$T/out"
grep -qE "build +failed .*cancelled" "$T/out" && ok "the build is recorded as cancelled" || not_ok "the build is recorded as cancelled" "$(cat "$T/out")"

# No terminal: a clear refusal pointing at kfdo run (stdout still a terminal, then stdin).
typ "clear"; keys Enter
shell_line "$KFDO </dev/null"
wait_exit 5
[ "$rc" = 2 ] && ok "stdin not a terminal: exits 2" || { not_ok "stdin not a terminal: exits 2" "rc=$rc"; dump; }
expect "stdin not a terminal: says so" "the wizard needs a terminal, and stdin is not one"
expect "stdin not a terminal: points at kfdo run" "kfdo run --yes walks the same steps"
[ "$(pane alternate_on)" = 0 ] && ok "stdin not a terminal: the screen was never taken" || not_ok "the screen was never taken"
typ "clear"; keys Enter
shell_line "$KFDO | cat"
wait_exit 5
[ "$rc" = 2 ] && ok "stdout not a terminal: exits 2" || { not_ok "stdout not a terminal: exits 2" "rc=$rc"; dump; }
expect "stdout not a terminal: says so" "the wizard needs a terminal, and stdout is not one"

# A terminal that cannot move the cursor (dumb, a type terminfo does not know,
# no TERM at all) is refused like no terminal, before the screen is touched.
for term in dumb kfdo-no-such-terminal ""; do
    name=${term:-unset}
    typ "clear"; keys Enter
    if [ -n "$term" ]; then shell_line "TERM=$term $KFDO"; else shell_line "env -u TERM $KFDO"; fi
    wait_exit 5
    [ "$rc" = 2 ] && ok "TERM=$name: exits 2" || { not_ok "TERM=$name: exits 2" "rc=$rc"; dump; keys q; }
    expect "TERM=$name: says the terminal cannot" "the wizard needs a terminal that can move the cursor"
    expect "TERM=$name: points at kfdo run" "kfdo run --yes walks the same steps"
    [ "$(pane alternate_on)" = 0 ] && ok "TERM=$name: the screen was never taken" || not_ok "TERM=$name: the screen was never taken"
done
