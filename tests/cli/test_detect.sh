# kfdo's command line and `kfdo detect` through the real binary.
. tests/cli/lib.sh
export XDG_CACHE_HOME=$T/cache
fake_perf OFF
D=$FIX/cpuid
S=$FIX/sysroot

run --help;            expect_rc "--help exits 0" 0; expect_out "--help lists detect" "detect"
run --version;         expect_rc "--version exits 0" 0; expect_out "--version prints it" "^kfdo [0-9]+\.[0-9]+"
run --frobnicate;      expect_rc "unknown option exits 2" 2; expect_err "unknown option named" "unknown option '--frobnicate'"
run frobnicate;        expect_rc "unknown command exits 2" 2; expect_err "unknown command named" "unknown command 'frobnicate'"
run detect --bogus;    expect_rc "unknown detect option exits 2" 2; expect_err "points at help" "kfdo detect --help"
run detect --sysroot;  expect_rc "missing option value exits 2" 2; expect_err "names the missing value" "option '--sysroot' needs a value"
run detect -xj;        expect_rc "unknown short option in a cluster exits 2" 2; expect_err "names the letter" "unknown option '-x'"
run detect --sysroot /nonexistent; expect_rc "unreadable sysroot exits 2" 2; expect_err "says why" "cannot read the sysroot"
# Without a command kfdo opens the wizard; without a terminal it refuses and names what to use.
run </dev/null;        expect_rc "bare kfdo without a terminal exits 2" 2
expect_err "bare kfdo says it needs a terminal" "the wizard needs a terminal, and stdin is not one"
expect_err "bare kfdo points at kfdo run" "kfdo run --yes walks the same steps"
run --no-color </dev/null; expect_rc "kfdo --no-color without a terminal exits 2" 2
if grep -q $'\033' "$T/out" "$T/err"; then not_ok "--no-color has no escape codes"; else ok "--no-color has no escape codes"; fi
run -- </dev/null;     expect_rc "kfdo -- without a terminal exits 2" 2
run detect --help;     expect_rc "detect --help exits 0" 0; expect_out "detect --help names --cpuid-dump" "--cpuid-dump"

run detect --sysroot $S/amd-lbrv2-ready --cpuid-dump $D/amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test
expect_rc "Zen 4 ready exits 0" 0
expect_out "Zen 4 verdict ready" "^Verdict: ready"
expect_out "record line shows the raw event" "perf record -e rc4:k -a -N -b -c 500009"

run detect --json --sysroot $S/amd-lbrv2-locked --cpuid-dump $D/amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test
expect_rc "fixable exits 1" 1
expect_out "json verdict fixable" '"verdict": "fixable"'
expect_out "json names the paranoid remedy" 'sudo sysctl kernel.perf_event_paranoid=0'
expect_out "json branch_sampling" '"branch_sampling": "amd_lbr_v2"'
expect_out "json family is a number" '"family": 25'

run detect --sysroot $S/vm-nopmu --cpuid-dump $D/intel_qemu_qemu-virtual-cpu-version.test
expect_rc "VM unsupported exits 1" 1
expect_out "VM verdict" "^Verdict: unsupported"
expect_out "VM reason" "VM whose PMU is not passed through"
expect_out "VM remedy" "profile on the host or with PMU passthrough"

run detect --json --sysroot $S/intel-hybrid --cpuid-dump $D/intel_x86-64_golden-cove_12th-gen-intel-core-i9-12900k.test
expect_out "hybrid records on cpu_core" 'cpu_core/event=0xc4,umask=0x20/k'
expect_out "hybrid core kind" '"core_kind": "core"'

fake_perf on
run detect --json --pmu hsw --sysroot $S/intel-lbr --cpuid-dump $D/intel_x86-64_haswell_intel-core-i3-4130-cpu.test
expect_out "forced hsw with libpfm perf" '"--pfm-events"'
expect_out "forced hsw event" 'BR_INST_RETIRED:NEAR_TAKEN:k'
# perf's answer is kept for the same binary, and asked again when perf changes.
grep -q '"libpfm":1' "$XDG_CACHE_HOME/kfdo/perf-probe.json" && ok "perf's answer is kept" ||
    not_ok "perf's answer is kept" "$(cat "$XDG_CACHE_HOME/kfdo/perf-probe.json" 2>&1)"
fake_perf OFF
run detect --json --pmu hsw --sysroot $S/intel-lbr --cpuid-dump $D/intel_x86-64_haswell_intel-core-i3-4130-cpu.test
expect_out "a changed perf is asked again" '"libpfm": false'
fake_perf on
run detect --pmu no_such_pmu
expect_rc "unknown --pmu exits 2" 2; expect_err "unknown --pmu lists known ones" "amd64_fam19h_zen4"

