# A linux-cachyos PKGBUILD as the flow's source (--pkgbuild): real makepkg
# configures and builds a stand-in PKGBUILD (tests/fixtures/cachyos-standin,
# with linux-cachyos's knobs, packages and prepare()) over the stand-in tree
# (tests/fixtures/faketree), through kfdo run, then builds it again with a
# profile. makepkg refuses root: as root, kfdo runs as nobody. The real
# kernel's build through a PKGBUILD belongs to make check-e2e.
. tests/cli/lib.sh
need_kbuild_tools
need makepkg fakeroot bsdtar llvm-profdata-19
TOOLS=${KFDO_TOOLS:-build/tools}
q() { sed 's/[][().*+?|^$\\]/\\&/g' <<<"$1"; }
export XDG_STATE_HOME=$T/state XDG_CACHE_HOME=$T/cache PKGEXT=.pkg.tar HOME=$T/home
# Debian's makepkg comes without pacman, and looks it up even with --nodeps.
command -v pacman >/dev/null 2>&1 || export PACMAN=true
S=$XDG_STATE_HOME/kfdo/session.json
C=$T/checkout P=$T/checkout/linux-cachyos
mkdir -p "$C" "$HOME"
cp -a "$FIX/cachyos-standin/linux-cachyos" "$P"
cp -a "$FIX/cachyos/old/2024-07-01/linux-cachyos" "$C/linux-cachyos-old"
cp -a "$FIX/faketree" "$T/linux-6.13-fake"
tar -C "$T" -cf "$P/linux-6.13-fake.tar" linux-6.13-fake
K=$KFDO
root=false
if [ "$(id -u)" = 0 ]; then
    need setpriv
    root=true
    # A copy of kfdo nobody can run (a checkout under /root is out of its reach).
    K=$T/kfdo-nobody && install -m 755 "$KFDO" "$K"
    mkdir -p "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
    chmod 755 "$T" && chown -R nobody:nogroup "$C" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$HOME"
fi
# kf ARGS: kfdo as the user makepkg builds for.
kf() {
    if $root; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$K" "$@" >"$T/out" 2>"$T/err"
    else
        "$K" "$@" >"$T/out" 2>"$T/err"
    fi
    rc=$?
}
B=$XDG_CACHE_HOME/kfdo/makepkg
FLOW="--pkgbuild $P --makepkg-arg --nodeps"

# --- Bad input: said at once, nothing saved. ---
run run --yes --tree "$T/linux-6.13-fake" --pkgbuild "$P"
expect_rc "--tree and --pkgbuild: usage error" 2
expect_err "says they are two sources" "two sources"
run run --yes --pkgbuild "$P" --enable FOO
expect_rc "--enable with --pkgbuild: usage error" 2
expect_err "says the PKGBUILD configures itself" "--enable is for a kernel tree.*--knob NAME=VALUE"
run run --yes --pkgbuild "$P" --knob cpusched=bore
expect_rc "--knob without its underscore: usage error" 2
expect_err "says how knobs are named" "_NAME=VALUE"
run run --yes --tree "$T/linux-6.13-fake" --knob _cpusched=bore
expect_rc "--knob without --pkgbuild: usage error" 2
if [ ! -e "$S" ]; then ok "bad input: no session saved"; else not_ok "bad input: no session saved" "$(cat "$S")"; fi

# The plan: the knobs in makepkg's environment, kfdo's BUILDDIR and PKGDEST.
run plan $FLOW --knob _cpusched=bore
expect_rc "plan: exit 0" 0
expect_out "plan: configure is makepkg --nobuild in the PKGBUILD's folder, with the knobs" \
    "BUILDDIR=$(q "$B") PKGDEST=$(q "$B")/packages-first LC_MESSAGES=C _autofdo=yes _build_debug=yes _use_llvm_lto=thin _cpusched=bore makepkg --nobuild --cleanbuild --nodeps"
expect_out "plan: the build in that tree" "_cpusched=bore makepkg --noextract --force --nodeps"
expect_out "plan: makepkg runs in the PKGBUILD's folder" "^cd $(q "$P") && BUILDDIR="

