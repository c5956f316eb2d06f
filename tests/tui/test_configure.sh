# Walking the source, configure and build screens on the stand-in kernel tree
# (tests/fixtures/faketree: a Makefile that prints kbuild's lines; the real
# kernel walk is tests/e2e/test_tui_build.sh). The tree's path has wide (CJK)
# characters, typed with Tab completion.
. tests/tui/lib.sh
tree="$T/内核-tree"
fake_tree "$tree"
OPTS=(tui --target bzImage --llvm 1 --jobs 2 --make-var STEP_DELAY=0.5 --make-var LINK_DELAY=8)

start_shell 100 30
kfdo "${OPTS[@]}"
expect "starts" "Step 1 of 13"
keys F3 F3
expect "the source screen" "Step 3 of 13: Get the kernel source"
typ "$T/内"
keys Tab
expect "Tab completes the wide-character path" "Path: $T/内核-tree/ *$"
keys Enter
expect "the tree is taken and named" "Using Linux 6\.13\.0-fake at $T/内核-tree\."
expect "its capabilities are listed" "ok +Kconfig offers AUTOFDO_CLANG"
expect "the sidebar marks the source done" "✓  3 Source"

keys F3
expect "the configure screen" "Step 4 of 13: Configure the kernel"
expect "the toggles as a checklist" "\[x\] AutoFDO \(CONFIG_AUTOFDO_CLANG\)"
expect "ThinLTO chosen" "\(\*\) ThinLTO"
expect "Propeller offered (the tree has it)" "\[ \] Propeller"
expect "the jobs from the session" "Jobs: < 2 >"
# Base: running -> file -> defconfig -> tinyconfig.
keys Down Down Down Down Down Right Right Right
expect "the base is tinyconfig" "Base: < tinyconfig"
# kfdo quotes what a shell would need quoted, wide characters included.
expect_flat "the commands are shown before they run" "\\\$ make LLVM=1 LLVM_IAS=1 STEP_DELAY=0\.5 LINK_DELAY=8 -C '$T/内核-tree' tinyconfig"
expect_flat "the toggles' command is shown" "\\\$ '$T/内核-tree/scripts/config' --file '$T/内核-tree/\.config' -e AUTOFDO_CLANG -e LTO_CLANG_THIN -d LTO_NONE"
keys Enter
expect "configure runs and reads .config back" "Configure the kernel: .*holds every toggle asked for" 15
expect "the read-back names each symbol" "ok +CONFIG_AUTOFDO_CLANG: y"
expect "the read-back of a disabled one" "ok +CONFIG_LTO_NONE: not set"
expect "the log shows what the commands printed" "No change to configuration in \.config"
if grep -q '^CONFIG_AUTOFDO_CLANG=y' "$tree/.config" && grep -q '^CONFIG_LTO_CLANG_THIN=y' "$tree/.config"; then
    ok ".config has AutoFDO and ThinLTO"; else not_ok ".config has AutoFDO and ThinLTO" "$(cat "$tree/.config")"; fi
expect "the sidebar marks configure done" "✓  4 Configure"

keys F3
expect "the build screen" "Step 5 of 13: Build the kernel"
expect_flat "the build command is shown first" "\\\$ make LLVM=1 LLVM_IAS=1 STEP_DELAY=0\.5 LINK_DELAY=8 -C '$T/内核-tree' -j2 bzImage"
keys Enter
expect "the sidebar marks the build running" "●  5 Build"
# The ETA and the last CC line show while the stand-in compiles (20 steps of
# 0.5 s on 2 jobs: 5 s); its quiet link shows "ETA ?" and "now: LD". Both are
# read from one screen of that phase, so a slow poll cannot fall between them.
eta="[0-9]+%  ETA [0-9]" cc="now: CC (kernel|mm)/[a-t]\.o"
end=$(deadline 10)
until screen >"$T/screen" 2>/dev/null; grep -qE -- "$eta" "$T/screen" && grep -qE -- "$cc" "$T/screen"; do
    [ "$(ms_now)" -ge "$end" ] && { WAIT_MISSED=1; break; }
    sleep 0.05
done
grep -qE -- "$eta" "$T/screen" && ok "a percentage and an ETA from the dry run" || { not_ok "a percentage and an ETA from the dry run"; dump; }
grep -qE -- "$cc" "$T/screen" && ok "what kbuild printed last" || { not_ok "what kbuild printed last"; dump; }
expect "steps out of the dry run's count" "steps [0-9]+ of ~[0-9]+" 10
expect "the directory being compiled" "in (kernel|mm) +warnings 0 +errors 0" 10
# The stand-in's link is quiet for 8 s (LINK_DELAY), like the ThinLTO link.
expect "the quiet link is named as such" "linking \(LD vmlinux\.o\): quiet for [5-9]s \(normal for a ThinLTO link\)" 15
expect "the build ends done" "Done: built in .*steps, 0 warnings" 20
expect "the log shows kbuild's lines" "  CC +(kernel|mm)/[a-t]\.o"
expect "the sidebar marks the build done" "✓  5 Build"
[ -f "$tree/arch/x86/boot/bzImage" ] && ok "bzImage built" || not_ok "bzImage built"
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "quits after the build" || { not_ok "quits after the build" "rc=$rc"; dump; }

