# The second half of the flow in the wizard, over the real engines: the
# stand-in kernel tree's pacman-pkg makes real packages with real makepkg
# (tests/tools/mkkernelpkgs), installed into a test root through libalpm
# (root mode); the reboot noticed on a fixture machine running the installed
# kernel (kfdo tui --sysroot); a recording by real perf, stopped with s; a
# conversion by the real llvm-profgen-19 with its stats; the final build with
# the profile; finish with its summary. The fixtures are the CLI tests' own
# (tests/lib/fixtures.sh).
#
# This VM has no hardware PMU, so two stand-ins: perf records through a
# wrapper that turns the branch event into cpu-clock and drops -b (its
# perf.data has no branch stacks, and the convert screen says so), and the LBR
# samples that get converted come from tests/tools/gen_perfscript, generated
# from the instructions of the packaged kernel-like image.
. tests/tui/lib.sh
. tests/lib/fixtures.sh
TOOLS=${KFDO_TOOLS:-build/tools}
q() { sed 's/[][().*+?|^$\\]/\\&/g' <<<"$1"; }

tree=$T/tree R=$T/root
fake_tree "$tree"
build_minikernel "$T/vmlinux" || { not_ok "build the kernel-like image"; exit 1; }
id=$(build_id "$T/vmlinux")
VM=$R/usr/src/debug/linux-upstream/vmlinux
"$KFDO" run --yes --no-compare --until build --tree "$tree" --config-from tinyconfig --target pacman-pkg --llvm 1 --jobs 2 \
    --root "$R" --make-var "MKPKG=$PWD/tests/tools/mkkernelpkgs" --make-var "MKPKG_ARGS=--vmlinux-from $T/vmlinux" \
    >"$T/out" 2>&1
grep -q "built in .*, 4 packages" "$T/out" && ok "kfdo run built the stand-in tree's packages" ||
    { not_ok "kfdo run built the stand-in tree's packages" "$(tail -5 "$T/out")"; exit 1; }

# --- install, into a test root ---
start_shell 180 45
kfdo
expect "resumes at the install step" "Step 7 of 13: Install the kernel"
expect "the sidebar shows what is done" "✓  5 Build"
expect "the packages, read with libalpm" "Packages of linux-upstream 6\.13\.0_fake-1 \(kernel 6\.13\.0-fake\), read with libalpm:"
expect "each with its version and size" "linux-upstream-debug +6\.13\.0_fake-1 +[0-9.]+ KiB"
expect "the -api-headers package is left out" "linux-upstream-api-headers +left out"
expect_flat "with the reason" "linux-upstream-api-headers is left out: it provides and conflicts with linux-api-headers"
expect_flat "the vmlinux, read out of its package: unstripped, with its build-id" \
    "vmlinux: usr/src/debug/linux-upstream/vmlinux in linux-upstream-debug: unstripped, with debug info, build-id $id" 10
expect_flat "root mode: libalpm, no sudo" "Root mode: kfdo installs through libalpm into the root below \(no sudo"
expect_flat "the install command, shown before it runs" \
    "\\\$ $(q "$KFDO") packages install --root $R --dbpath $R/var/lib/pacman $tree/linux-upstream-6\.13\.0_fake-1-"
expect_not "no notice of a missing engine" "Not in this version yet"
keys Enter
expect_flat "the install runs, confirmed by the engine" \
    "Done: installed linux-upstream, linux-upstream-debug, linux-upstream-headers 6\.13\.0_fake-1" 20
expect_flat "the package database's answer: the version installed" \
    "Installed: 6\.13\.0_fake-1, every package \(package database $R/var/lib/pacman\)"
expect_flat "the kernel and build-id the engine recorded" "Recorded: kernel 6\.13\.0-fake, build-id $id vmlinux $VM"
[ -d "$R/var/lib/pacman/local/linux-upstream-debug-6.13.0_fake-1" ] && [ ! -e "$R/usr/include" ] &&
    ok "the root's database has them, without the api headers" || not_ok "the root's database has them" "$(ls -R "$R" | head)"

# --- reboot: this machine runs another kernel ---
keys F3
running=$(q "$(uname -r)")
expect "the reboot screen" "Step 8 of 13: Reboot into the new kernel"
expect "the running kernel" "Running kernel: +$running"
expect "the built kernel" "Built kernel: +6\.13\.0-fake"
expect "its build-id" "build-id $id"
expect_flat "the engine's verdict" "Check: not yet, running $running, built 6\.13\.0-fake: reboot into 6\.13\.0-fake"
# No boot loader kfdo knows on this machine (root mode, no sysroot): it says so,
# and offers to go on by itself after a reboot the user makes (tests/tui/test_reboot.sh
# has the machine with an entry).
expect_flat "what to do: reboot yourself, kfdo goes on by itself" "m I will reboot myself \(kfdo goes on by itself after the login\)"
expect_flat "no entry to reboot into: said, with why" "Boot entry: [a-zA-Z]"
expect_not "and no reboot offered" "n  Reboot now into"
keys r
expect "r checks, and says why not yet" "Not yet: running $running, built 6\.13\.0-fake"
keys F10
wait_exit 5

