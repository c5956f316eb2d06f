#!/usr/bin/env bash
# make bench: kfdo's speed, each figure a ratio against a baseline measured in
# the same run (the median of several runs), with its goal beside it. Prints a
# table and writes BENCHMARKS.md; never fails on a number.
#
#   BENCH_QUICK=1   fewer runs, smaller logs, one build pair (see BENCHMARKS.md
#                   for what each mode costs)
#   BENCH_TUI_KEYS  keys that start the build on the wizard's build screen (default: Enter)
#   BENCH_TUI_QUIT  keys that quit it once the build is done (default: q)
#   BENCH_ONLY      some of: startup flood tui build compare (default: all;
#                   BENCHMARKS.md is written only when all ran, except that
#                   BENCH_ONLY=compare alone rewrites its own section of it)
# Needs KFDO, KFDO_TOOLS and BENCH_DIR (the Makefile sets them).
set -u
cd "$(dirname "$0")/.."
KFDO=${KFDO:-build/kfdo}
TOOLS=${KFDO_TOOLS:-build/tools}
BENCH_DIR=${BENCH_DIR:-build/bench}
QUICK=${BENCH_QUICK:-}
E2E_DIR=${E2E_DIR:-$(dirname "$BENCH_DIR")/e2e}
FIXLOG=$PWD/tests/fixtures/kbuild/tinyconfig-thinlto.log
. tests/e2e/lib.sh
mkdir -p "$BENCH_DIR"
W=$BENCH_DIR/work
rm -rf "$W" && mkdir -p "$W"
if [ -n "$QUICK" ]; then
    MODE="quick (BENCH_QUICK=1)"; STARTUP_RUNS=7; FLOOD_RUNS=3; FLOOD_SIZES="20M 100M"; BUILD_PAIRS=1; TUI_RUNS=1
    CMP_ROUNDS=5
else
    MODE="full"; STARTUP_RUNS=21; FLOOD_RUNS=3; FLOOD_SIZES="100M 1G"; BUILD_PAIRS=3; TUI_RUNS=3
    CMP_ROUNDS=10
