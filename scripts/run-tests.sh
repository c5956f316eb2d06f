#!/usr/bin/env bash
# Runs test programs and prints a closing "N passed, N failed" line.
#   run-tests.sh unit BIN...     cmocka binaries (their own summary lines show too)
#   run-tests.sh cli SCRIPT...   shell tests printing "ok - ..." / "not ok - ..."
# Counts also go to $KFDO_TEST_TALLY (when set) so `make check` can print a total.
set -u
kind=$1; shift
passed=0; failed=0; skipped=0; broken=()
for t in "$@"; do
    out=$(mktemp)
    if [ "$kind" = unit ]; then
        "$t" >"$out" 2>&1; rc=$?
        cat "$out"
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$out" | tail -n1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:.*/\1/p' "$out" | tail -n1)
        sk=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s)[.,].*/\1/p' "$out" | tail -n1)
        p=${p:-0}; f=${f:-0}; skipped=$((skipped + ${sk:-0}))
        # A crash or an early exit counts as a failure even when cmocka printed nothing.
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$t: ran no test"; fi
    else
        bash "$t" >"$out" 2>&1; rc=$?
        cat "$out"
        # "ok - NAME # SKIP reason" is a skipped test, counted apart.
        p=$(grep -c '^ok - ' "$out"); f=$(grep -c '^not ok - ' "$out"); sk=$(grep -c '^ok - .* # SKIP ' "$out")
        p=$((p - sk)); skipped=$((skipped + sk))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc"; fi
        if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$sk" -eq 0 ]; then f=1; echo "$t: ran no test"; fi
    fi
    rm -f "$out"
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -gt 0 ] && broken+=("$t")
done
[ "${#broken[@]}" -gt 0 ] && printf 'failing: %s\n' "${broken[@]}"
if [ "$skipped" -gt 0 ]; then echo "$kind: $passed passed, $failed failed, $skipped skipped"
else echo "$kind: $passed passed, $failed failed"; fi
if [ -n "${KFDO_TEST_TALLY:-}" ]; then echo "$passed $failed" >>"$KFDO_TEST_TALLY"; fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
