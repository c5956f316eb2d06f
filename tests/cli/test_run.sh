# kfdo run / plan / status / doctor on a stand-in kernel tree (tests/fixtures/faketree:
# a Makefile that prints kbuild's lines). Real kernel builds are in make check-e2e.
. tests/cli/lib.sh
need_kbuild_tools
export XDG_STATE_HOME=$T/state
fresh_tree() { rm -rf "$T/tree" "$XDG_STATE_HOME"; cp -a $FIX/faketree "$T/tree"; }
RUN="run --yes --from configure --until build --config-from tinyconfig --target bzImage --llvm 1 --jobs 2"

run run </dev/null
expect_rc "run without a terminal needs --yes" 2; expect_err "says to give --yes" "give --yes"
run run --yes --until nowhere
expect_rc "unknown step exits 2" 2; expect_err "names the step" "unknown step 'nowhere'"
run run --yes --from build --until configure
expect_rc "--from after --until exits 2" 2; expect_err "says so" "comes after --until"
run run --until
expect_rc "missing --until value exits 2" 2; expect_err "names the missing value" "option '--until' needs a value"
run status
expect_rc "status without a session" 0; expect_out "says there is none" "No saved session"

fresh_tree
run $RUN --tree "$T/tree"
expect_rc "configure + build exits 0" 0
expect_out "configure read back" "holds every toggle asked for"
expect_out "build summary" "built in .*30 steps, 0 warnings"
expect_out "the build is checked: .config and the compile flags" \
    "ok +built in .*, 0 warnings; verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config, -fdebug-info-for-profiling in kernel/fork\.o$"
expect_out "dry run before a first build" "make -n LLVM=1"
if grep -q '^CONFIG_AUTOFDO_CLANG=y' "$T/tree/.config" && grep -q '^CONFIG_LTO_CLANG_THIN=y' "$T/tree/.config"; then
    ok ".config has AutoFDO and ThinLTO"; else not_ok ".config has AutoFDO and ThinLTO" "$(cat "$T/tree/.config")"; fi
[ -f "$T/tree/arch/x86/boot/bzImage" ] && ok "bzImage built" || not_ok "bzImage built"
log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log 2>/dev/null | head -n1)
if [ -n "$log" ] && head -n1 "$log" | grep -q '^\$ make LLVM=1 LLVM_IAS=1 -C ' && grep -q '^  CC      kernel/a.o' "$log"; then
    ok "the build log starts with its command and has the kbuild lines"; else not_ok "build log" "$log"; fi
run status
expect_out "status: configure done" "configure +done"
expect_out "status: build done" "build +done .*built in"
expect_out "status: build history" "^Build .*lines"

run run --yes --from source --until build
expect_rc "second run exits 0" 0
expect_out "configure already done" "Configure the kernel: already done"
expect_out "build already done" "Build the kernel: already done"

run plan --tree "$T/tree"
expect_rc "plan exits 0" 0
expect_out "plan: scripts/config toggles" "scripts/config --file .*/.config -e AUTOFDO_CLANG -e LTO_CLANG_THIN -d LTO_NONE"
expect_out "plan: the build" "make LLVM=1 LLVM_IAS=1 -C .*tree -j2 bzImage"
expect_out "plan: perf record as the how-to" "perf record .* -a -N -b -c 500009 -o "
expect_out "plan: llvm-profgen --kernel" "llvm-profgen.* --kernel --binary="
expect_out "plan: final build with the profile" "CLANG_AUTOFDO_PROFILE=/"

# A toggle a Kconfig dependency refuses is named.
fresh_tree
echo AUTOFDO_CLANG > "$T/tree/.refuse"
run $RUN --tree "$T/tree"
expect_rc "refused toggle fails" 1
expect_out "names the toggle" "AUTOFDO_CLANG \(asked: y, got: not set\)"