fi
ONLY=${BENCH_ONLY:-startup flood tui build compare}
want() { [[ " $ONLY " == *" $1 "* ]]; }
T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()   # "measure|baseline|kfdo|ratio|goal|verdict"
NOTES=()
row() { ROWS+=("$1|$2|$3|$4|$5|$6"); printf '  %-44s %-18s %-18s %-8s %-14s %s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
col() { awk -v c="$1" '{print $c}'; } # column of timeit's lines: 1 wall, 2 cpu
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { print ((dir == "<=" ? v <= g : v >= g) ? "met" : "NOT met") }'; }
say() { echo "$*" >&2; }

echo "kfdo bench, $MODE mode, started $(date -u '+%Y-%m-%d %H:%M UTC'), load $LOAD0"
printf '  %-44s %-18s %-18s %-8s %-14s %s\n' measure baseline kfdo ratio goal verdict

# ---- start-up ----
startup() {
export XDG_STATE_HOME=$W/state-startup XDG_DATA_HOME=$W/data
"$TOOLS/timeit" -n "$STARTUP_RUNS" -q -o "$W/true.txt" /bin/true
"$TOOLS/timeit" -n "$STARTUP_RUNS" -q -o "$W/detect.txt" "$KFDO" detect --json
"$TOOLS/timeit" -n "$STARTUP_RUNS" -q -o "$W/doctor.txt" "$KFDO" doctor
base=$(col 1 <"$W/true.txt" | median)
for c in detect doctor; do
    v=$(col 1 <"$W/$c.txt" | median)
    ms=$(calc %.1f "$v * 1000"); bms=$(calc %.2f "$base * 1000")
    if [ $c = detect ]; then goal="< 20 ms"; vd=$(verdict "$ms" 20 "<="); else goal="(none)"; vd="-"; fi
    row "kfdo $c$([ $c = detect ] && echo ' --json') start-up (median of $STARTUP_RUNS)" "/bin/true ${bms} ms" "${ms} ms" \
        "$(calc %.0fx "$v / $base")" "$goal" "$vd"
done
}
want startup && startup

# ---- log throughput: the job runner against cat ----
flood() {
for size in $FLOOD_SIZES; do
    rm -f "$W"/cat-"$size".txt "$W"/job-"$size".txt "$W"/job-"$size".out
    for _ in $(seq "$FLOOD_RUNS"); do
        "$TOOLS/timeit" -q -o "$W/cat-$size.txt" sh -c '"$1" --bytes "$2" --from "$3" | cat >"$4"' \
            sh "$TOOLS/floodlog" "$size" "$FIXLOG" "$W/cat.log"
        rm -f "$W/cat.log"
        "$TOOLS/timeit" -O "$W/job.line" -o "$W/job-$size.txt" \
            "$TOOLS/jobflood" "$W/job.log" "$TOOLS/floodlog" --bytes "$size" --from "$FIXLOG"
        cat "$W/job.line" >>"$W/job-$size.out"
        rm -f "$W/job.log"
    done
    bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$W/job-$size.out" | head -n1)
    cw=$(col 1 <"$W/cat-$size.txt" | median); jw=$(col 1 <"$W/job-$size.txt" | median)
    crate=$(calc %.0f "${bytes:-0} / $cw / 1048576"); jrate=$(calc %.0f "${bytes:-0} / $jw / 1048576")
    ratio=$(calc %.2f "$cw / $jw")
    row "log throughput, $size kbuild log (median of $FLOOD_RUNS)" "cat ${crate} MB/s" "job ${jrate} MB/s" "$ratio" ">= 0.8" "$(verdict "$ratio" 0.8 ">=")"
    cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$W/job-$size.out" | median)
    lines=$(sed -n 's/.*lines=\([0-9]*\).*/\1/p' "$W/job-$size.out" | head -n1)
    [ -n "$cpu" ] && [ "${lines:-0}" -gt 0 ] &&
        CPU_SEEN="${CPU_SEEN:-}${CPU_SEEN:+, }$cpu s for $size ($(calc %.0f "$cpu * 1e9 / $lines") ns a line)"
    rss=$(sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p' "$W/job-$size.out" | median)
    row "job runner peak RSS, $size log" "-" "$(calc %.1f "$rss / 1024") MB" "-" "< 16 MB, flat" "$(verdict "$rss" 16384 "<=")"
    RSS_SEEN="${RSS_SEEN:-}${RSS_SEEN:+, }$(calc %.1f "$rss / 1024") MB at $size"
done
NOTES+=("Job runner peak RSS: $RSS_SEEN (flat would be the same figure at every size).")
[ -n "${CPU_SEEN:-}" ] && NOTES+=("Job runner CPU time (jobflood's own: read, log file, ring, progress model): $CPU_SEEN.")
}
want flood && flood

# ---- the wizard under a flood ----
# Both arms run the same session: the stand-in tree configured by kfdo run
# (hardware, tools, source and configure done), so the wizard opens at its
# build step, as tests/tui/test_flood.sh drives it.
tui_flood() {
    if ! "$KFDO" tui --help >/dev/null 2>&1; then
        row "TUI CPU following a 1,000,000-line log" "kfdo run" "-" "-" "<= 1.3x" "not measured: this build has no wizard"
        return
    fi
    local keys=${BENCH_TUI_KEYS:-Enter} quit=${BENCH_TUI_QUIT:-q} sock=kfdo-bench-$$
    tm() { tmux -L "$sock" -f /dev/null "$@"; }
    # on_screen PATTERN SECONDS: polls the wizard's screen until grep -E matches.
    on_screen() {
        local n
        for n in $(seq $(($2 * 10))); do
            tm capture-pane -p -t 0 >"$W/tui-screen.txt" 2>/dev/null
            grep -qE -- "$1" "$W/tui-screen.txt" && return 0
            sleep 0.1
        done
        return 1
    }
    mkdir -p "$W/fakebin"
    # A synthetic flood: make's prepare and dry run print nothing, the build prints
    # a real tinyconfig log cycled to 1,000,000 lines as fast as kfdo reads it.
    cat >"$W/fakebin/make" <<EOF
#!/bin/sh
for a; do last=\$a; done
case " \$* " in *" -n "*) exit 0 ;; esac
[ "\$last" = bzImage ] || exit 0
exec "$TOOLS/timeit" -o "$W/flood-cpu.txt" "$TOOLS/floodlog" --lines 1000000 --from "$FIXLOG"
EOF
    chmod +x "$W/fakebin/make"
    rm -rf "$W/tree" && cp -a tests/fixtures/faketree "$W/tree"
    local arm i cpu flood
    for i in $(seq "$TUI_RUNS"); do
        for arm in run tui; do
            export XDG_STATE_HOME=$W/state-tui-$arm-$i
            "$KFDO" run --yes --until configure --tree "$W/tree" --config-from tinyconfig \
                --target bzImage --llvm 1 --jobs 2 >"$W/tui-configure.out" 2>&1
            rm -f "$W/flood-cpu.txt" "$W/kfdo-cpu.txt"
            local cmd=("$TOOLS/timeit" -o "$W/kfdo-cpu.txt" "$KFDO")
            [ $arm = run ] && cmd+=(run --yes --from build --until build)
            tm kill-server 2>/dev/null
            tm new-session -d -x 120 -y 40 \
                "$(printf '%q ' env -u DISPLAY -u WAYLAND_DISPLAY "PATH=$W/fakebin:$PATH" "XDG_STATE_HOME=$XDG_STATE_HOME" TERM=screen "${cmd[@]}")"
            if [ $arm = tui ]; then
                if ! on_screen "Step 5 of 11: Build the kernel" 15; then
                    tm kill-server 2>/dev/null
                    row "TUI CPU following a 1,000,000-line log" "kfdo run" "-" "-" "<= 1.3x" \
                        "not measured: the wizard did not open at the build step ($(grep -m1 -o 'Step [0-9]* of 11: [A-Za-z ]*' "$W/tui-screen.txt"))"
                    return
                fi
                tm send-keys -t 0 $keys
            fi
            local waited=0
            while [ ! -s "$W/flood-cpu.txt" ] && [ $waited -lt 600 ]; do sleep 0.5; waited=$((waited + 1)); done
            if [ ! -s "$W/flood-cpu.txt" ]; then
                tm kill-server 2>/dev/null
                row "TUI CPU following a 1,000,000-line log" "kfdo run" "-" "-" "<= 1.3x" \
                    "not measured: the $arm arm never finished the flood (BENCH_TUI_KEYS='$keys')"
                return
            fi
            # The flood is written; the wizard has read all of it once the step is done.
            if [ $arm = tui ]; then
                on_screen "Done: built|Failed:" 60
                tm send-keys -t 0 $quit
                on_screen "Quit kfdo\?" 2 && tm send-keys -t 0 y
            fi
            waited=0
            while [ ! -s "$W/kfdo-cpu.txt" ] && [ $waited -lt 40 ]; do sleep 0.5; waited=$((waited + 1)); done
            tm kill-server 2>/dev/null
            if [ ! -s "$W/kfdo-cpu.txt" ]; then
                row "TUI CPU following a 1,000,000-line log" "kfdo run" "-" "-" "<= 1.3x" \
                    "not measured: the wizard did not quit with BENCH_TUI_QUIT='$quit'"
                return
            fi
            cpu=$(col 2 <"$W/kfdo-cpu.txt"); flood=$(col 2 <"$W/flood-cpu.txt")
            echo "$(calc %.4f "$cpu - $flood")" >>"$W/tui-$arm.txt"
        done
    done
    local r t
    r=$(median <"$W/tui-run.txt"); t=$(median <"$W/tui-tui.txt")
    row "TUI CPU following a 1,000,000-line log (median of $TUI_RUNS)" "kfdo run $(calc %.2f "$r") s" "TUI $(calc %.2f "$t") s" \
        "$(calc %.2fx "$t / $r")" "<= 1.3x" "$(verdict "$(calc %.4f "$t / $r")" 1.3 "<=")"
}
want tui && tui_flood

# ---- a real build: kfdo run against the same make, and the ETA ----
build_bench() {
    if ! e2e_tree; then
        row "overhead on a real build" "make" "-" "-" "<= 1.02" "not measured: no kernel tree ($E2E_DIR)"
        return
    fi
    local out=$BENCH_DIR/out
    export XDG_STATE_HOME=$W/state-build
    rm -rf "$out"
    local opts=(--tree "$tree" --output "$out" --config-from tinyconfig --arch x86_64 --enable 64BIT --target bzImage)
    say "bench: first build (configure, dry run, build) for the history..."
    if ! "$KFDO" run --yes --until build "${opts[@]}" >"$W/warmup.out" 2>&1; then
        row "overhead on a real build" "make" "-" "-" "<= 1.02" "not measured: the first build failed ($(tail -n1 "$W/warmup.out"))"
        return
    fi
    local makecmd
    read -ra makecmd < <("$KFDO" plan | sed -n '/^# 5\. /{n;p}')
    if [ "${makecmd[0]:-}" != make ]; then
        row "overhead on a real build" "make" "-" "-" "<= 1.02" "not measured: no build command in kfdo plan"
        return
    fi
    printf '%q ' "${makecmd[@]}" | sed 's/ $//' >"$W/make-command.txt"
    NOTES+=("The build's baseline, from \`kfdo plan\`: \`$(cat "$W/make-command.txt")\`.")
    local i arm
    for i in $(seq "$BUILD_PAIRS"); do
        for arm in $([ $((i % 2)) -eq 1 ] && echo "kfdo make" || echo "make kfdo"); do
            make -s -C "$tree" O="$out" ARCH=x86_64 LLVM=-19 clean
            say "bench: build pair $i/$BUILD_PAIRS, $arm..."
            if [ $arm = kfdo ]; then
                "$TOOLS/timeit" -O "$W/kfdo-$i.out" -o "$W/build-kfdo.txt" "$KFDO" run --yes --from build --until build
            else
                "$TOOLS/timeit" -O "$W/make-$i.out" -o "$W/build-make.txt" "${makecmd[@]}"
            fi
        done
    done
    # Each pair ran back to back: the median of the pairs' ratios cancels most of
    # what other jobs on the machine do to one build and not the next.
    local c name mv kv r pairs
    for c in 1 2; do
        name=$([ $c = 1 ] && echo "wall time" || echo "CPU time, children included")
        mv=$(col $c <"$W/build-make.txt" | median); kv=$(col $c <"$W/build-kfdo.txt" | median)
        r=$(paste -d' ' <(col $c <"$W/build-kfdo.txt") <(col $c <"$W/build-make.txt") | awk '{print $1 / $2}' | median)
        pairs=$(paste -d' ' <(col $c <"$W/build-kfdo.txt") <(col $c <"$W/build-make.txt") |
            awk '{printf "%s%.1f/%.1f s = %.3f", (NR > 1 ? ", " : ""), $1, $2, $1 / $2}')
        # Pairs that disagree by more than twice the goal's margin cannot resolve it.
        local spread vd
        spread=$(paste -d' ' <(col $c <"$W/build-kfdo.txt") <(col $c <"$W/build-make.txt") |
            awk '{r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r} END {printf "%.2f %.2f", lo, hi}')
        vd=$(verdict "$r" 1.02 "<=")
        awk -v s="$spread" 'BEGIN { split(s, a, " "); exit !(a[2] - a[1] > 0.04) }' &&
            vd="inconclusive: the pairs' ratios spread ${spread/ /-}"
        row "tinyconfig build $name (median of $BUILD_PAIRS pairs)" "make $(calc %.1f "$mv") s" "kfdo run $(calc %.1f "$kv") s" \
            "$(calc %.3f "$r")" "<= 1.02" "$vd"
        NOTES+=("Build $name, kfdo run/make pair by pair: $pairs. The ratio is the median of the pairs' ratios.")
    done
    local f e eta rem err errs durs
    durs=$(for i in $(seq "$BUILD_PAIRS"); do secs "$(sed -n 's/.*built in \([0-9hms]*\):.*/\1/p' "$W/kfdo-$i.out" | tail -n1)"; done | tr '\n' ' ')
    awk -v d="$durs" 'BEGIN { n = split(d, a, " "); lo = hi = a[1]; for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
        exit !(lo > 0 && hi / lo > 1.1) }' &&
        NOTES+=("The kfdo builds took $(echo $durs | sed "s/ / s, /g") s: the same build's duration changed by more than 10% from one to the next (other jobs on the machine), and each ETA is learned from the build before it, so the ETA figures of this run measure that change as much as kfdo's model.")
    for f in 0.25 0.5 0.75; do
        errs=""
        for i in $(seq "$BUILD_PAIRS"); do
            read -r e eta rem err < <(eta_error "$W/kfdo-$i.out" "$f")
            [ -n "${err:-}" ] && errs="$errs ${err#-}" &&
                NOTES+=("ETA at $(calc %.0f "$f * 100")%, build $i: at ${e}s kfdo said ${eta}s left, ${rem}s were left (${err}%).")
            err=""
        done
        if [ -z "$errs" ]; then
            row "ETA error at $(calc %.0f "$f * 100")% of a second build" "real remaining" "-" "-" "$([ $f = 0.5 ] && echo '<= 10%' || echo '-')" "not measured: no ETA line"
            continue
        fi
        local m
        m=$(tr ' ' '\n' <<<"$errs" | grep . | median)
        row "ETA error at $(calc %.0f "$f * 100")% of a second build (median of the absolute errors)" "real remaining" "${m}%" "-" \
            "$([ $f = 0.5 ] && echo '<= 10%' || echo '(none)')" "$([ $f = 0.5 ] && verdict "$m" 10 "<=" || echo -)"
    done
}
want build && build_bench