# A checkout's top, an old checkout, a knob the PKGBUILD lacks, a knob kfdo sets.
run run --yes --from source --until source --pkgbuild "$C"
expect_rc "the checkout's top: the source step fails" 1
expect_out "names the variants" "linux-cachyos, linux-cachyos-old"
run run --yes --from source --until source --pkgbuild "$C/linux-cachyos-old"
expect_rc "a checkout from before AutoFDO: the source step fails" 1
expect_out "names the missing knob and since when" "has no _autofdo knob: this checkout is older than linux-cachyos's AutoFDO support \(2024-12\)"
run run --yes --from source --until source --pkgbuild "$P" --knob _nosuch=1
expect_rc "a knob the PKGBUILD lacks: the source step fails" 1
expect_out "names it" "--knob _nosuch=1: .*/PKGBUILD has no knob _nosuch"
run run --yes --from source --until source --pkgbuild "$P" --knob _nosuch= --knob _autofdo=no
expect_rc "a knob kfdo sets: usage error" 2
expect_err "says kfdo sets it" "--knob _autofdo=no: kfdo sets _autofdo itself"
run run --yes --from source --until source --pkgbuild "$P" --makepkg-arg --syncdeps
expect_rc "a makepkg option that changes its stages: usage error" 2
expect_err "names what it passes on" "--makepkg-arg --syncdeps: kfdo runs makepkg's stages itself; it passes on only --nodeps"
run run --yes --from source --until source --knob _nosuch= --no-thin-lto
expect_rc "no LTO: the source step passes (the PKGBUILD has its knobs)" 0
run run --yes --from configure --until configure
expect_rc "no LTO: configure refused" 1
expect_out "says why LTO" "builds with GCC without LTO, and AutoFDO needs clang"
if $root; then
    run run --yes --from configure --until configure --thin-lto
    expect_rc "as root: configure refused" 1
    expect_out "says makepkg does not build as root" "makepkg does not build as root: run kfdo as your user"
else
    ok "as root: configure refused # SKIP not root"
    ok "says makepkg does not build as root # SKIP not root"
fi
$root && chown -R nobody:nogroup "$XDG_STATE_HOME" "$XDG_CACHE_HOME"

# --- configure and build through makepkg ---
# With a profile's name and LC_ALL left in the user's shell (the how-to's
# export): the profiling build must not see the one (the stand-in fails on a
# profile it cannot find), nor makepkg speak another language.
export _autofdo_profile_name=stale.afdo LC_ALL=C.UTF-8
kf run --yes --from source --until build $FLOW --thin-lto --knob _cpusched=bore
unset _autofdo_profile_name LC_ALL
expect_rc "configure and build through makepkg: exit 0" 0
tree=$B/linux-cachyos/src/linux-6.13-fake
expect_out "configure: the tree makepkg extracted, read back" "ok +the PKGBUILD configured $(q "$tree") with every toggle asked for"
expect_out "build: the packages and the checks of the first build" \
    "ok +built in .*, 3 packages; verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config, -fdebug-info-for-profiling in kernel/fork\.o$"
v=$("$TOOLS/jsonget" "$S" tree pkgbuild knobs.0 makepkg_args.0)
if [ "$v" = "$(printf '%s\n%s\n%s\n%s' "$tree" "$P" _cpusched=bore --nodeps)" ]; then
    ok "the session keeps the PKGBUILD, its knob and makepkg's option, and the tree it found"
else
    not_ok "the session keeps the PKGBUILD, its knob and makepkg's option, and the tree it found" "$v"
fi
pk=$(for i in 0 1 2; do "$TOOLS/jsonget" "$S" artifacts.packages.$i; done | sed "s|^$B/packages-first/||" | sort | tr '\n' ' ')
if [ "$pk" = "linux-cachyos-6.13.0-1-x86_64.pkg.tar linux-cachyos-dbg-6.13.0-1-x86_64.pkg.tar linux-cachyos-headers-6.13.0-1-x86_64.pkg.tar " ]; then
    ok "the packages makepkg wrote, the -dbg one among them ($pk)"