# The build's syncconfig finds another clang (16: AutoFDO needs 17) and drops
# AUTOFDO_CLANG: the build fails, says so and why, and is not taken as done.
fresh_tree
run $RUN --tree "$T/tree"
expect_rc "configure + build with clang 19" 0
echo 160006 >"$T/tree/.build-clang"
run run --yes --from build --until build
expect_rc "the same build with clang 16 fails" 1
expect_out "names the toggle the build dropped" \
    "fail built in .*; the build dropped toggles from \.config: AUTOFDO_CLANG \(asked: y, got: not set\)\."
expect_out "and the dependency that changed" "\(here CLANG_VERSION 190107 -> 160006\)"
expect_out "and what to do" "configure again, then build again$"
run run --yes --until build
grep -q "Build the kernel: already done" "$T/out" && not_ok "the next run does not take the build as done" ||
    ok "the next run does not take the build as done"
expect_out "it configures again first" "Configure the kernel$"
rm "$T/tree/.build-clang"
run run --yes --until build
expect_rc "with clang 19 back, configure and build pass" 0
expect_out "and the build is verified" "verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config"

# A tree whose Kbuild does not add AutoFDO's flags (NOFLAGS=1): said, with the file.
fresh_tree
run $RUN --tree "$T/tree" --make-var NOFLAGS=1
expect_rc "a build without -fdebug-info-for-profiling fails" 1
expect_out "says which object lacks which flag, and where it read that" \
    "kernel/fork\.o was compiled without -fdebug-info-for-profiling \(its command in $T/tree/kernel/\.fork\.o\.cmd\)"

# A build that fails shows the first error with file:line; a retry works.
fresh_tree
run $RUN --tree "$T/tree" --make-var FAIL=kernel/c.o
expect_rc "failing build exits 1" 1
expect_out "first error with file:line" "kernel/c.c:12: use of undeclared identifier 'boom'"
expect_out "error and warning counts" "\(1 error, 0 warnings\)"
expect_out "names the failed build's log" "log: .*/kfdo/logs/build-[0-9-]+\.log"
run status
expect_out "status: build failed" "build +failed"
run run --yes --from build --until build --make-var FAIL=
expect_rc "retry after the fix builds" 0
if grep -q 'FAIL=' "$XDG_STATE_HOME/kfdo/session.json"; then not_ok "--make-var K= removes K"; else ok "--make-var K= removes K"; fi
run run --yes --from build --until build --make-var STEP_DELAY=0 --make-var STEP_DELAY=0 --enable X --enable X --disable X
if [ "$(grep -c 'STEP_DELAY=0' "$XDG_STATE_HOME/kfdo/session.json")" -eq 1 ] &&
   ! grep -A2 '"config_enable"' "$XDG_STATE_HOME/kfdo/session.json" | grep -q '"X"'; then
    ok "repeated session options do not pile up"; else not_ok "repeated session options do not pile up" "$(grep -A3 -E 'make_vars|config_' "$XDG_STATE_HOME/kfdo/session.json")"; fi

# Ctrl-C: the whole build stops in the middle and nothing is left running.
# The build has 20 one-second steps: the Ctrl-C comes at the first of them, so
# a build that was not stopped would link. How long the stop took is printed,
# not asserted (speed is for make bench; CI is slow and sometimes loaded).
fresh_tree
"$KFDO" $RUN --tree "$T/tree" --make-var STEP_DELAY=1 >"$T/out" 2>"$T/err" &
pid=$!
compiling() { grep -qs '^  CC ' "$XDG_STATE_HOME"/kfdo/logs/build-2*.log; }
wait_until 60 compiling || not_ok "the build compiles" "$(tail -3 "$T/out")"
ended() { ! kill -0 $pid 2>/dev/null; }
t0=$(date +%s%N); kill -INT $pid
wait_until 30 ended || { not_ok "Ctrl-C ends kfdo run" "still running after 30 s"; kill -9 $pid; }
wait $pid; rc=$?; t1=$(date +%s%N)
echo "# kfdo run ended $(( (t1 - t0) / 1000000 )) ms after Ctrl-C"
expect_rc "Ctrl-C exits 130" 130
if ! grep -qs 'LD      vmlinux' "$XDG_STATE_HOME"/kfdo/logs/build-2*.log && [ ! -e "$T/tree/arch/x86/boot/bzImage" ]; then
    ok "Ctrl-C stopped the build before its link"; else not_ok "Ctrl-C stopped the build before its link" "$(tail -3 "$XDG_STATE_HOME"/kfdo/logs/build-2*.log)"; fi
