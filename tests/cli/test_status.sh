# kfdo status --json after a real kfdo run on the stand-in tree (tests/fixtures/faketree,
# whose pacman-pkg makes real packages with real makepkg): configure, build, install into a
# test root through libalpm, then the stop before the reboot. The object is read with
# tests/tools/jsonget (json-c), which also fails on anything that is not one JSON value.
. tests/cli/lib.sh
. tests/lib/fixtures.sh
TOOLS=${KFDO_TOOLS:-build/tools}
export XDG_STATE_HOME=$T/state
S=$XDG_STATE_HOME/kfdo/session.json
J=$T/status.json
R=$T/root
VM=$R/usr/src/debug/linux-upstream/vmlinux
P1=$T/tree/linux-upstream-6.13.0_fake-1-$(uname -m).pkg.tar.zst
ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# status_json [ARGS...]: kfdo status --json ARGS into $J, status in $rc.
status_json() { "$KFDO" status --json "$@" >"$J" 2>"$T/err"; rc=$?; }
# field PATH: one value of $J ("" and a failed test when the path is missing).
field() { "$TOOLS/jsonget" "$J" "$1" 2>>"$T/err"; }
expect_field() { # NAME PATH PATTERN (grep -E on the value)
    local v
    v=$(field "$2")
    if grep -qE -- "$3" <<<"$v"; then ok "$1"; else not_ok "$1" "$2 = '$v', want /$3/" "$(head -c 300 "$T/err")"; fi
}
expect_is() { # NAME PATH VALUE (exactly)
    local v
    v=$(field "$2")
    if [ "$v" = "$3" ]; then ok "$1"; else not_ok "$1" "$2 = '$v', want '$3'" "$(head -c 300 "$T/err")"; fi
}
# step NAME: its index in the steps array (the flow's order).
steps=(hardware toolchain source configure build baseline install reboot profile convert final-build finish compare)
step() { local i; for i in "${!steps[@]}"; do [ "${steps[$i]}" = "$1" ] && echo "$i"; done; }

# No session yet: one object that says so, exit 0.
status_json
expect_rc "no session: exit 0" 0
expect_is "no session: session is null" session null
expect_is "no session: the file it would be" session_file "$S"
expect_is "no session: kfdo's version" kfdo_version "$("$KFDO" --version | sed 's/^kfdo //')"

cp -a $FIX/faketree "$T/tree"
run run --yes --no-compare --config-from tinyconfig --target pacman-pkg --llvm 1 --jobs 2 --from configure --until finish \
    --tree "$T/tree" --root "$R" --make-var "MKPKG=$PWD/tests/tools/mkkernelpkgs"
expect_rc "the run stops before the reboot (exit 3)" 3
id1=$(build_id "$VM")

status_json
expect_rc "status --json exits 0" 0
expect_is "the session file" session_file "$S"
expect_is "the tree" session.tree "$T/tree"
expect_is "no output directory: null" session.output_dir null
expect_is "the config source" session.config_source tinyconfig
expect_is "the target" session.target pacman-pkg
expect_is "toggles: AutoFDO" session.toggles.autofdo true
expect_is "toggles: ThinLTO" session.toggles.thin_lto true
expect_is "toggles: -j" session.toggles.jobs 2
expect_is "toggles: LLVM=" session.toggles.llvm 1
expect_field "toggles: the make variables" session.toggles.make_vars '"MKPKG=.*mkkernelpkgs"'
expect_is "the install root" session.install_root "$R"
expect_is "the stage" session.stage autofdo
expect_is "thirteen steps" session.steps.# 13
expect_is "steps in the flow's order" session.steps.11.name finish
b=$(step build)
expect_is "build: done" session.steps.$b.status done
expect_field "build: its message" session.steps.$b.message "^built in .*: 3[0-9] steps, 0 warnings, 4 packages"
expect_field "build: started, ISO 8601" session.steps.$b.started "$ISO"
expect_field "build: finished, ISO 8601" session.steps.$b.finished "$ISO"
started=$(field session.steps.$b.started) finished=$(field session.steps.$b.finished)
[[ ! "$finished" < "$started" ]] && ok "build: finished no earlier than started" ||
    not_ok "build: finished no earlier than started" "$started .. $finished"
log=$(field session.steps.$b.log)
[ -f "$log" ] && head -n1 "$log" | grep -q '^\$ make ' && ok "build: its log, which starts with the command" ||
    not_ok "build: its log" "$log"
