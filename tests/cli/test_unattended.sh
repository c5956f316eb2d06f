# The unattended path across the reboot, through the real binary on the
# stand-in tree (tests/fixtures/faketree: real makepkg packages, installed into
# a test root through libalpm): kfdo reboot finds the installed package's boot
# entry in a real systemd-boot layout (tests/fixtures/boot), shows and writes
# the user unit and the autostart entry (and the sysctl drop-in when perf may
# not record), boots the entry once and reboots; then kfdo continue as the unit
# runs it, in the same boot (nothing), after a reboot into the wrong kernel
# (nothing but the message, and it removes itself) and into the right one
# (record, convert, build, stop before the install, notify). kfdo never runs
# bootctl, systemctl, sysctl or notify-send here: stand-ins on PATH write down
# their arguments. The machine after each "reboot" is a fixture sysroot.
. tests/cli/lib.sh
. tests/lib/fixtures.sh
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache XDG_CONFIG_HOME=$T/config
TOOLS=${KFDO_TOOLS:-build/tools}
KFDO=$(realpath "$KFDO")
need llvm-profgen-19 llvm-profdata-19 perf makepkg systemd-analyze
R=$T/root
UNIT=$XDG_CONFIG_HOME/systemd/user/kfdo-continue.service
AUTO=$XDG_CONFIG_HOME/autostart/kfdo-continue.desktop
root=0; [ "$(id -u)" -eq 0 ] && root=1

build_minikernel "$T/vmlinux" && build_minikernel "$T/vmlinux.other" -O1 || { not_ok "build the kernel-like images"; exit 1; }
id=$(build_id "$T/vmlinux")
"$TOOLS/gen_perfscript" --binary "$T/vmlinux" -o "$T/trace.perfscript" --samples 3000 2>/dev/null

# The stand-ins (tests/lib/fixtures.sh): each writes its arguments to $T/calls.
boot_standins "$T/bin" "$T/calls" "$T/before"
perf_trace_standin "$T/bin" "$T/trace.perfscript" "$id" 6.13.0-fake
export PATH="$T/bin:$PATH" DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus
# The drop-in needs root's install -o root: as a user, a machine that records already.
paranoid=0; [ $root = 1 ] && paranoid=2
boot_machine "$T/before" boot-1 "$T/vmlinux.other" $paranoid
boot_machine "$T/wrong" boot-2 "$T/vmlinux.other" 0
boot_machine "$T/after" boot-2 "$T/vmlinux" 0
# What was at the drop-in's path before kfdo: put back byte for byte at the end.
mkdir -p "$T/before/etc/sysctl.d" && printf '# the admin'"'"'s own\nkernel.perf_event_paranoid = 2\n' >"$T/before/etc/sysctl.d/99-kfdo-perf.conf"
cp "$T/before/etc/sysctl.d/99-kfdo-perf.conf" "$T/dropin.orig"

cp -a $FIX/faketree "$T/tree"
run run --yes --no-compare --config-from tinyconfig --target pacman-pkg --llvm 1 --jobs 2 --from configure --until finish \
    --tree "$T/tree" --root "$R" --make-var "MKPKG=$PWD/tests/tools/mkkernelpkgs" --make-var "MKPKG_ARGS=--vmlinux-from $T/vmlinux" \
    --workload command --command "touch $T/workload-ran" --sysroot "$T/before"
expect_rc "build and install, then the stop before the reboot (exit 3)" 3

# --- kfdo reboot: everything shown, then done ---
run reboot --sysroot "$T/before" </dev/null
expect_rc "without a terminal and without --yes: bad usage" 2
[ ! -e "$UNIT" ] && [ ! -e "$T/calls" ] && ok "and nothing was written or run" || not_ok "and nothing was written or run" "$(cat "$T/calls" 2>&1)"

run reboot --yes --sysroot "$T/before"
expect_rc "kfdo reboot --yes exits 0" 0
expect_out "names the entry of the installed package" "^Boot entry: Linux Upstream \(systemd-boot [0-9].*, /boot/loader/entries/linux-upstream(\+[0-9]+-[0-9]+)?\.conf\)"
expect_out "shows the unit before writing it" "kfdo writes $(realpath -m "$UNIT"):|kfdo writes $UNIT:"
expect_out "the unit runs kfdo continue" "\| ExecStart=$KFDO continue"
expect_out "shows the one-shot" "bootctl set-oneshot linux-upstream\.conf"
expect_out "says what happens when the kernel does not boot" "Only the next boot uses it: should the new kernel not come up, a reset boots the usual default again"
grep -n . "$T/calls" | tr '\n' ' ' | grep -qE "[0-9]+:bootctl set-oneshot linux-upstream\.conf .*[0-9]+:systemctl reboot" &&
    ok "the one-shot ran, then the reboot" || not_ok "the one-shot ran, then the reboot" "$(cat "$T/calls")"
[ -f "$UNIT" ] && [ -f "$AUTO" ] && ok "the unit and the autostart entry are in place" || not_ok "unit and autostart in place" "$(ls -R "$XDG_CONFIG_HOME" 2>&1)"
mkdir -p -m 0700 "$T/run"
XDG_RUNTIME_DIR=$T/run systemd-analyze --user verify "$UNIT" >"$T/verify" 2>&1 && [ ! -s "$T/verify" ] && ok "systemd-analyze verify passes the unit" ||
    not_ok "systemd-analyze verify passes the unit" "$(cat "$T/verify")"