# --- the next start on a machine running the installed kernel (a fixture
# sysroot whose notes are its build-id), with the distribution's sysctls ---
mk_sysroot "$T/machine" 6.13.0-fake "$VM"
echo 2 >"$T/machine/proc/sys/kernel/perf_event_paranoid"
echo 1 >"$T/machine/proc/sys/kernel/kptr_restrict"
stand_in_sysctl "$T/bin" "$T/machine"
recording=1
if ! can_record; then
    recording=0
    skip "recording with real perf" "perf cannot record system-wide here (not root, perf_event_paranoid > 0)"
else
    perf_wrapper "$T/bin"
fi
start_shell 180 45 PATH="$T/bin:$PATH"
kfdo tui --sysroot "$T/machine"
expect "the reboot is noticed" "Welcome back: running 6\.13\.0-fake, the kernel kfdo built \(build-id $id\)"
expect "and the profile comes next" "Step 9 of 13: Record a profile"
expect "the sidebar marks the reboot done" "✓  8 Reboot"
sed -n '/"reboot": {/,/}/p' "$XDG_STATE_HOME/kfdo/session.json" | grep -q '"done"' &&
    ok "the session records the reboot as done" || not_ok "the session records the reboot as done"

# --- profile ---
expect "the workload choice: a kernel rebuild, with its tree" "\( \) Rebuild a kernel tree: $tree"
expect "a command" "\( \) A command you type:"
expect "a timed capture (the default here: the stand-in tree is configured in place)" \
    "\(•\) A timed system-wide capture: < 10 > minutes"
expect "a benchmark, perf bench at least" "\( \) A benchmark: < perf >"
expect_flat "where perf.data goes is the engine's choice" "perf\.data: $XDG_DATA_HOME/kfdo/recordings/perf-6\.13\.0-fake-timed-1\.data"
expect_flat "the sysctls are checked before recording" "Kernel settings: perf_event_paranoid is 2"
# As root the fix runs as it is; as a user through sudo (the fresh root's user run).
sudo_=
[ "$(id -u)" -ne 0 ] && sudo_='sudo '
expect_flat "with their fix shown (through sudo unless root)" \
    "Enter offers the fix before recording: \\\$ ${sudo_}sysctl -w kernel\.perf_event_paranoid=0 \\\$ ${sudo_}sysctl -w kernel\.kptr_restrict=0"
expect_not "no notice of a missing engine" "Not in this version yet"
keys Down
expect "the benchmark row says what it runs" "perf bench sched messaging"
expect_flat "and for how long, repeated if it ends sooner" "Recorded for 10 minutes, the benchmark run again if it ends sooner"
keys +
expect "+ on the benchmark row: its minutes (and the benchmark chosen)" "\(•\) A benchmark: < perf > for 11 minutes"
keys -
expect "- takes one back" "\(•\) A benchmark: < perf > for 10 minutes"
keys Up Up
# A workload that takes 2 s to wind down after the stop, so that the stopping state can be read.
typ 'trap "sleep 2" INT; trap "" TERM; sleep 60'
expect "typing chooses the command" "\(•\) A command you type: trap"
expect_flat "the perf command with the typed workload" \
    "\\\$ perf record (-e|--pfm-events) \S+ -a -N -b -c 500009 -o $XDG_DATA_HOME/kfdo/recordings/perf-6\.13\.0-fake-command-1\.data -- sh -c 'trap \"sleep 2\" INT; trap \"\" TERM; sleep 60'"
