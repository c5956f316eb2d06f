# kfdo run through the packages half of the flow on the stand-in tree, whose
# pacman-pkg makes real packages with real makepkg (tests/tools/mkkernelpkgs):
# install into a test root through libalpm (root mode), the reboot check
# against fixture sysroots made from the installed vmlinux, finish; and
# kfdo packages on what was built.
. tests/cli/lib.sh
. tests/lib/fixtures.sh
export XDG_STATE_HOME=$T/state
cp -a $FIX/faketree "$T/tree"
R=$T/root
MK=$PWD/tests/tools/mkkernelpkgs
RUN="run --yes --config-from tinyconfig --target pacman-pkg --llvm 1 --jobs 2"
# Later runs start at the source step: the hardware and tool checks are not this test's.
AGAIN="run --yes --from source"
VM=$R/usr/src/debug/linux-upstream/vmlinux
P1=$T/tree/linux-upstream-6.13.0_fake-1-$(uname -m).pkg.tar.zst

run $RUN --from configure --until finish --tree "$T/tree" --root "$R" --make-var "MKPKG=$MK"
expect_rc "configure, build, install, then it waits for a reboot (exit 3)" 3
expect_out "the packages are read first, by kfdo's own binary" "^  \[1/2\] /.*kfdo packages .*$P1"
expect_out "root mode installs through kfdo packages install" \
    "^  \[2/2\] /.*kfdo packages install --root $R --dbpath $R/var/lib/pacman .*linux-upstream-debug-6"
if grep '\[2/2\]' "$T/out" | grep -q api-headers; then not_ok "-api-headers is not installed" "$(grep '\[2/2\]' "$T/out")"
else ok "-api-headers is not installed"; fi
expect_out "the install is confirmed in the package database" \
    "ok   installed linux-upstream, linux-upstream-debug, linux-upstream-headers 6.13.0_fake-1 \(kernel 6.13.0-fake, vmlinux $VM, build-id [0-9a-f]{40}\)"
expect_out "says what to do" "Reboot into 6.13.0-fake, the kernel kfdo built and installed, then run kfdo again"
expect_out "says why" "running .*, built 6.13.0-fake"
[ -f "$R/usr/lib/modules/6.13.0-fake/vmlinuz" ] && [ -L "$R/usr/lib/modules/6.13.0-fake/build/vmlinux" ] &&
    [ -f "$VM" ] && ok "the files landed in the root" || not_ok "the files landed in the root" "$(find "$R" | head -20)"
[ ! -e "$R/usr/include" ] && ok "no api headers in the root" || not_ok "no api headers in the root"
[ -d "$R/var/lib/pacman/local/linux-upstream-debug-6.13.0_fake-1" ] && ok "the root's database has the packages" ||
    not_ok "the root's database has the packages" "$(ls "$R/var/lib/pacman/local" 2>&1)"
id1=$(build_id "$VM")
S=$XDG_STATE_HOME/kfdo/session.json
if grep -q "\"vmlinux\": \"$VM\"" "$S" && grep -q '"kernel_release": "6.13.0-fake"' "$S" &&
   grep -q "\"build_id\": \"$id1\"" "$S" && grep -q "\"root\": \"$R\"" "$S"; then
    ok "the session records the vmlinux, release, build-id and root"
else
    not_ok "the session records the vmlinux, release, build-id and root" "$(grep -A8 '"artifacts"' "$S")"
fi
check_log=$(grep -l 'left out' "$XDG_STATE_HOME"/kfdo/logs/install-2*.log | head -n1)
if grep -q '^  left out    linux-upstream-api-headers' "$check_log" &&
   grep -q "^  vmlinux     usr/src/debug/linux-upstream/vmlinux in linux-upstream-debug: unstripped, .*build-id $id1" "$check_log"; then
    ok "the check's log lists the packages, what is left out and the vmlinux"
else
    not_ok "the check's log lists the packages, what is left out and the vmlinux" "$(cat "$check_log")"
fi

# Fixture sysroots: /proc's release and /sys/kernel/notes cut out of an ELF file.
echo 'int main(void) { return 0; }' >"$T/other.c" && cc -Wl,--build-id=sha1 -o "$T/other" "$T/other.c"
mk_sysroot "$T/match" 6.13.0-fake "$VM"
mk_sysroot "$T/debian" 6.1.0-28-amd64 "$VM"
mk_sysroot "$T/older" 6.13.0-fake "$T/other"

