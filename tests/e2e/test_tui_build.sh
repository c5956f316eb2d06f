# The wizard on a real kernel: Debian's linux-source-6.12 (unpacked once into
# $E2E_DIR, shared with the other e2e tests: tests/e2e/lib.sh), walked through
# the source, configure and build screens in a private tmux server. As Debian
# ships it (the unpatched files kfdo reads), 6.12 has no AUTOFDO_CLANG: the
# wizard says so and turns AutoFDO off. With the AutoFDO backport it is
# offered again: tinyconfig for x86_64 with AutoFDO and ThinLTO, clang-19,
# built out of tree. A few minutes on two cores.
. tests/tui/lib.sh
. tests/e2e/lib.sh
mkdir -p "$E2E_DIR"
export XDG_STATE_HOME=$E2E_DIR/state-tui XDG_DATA_HOME=$E2E_DIR/data-tui
rm -rf "$XDG_STATE_HOME"
out=$E2E_DIR/out-tui
if e2e_tree && grep -q '^config AUTOFDO_CLANG' "$tree/arch/Kconfig"; then
    ok "linux-source-6.12 unpacked and patched for AutoFDO"
else
    not_ok "linux-source-6.12 unpacked and patched for AutoFDO" "$tree"; exit 1
fi
rm -rf "$out"
pct() { grep -oE '[0-9]+%  ETA' "$T/screen" | head -n1 | grep -oE '^[0-9]+'; }

start_shell 140 40
# What this screen does not set comes from the session options: out of tree, x86_64, 64-bit, bzImage.
kfdo tui --output "$out" --arch x86_64 --enable 64BIT --target bzImage --jobs 2
expect "the wizard starts" "Step 1 of 13: Check the hardware" 10
keys F3
expect "the tools" "Step 2 of 13: Check the tools" 10
expect "clang-19 found" "kfdo will build with make LLVM=-19"
keys F3
expect "the source screen" "Step 3 of 13: Get the kernel source"
typ "$E2E_DIR/linux-6.12-unp"
keys Tab
expect "Tab completes the tree's path" "Path: $E2E_DIR/linux-6\.12-unpatched/ *$"
keys Enter
expect "6.12 as Debian ships it is taken, with AutoFDO off" "Using Linux 6\.12\.[0-9]+, with what it cannot do turned off" 10
expect "and the reason" "AutoFDO is off: Linux 6\.12\.[0-9]+ has no CONFIG_AUTOFDO_CLANG \(it needs 6\.13 or later\)"
keys F3
expect "the configure screen" "Step 4 of 13: Configure the kernel"
expect "AutoFDO greyed with the reason" "Linux 6\.12\.[0-9]+ has no CONFIG_AUTOFDO_CLANG: AutoFDO needs 6\.13"
expect_not "no Propeller toggle: 6.12 has none" "Propeller \(CONFIG_PROPELLER_CLANG\)"

# Back to the source screen: the tree with the AutoFDO backport.
keys F2
expect "back on the source screen" "Step 3 of 13: Get the kernel source"
keys C-u
typ "$tree"
keys Enter
expect "the patched tree is taken" "Using Linux 6\.12\.[0-9]+ at $tree\." 10
keys F3
expect "the configure screen again" "Step 4 of 13: Configure the kernel"
expect_not "AutoFDO is not greyed any more" "has no CONFIG_AUTOFDO_CLANG"
expect "AutoFDO is still off, as the other tree left it" "\[ \] AutoFDO \(CONFIG_AUTOFDO_CLANG\)"
keys Space
expect "Space turns it on" "\[x\] AutoFDO \(CONFIG_AUTOFDO_CLANG\)"
expect "ThinLTO chosen" "\(\*\) ThinLTO"
expect "the session's extras are shown" "Also from the session: ARCH=x86_64 O=$out target bzImage \+64BIT"
# AutoFDO, ThinLTO, full LTO, jobs, base: the base is the fifth row; running -> file -> defconfig -> tinyconfig.
keys Down Down Down Down Right Right Right
expect "the base is tinyconfig" "Base: < tinyconfig"
expect_flat "the commands are shown before they run" "\\\$ make LLVM=-19 LLVM_IAS=1 ARCH=x86_64 O=$out -C $tree tinyconfig"
expect_flat "the toggles' command" "scripts/config --file $out/\.config -e AUTOFDO_CLANG -e LTO_CLANG_THIN -d LTO_NONE -e 64BIT"
keys Enter
expect "configure reads .config back" "Configure the kernel: .*holds every toggle asked for" 120
expect "the read-back: AutoFDO" "ok +CONFIG_AUTOFDO_CLANG: y"
expect "the read-back: ThinLTO" "ok +CONFIG_LTO_CLANG_THIN: y"
expect "the read-back: 64-bit" "ok +CONFIG_64BIT: y"

keys F3
expect "the build screen" "Step 5 of 13: Build the kernel"
expect_flat "the build command first" "\\\$ make LLVM=-19 LLVM_IAS=1 ARCH=x86_64 O=$out -C $tree -j2 bzImage"
keys Enter
t0=$(date +%s)
expect "a first build counts its work with make -n" "counting what the build will do \(make -n\)" 120
expect "then a percentage and an ETA" "[0-9]+%  ETA [0-9]" 120
p1=$(pct)
expect "the log shows real kbuild lines" "^ .*│ +CC +(kernel|mm|fs|lib|arch|init)/" 60
expect "the directory being compiled" "in (kernel|mm|fs|lib|arch|init|drivers|security|block)[a-z0-9/_-]* +warnings [0-9]+ +errors 0" 30
sleep 20
wait_for "[0-9]+%  ETA" 60
p2=$(pct)
[ -n "$p1" ] && [ -n "$p2" ] && [ "$p2" -gt "$p1" ] && ok "the progress moves ($p1% -> $p2% in 20 s)" || { not_ok "the progress moves" "$p1 -> $p2"; dump; }
expect "the ThinLTO link is shown as quiet, not frozen" "linking \(LD vmlinux\.o\): quiet for" 600
expect "the build ends done" "Done: built in .*steps" 900
t1=$(date +%s)
echo "# the build took $((t1 - t0)) s through the wizard"
expect "the sidebar marks the build done" "✓  5 Build *│"
[ -f "$out/arch/x86/boot/bzImage" ] && ok "bzImage exists" || not_ok "bzImage exists"
grep -q -- '-fdebug-info-for-profiling' "$out/kernel/.fork.o.cmd" && ok "built for profiling (AutoFDO)" ||
    not_ok "built for profiling (AutoFDO)" "$(head -c 600 "$out/kernel/.fork.o.cmd")"
log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log | tail -n1)
cc=$(grep -c '^  CC      ' "$log")
[ "$cc" -gt 400 ] && ok "the log has the real kbuild lines ($cc CC)" || not_ok "the log has the real kbuild lines" "$cc CC"
keys q
wait_exit 10
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
"$KFDO" status >"$T/out"
grep -qE "build +done" "$T/out" && ok "status: build done" || not_ok "status: build done" "$(cat "$T/out")"