if [ "$recording" = 1 ]; then
    keys Enter
    expect "Enter offers the sysctl fix first" "Allow perf to record the kernel\?"
    expect "with the exact commands" "\\\$ sysctl -w kernel\.kptr_restrict=0"
    keys y
    expect "the recording runs: elapsed, perf.data's size and growth" \
        "Recording: elapsed [0-9]+s +perf\.data [0-9.]+ ?[KMG]?B +\+[0-9.]+ ?[KMG]?B/s" 15
    [ "$(cat "$T/machine/proc/sys/kernel/perf_event_paranoid")" = 0 ] && ok "the fix ran (the stand-in sysctl wrote the fixture)" ||
        not_ok "the fix ran"
    expect "the free disk and the floor" "Disk: +[0-9.]+ [KMGT]B free where perf\.data grows; the recording stops cleanly below [0-9.]+ GB"
    expect "s is the stop key" "s Stop \(keep perf\.data\) +c Cancel"
    wait_for "perf\.data [1-9][0-9.]* [KM]B" 10
    keys s
    expect "after s: stopping, perf is writing perf.data" "stopping: perf is writing perf\.data" 3
    expect "the recording ends done, stopped on request (a clean stop, not a cancel)" \
        "Done: recorded [0-9]+s: [0-9.]+ [KM]B, [1-9][0-9]* samples in" 15
    expect_flat "the engine says how it ended" "\(stopped on request\); warning: without branch stacks"
    D=$XDG_DATA_HOME/kfdo/recordings/perf-6.13.0-fake-command-1.data
    if "$KFDO" profile perfdata "$D" | grep -qE "^Samples +[1-9][0-9]* of"; then ok "the perf.data is complete (kfdo profile perfdata counts its samples)"
    else not_ok "the perf.data is complete" "$("$KFDO" profile perfdata "$D" 2>&1)"; fi
    expect "the sidebar marks the profile done" "✓  9 Record profile"

    # The convert screen on that recording: the three build-ids, and why it stops.
    keys F3
    expect "the convert screen" "Step 10 of 13: Convert the profile"
    expect "the vmlinux's build-id" "  vmlinux +$id"
    expect "the running kernel's (the fixture machine's)" "  running kernel +$id"
    expect "the one perf.data noted (this VM's own kernel: perf recorded here)" "  perf\.data +[0-9a-f]{40}"
    expect_flat "the stop reason: no branch stacks (no PMU on this VM)" "stop: $(q "$D") was recorded without branch stacks \(perf record -b\)"
    keys Enter
    expect "Enter says why it cannot convert" "This step cannot run yet: $(q "$D") was recorded without"
fi
keys F10
wait_exit 5

# --- convert a generated trace of the installed image ---
need llvm-profgen-19 llvm-profdata-19
"$TOOLS/gen_perfscript" --binary "$T/vmlinux" -o "$T/trace.perfscript" --samples 3000 2>/dev/null
start_shell 180 45 PATH="$T/bin:$PATH"
kfdo tui --sysroot "$T/machine" --perf-data "$T/trace.perfscript"
expect "starts at the hardware of the machine given" "Step 1 of 13"
keys F3 F3 F3 F3 F3 F3 F3 F3 F3
expect "the convert screen" "Step 10 of 13: Convert the profile"
expect_flat "the trace is the input" "perf\.data: $T/trace\.perfscript \([0-9.]+ [KM]B\)"
expect "a perf script notes no build-id: the running kernel's stands in" "  perf\.data +none noted \(a perf script"
expect "the build-ids agree" "ok: they belong together"
expect "no earlier profile yet" "Merge with: none: no earlier profile of this build yet"
expect_flat "the converter's command" \
    "\\\$ llvm-profgen-19 --kernel --binary=$VM --perfscript=$T/trace\.perfscript -o $XDG_DATA_HOME/kfdo/profiles/\.convert-new\.afdo"
keys Enter
expect_flat "the conversion ends done" "Done: profile $XDG_DATA_HOME/kfdo/profiles/6\.13\.0-fake-trace-[0-9-]+\.afdo from" 20
expect "the stats: perf.data and profile sizes, functions, samples" \
    "perf\.data [0-9.]+ MB -> profile [0-9.]+ KB, [1-9][0-9]* functions, [1-9][0-9]* samples"
expect "the hottest functions as a table" "share +samples +hottest functions"
expect "its rows: share, samples, name" \
    "[0-9]+\.[0-9]% +[1-9][0-9]* +(sys_|vfs_|rcu_|schedule|copy_user|page_fault|tlb_flush|timer_)"