# ---- before and after: the intervals this machine achieves ----
# The baseline step twice, back to back, on the one kernel this machine runs
# (kfdo run, the default set and length), then the second run compared with the
# first as kfdo compare does it: the interval width per benchmark is what a
# real before/after comparison here can resolve, and every verdict should be
# "no difference" (a "faster" or "slower" here is the machine's drift).
CMP_ROWS=()
cmp_row() { CMP_ROWS+=("$1|$2|$3|$4"); printf '  %-24s %-14s %-22s %s\n' "$1" "$2" "$3" "$4"; }
compare_bench() {
    local tree=""
    e2e_tree >/dev/null 2>&1 || true
    local cw=$W/compare r
    mkdir -p "$cw"
    for r in a b; do
        if ! XDG_STATE_HOME=$cw/$r XDG_CACHE_HOME=$cw/cache XDG_DATA_HOME=$cw/data "$KFDO" run --yes --from baseline \
            --until baseline --bench-rounds "$CMP_ROUNDS" ${tree:+--tree "$tree"} >"$cw/$r.out" 2>&1; then
            cmp_row "(all)" "-" "-" "not measured: the baseline failed ($(tail -n1 "$cw/$r.out"))"
            return
        fi
        XDG_STATE_HOME=$cw/$r "$KFDO" compare --json >"$cw/$r.json"
    done
    printf '{"baseline": %s, "after": %s}' "$("$TOOLS/jsonget" "$cw/a.json" runs.baseline)" \
        "$("$TOOLS/jsonget" "$cw/b.json" runs.baseline)" >"$cw/runs.json"
    XDG_STATE_HOME=$cw/c "$TOOLS/benchsession" "$cw/runs.json" && XDG_STATE_HOME=$cw/c "$KFDO" compare --json >"$cw/c.json"
    CMP_SECS=$("$TOOLS/jsonget" "$cw/a.json" runs.baseline.seconds)
    local n i
    n=$("$TOOLS/jsonget" "$cw/c.json" rows.#) || return
    for ((i = 0; i < n; i++)); do
        local name lo hi sb sa verdict
        read -r name lo hi sb sa verdict < <("$TOOLS/jsonget" "$cw/c.json" rows.$i.name rows.$i.change_lo \
            rows.$i.change_hi rows.$i.spread_before rows.$i.spread_after rows.$i.verdict | tr '\n' ' ')
        cmp_row "$name" "$(calc %.1f "($hi - $lo) * 100") points" \
            "$(calc %.1f "$sb * 100")% and $(calc %.1f "$sa * 100")%" "$verdict ($(calc %+.1f "$lo * 100") to $(calc %+.1f "$hi * 100")%)"
    done
    # The control (its own 95%): whether the machine itself held still between the runs.
    local lo hi sb sa verdict
    read -r lo hi sb sa verdict < <("$TOOLS/jsonget" "$cw/c.json" control.change_lo control.change_hi \
        control.spread_before control.spread_after control.verdict 2>/dev/null | tr '\n' ' ')
    if [ -n "$verdict" ]; then
        cmp_row "control (user-space loop)" "$(calc %.1f "($hi - $lo) * 100") points" \
            "$(calc %.1f "$sb * 100")% and $(calc %.1f "$sa * 100")%" "$verdict ($(calc %+.1f "$lo * 100") to $(calc %+.1f "$hi * 100")%)"
    fi
}
# The section of BENCHMARKS.md these rows make.
compare_section() {
    echo "## Before and after: the intervals this machine achieves"
    echo
    echo "The baseline step run twice back to back on this machine's one kernel (\`kfdo run --from baseline"
    echo "--until baseline\`, $CMP_ROUNDS rounds and a warm-up, the default set; one run took"
    echo "$(calc %.0f "${CMP_SECS:-0}") s), the second compared with the first as \`kfdo compare\` does. The interval"
    echo "width is the smallest change a before/after comparison here can tell from noise; the spread is"
    echo "each run's (MAD over median); every verdict should be \"same\": the kernel did not change."
    echo
    echo "| benchmark | interval width (the table's 95%, shared among its rows) | spread (first, second) | verdict (interval) |"
    echo "|---|---|---|---|"
    for r in "${CMP_ROWS[@]}"; do echo "| ${r//|/ | } |"; done
}
if want compare; then
    echo "  (before and after: the baseline step twice, $CMP_ROUNDS rounds each)"
    compare_bench
fi

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
SECS=$(( $(date +%s) - T0 ))
echo "kfdo bench: $MODE mode took $((SECS / 60))m$((SECS % 60))s; load average $LOAD0 at the start, $LOAD1 at the end"

# Only the comparison: its section of BENCHMARKS.md is replaced, the rest kept.
if [ "$ONLY" = compare ] && [ -f BENCHMARKS.md ]; then
    { sed '/^## Before and after: the intervals/,$d' BENCHMARKS.md; compare_section; } >"$W/BENCHMARKS.md" &&
        mv "$W/BENCHMARKS.md" BENCHMARKS.md && echo "kfdo bench: rewrote BENCHMARKS.md's before-and-after section"
    exit 0
fi
[ "$ONLY" = "startup flood tui build compare" ] || exit 0
# ---- BENCHMARKS.md ----
. /etc/os-release 2>/dev/null
{
    echo "# kfdo benchmarks"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh); \`BENCH_QUICK=1 make bench\` is the quick mode. Each figure"
    echo "is compared with a baseline measured in the same run, on the same machine, as the median of"
    echo "several runs; the goal is beside it. A goal not met is a finding, not a failure: the command"
    echo "never fails on a number."
    echo
    echo "This run: $MODE mode, $(date -u '+%Y-%m-%d %H:%M UTC'), took $((SECS / 60))m$((SECS % 60))s."
    echo "Load average $LOAD0 at the start and $LOAD1 at the end (1, 5, 15 min)$(awk -v a="${LOAD0%% *}" -v b="${LOAD1%% *}" \
        'BEGIN { if (a > 0.5 || b > 1.5) print ": other jobs shared the machine, which is why every ratio is taken against a baseline of the same run" }')."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| CPU | $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1) |"
    echo "| cores | $(nproc) |"
    echo "| RAM | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
    echo "| kernel | $(uname -r) |"
    echo "| distribution | ${PRETTY_NAME:-unknown} |"
    echo "| cc | $(cc --version 2>/dev/null | head -n1) |"
    echo "| clang | $(clang-19 --version 2>/dev/null | head -n1) |"
    echo "| kernel tree | $(head -n1 "$W/make-command.txt" 2>/dev/null | grep -o ' -C [^ ]*' | sed 's/ -C //') (Debian's linux-source-6.12 + tests/e2e/autofdo-6.12.patch) |"
    echo
    echo "## Results"
    echo
    echo "| measure | baseline | kfdo | ratio | goal | verdict |"
    echo "|---|---|---|---|---|---|"
    for r in "${ROWS[@]}"; do echo "| ${r//|/ | } |"; done
    echo
    echo "## How each figure is measured"
    echo
    echo "- **Start-up**: \`timeit -n N\` (tests/tools/timeit.c) runs the command N times with its output to"
    echo "  /dev/null; the median wall time, against \`/bin/true\` run the same way."
    echo "- **Log throughput**: tests/tools/jobflood.c runs \`floodlog --bytes SIZE --from"
    echo "  tests/fixtures/kbuild/tinyconfig-thinlto.log\` (a real log cycled) as a kfdo job, the way"
    echo "  engine/runner.c feeds a build: proc/job with its log file and ring, every line into engine/kbuild."
    echo "  The baseline is the same floodlog piped through \`cat\` into a file. Ratio: kfdo's rate over cat's."
    echo "  Peak RSS is jobflood's own (ru_maxrss) at each size: flat means it does not grow with the log."
    echo "- **TUI under a flood**: a synthetic flood, not a build: a fake \`make\` on PATH execs floodlog for"
    echo "  1,000,000 lines in both arms, in tmux; kfdo's own CPU (its total minus floodlog's) in the wizard's"
    echo "  build screen against \`kfdo run\`."
    echo "- **Overhead on a real build**: the tinyconfig + 64BIT + AutoFDO + ThinLTO build with clang-19"
    echo "  and -j2, \`kfdo run --from build --until build\` against the make command \`kfdo plan\` prints,"
    echo "  run directly with its output to a file; \`make clean\` before each build, the two arms back to"
    echo "  back in pairs whose order alternates. The ratio is the median of the pairs' ratios. CPU time is"
    echo "  the command's and all its descendants'."
    echo "- **ETA**: from \`kfdo run\`'s plain progress lines in those builds (each a second build of the"
    echo "  same config, with the first build's timing curve): the ETA shown nearest to 25%, 50% and 75% of"
    echo "  the build's real duration against the real time left."
    echo
    echo "## Cost"
    echo
    echo "- Full mode: the kernel is built 7 times (one build for the history, then 3 pairs) and logs of"
    echo "  100 MB and 1 GB are written 3 times each: about 25 minutes on an idle 2-core machine (a"
    echo "  tinyconfig AutoFDO + ThinLTO build takes about 2.5 minutes there)."
    echo "- Quick mode (BENCH_QUICK=1): 3 builds, logs of 20 MB and 100 MB: about 10 minutes idle."
    echo "- Before and after: two baseline runs of about 4 minutes each (10 rounds; 5 in quick mode)."
    echo "- Both unpack and patch the kernel tree first when build/e2e has none (about a minute)."
    echo "- This run ($MODE) took $((SECS / 60))m$((SECS % 60))s."
    [ ${#NOTES[@]} -gt 0 ] && { echo; echo "## Notes"; echo; for n in "${NOTES[@]}"; do echo "- $n"; done; }
    echo
    compare_section
} >BENCHMARKS.md
echo "kfdo bench: wrote BENCHMARKS.md"
exit 0
