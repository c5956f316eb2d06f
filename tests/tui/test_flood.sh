# The build screen under a synthetic flood: a fake `make` on PATH answers the
# prepare and the dry run at once, and for the build itself runs floodlog
# (tests/tools) writing a million kbuild lines as fast as the pipe takes them,
# round after round (kfdo drains a million in about two seconds here, so one
# round alone could end before the test presses q).
# The wizard must stay responsive (help opens while the flood goes on, the
# counters move) and q + y must quit, leaving nothing running. The flood never
# ends by itself, so a starved keyboard fails these; how many milliseconds the
# answers take is printed, not asserted (a loaded CI machine is slow by
# seconds; make bench is where speed is measured).
. tests/tui/lib.sh
tree="$T/tree"
fake_tree "$tree"
# Configure with the real stand-in Makefile first.
"$KFDO" run --yes --until configure --tree "$tree" --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 \
    >"$T/out" 2>&1 && ok "configured the stand-in tree" || { not_ok "configured the stand-in tree" "$(tail -5 "$T/out")"; exit 1; }

mkdir -p "$T/bin"
# A copy of floodlog of this test's own: what is left of it is told apart from a
# floodlog another test runs at the same time (make check runs two at once).
cp "$KFDO_TOOLS/floodlog" "$T/bin/floodlog"
cat >"$T/bin/make" <<EOF
#!/bin/sh
# Synthetic flood (a test stand-in for make): prepare and make -n return at
# once; the build is a million kbuild-like lines from floodlog, again and again.
for a in "\$@"; do case \$a in -n|prepare) exit 0 ;; esac; done
while "$T/bin/floodlog" --lines 1000000; do :; done
EOF
chmod +x "$T/bin/make"

start_shell 100 30 PATH="$T/bin:$PATH"
kfdo
expect "resumes at the build" "Step 5 of 13: Build the kernel"
keys Enter
expect "the flood is on screen" "lines [0-9]{5,}" 10
n1=$(grep -oE 'lines [0-9]+' "$T/screen" | head -n1 | cut -d' ' -f2)

# Input is not starved: help opens while the log floods in.
t0=$(ms_now)
keys F1
if wait_for "Why it matters" 5; then
    ms=$(( $(ms_now) - t0 ))
    echo "# help opened ${ms} ms after F1 during the flood"
    ok "help opens during the flood (${ms} ms)"
else
    not_ok "help opens during the flood"; dump
fi
keys Escape
wait_gone "Why it matters" 5
# The counters keep moving: the screen is redrawn while the flood goes on.
if wait_for "lines [0-9]{5,}" 5; then
    n2=$(grep -oE 'lines [0-9]+' "$T/screen" | head -n1 | cut -d' ' -f2)
    ta=$(ms_now)
    sleep 1
    wait_for "lines [0-9]{5,}" 5
    n3=$(grep -oE 'lines [0-9]+' "$T/screen" | head -n1 | cut -d' ' -f2)
    tb=$(ms_now)
    echo "# lines on screen: $n1, then $n2, then $n3 ($(( (n3 - n2) * 1000 / (tb - ta) )) lines/s shown)"
    if [ "$n3" -gt "$n1" ]; then ok "the line count moves on screen ($n1 -> $n3)"; else not_ok "the line count moves on screen" "$n1 $n2 $n3"; dump; fi
else
    not_ok "the build screen is back after the help"; dump
fi
if screen | grep -qE "Done: built|Failed:"; then
    not_ok "the flood was still running when q was pressed" "the build ended first: a million lines took under a few seconds"
fi

# c asks before cancelling; n leaves the build running.
keys c
expect "c asks before cancelling the build" "Cancel the build\?"
keys n
wait_gone "Cancel the build\?" 5 && ok "n keeps the build" || { not_ok "n keeps the build"; dump; }
expect "the build still runs" "●  5 Build"

keys q
expect "q asks before cancelling the build" "Quit kfdo\?"
expect "the question says what is cancelled" "Build the kernel step is running"
t0=$(ms_now)
keys y
wait_exit 5
ms=$(( $(ms_now) - t0 ))
echo "# kfdo exited ${ms} ms after the confirmation"
[ "$rc" = 0 ] && ok "q + y quits with status 0 during the flood (${ms} ms)" || { not_ok "q + y quits with status 0 during the flood" "rc=$rc"; dump; }
# What kfdo killed last may take a moment to go; a leak would stay (the flood never ends).
for _ in $(seq 100); do pgrep -f "$T/bin/" >/dev/null || break; sleep 0.1; done
if pgrep -f "$T/bin/" >/dev/null; then
    not_ok "nothing of the build is left running" "$(pgrep -af "$T/bin/")"
else
    ok "nothing of the build is left running"
fi
expect "the shell prompt is back" "^tui-test\\$ *$"
"$KFDO" status >"$T/out" 2>&1
grep -qE "build +failed .*cancelled" "$T/out" && ok "the session records the build as cancelled" || not_ok "the session records the build as cancelled" "$(cat "$T/out")"
log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log | tail -n1)
lines=$(wc -l <"$log")
echo "# the build log holds $lines lines"
[ "$lines" -gt 10000 ] && ok "the log file got the flood ($lines lines)" || not_ok "the log file got the flood" "$lines lines"
