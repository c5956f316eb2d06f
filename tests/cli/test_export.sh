# kfdo profile export --pkgbuild: the session's real AutoFDO profile (llvm-profgen-19
# on a generated LBR trace, as in test_profile.sh) handed to a linux-cachyos PKGBUILD,
# and the line kfdo prints run as it is by real makepkg (as nobody when root:
# tests/tools/makepkg-as-user, linked as makepkg on PATH).
#
# The PKGBUILD is a stand-in, for want of network and of an hour's kernel build: the
# knob block of the real linux-cachyos PKGBUILD (tests/fixtures/cachyos, copied up to
# its "Do not modify after this line"), its profile lines verbatim (the profile added to
# source=(), CLANG_AUTOFDO_PROFILE=$srcdir/NAME), a real checksum for its own source,
# and a build that packs what it was given. The real kernel build with makepkg is the
# e2e's.
. tests/cli/lib.sh
. tests/lib/fixtures.sh
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
TOOLS=${KFDO_TOOLS:-build/tools}
need llvm-profgen-19 llvm-profdata-19 makepkg fakeroot bsdtar zstd b2sum

# --- a session with a real profile ---
build_minikernel "$T/vmlinux" || { not_ok "build the kernel-like image"; exit 1; }
mk_sysroot "$T/sysroot" 6.13.0-mini "$T/vmlinux"
"$TOOLS/gen_perfscript" --binary "$T/vmlinux" -o "$T/trace.perfscript" --samples 3000 2>/dev/null
run run --yes --from convert --until convert --vmlinux "$T/vmlinux" --perf-data "$T/trace.perfscript" --sysroot "$T/sysroot"
expect_rc "a session with a profile (convert exits 0)" 0
P=$(ls "$XDG_DATA_HOME"/kfdo/profiles/*.afdo 2>/dev/null | head -n1)
[ -f "$P" ] || { not_ok "the session's profile" "$(cat "$T/out" "$T/err")"; exit 0; }
name=${P##*/}

# --- the stand-in checkout: a variant folder with linux-cachyos's knobs ---
D=$T/co/linux-cachyos
mkdir -p "$D" "$T/co/linux-cachyos-bore"
cp $FIX/cachyos/linux-cachyos-bore/PKGBUILD "$T/co/linux-cachyos-bore/"
sed '/^# ATTENTION: Do not modify after this line/q' $FIX/cachyos/linux-cachyos/PKGBUILD >"$D/PKGBUILD"
echo "CONFIG_STANDIN=y" >"$D/config"
cat >>"$D/PKGBUILD" <<EOF
pkgbase=linux-cachyos-standin
pkgname=linux-cachyos-standin
pkgver=6.12.0
pkgrel=1
pkgdesc='a stand-in of linux-cachyos: its knobs and profile lines, no kernel'
arch=(x86_64)
license=(GPL-2.0-only)
options=('!strip' '!debug' '!lto')
source=(config)
b2sums=('$(b2sum "$D/config" | cut -d' ' -f1)')
_die() { error "\$@" ; exit 1; }
EOF
cat >>"$D/PKGBUILD" <<'EOF'

# linux-cachyos's lines, verbatim:
# Use generated AutoFDO Profile
if [ "$_autofdo" = "yes" ] && [ -n "$_autofdo_profile_name" ]; then
    if [ -e "$_autofdo_profile_name" ]; then
        source+=("$_autofdo_profile_name")
    else
        _die "Failed to find file ${_autofdo_profile_name}"
    fi
fi

build() {
    BUILD_FLAGS=(LLVM=1)
    if [ "$_autofdo" = "yes" ] && [ -n "$_autofdo_profile_name" ]; then
        echo "AutoFDO profile has been found..."
        BUILD_FLAGS+=(CLANG_AUTOFDO_PROFILE="${srcdir}/${_autofdo_profile_name}")
    fi
    # What make would be given, and what the profile it names holds as LLVM reads it.
    printf '%s\n' "${BUILD_FLAGS[@]}" >"$srcdir/flags"
    for f in "${BUILD_FLAGS[@]}"; do
        case $f in CLANG_AUTOFDO_PROFILE=*)
            llvm-profdata-19 show --sample "${f#*=}" >"$srcdir/profile-show" || return 1
            b2sum <"${f#*=}" | cut -d' ' -f1 >"$srcdir/profile.b2";;
        esac
    done
}

package() {
    install -Dm644 -t "$pkgdir/usr/share/$pkgname" "$srcdir"/flags "$srcdir"/profile-*
    [ ! -e "$srcdir/profile.b2" ] || install -Dm644 -t "$pkgdir/usr/share/$pkgname" "$srcdir/profile.b2"
}
EOF
# makepkg runs as nobody under root: the folder is read and written by it.
chmod 755 "$T" "$T/co"
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T/co"

# --- the export ---
cp "$D/PKGBUILD" "$T/PKGBUILD.before"
run profile export --pkgbuild "$T/co"
expect_rc "the checkout's top is refused (exit 1)" 1
expect_err "with its variants named" "has no PKGBUILD, but it is a checkout of variants: linux-cachyos, linux-cachyos-bore"
[ ! -e "$T/co/$name" ] && ok "nothing copied there" || not_ok "nothing copied there"