run $AGAIN --until finish --sysroot "$T/debian"
expect_rc "another kernel running: still waiting (exit 3)" 3
expect_out "names both releases" "running 6.1.0-28-amd64, built 6.13.0-fake: reboot into 6.13.0-fake"
expect_out "configure, build, install: already done" "Install the kernel: already done \(kernel 6.13.0-fake installed"
run $AGAIN --until finish --sysroot "$T/older"
expect_rc "same release, another build: still waiting" 3
expect_out "says an older build runs" "running 6.13.0-fake, the same release but a different build-id .*: an older build of the same version is running"
run $AGAIN --until reboot --sysroot "$T/match"
expect_rc "the built kernel running: the reboot step is done" 0
expect_out "says which kernel runs" "Reboot into the new kernel: already done \(running 6.13.0-fake, the kernel kfdo built \(build-id $id1\)\)"

# The final build (with a small real sample profile) and the finish step installs it.
printf 'main:1000:10\n 1: 500\n 2: 500\n' >"$T/prof.txt"
llvm-profdata-19 merge --sample --extbinary -o "$T/prof.afdo" "$T/prof.txt"
run run --yes --from final-build --until final-build --profile "$T/prof.afdo" --make-var "MKPKG_ARGS=--extra headers,debug"
expect_rc "the final build" 0
if grep -A4 '"packages"' "$S" | grep -q '_fake-1-'; then not_ok "the session keeps only the new build's packages" "$(grep -A5 '"packages"' "$S")"
else ok "the session keeps only the new build's packages"; fi
run run --yes --from finish --until finish
expect_rc "finish installs it" 0
expect_out "finish confirms it" "ok   installed linux-upstream, linux-upstream-debug, linux-upstream-headers 6.13.0_fake-2"
expect_out "finish sums up" "The kernel optimized with AutoFDO is installed: 6.13.0-fake"
[ -d "$R/var/lib/pacman/local/linux-upstream-6.13.0_fake-2" ] && ok "the root's database has the new build" ||
    not_ok "the root's database has the new build" "$(ls "$R/var/lib/pacman/local")"
id2=$(build_id "$VM")
[ -n "$id2" ] && [ "$id2" != "$id1" ] && ok "the installed vmlinux is the new build's" || not_ok "the installed vmlinux is the new build's"
# The kernel running is now the older build of the same release.
run $AGAIN --until finish --sysroot "$T/match"
expect_rc "after finish, the reboot into it is pending" 3
expect_out "the older build is named as such" "an older build of the same version is running"
run status
expect_out "status: finish done" "finish +done +.*6.13.0_fake-2"
expect_out "status: root mode" "^Install +into $R \(root mode"
expect_out "status: the installed kernel" "^Installed +kernel 6.13.0-fake, vmlinux $VM, build-id $id2"

# System mode: whether pacman runs through sudo is decided in one place
# (engine/plan.c): as root it runs itself; as a user through sudo, asked first
# with sudo -n -v when there is no terminal. Stand-in pacman and sudo record
# what they are run with (the real ones would change this machine); the
# database check after them then fails, since nothing was installed.
mkdir -p "$T/sysbin" && chmod 755 "$T" && : >"$T/sys.argv" && chmod 666 "$T/sys.argv"
printf '#!/bin/sh\necho "pacman $*" >>%s/sys.argv\n' "$T" >"$T/sysbin/pacman"
printf '#!/bin/sh\necho "sudo $*" >>%s/sys.argv\n[ "$1" = -n ] && exit 0\nexec "$@"\n' "$T" >"$T/sysbin/sudo"
chmod 755 "$T/sysbin" "$T/sysbin/pacman" "$T/sysbin/sudo"
P2=$T/tree/linux-upstream-6.13.0_fake-2-$(uname -m).pkg.tar.zst
cp -a "$XDG_STATE_HOME" "$T/sysstate"
XDG_STATE_HOME=$T/sysstate PATH="$T/sysbin:$PATH" run run --yes --from install --until install --root /
expect_rc "system mode: pacman ran, then the database check fails (nothing installed)" 1
if [ "$(id -u)" -eq 0 ]; then
    expect_out "as root the line shown has no sudo" "^  \[2/2\] pacman -U --noconfirm $P2"
    if grep -q '^sudo' "$T/sys.argv"; then not_ok "as root sudo is not run" "$(cat "$T/sys.argv")"
    else ok "as root sudo is not run"; fi
    grep -q "^pacman -U --noconfirm $P2 " "$T/sys.argv" && ok "as root pacman runs itself, with the packages" ||
        not_ok "as root pacman runs itself" "$(cat "$T/sys.argv")"
    # The same session as a user (nobody): sudo is asked first, then runs pacman.
    # A copy of kfdo nobody can run: a checkout under /root (0700) is out of its reach.
    UKFDO=$T/kfdo-nobody && install -m 755 "$KFDO" "$UKFDO"
    : >"$T/sys.argv"
    cp -a "$XDG_STATE_HOME" "$T/userstate" && chown -R nobody "$T/userstate"
    setpriv --reuid=nobody --regid=nogroup --clear-groups env XDG_STATE_HOME="$T/userstate" PATH="$T/sysbin:$PATH" \
        "$UKFDO" run --yes --from install --until install --root / >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    expect_rc "as a user: the same run" 1
    expect_out "as a user the line shown has sudo" "^  \[2/2\] sudo pacman -U --noconfirm $P2"
    if [ "$(head -n1 "$T/sys.argv")" = "sudo -n -v" ] && sed -n 2p "$T/sys.argv" | grep -q "^sudo pacman -U --noconfirm $P2 " &&
       sed -n 3p "$T/sys.argv" | grep -q "^pacman -U --noconfirm $P2 "; then
        ok "as a user: sudo -n -v first (no terminal), then sudo pacman -U"
    else
        not_ok "as a user: sudo -n -v first, then sudo pacman -U" "$(cat "$T/sys.argv")"
    fi
