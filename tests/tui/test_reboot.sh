# The reboot screen's two ways on, at 80x24 in English and German, on a real
# session at the reboot step (the stand-in tree's real packages installed into
# a test root) and a fixture machine with a real systemd-boot layout: the boot
# entry of the installed package, every file and command shown before a key
# runs them; n runs the one-shot and the reboot (stand-ins on PATH write them
# down: kfdo never runs bootctl or systemctl here), m sets the continuation up
# and reboots nothing. The continuation itself is tests/cli/test_unattended.sh's.
. tests/tui/lib.sh
. tests/lib/fixtures.sh
export XDG_CONFIG_HOME=$T/config
UNIT=$XDG_CONFIG_HOME/systemd/user/kfdo-continue.service
need makepkg

build_minikernel "$T/vmlinux" && build_minikernel "$T/vmlinux.other" -O1 || { not_ok "build the kernel-like images"; exit 1; }
boot_standins "$T/bin" "$T/calls" "$T/before"
boot_machine "$T/before" boot-1 "$T/vmlinux.other" 0
export PATH="$T/bin:$PATH"
fake_tree "$T/tree"
run run --yes --no-compare --config-from tinyconfig --target pacman-pkg --llvm 1 --jobs 2 --from configure --until finish \
    --tree "$T/tree" --root "$T/root" --make-var "MKPKG=$PWD/tests/tools/mkkernelpkgs" \
    --make-var "MKPKG_ARGS=--vmlinux-from $T/vmlinux" --workload command --command true --sysroot "$T/before"
expect_rc "a session at the reboot step (exit 3)" 3
cp -a "$XDG_STATE_HOME" "$T/state.saved"

# at_reboot [VAR=value...]: the wizard at 80x24 on the machine before the reboot.
at_reboot() {
    rm -rf "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$T/calls" && cp -a "$T/state.saved" "$XDG_STATE_HOME"
    start_shell 80 24 XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$@"
    kfdo tui --sysroot "$T/before"
    # It opens at the hardware check (never run here, as --from configure skipped it): F3 to step 8.
    wait_for "(Step|Schritt) 1 (of|von) 13" 10
    local i
    for i in $(seq 7); do keys F3; done
}

at_reboot
expect "the wizard resumes at the reboot" "Step 8 of 13: Reboot into the new kernel" 10
expect "the entry of the installed package" "Boot entry: Linux Upstream \(systemd-boot"
# Whole, wrapped at 80 columns rather than cut.
expect_flat "n: reboot now into it, kfdo goes on" "n Reboot now into Linux Upstream; kfdo goes on by itself m "
expect_flat "m: I reboot myself" "m I will reboot myself \(kfdo goes on by itself after the login\)"
expect "says that each asks first" "Each shows every file and command"
# Only the read-only queries (bootctl status and list, efibootmgr) before a key.
! grep -qvE '^(bootctl (status|list) |efibootmgr)' "$T/calls" 2>/dev/null && [ ! -e "$UNIT" ] && ok "nothing ran before a key but the queries" ||
    not_ok "nothing ran before a key but the queries" "$(cat "$T/calls" 2>&1)"
keys n
expect "n asks first" "Reboot now\?"
expect "with the unit it writes" "kfdo writes ~/config/systemd/user/kfdo-continue\.service"
# The one-shot needs root: as a user, through sudo (which the dialog names).
SUDO=$([ "$(id -u)" = 0 ] || echo 'sudo ')
expect "with the one-shot" "\\$ ${SUDO}bootctl set-oneshot linux-upstream\.conf"
expect "with the reboot" "\\$ systemctl reboot"
expect "one boot only, said" "a reset boots the usual default again"
expect "No is the default: a reboot is not undone" "\[y\]es +\[N\]o"
keys Enter
wait_gone "Reboot now\?" 5
! grep -qvE '^(bootctl (status|list) |efibootmgr)' "$T/calls" 2>/dev/null && [ ! -e "$UNIT" ] && ok "Enter (no): nothing ran" ||
    not_ok "Enter (no): nothing ran" "$(cat "$T/calls" 2>&1)"
keys n
expect "asked again" "Reboot now\?"
keys y
wait_until 15 grep -q '^systemctl reboot' "$T/calls" && ok "y: the commands ran" || not_ok "y: the commands ran" "$(cat "$T/calls" 2>&1)"
grep -n . "$T/calls" | tr '\n' ' ' | grep -qE "[0-9]+:bootctl set-oneshot linux-upstream\.conf .*[0-9]+:systemctl reboot" &&
    ok "the one-shot, then the reboot" || not_ok "the one-shot, then the reboot" "$(cat "$T/calls")"
[ -f "$UNIT" ] && ok "the unit is in place" || not_ok "the unit is in place"
expect "n: back in the wizard, which says so" "Rebooting\." 10
keys F10
wait_exit 10 || { keys y; wait_exit 5; }
[ "$rc" = 0 ] && ok "the wizard quits cleanly" || not_ok "the wizard quits cleanly" "exit $rc"

if [ -n "$(sed 's/#.*//' po/LINGUAS | grep -w de)" ]; then
    at_reboot LANGUAGE=de
    expect "German: the reboot step" "Schritt 8 von 13" 10
    expect_flat "German: n, whole" "n Jetzt neu starten in Linux Upstream; kfdo macht von selbst weiter m "
    expect_flat "German: m, whole" "m Ich starte selbst neu \(kfdo macht nach der Anmeldung von selbst weiter\)"
    keys m
    expect "German: m asks first" "Fortsetzung einrichten\?"
    keys Enter
    wait_until 10 test -f "$UNIT" && ok "m: Enter (yes) sets up the unit" || not_ok "m: Enter (yes) sets up the unit"
    expect "m: says what comes next" "Eingerichtet" 10
    grep -q '^systemctl reboot\|^bootctl set-oneshot' "$T/calls" 2>/dev/null && not_ok "m: nothing rebooted" "$(cat "$T/calls")" ||
        ok "m: nothing rebooted"
    keys F10
    wait_exit 10 || { keys y; wait_exit 5; }
fi
