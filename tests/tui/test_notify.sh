# The end of a long step tells the user who walked away (DESIGN: "tell me when
# it is done"): the bell, and in a graphical session (a display and a session
# bus) a desktop notification through notify-send. A stand-in notify-send on
# PATH writes down its arguments (no notification daemon in CI); the build is the real make on the stand-in tree, slowed past the
# 10 s a step must last to count as long.
. tests/tui/lib.sh
tree=$T/tree
mkdir -p "$T/bin"
cat >"$T/bin/notify-send" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/notified.part" && mv "$T/notified.part" "$T/notified"
EOF
chmod +x "$T/bin/notify-send"

# run_build HOW [VAR=value...]: a fresh session configured on a fresh copy of
# the stand-in tree, then the wizard (with the extra environment) builds it with the make
# variables in MAKEVARS and quits.
run_build() {
    local how=$1
    shift
    rm -rf "$XDG_STATE_HOME" "$T/notified"
    fake_tree "$tree"
    "$KFDO" run --yes --until configure --tree "$tree" --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 \
        >"$T/run.out" 2>&1 || { not_ok "$how: the stand-in tree is configured" "$(tail -3 "$T/run.out")"; return 1; }
    start_shell 120 35 PATH="$T/bin:$PATH" "$@"
    local args=() v
    for v in $MAKEVARS; do args+=(--make-var "$v"); done
    kfdo tui "${args[@]}"
    expect "$how: the wizard resumes at the build" "Step 5 of 13: Build the kernel" 10
    keys Enter
    expect "$how: the build ends" "Build the kernel: (built in|exited with status)" 40
    # The bell: tmux marks the window that rang it.
    [ "$(tm display-message -p -t 0 '#{window_bell_flag}')" = 1 ] && ok "$how: the bell rang" ||
        not_ok "$how: the bell rang" "window_bell_flag is $(tm display-message -p -t 0 '#{window_bell_flag}')"
    # notify-send runs on its own: when one is due (NOTIFY=1), wait for what it
    # writes; when none is, a moment shows one that should not have come.
    if [ "${NOTIFY:-0}" = 1 ]; then wait_until 20 test -s "$T/notified"; else sleep 3; fi
    keys F10
    # Should F10 ask first, that is no miss (a miss shortens the waits after it).
    local missed=$WAIT_MISSED
    wait_exit 10 || { WAIT_MISSED=$missed; keys y; wait_exit 5; }
}

# ssh -X: a display, but no session bus (notify-send would start a dbus-daemon of its own).
MAKEVARS="LINK_DELAY=11" run_build "ssh -X" DISPLAY=localhost:10.0
[ -e "$T/notified" ] && not_ok "ssh -X: no notification, the bell only" "$(cat "$T/notified")" ||
    ok "ssh -X: no notification, the bell only"

NOTIFY=1 MAKEVARS="LINK_DELAY=11" run_build "an X session" DISPLAY=:0 DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus
if [ "$(sed -n 1,4p "$T/notified" 2>/dev/null | tr '\n' ' ')" = "--app-name=kfdo --urgency=normal -- Build the kernel " ]; then
    ok "an X session: notify-send names kfdo and the step"
else
    not_ok "an X session: notify-send names kfdo and the step" "$(cat "$T/notified" 2>&1)"
fi
grep -qE '^built in [0-9ms]+: [0-9]+ steps' "$T/notified" && ok "an X session: with the step's outcome" ||
    not_ok "an X session: with the step's outcome" "$(cat "$T/notified" 2>&1)"

# Wayland, with the bus where systemd puts it.
mkdir -p "$T/run" && : >"$T/run/bus"
NOTIFY=1 MAKEVARS="STEP_DELAY=1.2 FAIL=mm/t.o" run_build "a failed build under Wayland" WAYLAND_DISPLAY=wayland-0 XDG_RUNTIME_DIR=$T/run
sed -n 2p "$T/notified" 2>/dev/null | grep -qx -- '--urgency=critical' && ok "a failed build under Wayland: urgent" ||
    not_ok "a failed build under Wayland: urgent" "$(cat "$T/notified" 2>&1)"
grep -qx "exited with status 2: mm/t.c:12: use of undeclared identifier 'boom' (1 error, 0 warnings)" "$T/notified" &&
    ok "a failed build under Wayland: with the first error" ||
    not_ok "a failed build under Wayland: with the first error" "$(cat "$T/notified" 2>&1)"