expect_is "build: its title" session.steps.$b.title "Build the kernel"
expect_is "install: done" session.steps.$(step install).status done
expect_is "reboot: pending" session.steps.$(step reboot).status pending
expect_is "profile: never started, null" session.steps.$(step profile).started null
expect_is "profile: no log, null" session.steps.$(step profile).log null
# The run started at configure: the machine checks never ran, so they come next.
expect_is "the next step: the hardware check, never run" session.next.step hardware
expect_is "the next step can run" session.next.ready true
expect_is "the next command" session.next.command "kfdo run --from hardware"
expect_is "the next action in words" session.next.action "Check the hardware"
expect_is "the packages: the first is the build's" session.artifacts.packages.0 "$P1"
expect_is "the vmlinux" session.artifacts.vmlinux "$VM"
expect_is "the kernel release" session.artifacts.kernel_release 6.13.0-fake
expect_is "the build-id" session.artifacts.build_id "$id1"
expect_is "no perf.data yet: null" session.artifacts.perf_data null
expect_is "a reboot is needed (this machine runs another kernel)" session.reboot_needed true
expect_is "the kernel expected after it: release" session.expected_kernel.release 6.13.0-fake
expect_is "the kernel expected after it: build-id" session.expected_kernel.build_id "$id1"
expect_is "the running kernel" session.running_kernel.release "$(uname -r)"
expect_is "no run at work" session.active_run null
expect_is "no killed run" session.interrupted null
expect_field "the build history: when, ISO 8601" session.history.0.runs.0.when "$ISO"
expect_field "the build history: lines" session.history.0.runs.0.lines '^[1-9][0-9]*$'
expect_is "the build history: the tree" session.history.0.tree "$T/tree"

# A machine whose checks passed (this VM has no PMU and, before make check-e2e, not every
# build tool): the two steps are marked done in the session file, as kfdo run would.
sed -i -E '/^    "(hardware|toolchain)": \{/,/"status"/ s/"status": "[a-z]+"/"status": "done"/' "$S"
status_json
expect_is "checks done: the next step is the reboot" session.next.step reboot
expect_is "the next command" session.next.command "kfdo run --from reboot"
expect_field "the next action in the words kfdo run stops with" session.next.action \
    "^Reboot into 6\.13\.0-fake, the kernel kfdo built and installed, then run kfdo again"

# The built kernel running (a fixture sysroot made from the installed vmlinux): no reboot
# needed, and the next step is the recording.
mk_sysroot "$T/match" 6.13.0-fake "$VM"
status_json --sysroot "$T/match"
expect_is "running the built kernel: no reboot needed" session.reboot_needed false
expect_is "running the built kernel: nothing expected" session.expected_kernel null
expect_is "running the built kernel: its build-id read" session.running_kernel.build_id "$id1"
expect_is "running the built kernel: the next step is the profile" session.next.step profile
# An older build of the same release: the build-id tells it apart.
echo 'int main(void) { return 0; }' >"$T/other.c" && cc -Wl,--build-id=sha1 -o "$T/other" "$T/other.c"
mk_sysroot "$T/older" 6.13.0-fake "$T/other"
status_json --sysroot "$T/older"
expect_is "the same release, another build: a reboot is needed" session.reboot_needed true
run status --sysroot "$T/nowhere"
expect_rc "an unreadable --sysroot: usage" 2

# A run at work, then killed (kill -9) in the middle of its build: the build goes on.
logs() { ls -t "$XDG_STATE_HOME"/kfdo/logs/build-2*.log 2>/dev/null; }
before=$(logs | wc -l)
"$KFDO" run --yes --from build --until build --make-var STEP_DELAY=1 >"$T/out1" 2>&1 &
pid=$!
# The new build's log (not the first build's) has its first compile.
compiling() { [ "$(logs | wc -l)" -gt "$before" ] && grep -qs '^  CC ' "$(logs | head -n1)"; }
wait_until 60 compiling || not_ok "the build compiles" "$(tail -3 "$T/out1")"
status_json
expect_is "a run at work: its step" session.active_run.step build
expect_is "a run at work: its pid" session.active_run.pid "$pid"
expect_is "a run at work: not a killed one" session.interrupted null
kill -9 $pid; wait $pid 2>/dev/null
status_json
expect_is "killed: no run at work" session.active_run null
expect_is "killed: the step" session.interrupted.step build
expect_is "killed: the pid" session.interrupted.pid "$pid"
expect_field "killed: its build is still running" session.interrupted.job_left '^[1-9]'
expect_field "killed: what kfdo run does about it" session.interrupted.message "kfdo run stops it"
# What is left of the build (its own process group) is this test's to stop.
pgid=$("$TOOLS/jsonget" "$S" steps.build.owner.pgid)
[ -n "$pgid" ] && [ "$pgid" -gt 1 ] && kill -9 -- "-$pgid" 2>/dev/null
gone() { ! kill -0 -- "-$pgid" 2>/dev/null; }
wait_until 30 gone || not_ok "the leftover build stopped"

# An unreadable session: still one object, with why, exit 1.
rm -rf "$XDG_STATE_HOME" && mkdir -p "$XDG_STATE_HOME/kfdo"
echo '{"kfdo": "session", "version": 1, "tree": ' >"$S"
status_json
expect_rc "an unreadable session: exit 1" 1
expect_is "an unreadable session: session is null" session null
expect_field "an unreadable session: why" error "set aside|session\.json"