expect_flat "the warning for a small profile" "warning: the profile is suspiciously small"
P=$(ls "$XDG_DATA_HOME"/kfdo/profiles/*.afdo | head -n1)
keys m
expect "m merges with every earlier profile of this build" "Merge with: < all > +\(1 earlier profile of this build"
expect "the earlier profile is listed" "\[x\] $(q "$(basename "$P")") \([0-9.]+ KB, [0-9]+ functions, workload trace\)"
"$KFDO" plan >"$T/plan" 2>&1
grep -q "llvm-profdata-19 merge --sample --extbinary -o $XDG_DATA_HOME/kfdo/profiles/.convert-merged.afdo $XDG_DATA_HOME/kfdo/profiles/.convert-new.afdo $P" "$T/plan" &&
    ok "the choice is the session's: kfdo plan merges with it" || not_ok "kfdo plan merges with it" "$(grep merge "$T/plan")"
keys Enter
expect_flat "the merged profile is made and used" "Done: profile \S+-merged\.afdo from" 20
expect_flat "merged from the earlier one and the new one" "merged from $(q "$(basename "$P")"), 6\.13\.0-fake-trace-"
M=$(ls "$XDG_DATA_HOME"/kfdo/profiles/*-merged.afdo | head -n1)

# --- the final build with it, and finish ---
keys F3
expect "the final build screen" "Step 11 of 13: Build the optimized kernel"
expect_flat "which profile, with its stats in one line" "Profile: $M [0-9.]+ KB, [0-9]+ functions, [0-9]+ samples; hottest: "
expect_flat "the build command with the profile's absolute path" \
    "\\\$ make LLVM=1 LLVM_IAS=1 MKPKG=\S+ 'MKPKG_ARGS=--vmlinux-from $T/vmlinux' CLANG_AUTOFDO_PROFILE=$M -C $tree -j2 pacman-pkg"
keys Enter
expect_flat "the final build ends done and names its profile" "Done: built in .*, 4 packages; built with profile $M" 40
expect_flat "and says the compiles and the ThinLTO link used it" \
    "; verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config, -fprofile-sample-use in kernel/fork\.o, --lto-sample-profile in vmlinux\.o"
keys F3
expect "the finish screen" "Step 12 of 13: Install the optimized kernel"
expect "the optimized build's packages" "Packages of linux-upstream 6\.13\.0_fake-2"
keys Enter
expect "finish installs it and sums up" "The kernel optimized with AutoFDO is installed: 6\.13\.0-fake\." 20
expect_flat "the profile and how to reuse it, as kfdo run says it" \
    "Reuse it for a later build of this tree: make \.\.\. CLANG_AUTOFDO_PROFILE=$M, or record a fresh one"
expect "the sidebar marks finish done" "✓ 12 Finish"
# --- the profile handed to a linux-cachyos PKGBUILD (kfdo profile export's, on the screen) ---
mkdir -p "$T/cachy/linux-cachyos" "$T/cachy/old"
cp $FIX/cachyos/linux-cachyos/PKGBUILD "$T/cachy/linux-cachyos/"
cp $FIX/cachyos/old/2024-07-01/linux-cachyos/PKGBUILD "$T/cachy/old/"
expect "p: to a PKGBUILD, in the key bar" "p To a PKGBUILD"
keys p
expect "p opens the folder field" "PKGBUILD folder:"
typ "$T/cachy/old"
keys Enter
expect_flat "an older checkout is refused by the knob it lacks" "has no _autofdo knob: this checkout is older than linux-cachyos's AutoFDO support"
expect "the field stays open to be corrected" "PKGBUILD folder:"
keys C-u
# q is a letter of the folder here, not the wizard's quit.
typ "$T/cachy/linux-cachyos"
keys Enter
expect_flat "handed: where the profile went" "Handed to: $T/cachy/linux-cachyos/$(basename "$M")"
expect_flat "and the makepkg line that builds with it" \
    "Build with: cd $T/cachy/linux-cachyos && _autofdo=yes _autofdo_profile_name=$(basename "$M") makepkg --skipchecksums"
cmp -s "$M" "$T/cachy/linux-cachyos/$(basename "$M")" && ok "the profile is there, the same bytes" ||
    not_ok "the profile is there, the same bytes" "$(ls "$T/cachy/linux-cachyos")"
[ "$(ls "$T/cachy/old")" = PKGBUILD ] && ok "nothing was written beside the refused one" || not_ok "nothing beside the refused one"
tm resize-window -x 80 -y 24
# Whole at 80 columns too, a long name broken where it must be (so compared without spaces).
want=$(tr -d ' ' <<<"Build with: cd $T/cachy/linux-cachyos && _autofdo=yes _autofdo_profile_name=$(basename "$M") makepkg --skipchecksums")
deadline_ms=$(deadline 5)
until flat | tr -d ' ' | grep -qF -- "$want" || [ "$(ms_now)" -ge "$deadline_ms" ]; do sleep 0.05; done
flat | tr -d ' ' | grep -qF -- "$want" && ok "80x24: the line is there whole" || { not_ok "80x24: the line is there whole"; screen >"$T/screen"; dump; }
keys p
expect "p again" "PKGBUILD folder:"
typ "q"
expect "q is typed into the field" "PKGBUILD folder: .*q"
# A function key is still the wizard's: F1's help, closed by Esc, back to the open field.
keys F1
expect "F1 opens the help over the field" "Why it matters"
keys Escape
wait_gone "Why it matters" 5 && expect "the field is still open" "PKGBUILD folder: .*q" ||
    not_ok "Esc closes the help" "$(screen | head -5)"
keys Escape
wait_gone "PKGBUILD folder:" 5 && ok "Esc closes the field, the wizard stays" || not_ok "Esc closes the field"
expect "still the finish screen" "Step 12 of 13: Install the optimized kernel"
# The smallest terminal still shows the screens' heads.
tm resize-window -x 80 -y 24
keys F2 F2 F2
expect "80x24: the profile screen's workloads" "\(•\) A command you type:"
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
