#!/usr/bin/env bash
# Runs test programs and prints a closing "N passed, N failed" line.
#   run-tests.sh unit BIN...     cmocka binaries (their own summary lines show too)
#   run-tests.sh cli SCRIPT...   shell tests printing "ok - ..." / "not ok - ..."
# Counts also go to $KFDO_TEST_TALLY (when set) so `make check` can print a total.
#
# KFDO_TEST_JOBS (default: the number of CPUs, at most 4) tests run at once: most
# of a test's time is spent waiting for a condition (a screen, a child's exit, a
# build's next line), so two at a time on two cores take little more than half
# the time. Each test's output is kept apart and printed whole when it ends.
set -u
kind=$1; shift
jobs=${KFDO_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] 2>/dev/null && jobs=4
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
dir=$(mktemp -d "${TMPDIR:-/tmp}/kfdo-tests-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

# one N TEST: runs it, its output in $dir/N.out, its counts in $dir/N.res
# ("passed failed skipped").
one() {
    local n=$1 t=$2 out=$dir/$1.out rc p f sk
    if [ "$kind" = unit ]; then
        "$t" >"$out" 2>&1; rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$out" | tail -n1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:.*/\1/p' "$out" | tail -n1)
        sk=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s)[.,].*/\1/p' "$out" | tail -n1)
        p=${p:-0}; f=${f:-0}; sk=${sk:-0}
        # A crash or an early exit counts as a failure even when cmocka printed nothing.
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$t: ran no test" >>"$out"; fi
    else
        bash "$t" >"$out" 2>&1; rc=$?
        # "ok - NAME # SKIP reason" is a skipped test, counted apart.
        p=$(grep -c '^ok - ' "$out"); f=$(grep -c '^not ok - ' "$out"); sk=$(grep -c '^ok - .* # SKIP ' "$out")
        p=$((p - sk))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >>"$out"; fi
        if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$sk" -eq 0 ]; then f=1; echo "$t: ran no test" >>"$out"; fi
    fi
    echo "$p $f $sk" >"$dir/$n.res"
}

# Started in order, at most $jobs at a time; printed as each one ends.
names=("$@")
running=()
printed=0
flush() { # prints the finished outputs, in the order the tests were given
    while [ "$printed" -lt "${#names[@]}" ] && [ -f "$dir/$printed.res" ]; do
        cat "$dir/$printed.out"
        printed=$((printed + 1))
    done
}
for i in "${!names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
        flush
    done
    one "$i" "${names[$i]}" &
done
wait
flush

passed=0; failed=0; skipped=0; broken=()
for i in "${!names[@]}"; do
    # A test whose runner was killed left no counts: a failure.
    p=0 f=1 sk=0
    [ -f "$dir/$i.res" ] && read -r p f sk <"$dir/$i.res"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + sk))
    [ "$f" -gt 0 ] && broken+=("${names[$i]}")
done
[ "${#broken[@]}" -gt 0 ] && printf 'failing: %s\n' "${broken[@]}"
if [ "$skipped" -gt 0 ]; then echo "$kind: $passed passed, $failed failed, $skipped skipped"
else echo "$kind: $passed passed, $failed failed"; fi
if [ -n "${KFDO_TEST_TALLY:-}" ]; then echo "$passed $failed" >>"$KFDO_TEST_TALLY"; fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