if [ $root = 1 ]; then
    expect_out "the sysctl drop-in, shown first" "through sudo, $T/before/etc/sysctl\.d/99-kfdo-perf\.conf:"
    grep -q '^kernel.perf_event_paranoid = 0' "$T/before/etc/sysctl.d/99-kfdo-perf.conf" && ok "the drop-in is in place" ||
        not_ok "the drop-in is in place" "$(cat "$T/before/etc/sysctl.d/99-kfdo-perf.conf")"
else
    grep -q 'sysctl\.d' "$T/out" && not_ok "a machine that records already gets no drop-in" "$(grep sysctl "$T/out")" ||
        ok "a machine that records already gets no drop-in"
fi
run status --json --sysroot "$T/before"
"$TOOLS/jsonget" "$T/out" session.unattended.boot_entry.id >"$T/v" 2>&1
[ "$(cat "$T/v")" = linux-upstream.conf ] && ok "status --json: the boot entry" || not_ok "status --json: the boot entry" "$(cat "$T/v")"
grep -q "kfdo-continue.service" "$T/out" && ok "status --json: the unit among what kfdo installed" ||
    not_ok "status --json: the unit among what kfdo installed" "$(head -c 800 "$T/out")"

# --- kfdo continue as the unit runs it: no terminal, its own environment ---
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
# cont SYSROOT: the unit's command, with the fixture machine standing in for the reboot.
cont() { rm -f "$T/calls"; $exec_start --sysroot "$1" </dev/null >"$T/out" 2>"$T/err"; rc=$?; }
cont "$T/before"
expect_rc "a login before the reboot: exit 0" 0
expect_out "says it waits for the reboot" "still the boot it was armed in"
[ -f "$UNIT" ] && ok "and the unit stays" || not_ok "and the unit stays"

cont "$T/wrong"
expect_rc "the wrong kernel booted: exit 1" 1
expect_out "says so" "The wrong kernel booted"
[ ! -e "$UNIT" ] && [ ! -e "$AUTO" ] && ok "and removes its unit and autostart entry" || not_ok "removes its unit and autostart entry" "$(ls -R "$XDG_CONFIG_HOME")"
grep -q "^notify-send .*--urgency=critical" "$T/calls" && ok "a critical notification" || not_ok "a critical notification" "$(cat "$T/calls" 2>&1)"
[ ! -e "$T/workload-ran" ] && ok "and nothing else ran" || not_ok "and nothing else ran"

run reboot --yes --sysroot "$T/before"
expect_rc "armed again" 0
cont "$T/after"
cp "$T/out" "$T/continue.out"
expect_rc "the built kernel booted: record, convert, build, then exit 0" 0
expect_out "it checked the kernel first, and says so" "^kfdo continue: the kernel it built booted: running 6\.13\.0-fake, the kernel kfdo built \(build-id $id\)"
expect_out "the recording ran the workload" "ok +recorded"
[ -e "$T/workload-ran" ] && ok "the workload ran under perf" || not_ok "the workload ran under perf"
expect_out "converted with llvm-profgen-19" "llvm-profgen-19 --kernel"
expect_out "the final build with the profile" "CLANG_AUTOFDO_PROFILE="
expect_out "stops before the install" "stop Install the optimized kernel: a kernel is installed only with you there"
grep -q "^notify-send --app-name=kfdo --urgency=normal -- kfdo: your turn" "$T/calls" && ok "the notification: your turn" ||
    not_ok "the notification: your turn" "$(cat "$T/calls" 2>&1)"
[ ! -e "$UNIT" ] && ok "the unit removed itself" || not_ok "the unit removed itself"
run run --yes --until final-build --sysroot "$T/after"
expect_out "the next run says what happened meanwhile" "^While you were away: kfdo continued by itself after the reboot"
expect_out "with the profile made" "^  Convert the profile: profile .*\.afdo"
expect_out "and the final build" "^  Build the optimized kernel: built in "
run run --yes --until final-build --sysroot "$T/after"
grep -q "While you were away" "$T/out" && not_ok "and only once" || ok "and only once"

# --- the end of the flow removes the rest, restoring what was there ---
# The same machine in truth: the drop-in is below the sysroot it was set up in.
run run --yes --from finish --until finish --sysroot "$T/before"
expect_rc "finish installs the optimized kernel" 0
if [ $root = 1 ]; then
    cmp -s "$T/dropin.orig" "$T/before/etc/sysctl.d/99-kfdo-perf.conf" && ok "the admin's file is back, byte for byte" ||
        not_ok "the admin's file is back, byte for byte" "$(cat "$T/before/etc/sysctl.d/99-kfdo-perf.conf" 2>&1)"
fi
run status --json
cp "$T/out" "$T/status.json"
n=$("$TOOLS/jsonget" "$T/status.json" installed.# 2>&1)
[ "$n" = 0 ] && ok "nothing kfdo installed is left" || not_ok "nothing kfdo installed is left" "$n" "$(sed -n '/"installed"/,/]/p' "$T/status.json" | head -30)"
ls -a "$T/before/etc/sysctl.d" | grep -q '\.kfdo-' && not_ok "no mark or saved copy left beside it" "$(ls -a "$T/before/etc/sysctl.d")" ||
    ok "no mark or saved copy left beside it"
run reset --yes
expect_rc "kfdo reset exits 0" 0
[ -f "$XDG_STATE_HOME/kfdo/session.json.reset" ] && [ ! -e "$XDG_STATE_HOME/kfdo/session.json" ] &&
    ok "reset sets the session aside" || not_ok "reset sets the session aside" "$(ls "$XDG_STATE_HOME/kfdo")"