sleep 0.2
# Every process of the build runs in the tree (make -C, the recipes' sleeps): none may be left.
left=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$T/tree" ] && echo "${p#/proc/}"; done)
if [ -n "$left" ]; then not_ok "nothing left running" "$(ps -o pid,args -p $left)"; else ok "nothing left running"; fi
expect_out "says it cancelled" "cancelled"
run status
expect_out "status: build cancelled" "build +failed .*cancelled"
run run --yes --until build --make-var STEP_DELAY=0
expect_rc "after Ctrl-C the next run builds" 0
expect_out "after Ctrl-C the build runs again" "built in .*30 steps"

# SIGTERM cancels the same way, and the message names it rather than Ctrl-C.
fresh_tree
"$KFDO" $RUN --tree "$T/tree" --make-var STEP_DELAY=1 >"$T/out" 2>"$T/err" &
pid=$!
wait_until 60 compiling || not_ok "the build compiles" "$(tail -3 "$T/out")"
kill -TERM $pid
wait_until 30 ended || { not_ok "SIGTERM ends kfdo run" "still running after 30 s"; kill -9 $pid; }
wait $pid; rc=$?
expect_rc "SIGTERM exits 130" 130
expect_out "SIGTERM: the cancel names the signal" "kfdo: cancelling on SIGTERM"
if grep -q "Ctrl-C" "$T/out"; then not_ok "SIGTERM: no word of Ctrl-C" "$(grep Ctrl-C "$T/out")"; else ok "SIGTERM: no word of Ctrl-C"; fi

# One run per session: a second one waits for nothing and says why.
fresh_tree
"$KFDO" $RUN --tree "$T/tree" --make-var STEP_DELAY=1 >/dev/null 2>&1 &
pid=$!
# The lock is taken before the first step, which is under way once its log is.
wait_until 60 compiling || not_ok "the first run builds" "no build log"
run $RUN --tree "$T/tree"
expect_rc "a second run on the same session exits 1" 1
expect_err "says another run has it" "another kfdo run is working on this session"
kill -INT $pid; wait $pid

# A tree without AutoFDO is named as such; --no-autofdo builds it anyway.
fresh_tree
sed -i '/^config AUTOFDO_CLANG/,/^$/d' "$T/tree/arch/Kconfig"
run run --yes --from source --until build --tree "$T/tree" --config-from tinyconfig --target bzImage --llvm 1
expect_rc "old tree fails" 1
expect_out "names the missing option" "no CONFIG_AUTOFDO_CLANG"
run run --yes --from source --until build --no-autofdo
expect_rc "--no-autofdo builds it" 0

# A corrupt state file is reported and set aside, never lost.
mkdir -p "$XDG_STATE_HOME/kfdo"; echo '{"kfdo": "session", "version": 1, "tree": ' >"$XDG_STATE_HOME/kfdo/session.json"
run status
expect_rc "status on a corrupt session exits 1" 1
expect_out "says it was set aside" "set aside"
kept=$(ls "$XDG_STATE_HOME"/kfdo/session.json.corrupt-* 2>/dev/null | head -n1)
if [ -n "$kept" ] && grep -q '"tree": $' "$kept"; then ok "the corrupt file is kept"; else not_ok "the corrupt file is kept"; fi

run doctor --json --tree $FIX/faketree
expect_out "doctor reads the tree" '"release": "6.13.0-fake"'
expect_out "doctor has toolchain checks" '"id": "tool.clang"'
expect_out "doctor has hardware checks" '"id": "kernel.pmu"'
run doctor --tree /nonexistent
expect_out "doctor on a missing tree" "fail +tree"
