# kfdo run's profile, convert and final-build steps and `kfdo profile`, through
# the real binary with the real llvm-profgen-19, llvm-profdata-19 and perf.
#
# This VM has no hardware PMU, so two stand-ins (tests/lib/fixtures.sh), each
# named where it is used:
# - the LBR samples come from tests/tools/gen_perfscript, generated from the
#   instructions of a small kernel-like image built here (tests/fixtures/minikernel);
# - the recordings are real perf recordings of a software event: a wrapper
#   named perf turns the branch event into cpu-clock and drops -b.
# The "running kernel" is a fixture sysroot whose /sys/kernel/notes is the
# image's own build-id note.
. tests/cli/lib.sh
. tests/lib/fixtures.sh
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
TOOLS=${KFDO_TOOLS:-build/tools}
REAL_PATH=$PATH
cleanup() { mountpoint -q "$T/small" 2>/dev/null && umount "$T/small"; rm -rf "$T"; }
trap cleanup EXIT

need llvm-profgen-19 llvm-profdata-19 perf
build_minikernel "$T/vmlinux" && build_minikernel "$T/vmlinux.other" -O1 || { not_ok "build the kernel-like image"; exit 1; }
S=$T/sysroot
mk_sysroot "$S" 6.13.0-mini "$T/vmlinux"
id=$(build_id "$T/vmlinux"); oid=$(build_id "$T/vmlinux.other")
"$TOOLS/gen_perfscript" --binary "$T/vmlinux" -o "$T/trace.perfscript" --samples 3000 2>/dev/null