else
    not_ok "the packages makepkg wrote, the -dbg one among them" "$pk" "$(ls -R "$B" | head -30)"
fi
clog=$(ls "$XDG_STATE_HOME"/kfdo/logs/configure-*.log 2>/dev/null | tail -n1)
if [ -n "$clog" ] && grep -q "^Selecting 'bore' CPU scheduler" "$clog" && grep -q "Making package: linux-cachyos 6.13.0-1" "$clog"; then
    ok "configure: makepkg ran the PKGBUILD with the user's knob"
else
    not_ok "configure: makepkg ran the PKGBUILD with the user's knob" "$clog" "$(tail -20 "$clog" 2>/dev/null)"
fi
blog=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log 2>/dev/null | grep -v dryrun | tail -n1)
if [ -n "$blog" ] && head -n1 "$blog" | grep -q "LC_ALL= LC_MESSAGES=C .* _autofdo_profile_name= makepkg --noextract"; then
    ok "the shell's LC_ALL and profile name were emptied for makepkg, and the command says so"
else
    not_ok "the shell's LC_ALL and profile name were emptied for makepkg, and the command says so" "$(head -n1 "$blog" 2>/dev/null)"
fi
if grep -q "^\$ make -n CC=clang LD=ld.lld LLVM=1 LLVM_IAS=1 -C $(q "$tree") all" "$XDG_STATE_HOME"/kfdo/logs/build-dryrun-*.log; then
    ok "a first build: a dry run in the tree for its total"
else
    not_ok "a first build: a dry run in the tree for its total" "$(ls "$XDG_STATE_HOME"/kfdo/logs)"
fi

# The same --pkgbuild again keeps the tree its configure run found.
kf run --yes --from source --until build --pkgbuild "$P"
expect_rc "the same --pkgbuild again: exit 0" 0
expect_out "the build is already done, nothing rebuilt" "Build the kernel: already done"
v=$("$TOOLS/jsonget" "$S" tree)
[ "$v" = "$tree" ] && ok "the same --pkgbuild again: the tree is kept" || not_ok "the same --pkgbuild again: the tree is kept" "$v"

# --- the final build with a profile: copied beside the PKGBUILD, used by the build ---
printf 'main:1000:10\n 1: 500\n 2: 500\n' >"$T/prof.txt"
llvm-profdata-19 merge --sample --extbinary -o "$T/kfdo-test.afdo" "$T/prof.txt"
$root && chown nobody "$T/kfdo-test.afdo"
first=$(stat -c %Y "$B/packages-first/linux-cachyos-6.13.0-1-x86_64.pkg.tar")
kf run --yes --from final-build --until final-build --profile "$T/kfdo-test.afdo"
expect_rc "the final build through makepkg: exit 0" 0
expect_out "verified: the compiles and the ThinLTO link used the profile" \
    "ok +.*verified: AUTOFDO_CLANG, LTO_CLANG_THIN in \.config, -fprofile-sample-use in kernel/fork\.o, --lto-sample-profile in vmlinux\.o$"
cmp -s "$T/kfdo-test.afdo" "$P/kfdo-test.afdo" && ok "the profile was copied beside the PKGBUILD" ||
    not_ok "the profile was copied beside the PKGBUILD" "$(ls -l "$P")"
if grep -q -- "-fprofile-sample-use=$tree/\.\./kfdo-test.afdo\|-fprofile-sample-use=$B/linux-cachyos/src/kfdo-test.afdo" "$tree/kernel/.fork.o.cmd"; then
    ok "kbuild's saved compile reads it from makepkg's src/"
else
    not_ok "kbuild's saved compile reads it from makepkg's src/" "$(head -c 400 "$tree/kernel/.fork.o.cmd")"
