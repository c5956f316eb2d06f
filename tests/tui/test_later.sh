# Resuming a session, the reboot noticed on the next start, and the screens of
# the steps whose engines come later (install, profile, convert, finish): each
# says plainly what this version lacks, shows its commands, and stays usable.
. tests/tui/lib.sh
tree="$T/tree"
fake_tree "$tree"
"$KFDO" run --yes --until build --tree "$tree" --config-from tinyconfig --target bzImage --llvm 1 >"$T/out" 2>&1
grep -q "built in" "$T/out" && ok "built the stand-in tree with kfdo run" || { not_ok "built the stand-in tree" "$(tail -5 "$T/out")"; exit 1; }

start_shell 100 30
kfdo
expect "resumes at the first step not done: install" "Step 6 of 11: Install the kernel"
expect "the sidebar shows what is done" "✓  5 Build the kernel"
expect "install says what is not in this version" "Not in this version yet"
expect "it names libalpm" "Reading the built packages with libalpm"
expect "no packages for a bzImage build" "Packages: none built yet"
expect "its plan says what it waits for" "No commands yet: no built packages recorded yet"
keys Enter
expect "Enter says why it cannot run yet" "This step cannot run yet: no built packages recorded yet"
keys F3
expect "the reboot screen" "Step 7 of 11: Reboot into the new kernel"
expect "it shows the running kernel" "Running kernel: $(uname -r | sed 's/[.+]/\\&/g')"
expect "and that the built one is not known yet" "Built kernel: +not known yet"
keys r
expect "r checks, and says why not yet" "Not yet: the built kernel's release is not known yet"
keys F3
expect "the profile screen" "Step 8 of 11: Record a profile"
expect "the workload choice" "What should run while perf records\?"
expect "a timed capture by default" "\(•\) A timed system-wide capture: +< 10 > minutes"
expect "what is not in this version" "The kernel-build and benchmark workloads"
keys F3
expect "the convert screen" "Step 9 of 11: Convert the profile"
expect "it names the missing vmlinux" "vmlinux: +not found yet"
expect "and what is not in this version" "build-id check"
expect_flat "its plan waits for the vmlinux" "No commands yet: no vmlinux chosen yet"
keys F3
expect "the final build screen" "Step 10 of 11: Build the optimized kernel"
expect "it waits for a profile" "Not ready: no usable profile yet"
keys F3
expect "the finish screen" "Step 11 of 11: Install the optimized kernel"
expect "it says where the profile goes" "Profile: $XDG_DATA_HOME/kfdo/profiles/kernel\.afdo"
keys F10
wait_exit 5

# After the reboot: the running kernel is the built one, so kfdo says so and
# goes on to the profile. (The install engine records the release; here the
# session is written as it would leave it.)
sed -i -e '/"install": {/,/}/ s/"pending"/"done"/' \
    -e "s|\"artifacts\": {|\"artifacts\": {\n    \"kernel_release\": \"$(uname -r)\",|" "$XDG_STATE_HOME/kfdo/session.json"
start_shell 100 30
kfdo
expect "the reboot is noticed" "Welcome back: running $(uname -r | sed 's/[.+]/\\&/g'), the kernel kfdo built"
expect "and the profile comes next" "Step 8 of 11: Record a profile"
expect "the sidebar marks the reboot done" "✓  7 Reboot into the new"
grep -q '"reboot": {' "$XDG_STATE_HOME/kfdo/session.json" &&
    sed -n '/"reboot": {/,/}/p' "$XDG_STATE_HOME/kfdo/session.json" | grep -q '"done"' &&
    ok "the session records the reboot as done" || not_ok "the session records the reboot as done"

# A workload command typed in: shown in the perf command before it runs, then run.
keys Up
typ "sleep 1"
expect_flat "the perf command with the typed workload" "perf record .* -a -N -b -c 500009 -o $XDG_DATA_HOME/kfdo/perf\.data -- sh -c 'sleep 1'"
expect "the command choice is taken" "\(•\) A command you type: +sleep 1"
keys Enter
expect "the recording shows its elapsed time and perf.data" "elapsed [0-9]+s +perf\.data" 10
expect "the recording ends, done or failed" "(Done|Failed): " 20
expect "the log starts with the command that ran" "\\\$ perf record"
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