# --- convert the generated trace ---
run run --yes --from convert --until convert --vmlinux "$T/vmlinux" --perf-data "$T/trace.perfscript" --sysroot "$S"
expect_rc "convert exits 0" 0
expect_out "runs llvm-profgen --kernel on the trace" "llvm-profgen-19 --kernel --binary=$T/vmlinux --perfscript=$T/trace.perfscript"
expect_out "stats: sizes, functions, samples, hottest" "ok +profile .*/profiles/6\.13\.0-mini-trace-[0-9-]+\.afdo from [0-9.]+ MB of samples: [0-9.]+ KB, [0-9]+ functions, [0-9]+ samples; hottest: "
expect_out "the hottest functions are listed" "^ +[0-9.]+%  (sys_|vfs_|rcu_|schedule|do_syscall|copy_user|page_fault|tlb_flush|timer_)"
expect_out "a small profile is called so" "suspiciously small"
P=$(ls "$XDG_DATA_HOME"/kfdo/profiles/*.afdo 2>/dev/null | head -n1)
[ -n "$P" ] && [ -f "$P.json" ] && ok "the profile and its record are kept" || not_ok "profile and record" "$(ls -la "$XDG_DATA_HOME"/kfdo/profiles 2>&1)"
n=$(llvm-profdata-19 show --sample --show-format=json "$P" | grep -c '"name"')
run profile stats "$P"
expect_rc "profile stats exits 0" 0
fun=$(sed -n 's/^Functions  \([0-9]*\).*/\1/p' "$T/out")
# Functions with their own entry in the JSON (nested inlinees have names too, so at least as many).
[ -n "$fun" ] && [ "$fun" -gt 10 ] && [ "$n" -ge "$fun" ] && ok "profile stats counts the functions ($fun)" || not_ok "profile stats functions" "$fun vs $n" "$(cat "$T/out")"
expect_out "profile stats names the source" "Source .*workload trace"
expect_out "and the recording with its size" "^Recording +$T/trace.perfscript \([0-9.]+ MB\)"
run profile list
expect_out "profile list shows it" "profile $P "
run status
expect_out "status shows the profile" "^Profile +$P"

# --- bad inputs ---
run run --yes --from convert --until convert --vmlinux "$T/vmlinux.other" --sysroot "$S"
expect_rc "vmlinux of another build fails" 1
expect_out "names the running kernel's build-id" "$id"
expect_out "names the vmlinux's build-id" "$oid"
objcopy --strip-all "$T/vmlinux" "$T/vmlinux.stripped"
run run --yes --from convert --until convert --vmlinux "$T/vmlinux.stripped" --sysroot "$S"
expect_rc "stripped vmlinux fails" 1; expect_out "says stripped" "is stripped .*unstripped vmlinux"
echo "not a profile" >"$T/junk.afdo"
run profile stats "$T/junk.afdo"
expect_rc "a profile llvm-profdata rejects exits 2" 2; expect_err "with llvm-profdata's reason" "llvm-profdata rejects .*Unrecognized sample profile encoding format"
# Propeller's two profiles (create_llvm_prof's own golden output, tests/fixtures/propeller),
# by upstream's names: read by kfdo, no llvm-profdata.
cp $FIX/propeller/propeller_sample_cc_directives.golden.txt "$T/pp_cc_profile.txt"
cp $FIX/propeller/propeller_sample_ld_directives.golden.txt "$T/pp_ld_profile.txt"
PATH="$T/nothing:/nonexistent" run profile stats "$T/pp_cc_profile.txt"
expect_rc "a Propeller cc profile: stats exit 0, no tool needed" 0
expect_out "says what it is" "^Kind +Propeller cc profile \(basic-block clusters, format v1\)$"
expect_out "its functions" "^Functions +2$"
expect_out "its clusters and blocks" "^Clusters +2, of 12 basic blocks$"
run profile stats "$T/pp_ld_profile.txt"
expect_rc "a Propeller ld profile: exit 0" 0
expect_out "its symbols and cold parts" "^Symbols +3 \(1 cold or split-off part\)$"
# Named otherwise, a cc profile says so on its first line (comments before it do not count).
{ echo "# made by hand"; cat $FIX/propeller/propeller_sample_verbose_cc_directives.golden.txt; } >"$T/verbose.txt"
run profile stats "$T/verbose.txt"
expect_out "a cc profile by its first line" "^Kind +Propeller cc profile"
# An AutoFDO text profile under a cc profile's name: refused with the line, nothing printed.
printf 'main:100:10\n 1: 10\n' >"$T/wrong_cc_profile.txt"
run profile stats "$T/wrong_cc_profile.txt"
expect_rc "an AutoFDO profile named as a cc profile exits 2" 2
expect_err "names the line" "wrong_cc_profile.txt, line 1: a Propeller cc profile starts with v1 or !name, not 'main:100:10'"
[ -s "$T/out" ] && not_ok "and prints no figures" "$(cat "$T/out")" || ok "and prints no figures"
"$TOOLS/gen_perfdata" -o "$T/nob.data" --no-branch-stack --kernel-build-id "$id"
run run --yes --from convert --until convert --vmlinux "$T/vmlinux" --perf-data "$T/nob.data" --sysroot "$S"
expect_rc "perf.data without -b fails" 1; expect_out "says -b" "recorded without branch stacks \(perf record -b\)"
run profile perfdata "$T/nob.data"
expect_rc "profile perfdata on it exits 1" 1; expect_out "shows no branches" "^Branches +no"
"$TOOLS/gen_perfdata" -o "$T/lbr.data" --kernel-build-id "$id"
run profile perfdata "$T/lbr.data"
expect_rc "a perf.data with branch stacks (written by hand) is usable" 0
expect_out "its kernel build-id" "^Kernel .*build-id $id"
: >"$T/empty.data"; run profile perfdata "$T/empty.data"
expect_rc "empty perf.data exits 1" 1; expect_out "says empty" "is empty \(0 bytes\)"
echo hello >"$T/text.data"; run profile perfdata "$T/text.data"
expect_out "text is not perf data" "not a perf.data file"
[ "$(ls "$XDG_DATA_HOME"/kfdo/profiles/*.afdo | wc -l)" -eq 1 ] && [ -f "$P" ] && ok "failed conversions made and removed nothing" || not_ok "failed conversions made and removed nothing" "$(ls "$XDG_DATA_HOME"/kfdo/profiles)"

# --- the final build with the profile, on the stand-in kernel tree ---
cp -a $FIX/faketree "$T/tree"
run run --yes --from configure --until build --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 --tree "$T/tree" --vmlinux "$T/vmlinux" --perf-data "$T/trace.perfscript"
expect_rc "the first build exits 0" 0
run plan
expect_out "plan: the final build with the absolute profile path" "^make LLVM=1 LLVM_IAS=1 CLANG_AUTOFDO_PROFILE=$P -C $T/tree -j2 bzImage$"
run run --yes --from final-build --until final-build
expect_rc "final build exits 0" 0
expect_out "runs make with the profile" "make LLVM=1 LLVM_IAS=1 CLANG_AUTOFDO_PROFILE=$P -C $T/tree -j2 bzImage"
expect_out "says which profile it was built with" "built with profile $P \(.* functions, .* samples; kernel 6\.13\.0-mini, workload trace"
expect_out "and that the compiles and the ThinLTO link used it" \
    "\); verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config, -fprofile-sample-use in kernel/fork\.o, --lto-sample-profile in vmlinux\.o$"
grep -q -- "-fprofile-sample-use=$P " "$T/tree/kernel/.fork.o.cmd" && ok "the stand-in tree saved the compile with the profile" ||
    not_ok "the stand-in tree saved the compile with the profile" "$(head -n1 "$T/tree/kernel/.fork.o.cmd")"
run run --yes --from final-build --until final-build --profile "$T/junk.afdo"
expect_rc "a final build with a profile llvm-profdata rejects fails at once" 1
expect_out "with llvm-profdata's reason" "fail llvm-profdata rejects .*junk.afdo"
run run --yes --from final-build --until final-build --profile "$P"
expect_rc "--profile FILE builds with that profile" 0

# --- recording, with real perf and a software event ---
if ! can_record; then
    echo "# SKIP perf cannot record system-wide here (not root, perf_event_paranoid > 0)"; exit 0
fi
perf_wrapper "$T/bin"
export PATH="$T/bin:$REAL_PATH"
# As after the reboot step: the kernel the session built (release and build-id)
# is the one running, as the fixture sysroot $S shows it.
sed -i "s|\"artifacts\": {|\"artifacts\": { \"kernel_release\": \"6.13.0-mini\", \"build_id\": \"$id\",|" "$XDG_STATE_HOME/kfdo/session.json"
grep -q "\"build_id\": \"$id\"" "$XDG_STATE_HOME/kfdo/session.json" || not_ok "session fixture" "$(head -c 600 "$XDG_STATE_HOME/kfdo/session.json")"

# Stop on request: Ctrl-C ends the recording cleanly, perf.data is valid. perf
# starts the workload once it records, so the workload's mark says when; the
# Ctrl-C comes a second later (cpu-clock samples every 0.5 ms of each CPU's
# time meanwhile, however loaded the machine is).
"$KFDO" run --yes --from profile --until profile --workload command --command "touch $T/started; sleep 60" --sysroot "$S" >"$T/out" 2>"$T/err" &
pid=$!
wait_until 60 test -e "$T/started" || not_ok "perf starts the workload" "$(cat "$T/out" "$T/err")"
sleep 1
kill -INT $pid
ended() { ! kill -0 $pid 2>/dev/null; }
wait_until 60 ended || { not_ok "Ctrl-C ends the recording" "still running after 60 s"; kill -9 $pid; }
wait $pid; rc=$?
expect_rc "a recording stopped with Ctrl-C exits 0" 0
expect_out "the command shown first" "^    perf record -e cpu-clock|^    perf record -e r[0-9a-f]+:k .*-a -N -b -c 500009 -o .*/recordings/perf-.*-command-1.data -- sh -c 'touch $T/started; sleep 60'"
expect_out "says it stops cleanly" "stopping the recording: perf writes perf.data"
expect_out "stopped on request, with size and samples" "ok +recorded [0-9]+s: [0-9.]+ [KM]B, [0-9]+ samples in .* \(stopped on request\)"
D=$(ls "$XDG_DATA_HOME"/kfdo/recordings/*.data | head -n1)
run profile perfdata "$D"
expect_out "the recording is complete (the reader says so)" "^Samples +[1-9][0-9]* of"
expect_out "it has no branch stacks (software event)" "no-branch-stack"
run status
expect_out "status: profile done" "profile +done"

# The fix for the sysctls, shown and run (a stand-in sysctl writes the fixture:
# the real one would change this shared machine).
cp -a "$S" "$T/locked"; echo 2 >"$T/locked/proc/sys/kernel/perf_event_paranoid"; echo 1 >"$T/locked/proc/sys/kernel/kptr_restrict"
stand_in_sysctl "$T/bin" "$T/locked"
if [ "$(id -u)" -eq 0 ]; then
    run run --yes --from profile --until profile --workload command --command true --sysroot "$T/locked"
    expect_rc "recording after the fix exits 0" 0
    expect_out "names perf_event_paranoid" "fail perf_event_paranoid is 2"
    # kfdo runs as root here: the fix runs without sudo, and the line shown says so.
    expect_out "shows the fix first (as root: no sudo)" "^    sysctl -w kernel.perf_event_paranoid=0$"
    expect_out "and for kptr_restrict" "^    sysctl -w kernel.kptr_restrict=0$"
    expect_out "checks it took" "ok +perf_event_paranoid and kptr_restrict allow recording"
    [ "$(cat "$T/locked/proc/sys/kernel/perf_event_paranoid")" = 0 ] && ok "the fix ran" || not_ok "the fix ran"
    [ "$(ls "$XDG_DATA_HOME"/kfdo/recordings/*.data | wc -l)" -eq 2 ] && ok "a second recording, the first kept" || not_ok "two recordings" "$(ls "$XDG_DATA_HOME"/kfdo/recordings)"
fi

# The disk floor: a small tmpfs nearly full; kfdo stops perf itself and perf.data is valid.
mkdir -p "$T/small"
[ "$(id -u)" -eq 0 ] && need mount umount
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=24m kfdo-test "$T/small" 2>/dev/null; then
    free_kb=$(df -k --output=avail "$T/small" | tail -n1)
    dd if=/dev/zero of="$T/small/filler" bs=1k count=$((free_kb - 5 * 1024 - 400)) status=none
    run run --yes --from profile --until profile --workload command --command 'sleep 60' --sysroot "$S" \
        --perf-data "$T/small/floor.data" --disk-floor 5
    expect_rc "a recording stopped at the disk floor exits 0" 0
    expect_out "says why it stopped" "stopped early: free disk fell below the floor"
    run profile perfdata "$T/small/floor.data"
    expect_out "the file perf wrote there is complete" "^Samples +[1-9][0-9]* of"
    umount "$T/small"
else
    echo "# SKIP the disk floor on a tmpfs needs root"
fi
