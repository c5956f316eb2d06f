# End to end on a real kernel: Debian's linux-source-6.12 with the AutoFDO
# backport (tests/e2e/autofdo-6.12.patch), tinyconfig for x86_64 with
# AutoFDO and ThinLTO, clang-19, driven through `kfdo run` with no TUI. The tree
# is unpacked once into $E2E_DIR (tests/e2e/lib.sh) and built out of tree (O=).
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
MAKE_ARGS=(-s -C "$tree" O="$out" ARCH=x86_64 LLVM=-19)

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

# The patched tree builds with AutoFDO and ThinLTO.
run run --yes --until build --tree "$tree" $OPTS
expect_rc "first build exits 0" 0
expect_out "the configure read-back passed" "holds every toggle asked for"
expect_out "a dry run gave the first build a total" "make -n LLVM=-19"
expect_out "first build summary" "built in "
[ -f "$out/arch/x86/boot/bzImage" ] && ok "bzImage exists" || not_ok "bzImage exists"
for sym in AUTOFDO_CLANG LTO_CLANG_THIN 64BIT; do
    grep -q "^CONFIG_$sym=y" "$out/.config" && ok ".config has $sym" || not_ok ".config has $sym"
done
if grep -q -- '-fdebug-info-for-profiling' "$out/kernel/.fork.o.cmd" && ! grep -q -- '-fprofile-sample-use' "$out/kernel/.fork.o.cmd"; then
    ok "objects built for profiling, no profile yet"
else
    not_ok "objects built for profiling, no profile yet" "$(head -c 600 "$out/kernel/.fork.o.cmd")"
fi
log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log | tail -n1)
cc=$(grep -c '^  CC      ' "$log")
[ "$cc" -gt 400 ] && ok "the log has the real kbuild lines ($cc CC)" || not_ok "the log has the real kbuild lines" "$cc CC in $log"
grep -q 'LD      vmlinux.o' "$log" && ok "the log has the ThinLTO link" || not_ok "the log has the ThinLTO link"
run status
expect_out "status: build done" "build +done"

# The second build of the same config, with a sample profile (what the final
# build does): a percentage and an ETA from the first build's timing curve,
# within 15% of the real remaining time at halfway; the profile reaches every
# compile and the ThinLTO link.
profile=$E2E_DIR/kernel.afdo
if llvm-profdata-19 merge --sample --extbinary -o "$profile" tests/e2e/sample-profile.txt; then
    ok "a sample profile of real kernel functions"; else not_ok "a sample profile of real kernel functions"; fi
make "${MAKE_ARGS[@]}" clean
run run --yes --from build --until build --make-var "CLANG_AUTOFDO_PROFILE=$profile"
expect_rc "second build exits 0" 0
if grep -q -- "-fprofile-sample-use=$profile" "$out/kernel/.fork.o.cmd" && grep -q -- '-fdebug-info-for-profiling' "$out/kernel/.fork.o.cmd"; then
    ok "compiles use the profile"; else not_ok "compiles use the profile" "$(head -c 600 "$out/kernel/.fork.o.cmd")"; fi
if grep -q -- "--lto-sample-profile=$profile" "$out/.vmlinux.o.cmd"; then
    ok "the ThinLTO link uses the profile"; else not_ok "the ThinLTO link uses the profile" "$(head -c 600 "$out/.vmlinux.o.cmd")"; fi
# The profile changes the code: its hot functions go to .text.hot, at the head of .text.
head_syms=$(grep ' [Tt] ' "$out/System.map" | head -n 20 | awk '{print $3}' | tr '\n' ' ')
if [[ " $head_syms " == *" vfs_read "* && " $head_syms " == *" filemap_read "* ]]; then
    ok "the profile's hot functions lead .text"; else not_ok "the profile's hot functions lead .text" "$head_syms"; fi
read -r e eta remaining err < <(eta_error "$T/out" 0.5)
if [ -n "${err:-}" ]; then
    echo "# second build: at ${e}s the ETA said ${eta}s, ${remaining}s were left (${err}%)"
    [ "${err#-}" -le 15 ] && ok "ETA at halfway within 15% (${err}%)" || not_ok "ETA at halfway within 15%" "${err}%"
else
    not_ok "ETA at halfway within 15%" "no progress line with an ETA: $(tail -5 "$T/out")"
fi

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
make "${MAKE_ARGS[@]}" clean
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