fi

# kfdo packages: the newest build of a directory, the older one named.
run packages "$T/tree"
expect_rc "packages DIR" 0
expect_out "the newest build" "^linux-upstream 6.13.0_fake-2: kernel 6.13.0-fake, 3 packages"
expect_out "the older build is not taken" "older builds in the same directory, not taken: linux-upstream 6.13.0_fake-1 \(4\)"
expect_out "the vmlinux" "vmlinux +usr/src/debug/linux-upstream/vmlinux in linux-upstream-debug: unstripped, with debug info, build-id $id2"
run packages
expect_rc "packages without arguments: the session's build" 0
expect_out "the session's build" "^linux-upstream 6.13.0_fake-2"
run packages "$P1" "$T/tree/linux-upstream-debug-6.13.0_fake-2-$(uname -m).pkg.tar.zst"
expect_rc "two builds mixed: refused" 1
expect_err "names both versions" "packages of two builds are mixed: .*6.13.0_fake-1.* 6.13.0_fake-2"
mkdir -p "$T/empty"
run packages "$T/empty"
expect_rc "an empty directory: refused" 1
expect_err "says there is no package" "no package in $T/empty"

# makepkg fails inside pacman-pkg: the step says makepkg's error, not only make's "***" line.
run run --yes --from build --until build --make-var "MKPKG_ARGS=--pkgext .bogus"
expect_rc "makepkg refuses its PKGEXT: the build fails" 1
expect_out "says what makepkg said" \
    "exited with status [0-9]+: makepkg: \\\$PKGEXT does not contain a valid package suffix \(needs '.pkg.tar\*', got '.bogus'\)\$"

# A build whose only vmlinux is stripped is refused before anything is installed.
run run --yes --from build --until build --make-var "MKPKG_ARGS=--extra headers --headers-vmlinux stripped --debug-link no"
expect_rc "a cachyos-like build without -dbg" 0
run run --yes --from finish --until finish
expect_rc "finish refuses it" 1
expect_out "says it is stripped, what to build" "exited with status 1: kfdo: the vmlinux in these packages .* is stripped"
[ -d "$R/var/lib/pacman/local/linux-upstream-6.13.0_fake-2" ] && ok "nothing was installed" || not_ok "nothing was installed"

run plan --dbpath /nowhere
expect_rc "--dbpath alone in a root-mode session" 0
XDG_STATE_HOME=$T/fresh run plan --tree "$T/tree" --dbpath /nowhere
expect_rc "--dbpath without --root: usage" 2
expect_err "says so" "--dbpath goes with --root"

# Root mode without root (a user's own image): the files are the user's, said once.
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$T/userroot" && chown nobody:nogroup "$T/userroot" && chmod 755 "$T"
    UKFDO=$T/kfdo-nobody && install -m 755 "$KFDO" "$UKFDO"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$UKFDO" packages install --root "$T/userroot" \
        "$P1" "$T/tree/linux-upstream-debug-6.13.0_fake-1-$(uname -m).pkg.tar.zst" >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc "root mode as a user installs" 0
    expect_out "says once that the files are the user's" "^[0-9]+ files are owned by the user who ran the install"
    if grep -q "Can't set user" "$T/out"; then not_ok "no warning per file"; else ok "no warning per file"; fi
    [ "$(stat -c %U "$T/userroot/usr/src/debug/linux-upstream/vmlinux")" = nobody ] && ok "the vmlinux is the user's" ||
        not_ok "the vmlinux is the user's"
fi