fi
n=$(ls "$B/packages-final" 2>/dev/null | wc -l)
[ "$n" = 3 ] && [ "$(stat -c %Y "$B/packages-first/linux-cachyos-6.13.0-1-x86_64.pkg.tar")" = "$first" ] &&
    ok "the final packages have a folder of their own; the first build's are left as they were" ||
    not_ok "the final packages have a folder of their own; the first build's are left as they were" "$n; $(ls -l "$B"/packages-*)"
v=$("$TOOLS/jsonget" "$S" artifacts.packages.0)
case $v in "$B/packages-final/"*) ok "the session's packages are now the final build's" ;;
*) not_ok "the session's packages are now the final build's" "$v" ;; esac

# A different file where the profile goes: refused, and left as it was.
echo "the user's own" >"$T/other" && $root && chown nobody "$T/other"
cp "$T/other" "$P/kfdo-test.afdo"
kf run --yes --from final-build --until final-build
expect_rc "a different file at the profile's name: the final build fails" 1
expect_out "names it, and replaces nothing" "$(q "$P")/kfdo-test.afdo is there already and differs from .*: kfdo replaces nothing by itself"
cmp -s "$T/other" "$P/kfdo-test.afdo" && ok "the user's file is as it was" || not_ok "the user's file is as it was"

# A configure whose makepkg fails (its kernel tarball is missing): the step
# says makepkg's own error, not only its exit status.
M=$C/linux-cachyos-notarball
cp -a "$P" "$M" && rm -f "$M/linux-6.13-fake.tar" "$M/kfdo-test.afdo"
$root && chown -R nobody:nogroup "$M"
kf run --yes --from configure --until configure --pkgbuild "$M"
expect_rc "makepkg fails in configure: exit 1" 1
expect_out "the step says makepkg's error" "fail +exited with status [0-9]+: makepkg: linux-6\.13-fake\.tar was not found in the build directory"

# A PKGBUILD whose prepare() does not give the build the profile: the final
# build runs, and kfdo's check of the saved commands fails it, naming why.
N=$C/linux-cachyos-noprofile
cp -a "$P" "$N" && rm -f "$N/kfdo-test.afdo"
sed -i '/BUILD_FLAGS+=(CLANG_AUTOFDO_PROFILE/d' "$N/PKGBUILD"
$root && chown -R nobody:nogroup "$N"
kf run --yes --from configure --until build --pkgbuild "$N"
expect_rc "the PKGBUILD without the profile's flags: configure and build, exit 0" 0
kf run --yes --from final-build --until final-build --profile "$T/kfdo-test.afdo"
expect_rc "its final build fails" 1
expect_out "because the compiles did not use the profile" "fail .*kernel/fork\.o was compiled without the profile: no -fprofile-sample-use"

# A knob of the user's that renames the packages: beside the stock kernel, as
# linux-cachyos-lto; its tree is found beside the first one's.
rm -f "$P/kfdo-test.afdo"
kf run --yes --from configure --until build --pkgbuild "$P" --knob _use_lto_suffix=yes
expect_rc "--knob _use_lto_suffix=yes: configure and build, exit 0" 0
expect_out "the tree of that run is the one found" "ok +the PKGBUILD configured $(q "$B")/linux-cachyos-lto/src/linux-6.13-fake with every"
pk=$("$TOOLS/jsonget" "$S" artifacts.packages.0 artifacts.packages.1 artifacts.packages.2 | sed 's|.*/||' | sort | tr '\n' ' ')
[ "$pk" = "linux-cachyos-lto-6.13.0-1-x86_64.pkg.tar linux-cachyos-lto-dbg-6.13.0-1-x86_64.pkg.tar linux-cachyos-lto-headers-6.13.0-1-x86_64.pkg.tar " ] &&
    ok "the packages are named linux-cachyos-lto" || not_ok "the packages are named linux-cachyos-lto" "$pk"

# --tree goes back to a tree: the PKGBUILD is forgotten.
kf run --yes --from source --until source --tree "$T/linux-6.13-fake"
v=$("$TOOLS/jsonget" "$S" pkgbuild tree 2>/dev/null)
[ "$v" = "$T/linux-6.13-fake" ] && ok "--tree: back to a tree" || not_ok "--tree: back to a tree" "$v"
