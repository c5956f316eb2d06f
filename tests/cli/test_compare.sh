# The baseline step and kfdo compare on the command line: a real baseline run
# (perf bench, shortened with --benchmarks and --bench-rounds), its samples in
# the session and out of kfdo compare --json/--csv, a failing benchmark failing
# the step, --no-compare skipping it, bad values refused. The comparison of two
# runs is tests/unit/test_bench.c's; the after run on the "rebooted" kernel is
# tests/e2e/test_flow.sh's.
. tests/cli/lib.sh
need perf
TOOLS=${KFDO_TOOLS:-build/tools}
export XDG_STATE_HOME=$T/state XDG_CACHE_HOME=$T/cache XDG_DATA_HOME=$T/data
S=$XDG_STATE_HOME/kfdo/session.json

# Bad values: said, and nothing saved.
run run --until baseline --yes --bench-rounds 4
expect_rc "--bench-rounds below 5: usage error" 2
expect_err "--bench-rounds below 5: the range" "5"
run run --until baseline --yes --benchmarks pipe,bogus
expect_rc "--benchmarks with an unknown name: usage error" 2
expect_err "--benchmarks: names the unknown one" "bogus"
if [ ! -e "$S" ]; then ok "bad values: no session saved"; else not_ok "bad values: no session saved" "$S exists"; fi

run compare
expect_rc "compare without a session: exit 1" 1
expect_err "compare without a session: says so" "nothing was measured"
run compare --json --csv
expect_rc "compare --json --csv: usage error" 2

# The plan shows every run, wrapped in kfdo __measure, warm-up first.
cp -a "$FIX/faketree" "$T/tree"
run plan --tree "$T/tree" --benchmarks syscall,pipe --bench-rounds 5
expect_rc "plan with a benchmark set: exit 0" 0
expect_out "plan: the context probe" "__measure .*bench-baseline.lines --context"
expect_out "plan: the warm-up round first" "__measure .* pipe 0 -- perf bench sched pipe -l 100000"
expect_out "plan: the last round" "__measure .* syscall 5 -- perf bench syscall basic"
expect_out "plan: the exact command" "__measure .* syscall 0 -- perf bench syscall basic"
# The baseline's section (step 6) and the compare step's (13) run the same.
sed -n '/^# 6\. /,/^# 7\. /p' "$T/out" >"$T/base.plan"
sed -n '/^# 13\. /,$p' "$T/out" >"$T/after.plan"
n=$(grep -c "__measure .* -- perf bench" "$T/base.plan")
c=$(grep -cE "__measure .* control [0-9]+$" "$T/base.plan")
if [ "$n" -eq 12 ] && [ "$c" -eq 6 ]; then ok "plan: (5 + 1) rounds of 2 benchmarks and the control"
else not_ok "plan: (5 + 1) rounds of 2 benchmarks and the control" "$n runs, $c controls"; fi
if [ "$(sed 's/bench-[a-z]*\.lines/X/' "$T/base.plan" | grep __measure)" = "$(sed 's/bench-[a-z]*\.lines/X/' "$T/after.plan" | grep __measure)" ] &&
    grep -q "bench-after.lines" "$T/after.plan"; then
    ok "plan: the compare step runs the same commands into its own file"
else
    not_ok "plan: the compare step runs the same commands into its own file" "$(head -5 "$T/after.plan")"
fi

# What the disks still have to write is written before the runs (a build's
# writeback under one run's file I/O and not the other's would be a difference
# of the machine): a file just written has dirty pages, by the kernel's own
# count, and none once __measure --context is done.
what="__measure --context: a file's dirty pages are written before the runs"
# On a disk: /tmp is a tmpfs on many systems, whose pages are never written.
D=$(mktemp -d /var/tmp/kfdo-dirty-XXXXXX)
dd if=/dev/zero of="$D/dirty" bs=1M count=32 2>/dev/null
before=$("$TOOLS/cachestat" "$D/dirty")
crc=$?
pages=$(sed -n 's/.* dirty \([0-9]*\) .*/\1/p' <<<"$before")
if [ "$crc" = 77 ]; then
    ok "$what # SKIP this kernel has no cachestat(2) to count them"
elif [ "$(stat -f -c %T "$D")" = tmpfs ]; then
    ok "$what # SKIP $D is on tmpfs, whose pages stay dirty"
elif [ "${pages:-0}" = 0 ]; then
    ok "$what # SKIP the kernel had written them already ($before)"
else
    run __measure "$T/ctx.lines" --context
    after=$("$TOOLS/cachestat" "$D/dirty")
    kb=$(sed -n 's/^context .* dirty=\([0-9]*\) flush=[0-9.]* pending=[0-9]* model=.*/\1/p' "$T/ctx.lines")
    if [ "$rc" = 0 ] && grep -q "dirty 0 writeback 0" <<<"$after" && [ "${kb:-0}" -ge $((pages * 4 / 2)) ]; then
        ok "$what ($pages pages; $kb kB pending on the machine)"
    else
        not_ok "$what" "rc $rc; before: $before; after: $after" "$(cat "$T/ctx.lines" "$T/out" "$T/err")"
    fi
    expect_out "__measure --context: says what it wrote first" "^the disks had [0-9]+ MB left to write: [0-9.]+ s to write it"
