# The terminal closed under the wizard during a build (tmux kill-pane, then
# kill-server: the shell and kfdo get SIGHUP, the terminal is gone). kfdo's
# choice: the build is cancelled with it, never left running on its own, and
# the step is recorded as cancelled, so the next kfdo runs it again. The build
# is the real make on the stand-in tree, whose 30 s "link" keeps it running.
. tests/tui/lib.sh
tree=$T/tree
fake_tree "$tree"
in_tree() { for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$tree" ] && echo "${p#/proc/}"; done; }
"$KFDO" run --yes --until configure --tree "$tree" --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 \
    >"$T/run.out" 2>&1 || { not_ok "the stand-in tree is configured" "$(tail -3 "$T/run.out")"; exit 1; }

for how in kill-pane kill-server; do
    start_shell 120 35
    kfdo tui --make-var LINK_DELAY=30
    expect "$how: the wizard resumes at the build" "Step 5 of 13: Build the kernel" 10
    keys Enter
    expect "$how: the build reaches its link" "LD +vmlinux\.o" 15
    pid=$(kfdo_pid)
    build=$(in_tree)
    [ -n "$pid" ] && [ -n "$build" ] && ok "$how: kfdo and the build run" || not_ok "$how: kfdo and the build run" "kfdo '$pid', build '$build'"
    t0=$(ms_now)
    # Closing the terminal: tmux hangs up the pane's terminal (SIGHUP).
    if [ "$how" = kill-pane ]; then tm kill-pane -t 0; else tm kill-server; fi
    # kfdo cancels the build first (its grace: 6 s at most); a slow machine gets 30 s.
    while kill -0 "$pid" 2>/dev/null && [ $(( $(ms_now) - t0 )) -lt 30000 ]; do sleep 0.1; done
    ms=$(( $(ms_now) - t0 ))
    if kill -0 "$pid" 2>/dev/null; then
        not_ok "$how: kfdo ends with its terminal" "still running after ${ms} ms"; kill -9 "$pid"
    else
        ok "$how: kfdo ends with its terminal (${ms} ms)"
    fi
    sleep 0.2
    left=$(in_tree)
    [ -z "$left" ] && ok "$how: nothing of the build is left running" ||
        not_ok "$how: nothing of the build is left running" "$(ps -o pid,args -p "$(echo $left | tr ' ' ,)")"
    "$KFDO" status >"$T/out" 2>&1
    grep -qE "build +failed .*cancelled" "$T/out" && ok "$how: the build is recorded as cancelled" ||
        not_ok "$how: the build is recorded as cancelled" "$(grep -E 'build|killed' "$T/out")"
    if grep -q 'killed during' "$T/out"; then not_ok "$how: no orphaned step for the next run to recover" "$(grep 'killed during' "$T/out")"
    else ok "$how: no orphaned step for the next run to recover"; fi
done