: >"$T/empty"
run detect --cpuid-dump "$T/empty";      expect_rc "empty dump exits 2" 2; expect_err "empty dump message" "is empty"
run detect --cpuid-dump /etc/hostname;   expect_rc "non-dump exits 2" 2; expect_err "non-dump message" "not a libcpuid raw dump"
run detect --cpuid-dump "$T/missing";    expect_rc "missing dump exits 2" 2; expect_err "missing dump message" "No such file"

# A dump that lacks a leaf the verdict reads: missing leaves are not zeros.
# The 7700X dump cut to 1500 bytes (no extended leaf at all, no brand string):
head -c 1500 $D/amd_zen4_amd-ryzen-7-7700x-8-core-processor.test >"$T/cut.test"
run detect --sysroot $S/amd-lbrv2-ready --cpuid-dump "$T/cut.test"
expect_rc "cut dump exits 2" 2
expect_out "cut dump: branch sampling unknown, the leaf named" "cpu.branch_sampling +unknown: the dump lacks leaf 0x80000000"
expect_out "cut dump: verdict unknown" "^Verdict: unknown"
if grep -qE "Ryzen 9|CPUID reports neither|^Verdict: unsupported" "$T/out"; then
    not_ok "cut dump: no guessed brand, no 'neither', not unsupported" "$(grep -E 'Ryzen 9|neither|Verdict' "$T/out")"
else ok "cut dump: no guessed brand, no 'neither', not unsupported"; fi
run detect --json --sysroot $S/amd-lbrv2-ready --cpuid-dump "$T/cut.test"
expect_out "cut dump json: branch_sampling unknown" '"branch_sampling": "unknown"'
expect_out "cut dump json: verdict unknown" '"verdict": "unknown"'
expect_out "cut dump json: lbr_freeze null" '"lbr_freeze": null'
# libcpuid's older dumps stop at 0x8000001F although the CPU reports more (a
# Ryzen 7 8845HS: 0x80000000 EAX = 0x80000028).
run detect --sysroot $S/amd-lbrv2-ready --cpuid-dump $D/amd_zen4_amd-ryzen-7-8845hs-with-radeon-780m-graphics.test
expect_rc "8845HS dump without 0x80000022 exits 2" 2
expect_out "8845HS: unknown, lacks 0x80000022" "cpu.branch_sampling +unknown: the dump lacks leaf 0x80000022"
expect_out "8845HS: says what to do" "-> .*cpuid_tool"
if grep -q "CPUID reports neither" "$T/out"; then not_ok "8845HS: not 'CPUID reports neither'"; else ok "8845HS: not 'CPUID reports neither'"; fi
# The same leaf taken out of a complete dump (the 7700X, the AIDA64-style format).
grep -v '^CPUID 80000022' $D/amd_zen4_amd-ryzen-7-7700x-8-core-processor.test >"$T/no22.test"
run detect --json --sysroot $S/amd-lbrv2-ready --cpuid-dump "$T/no22.test"
expect_out "7700X without 0x80000022: unknown" '"branch_sampling": "unknown"'
# A dump cut short of a leaf the CPU does not report is complete: the 3700X (Zen 2) is known to have none.
run detect --json --sysroot $S/amd-lbrv2-ready --cpuid-dump $D/amd_zen2_amd-ryzen-7-3700x-8-core-processor.test
expect_out "Zen 2: none, not unknown" '"branch_sampling": "none"'

# Every real dump gives a verdict and valid output, with no crash.
for f in $D/*.test; do
    run detect --json --sysroot $S/amd-lbrv2-ready --cpuid-dump "$f"
    if { [ "$rc" -le 1 ] || [[ $f == *8845hs* ]]; } && grep -q '"verdict"' "$T/out"; then ok "dump $(basename "$f")"; else not_ok "dump $(basename "$f")" "exit $rc"; fi
done

# This machine, live. On a VM without a PMU (the build machine) the answer is
# "unsupported" for that reason; on a machine with a PMU the PMU check passes.
run detect --json
if [ ! -e /sys/bus/event_source/devices/cpu ] && [ ! -e /sys/bus/event_source/devices/cpu_core ] &&
   grep -qw hypervisor /proc/cpuinfo; then
    expect_rc "live VM exits 1" 1
    expect_out "live VM verdict unsupported" '"verdict": "unsupported"'
    expect_out "live VM reason" "VM whose PMU is not passed through"
else
    if grep -A1 '"id": "kernel.pmu"' "$T/out" | grep -q '"status": "ok"'; then ok "live PMU check passes"
    else not_ok "live PMU check passes" "$(grep -A3 kernel.pmu "$T/out")"; fi
fi