fi
rm -rf "$D"

# A real baseline: 5 rounds of perf bench syscall basic.
run run --from baseline --until baseline --yes --benchmarks syscall --bench-rounds 5
expect_rc "baseline: exit 0" 0
expect_out "baseline: what it measured" "ok +syscall and the control loop: 5 rounds in .* on $(uname -r)"
"$KFDO" compare --json >"$T/c.json" 2>"$T/err"
rc=$?
expect_rc "compare --json with a baseline only: exit 0" 0
v=$("$TOOLS/jsonget" "$T/c.json" runs.baseline.benchmarks.syscall.samples.# missing rows.#)
if [ "$v" = "$(printf '5\nthe optimized kernel is not measured yet (the compare step runs after the reboot into it)\n0')" ]; then
    ok "compare --json: 5 samples, the after run missing, no rows"
else
    not_ok "compare --json: 5 samples, the after run missing, no rows" "$v"
fi
v=$("$TOOLS/jsonget" "$T/c.json" runs.baseline.flushed_mb runs.baseline.flush_s runs.baseline.pending_mb)
if ! grep -vqxE '[0-9.]+(e[-+][0-9]+)?' <<<"$v" && [ "$(wc -l <<<"$v")" = 3 ]; then
    ok "compare --json: what the disks wrote first, how long it took, what was written again"
else
    not_ok "compare --json: what the disks wrote first, how long it took, what was written again" "$v"
fi
v=$("$TOOLS/jsonget" "$T/c.json" runs.baseline.release runs.baseline.cpus)
if [ "$v" = "$(printf '%s\n%s' "$(uname -r)" "$(getconf _NPROCESSORS_ONLN)")" ]; then
    ok "compare --json: the kernel and CPUs it ran on"
else
    not_ok "compare --json: the kernel and CPUs it ran on" "$v"
fi
run compare --csv
expect_rc "compare --csv: exit 0" 0
n=$(grep -cE '^baseline,syscall,wall,[1-5],[0-9]+\.[0-9]{6}$' "$T/out")
if [ "$n" -eq 5 ] && [ "$(head -n1 "$T/out")" = "phase,benchmark,metric,sample,seconds" ]; then
    ok "compare --csv: a header and the 5 samples"
else
    not_ok "compare --csv: a header and the 5 samples" "$(head -c 400 "$T/out")"
fi
run compare
expect_rc "compare (table) with a baseline only: exit 1" 1
expect_out "compare (table): what is missing" "Nothing to compare yet: the optimized kernel is not measured yet"
if [ ! -e "$XDG_STATE_HOME/kfdo/bench-baseline.lines" ]; then ok "baseline: its figures file is gone"; else not_ok "baseline: its figures file is gone"; fi

# The step is done now: kfdo status says so, with the engine's reason.
run status
expect_out "baseline done" "6\. baseline +done"

# A benchmark that fails fails the step; the earlier baseline stays.
run run --from baseline --until baseline --yes --benchmarks workload --command 'exit 3' --bench-rounds 5
expect_rc "a failing benchmark: exit 1" 1
expect_out "a failing benchmark: which one, in which round" "fail +exited with status 3: workload, round 0: .*exit status 3"
if [ ! -e "$XDG_STATE_HOME/kfdo/bench-baseline.lines" ]; then ok "a failing benchmark: its half-written figures are gone"
else not_ok "a failing benchmark: its half-written figures are gone"; fi
v=$("$TOOLS/jsonget" "$S" bench.baseline.benchmarks.syscall.samples.#)
if [ "$v" = 5 ]; then ok "a failing benchmark: the earlier baseline stays"; else not_ok "a failing benchmark: the earlier baseline stays" "$v"; fi

# --no-compare: the step is passed and says why.
run run --from baseline --until baseline --yes --no-compare
expect_rc "--no-compare: exit 0" 0
expect_out "--no-compare: skipped" "skipped \(--no-compare\)"
v=$("$TOOLS/jsonget" "$S" measure.off)
if [ "$v" = true ]; then ok "--no-compare: kept in the session"; else not_ok "--no-compare: kept in the session" "$v"; fi

# kfdo __measure: bad usage, and a command that is not there.
run __measure "$T/x.lines" bogus 1 -- true
expect_rc "__measure: an unknown benchmark: usage error" 2
run __measure "$T/x.lines" pipe 1 -- /nonexistent/prog
expect_rc "__measure: a command that cannot start: 127" 127
expect_err "__measure: says why" "cannot run"