# A second build of the same configuration: its estimate and the link's length come from the first.
start_shell 100 30
kfdo "${OPTS[@]}"
expect "resumes after the build, at the baseline" "Step 6 of 13: Measure the kernel running now"
keys F2
expect "back to the build" "Step 5 of 13: Build the kernel"
keys Enter
expect "the estimate comes from the last build" "estimate from: last build" 10
# At 80 columns the line has no room for the words: the basis stays, in brief.
tm resize-window -t 0 -x 80 -y 24
expect "80x24: the estimate's basis in brief, not cut" "steps [0-9]+ of ~[0-9]+ +[0-9.]+/s +\(last build\)$"
tm resize-window -t 0 -x 100 -y 30
# The stand-in link sleeps 8 s; what the last build measured adds make's own
# start of the next line, which a loaded machine can stretch past 9.5 s.
expect "the quiet link says how long it took last time" "linking \(LD vmlinux\.o\): quiet for [5-9]s, took ([89]|10)s last time" 15
expect "the second build ends done" "Done: built in" 20
keys q
wait_exit 5

# A failing build: the first error with file:line, the step marked failed.
start_shell 100 30
kfdo "${OPTS[@]}" --make-var FAIL=kernel/c.o
expect "resumes after the build, again" "Step 6 of 13: Measure the kernel running now"
keys F2
expect "back to the build, again" "Step 5 of 13: Build the kernel"
keys Enter
expect "the first error with file:line" "First error: kernel/c\.c:12: use of undeclared identifier 'boom'" 15
expect "the error count" "errors 1"
expect "the step failed, with the error" "Failed: exited with status 2: kernel/c\.c:12"
expect "the sidebar marks the build failed" "✗  5 Build"
# The log widget's keys on the build screen: search, filter, first error.
keys /
typ "boom"
keys Enter
expect "/ searches the log" "│ .*/boom"
keys w
expect "w filters to warnings and errors" "│ .*warnings\+errors"
expect "the filter keeps the error" "│ kernel/c\.c:12:3: error: use of undeclared identifier 'boom'"
expect_not "the filter hides the compile lines" "│   CC      kernel/a\.o"
keys e
expect "e goes to the first error (and stops following)" "│ .*paused, End follows"
keys q
wait_exit 5

# A tree without AUTOFDO_CLANG (like 6.12): taken with AutoFDO off, greyed with the reason.
old="$T/old-tree"
fake_tree "$old"
sed -i '/^config AUTOFDO_CLANG/,/^$/d' "$old/arch/Kconfig"
rm -rf "$XDG_STATE_HOME"
start_shell 100 30
kfdo tui --target bzImage --llvm 1
keys F3 F3
expect "at the source" "Step 3 of 13: Get the kernel source"
keys C-u
typ "$old"
keys Enter
expect "the tree is taken with a warning" "Using Linux 6\.13\.0-fake, with what it cannot do turned off"
expect "AutoFDO turned off, and why" "AutoFDO is off: Linux 6\.13\.0-fake has no CONFIG_AUTOFDO_CLANG"
keys F3
expect "AutoFDO is unticked" "\[ \] AutoFDO \(CONFIG_AUTOFDO_CLANG\)"
expect "the reason it is greyed, under it" "^ .*│ +Linux 6\.13\.0-fake has no CONFIG_AUTOFDO_CLANG: AutoFDO needs"
keys Space
expect "the greyed toggle cannot be set" "Cannot change this: Linux 6\.13\.0-fake has no CONFIG_AUTOFDO_CLANG"
expect_flat "the plan sets ThinLTO, not AutoFDO" "scripts/config --file $old/\.config -e LTO_CLANG_THIN -d LTO_NONE"
expect_not "the plan has no -e AUTOFDO_CLANG" "-e AUTOFDO_CLANG"
# At the smallest size the commands do not fit: PgDn shows the rest.
tm resize-window -t 0 -x 80 -y 24
expect "80x24: the plan says there is more" "\(PgDn: [0-9]+ more lines\)"
expect_not "80x24: the last command is not shown yet" "Resolve the toggles' dependencies"
keys NPage
expect "PgDn shows more of the plan" "3\. Set the toggles"
keys NPage
expect "PgDn again: the last command" "Resolve the toggles' dependencies"
expect "the end of the plan says so" "\(PgUp: back to the top\)"
keys PPage PPage PPage
expect "PgUp goes back to the top" "Commands that will run, in order:"
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
