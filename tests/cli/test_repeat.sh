# kfdo __repeat SECONDS -- COMMAND...: the workload perf record runs for the
# benchmarks that do a fixed amount of work (perf bench, hackbench), so that
# --minutes holds for them too. Real processes: it runs a command again and
# again, stops it at the deadline (SIGINT, then SIGTERM), passes a failure on,
# and whatever stops it (a signal to it, as perf record sends one, or to the
# whole group, as kfdo's stop on request does) leaves no process behind.
# Bounds are generous: a slow CI machine must not fail them.
. tests/cli/lib.sh
# A failed assertion must not leave its sleeps running: only the pids the runs wrote down.
trap 'kill -KILL $(cat "$T/long" "$T/deaf" "$T/orphans" "$T/tree" 2>/dev/null) 2>/dev/null; rm -rf "$T"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# alive PID...: the ones still running (a zombie is not running).
alive() {
    for p in "$@"; do
        s=$(ps -o stat= -p "$p" 2>/dev/null) && case $s in Z*) ;; *) echo "$p" ;; esac
    done
}
# wait_lines FILE N: until FILE has N lines (at most 10 s).
wait_lines() {
    for _ in $(seq 100); do
        [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# --- the command line ---
run __repeat
expect_rc "no SECONDS: a usage error" 2
expect_err "saying what is missing, with the usage" "seconds, is missing.*|Usage: kfdo __repeat SECONDS -- COMMAND"
run __repeat 1m -- true
expect_rc "SECONDS must be a whole number" 2
expect_err "named as it was given" "not '1m'"
run __repeat 3 true
expect_rc "'--' is required before the command" 2
run __repeat 3 --
expect_rc "and a command after it" 2
run --help
grep -q __repeat "$T/out" && not_ok "kfdo --help does not list the internal command" ||
    ok "kfdo --help does not list the internal command"

# --- a short command, again and again, one run at a time ---
t0=$(now_ms)
run __repeat 3 -- sh -c "echo start >> '$T/runs'; sleep 0.2; echo end >> '$T/runs'"
t1=$(now_ms)
expect_rc "the time ran out: success" 0
n=$(grep -c start "$T/runs")
[ "$n" -ge 3 ] && ok "the command ran several times ($n)" || not_ok "the command ran several times" "$n runs"
# start end start end ... start [end]: a run starts only once the one before has ended.
awk 'NR % 2 == 1 && $0 != "start" || NR % 2 == 0 && $0 != "end" { bad = 1 } END { exit bad }' "$T/runs" &&
    ok "never two runs at once" || not_ok "never two runs at once" "$(tr '\n' ' ' <"$T/runs")"
[ $((t1 - t0)) -ge 3000 ] && ok "not over before the time" || not_ok "not over before the time" "$((t1 - t0)) ms"
[ $((t1 - t0)) -lt 20000 ] && ok "over soon after it" || not_ok "over soon after it" "$((t1 - t0)) ms"
expect_err "each new run is said in the log" "sh ended after .* \(run 1\): running it again, .* left"
# The last run may be stopped before its sh wrote its mark (started just
# before the deadline on a loaded machine): run n or n+1.
# Or the last run ended just after the deadline, and nothing was left to stop.
expect_err "and the end of the time" "3s are up: (stopping sh|sh ended as they ran out) \(run ($n|$((n + 1)))\)"

# --- a run that ends after the deadline, before the repeater sees the deadline ---
# The repeater is stopped (SIGSTOP) while its run finishes and the time runs
# out; when it goes on, it finds the run ended after the deadline. The
# deadline is 3 s after the repeater's start, which lies between t0 and the
# first run's start (each run writes when it started).
t0=$(now_ms)
"$KFDO" __repeat 3 -- sh -c "echo start \$((\$(date +%s%N) / 1000000)) >> '$T/late'; sleep 0.3; echo end >> '$T/late'" \
    >"$T/out" 2>"$T/err" &
pid=$!
wait_lines "$T/late" 1 || not_ok "the late run started"
kill -STOP "$pid"
stopped=$(now_ms)
if [ $((stopped - t0)) -ge 3000 ]; then
    # Too slow a start: the stop may have come after the deadline.
    kill -CONT "$pid"
    wait "$pid"
    for what in "a run that ended after the deadline: success" "the log says the time is up" \
        "and it started no run after it"; do
        ok "$what # SKIP the stop came $((stopped - t0)) ms after the start, too late to be sure"
    done
else
    # Nothing new starts while it is stopped: wait until every run it started has ended,
    ended=
    for _ in $(seq 200); do
        [ "$(grep -c end "$T/late")" -ge "$(grep -c start "$T/late")" ] && { ended=1; break; }
        sleep 0.1
    done
    [ -n "$ended" ] || not_ok "the stopped repeater's run ended within 20 s" "$(tr '\n' ' ' <"$T/late")"
    # and until the deadline is surely over.
    first=$(awk '$1 == "start" { print $2; exit }' "$T/late")
    while [ "$(now_ms)" -lt $((first + 3500)) ]; do sleep 0.1; done
    kill -CONT "$pid"
    wait "$pid"
    rc=$?
    expect_rc "a run that ended after the deadline: success" 0
    expect_err "the log says the time is up, and not that it stopped anything" \
        "3s are up: sh ended as they ran out \(run $(grep -c start "$T/late")\), not running it again"
    [ "$(grep -c start "$T/late")" = "$(grep -c end "$T/late")" ] && ok "and it started no run after it" ||
        not_ok "and it started no run after it" "$(tr '\n' ' ' <"$T/late")"
fi

# --- a run longer than the time: stopped at the deadline ---
t0=$(now_ms)
run __repeat 2 -- sh -c "echo \$\$ > '$T/long'; exec sleep 600"
t1=$(now_ms)
expect_rc "a long run stopped at the deadline: success" 0
[ $((t1 - t0)) -lt 20000 ] && ok "stopped at the deadline, not at its end" ||
    not_ok "stopped at the deadline, not at its end" "$((t1 - t0)) ms"
[ -z "$(alive "$(cat "$T/long")")" ] && ok "the long run is gone" || not_ok "the long run is gone"

# Without a readable /proc (a private, empty one) the run itself is still stopped.
# (Not for the sanitized build: LeakSanitizer itself dies without /proc.)
if nm "$KFDO" 2>/dev/null | grep -q __asan_init; then
    ok "no /proc: the run is stopped at the deadline # SKIP the sanitizers need /proc"
    ok "no /proc: SIGINT was enough # SKIP the sanitizers need /proc"
elif [ "$(id -u)" -eq 0 ] && need unshare mount && unshare -m true; then
    t0=$(now_ms)
    out=$(unshare -m sh -c 'mount -t tmpfs none /proc && exec "$0" __repeat 2 -- sleep 60' "$KFDO" 2>&1)
    rc=$?
    t1=$(now_ms)
    [ "$rc" = 0 ] && [ $((t1 - t0)) -lt 20000 ] && ok "no /proc: the run is stopped at the deadline ($((t1 - t0)) ms)" ||
        not_ok "no /proc: the run is stopped at the deadline" "rc=$rc after $((t1 - t0)) ms" "$out"
    grep -q "after SIGINT" <<<"$out" && not_ok "no /proc: SIGINT was enough" "$out" || ok "no /proc: SIGINT was enough"
else
    ok "no /proc: the run is stopped at the deadline # SKIP unshare -m does not work here (not root, or no CAP_SYS_ADMIN)"
    ok "no /proc: SIGINT was enough # SKIP unshare -m does not work here (not root, or no CAP_SYS_ADMIN)"
fi

# A run that ignores SIGINT gets SIGTERM after the grace.
run __repeat 1 -- sh -c "trap '' INT; echo \$\$ > '$T/deaf'; exec sleep 600"
expect_rc "a run deaf to SIGINT: still success" 0
expect_err "it gets SIGTERM, and the log says so" "after SIGINT: sending SIGTERM"
[ -z "$(alive "$(cat "$T/deaf")")" ] && ok "the deaf run is gone" || not_ok "the deaf run is gone"

# Each run leaves a process behind (its parent ends first): all of them are
# the repeater's to stop, found as its descendants.
run __repeat 2 -- sh -c "sleep 600 & echo \$! >> '$T/orphans'; sleep 0.3"
expect_rc "runs that leave orphans: success" 0
set -- $(cat "$T/orphans")
[ $# -ge 2 ] && ok "several runs left an orphan ($#)" || not_ok "several runs left an orphan" "$#"
left=$(alive "$@")
[ -z "$left" ] && ok "every orphan is stopped with the last run" || not_ok "every orphan is stopped with the last run" "$left"

# --- failures: passed on at once, never repeated ---
t0=$(now_ms)
run __repeat 60 -- sh -c "echo x >> '$T/fails'; exit 7"
t1=$(now_ms)
expect_rc "a failing run: its exit status" 7
[ "$(wc -l <"$T/fails")" -eq 1 ] && ok "a failing run is not run again" || not_ok "a failing run is not run again"
[ $((t1 - t0)) -lt 30000 ] && ok "nor waited on until the time is up" || not_ok "nor waited on until the time is up"
expect_err "the log says which and how" "sh failed with exit status 7 after .* \(run 1\): not running it again"
run __repeat 60 -- sh -c 'kill -TERM $$'
expect_rc "a run killed by a signal: the repeater ends by it too" 143
run __repeat 60 -- kfdo-no-such-benchmark
expect_rc "a command that is not there: 127, as a shell says" 127
expect_err "named" "cannot run 'kfdo-no-such-benchmark'"

# --- stopped from outside: nothing left behind ---
tree_cmd="sleep 600 & echo \$! >> '$T/tree'; echo \$\$ >> '$T/tree'; wait"
# SIGTERM to the repeater alone, as perf record sends its workload on Ctrl-C.
"$KFDO" __repeat 60 -- sh -c "$tree_cmd" >"$T/out" 2>"$T/err" &
pid=$!
wait_lines "$T/tree" 2 || not_ok "the run started"
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc "SIGTERM: the repeater ends by it" 143
expect_err "and says so" "got SIGTERM: stopping sh \(run 1\)"
left=$(alive $(cat "$T/tree"))
[ -z "$left" ] && ok "SIGTERM: the run and its child are gone" || not_ok "SIGTERM: the run and its child are gone" "$left"

# SIGINT to the whole process group, as kfdo's stop on request and the disk floor send it.
rm -f "$T/tree"
setsid "$KFDO" __repeat 60 -- sh -c "$tree_cmd" >"$T/out" 2>"$T/err" &
pid=$!
wait_lines "$T/tree" 2 || not_ok "the run started"
kill -INT -- "-$pid"
wait "$pid"
rc=$?
expect_rc "SIGINT to the group: the repeater ends by it" 130
left=$(alive $(cat "$T/tree"))
[ -z "$left" ] && ok "SIGINT to the group: nothing left" || not_ok "SIGINT to the group: nothing left" "$left"

# --- the real benchmark: perf bench's 80 processes all end at the deadline ---
need perf
if perf bench sched messaging -g 1 -l 1 >/dev/null 2>&1; then
    run __repeat 3 -- perf bench sched messaging -g 2 -l 5000000
    expect_rc "perf bench stopped at the deadline: success" 0
    left=$(pgrep -f 'messaging -g 2 -l 5000000')
    [ -z "$left" ] && ok "no perf bench process is left" || not_ok "no perf bench process is left" "$left"
else
    ok "perf bench stopped at the deadline # SKIP perf bench cannot run here"
fi
