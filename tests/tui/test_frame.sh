# The frame every screen sits in: the title, the steps in the sidebar, the key
# bar, help, moving between steps, quitting back to the shell.
. tests/tui/lib.sh

start_shell 100 30
kfdo
expect "the title names kfdo and its version" "^ kfdo [0-9]+\.[0-9]+\.[0-9]+ "
expect "a new session starts at the hardware step" "Step 1 of 13: Check the hardware"
screen >"$T/screen"
missing=""
# Short labels in the sidebar (the heading has the step's whole title).
for title in " 1 Hardware" " 2 Tools" " 3 Source" " 4 Configure" " 5 Build" " 6 Baseline" " 7 Install" \
    " 8 Reboot" " 9 Record profile" "10 Convert profile" "11 Final build" "12 Finish" "13 Compare"; do
    grep -qF "$title" "$T/screen" || missing+=" '$title'"
done
if [ -z "$missing" ]; then ok "the sidebar lists the thirteen steps"; else not_ok "the sidebar lists the thirteen steps" "missing:$missing"; dump; fi
if grep -qE '^ +([0-9]| [0-9]|1[0-3]) ' "$T/screen" && grep -qE '13 Compare' "$T/screen"; then
    ok "the steps are numbered"; else not_ok "the steps are numbered"; dump; fi
expect "the legend explains the marks" "✓ done +✗ failed"
expect "the key bar has help" "F1/\? Help"
expect "the key bar has quit, at the right end" "F10/q Quit *$"
# The title's CPU words match what kfdo detect says about this machine.
verdict=$("$KFDO" detect --json | sed -n 's/.*"verdict": "\(.*\)".*/\1/p')
branch=$("$KFDO" detect --json | sed -n 's/.*"branch_sampling": "\(.*\)".*/\1/p')
if [ "$branch" = none ]; then
    expect "the title says there is no branch sampling" "│ .*no branch sampling"
else
    expect "the title names the branch sampling" "│ .*(LBR|BRS|LbrExtV2)"
fi
[ "$verdict" = unsupported ] && mark="✗" || mark="✓"
expect "the hardware step shows its verdict ($verdict) in the sidebar" "^ $mark +1 Hardware"

# Help: F1 and ?, closed by Esc.
keys F1
expect "F1 opens the help of the step" "Why it matters"
expect "the help lists the keys with their twins" "F1, \?, h +Help"
keys Escape
wait_gone "Why it matters" 3 && ok "Esc closes the help" || { not_ok "Esc closes the help"; dump; }
keys '?'
expect "? opens the help too" "Why it matters"
keys q
wait_gone "Why it matters" 3 && ok "q closes the help (and does not quit)" || { not_ok "q closes the help"; dump; }
expect_not "kfdo still runs after q in the help" "kfdo-exit"

# Moving between steps: F3 / ] forward, F2 / Esc back.
keys F3
expect "F3 goes to the next step" "Step 2 of 13: Check the tools"
expect "the toolchain screen lists clang" "tool\.clang"
keys ']'
expect "] goes to the next step" "Step 3 of 13: Get the kernel source"
keys F2
expect "F2 goes back" "Step 2 of 13: Check the tools"
keys Escape
expect "Esc goes back" "Step 1 of 13: Check the hardware"
keys F2
expect "F2 on the first step stays there" "Step 1 of 13: Check the hardware"
for _ in $(seq 12); do keys F3; done
expect "the last step is the comparison" "Step 13 of 13: Compare with the kernel from before"
expect "a locked step says what it waits for" "Not ready: no baseline to compare with"

# q quits at once when nothing runs, back to the shell.
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "q quits with status 0" || { not_ok "q quits with status 0" "rc=$rc"; dump; }
expect "kfdo says where the session resumes" "kfdo: the session is saved; run kfdo again to go on"
expect "the shell prompt is back, below kfdo's last words" "^tui-test\\$ *$"

# A second start resumes at the first step not done: the walk above checked the
# hardware and the tools (make deps-test installs them), so the source is next,
# even when the hardware said "unsupported" (building needs no PMU).
kfdo
expect "the session resumes at the first step not done" "Step 3 of 13: Get the kernel source"
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "F10 quits" || { not_ok "F10 quits" "rc=$rc"; dump; }

# A save that fails (the state directory replaced by a file under kfdo's
# feet, as a full or read-only disk would make it fail): the screen says so,
# and quitting says so again on the normal screen and exits non-zero rather
# than "the session is saved".
typ "clear"; keys Enter
kfdo
expect "started again" "Step 3 of 13: Get the kernel source"
mv "$XDG_STATE_HOME/kfdo" "$XDG_STATE_HOME/kfdo.away"
: >"$XDG_STATE_HOME/kfdo"
keys F2; keys F2
expect "at the hardware step" "Step 1 of 13: Check the hardware"
keys r
expect "the screen says the save failed" "could not be saved" 10
keys q
wait_exit 5
[ "$rc" != 0 ] && [ "$rc" != -1 ] && ok "a failed save: quitting exits non-zero ($rc)" ||
    { not_ok "a failed save: quitting exits non-zero" "rc=$rc"; dump; }
expect "a failed save: said on the normal screen" "^kfdo: the session could not be saved: "
expect_not "a failed save: not 'the session is saved'" "the session is saved"
rm -f "$XDG_STATE_HOME/kfdo"; mv "$XDG_STATE_HOME/kfdo.away" "$XDG_STATE_HOME/kfdo"
