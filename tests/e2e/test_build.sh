# Builds of a real kernel cut short: Debian's linux-source-6.12, unpatched
# (refused: it predates AutoFDO) and with the AutoFDO backport
# (tests/e2e/autofdo-6.12.patch), tinyconfig for x86_64 with AutoFDO and
# ThinLTO, clang-19, bzImage, driven through `kfdo run` with no TUI: kfdo
# killed with kill -9 in the middle of a build, then Ctrl-C. The tree is
# unpacked once into $E2E_DIR (tests/e2e/lib.sh) and built out of tree (O=).
. tests/cli/lib.sh
. tests/e2e/lib.sh
export XDG_STATE_HOME=$E2E_DIR/state
rm -rf "$XDG_STATE_HOME"
if e2e_tree && grep -q '^config AUTOFDO_CLANG' "$tree/arch/Kconfig"; then
    ok "linux-source-6.12 unpacked and patched for AutoFDO"
else
    not_ok "linux-source-6.12 unpacked and patched for AutoFDO" "$tree"; exit 1
fi
if e2e_user && as_user test -w "$tree/Makefile"; then ok "the tree belongs to the build user ($E2E_USER)"
else not_ok "the tree belongs to the build user" "$E2E_USER: $(ls -l "$tree/Makefile")"; fi
out=$E2E_DIR/out
rm -rf "$out"
OPTS="--output $out --config-from tinyconfig --arch x86_64 --enable 64BIT --target bzImage"

# 6.12 as Debian ships it predates AutoFDO: kfdo says so before building
# anything (its real Makefile, scripts/config and arch/Kconfig, unpatched).
run run --yes --until build --tree "$unpatched" $OPTS
expect_rc "unpatched 6.12 with AutoFDO asked: stops" 1
expect_out "names the missing AutoFDO" "no CONFIG_AUTOFDO_CLANG .*6\.13"
expect_out "finds clang-19 on its own" "make LLVM=-19"
[ ! -e "$out/.config" ] && ok "nothing was configured or built" || not_ok "nothing was configured or built"
run doctor --tree "$unpatched"
expect_out "doctor: unpatched 6.12 is too old" "too old for AutoFDO.*6\.13"
expect_out "doctor: unpatched 6.12 has no AUTOFDO_CLANG" "fail +tree.autofdo +Kconfig has no AUTOFDO_CLANG"
run doctor --tree "$tree"
expect_out "doctor: the patched tree offers AUTOFDO_CLANG" "ok +tree.autofdo +Kconfig offers AUTOFDO_CLANG"

# The whole flow, its builds and their checks (read-back, kbuild lines, the
# profile in every compile and in the ThinLTO link, the ETA from the first
# build) are test_flow.sh's. Here: what needs a bzImage build cut short. The
# patched tree configured, with AutoFDO and ThinLTO; no build has finished, so
# each build below counts its work with a dry run first.
run run --yes --until configure --tree "$tree" $OPTS
expect_rc "configure exits 0" 0
expect_out "the configure read-back passed" "holds every toggle asked for"
for sym in AUTOFDO_CLANG LTO_CLANG_THIN 64BIT; do
    grep -q "^CONFIG_$sym=y" "$out/.config" && ok ".config has $sym" || not_ok ".config has $sym"
done

# wait_log N: until this run's build log (newer than $T/mark) has N CC lines.
wait_log() {
    for _ in $(seq 900); do
        log=$(find "$XDG_STATE_HOME/kfdo/logs" -name 'build-2*.log' -newer "$T/mark" | head -n1)
        [ -n "$log" ] && [ "$(grep -c '^  CC ' "$log")" -gt "$1" ] && return 0
        sleep 0.2
    done
    return 1
}
left_running() { pgrep -f "$E2E_DIR/(linux-6.12|out)"; }

# kfdo killed (kill -9) in the middle of a build: the next start says so, stops
# what is left of that build, and the build step runs again.
touch "$T/mark"
"$KFDO" run --yes --from build --until build >"$T/out" 2>"$T/err" &
pid=$!
wait_log 60
kill -9 $pid; wait $pid 2>/dev/null
grep -q '"status": "running"' "$XDG_STATE_HOME/kfdo/session.json" && ok "after kill -9 the session still says running" \
    || not_ok "after kill -9 the session still says running"
run status
expect_out "status: names the killed run" "killed during the build step \(pid $pid\)"

# Ctrl-C in the middle of the resumed build: the whole build stops within 2 s,
# nothing left running.
touch "$T/mark"
"$KFDO" run --yes --until build >"$T/out" 2>"$T/err" &
pid=$!
wait_log 60
t0=$(date +%s%N); kill -INT $pid; wait $pid; rc=$?; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
expect_out "the next run says what happened" "killed during the build step \(pid [0-9]+\); its job (was still running .* and has been stopped|had stopped)"
expect_out "and runs the build again" "Build the kernel"
expect_rc "Ctrl-C exits 130" 130
[ "$ms" -le 2000 ] && ok "Ctrl-C stopped the build within 2 s (${ms} ms)" || not_ok "Ctrl-C within 2 s" "${ms} ms"
sleep 0.3
if left_running >/dev/null; then
    not_ok "no make or clang left running" "$(pgrep -af "$E2E_DIR/(linux-6.12|out)")"
else
    ok "no make or clang left running"
fi
run status
expect_out "status: the build is marked cancelled" "build +failed .*cancelled"