run profile export --pkgbuild "$D"
expect_rc "the session's profile goes beside the PKGBUILD (exit 0)" 0
expect_out "names the PKGBUILD" "^PKGBUILD +$D/PKGBUILD$"
expect_out "says what was copied, with its size" "^Copied +$D/$name \([0-9.]+ [KM]B\) from $P$"
expect_out "and where the profile came from" "^Profile +$P \([0-9.]+ KB, [0-9]+ functions, [0-9]+ samples; kernel 6\.13\.0-mini, workload trace, made "
cmp -s "$P" "$D/$name" && ok "the same bytes" || not_ok "the same bytes"
line=$(sed -n 's/^  cd /cd /p' "$T/out")
[ "$line" = "cd $D && _autofdo=yes _autofdo_profile_name=$name makepkg --skipchecksums" ] &&
    ok "the makepkg line: the knobs in its environment" || not_ok "the makepkg line" "$line"
expect_out "says why --skipchecksums" "^--skipchecksums: the profiles are not in the PKGBUILD's checksum arrays"
cmp -s "$T/PKGBUILD.before" "$D/PKGBUILD" &&
    ok "the PKGBUILD is not edited" || not_ok "the PKGBUILD is not edited"

run profile export --pkgbuild "$D"
expect_rc "again: exit 0" 0
expect_out "again: the same bytes are there, nothing written" "^Unchanged +$D/$name "

# --- the line, run as it is, by real makepkg ---
mkdir -p "$T/bin"
ln -s "$PWD/tests/tools/makepkg-as-user" "$T/bin/makepkg"
build_with() { # the shell line; the packages go to $T/pkgs
    rm -rf "$T/pkgs"
    env -u MFLAGS -u MAKELEVEL -u MAKEFLAGS PATH="$T/bin:$PATH" PKGEXT=.pkg.tar.zst PKGDEST="$T/pkgs" CARCH=x86_64 \
        bash -c "$1" >"$T/makepkg.log" 2>&1
}
# Without --skipchecksums makepkg refuses: the profile is a source its checksums do not list.
build_with "${line% --skipchecksums}"
[ $? -ne 0 ] && grep -q "differ in size from the source array" "$T/makepkg.log" &&
    ok "plain makepkg refuses the extra source (why the line skips the checksums)" ||
    not_ok "plain makepkg refuses the extra source" "$(tail -3 "$T/makepkg.log")"
build_with "$line"
rc=$?
expect_rc "the printed line builds" 0
[ "$rc" -eq 0 ] || echo "# $(tail -5 "$T/makepkg.log" | tr '\n' ' ')"
pkg=$(ls "$T"/pkgs/linux-cachyos-standin-6.12.0-1-x86_64.pkg.tar.zst 2>/dev/null)
if [ -n "$pkg" ]; then
    share=usr/share/linux-cachyos-standin
    flags=$(bsdtar -xOf "$pkg" $share/flags)
    grep -qx "CLANG_AUTOFDO_PROFILE=.*/src/$name" <<<"$flags" &&
        ok "the build was given CLANG_AUTOFDO_PROFILE=\$srcdir/$name" || not_ok "CLANG_AUTOFDO_PROFILE" "$flags"
    [ "$(bsdtar -xOf "$pkg" $share/profile.b2)" = "$(b2sum <"$P" | cut -d' ' -f1)" ] &&
        ok "the file it names is the session's profile" || not_ok "the file it names is the session's profile"
    bsdtar -xOf "$pkg" $share/profile-show | grep -q "^Function: [a-z_]*: [1-9]" &&
        ok "which LLVM reads as a sample profile" || not_ok "LLVM reads the profile" "$(bsdtar -xOf "$pkg" $share/profile-show | head -3)"
else
    not_ok "the package" "$(ls "$T/pkgs" 2>&1)"
fi
grep -q "Skipping verification of source file checksums" "$T/makepkg.log" && ! grep -q "PGP" <(grep -i "skipping" "$T/makepkg.log") &&
    ok "makepkg skipped the checksums only, not the PGP check" || not_ok "the checksums only" "$(grep -i skipping "$T/makepkg.log")"

# --- refusals lose nothing ---
echo "another profile" >"$T/other.afdo"
cp "$T/other.afdo" "$T/$name"
run profile export --pkgbuild "$D" "$T/$name"
expect_rc "a different file of the same name: refused (exit 1)" 1
expect_err "says --force" "is there already and differs from $T/$name: kfdo replaces nothing by itself \(--force"
cmp -s "$P" "$D/$name" && ok "the file there is untouched" || not_ok "the file there is untouched"
run profile export --pkgbuild "$D" --force "$T/$name"
expect_rc "--force: exit 0" 0
expect_out "--force says where the old one went" "^Replaced +$D/$name .*the old one is $D/$name\.before-kfdo$"
cmp -s "$P" "$D/$name.before-kfdo" && cmp -s "$T/other.afdo" "$D/$name" &&
    ok "--force: replaced, the old one kept" || not_ok "--force: replaced, the old one kept"

mkdir -p "$T/old"
cp $FIX/cachyos/old/2024-07-01/linux-cachyos/PKGBUILD "$T/old/"
run profile export --pkgbuild "$T/old"
expect_rc "a checkout from before AutoFDO: refused (exit 1)" 1
expect_err "names the missing knob" "PKGBUILD has no _autofdo knob: this checkout is older than linux-cachyos's AutoFDO support"
run profile export --pkgbuild "$D" --propeller-prefix "$T/none" "$T/$name"
expect_rc "Propeller profiles that are not there: refused (exit 1)" 1
expect_err "names the missing one" "the Propeller cc profile $T/none_cc_profile\.txt: No such file"
[ "$(ls "$T/old")" = PKGBUILD ] && [ ! -e "$D/propeller_cc_profile.txt" ] && ok "refusals wrote nothing" ||
    not_ok "refusals wrote nothing" "$(ls "$T/old" "$D")"
run profile export
expect_rc "no --pkgbuild: exit 2" 2
expect_err "says what is missing" "say where the PKGBUILD is: --pkgbuild DIR"
