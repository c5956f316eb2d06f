# The source screen: cloning with git (a real git clone --progress of a local
# repository through a file:// URL), Tab completion with several candidates,
# bad paths, and text wider than its field.
. tests/tui/lib.sh
need git
repo="$T/repo"
fake_tree "$repo"
git -C "$repo" init -q -b stable && git -C "$repo" add -A &&
    git -C "$repo" -c user.name=t -c user.email=t@t commit -qm "stand-in tree" || { not_ok "a git repository to clone"; exit 1; }

start_shell 100 30
kfdo tui --target bzImage --llvm 1
keys F3 F3
expect "the source screen" "Step 3 of 13: Get the kernel source"
# To the clone fields: Down to the clone choice, Enter picks it and moves to the URL.
keys Down Enter
keys C-u
typ "file://$repo"
keys Enter
typ "stable"
keys Enter
keys C-u
typ "$T/clone"
expect "the clone fields filled" "Into: +$T/clone"
expect_flat "the clone's command is shown before it runs" "\\\$ git clone --progress --depth=1 --branch stable -- file://$repo $T/clone"
keys F5
expect "the clone runs: git's own words in the log" "Cloning into '$T/clone'" 15
expect "the clone's tree is taken" "Using Linux 6\.13\.0-fake at $T/clone\." 15
expect "git's progress meter shows its last state only" "^ .*│ Receiving objects: 100% \([0-9]+/[0-9]+\)"
expect "the sidebar marks the source done" "✓  3 Source"
[ -f "$T/clone/Makefile" ] && ok "the tree is cloned" || not_ok "the tree is cloned"
grep -q "\"clone_url\": \"file://$repo\"" "$XDG_STATE_HOME/kfdo/session.json" && ok "the session remembers the URL" || not_ok "the session remembers the URL"
# Cloning into a directory that exists is refused before git runs.
keys F5
expect "an existing directory is refused" "$T/clone already exists: choose a new directory"
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"

# Tab with several candidates: the common part, and the names below.
mkdir -p "$T/cands/alpha-one" "$T/cands/alpha-two" "$T/cands/beta"
rm -rf "$XDG_STATE_HOME"
start_shell 100 30
kfdo
keys F3 F3
expect "the source screen again" "Step 3 of 13: Get the kernel source"
typ "$T/cands/al"
keys Tab
expect "Tab completes the common part" "Path: $T/cands/alpha- *$"
expect "and lists the candidates" "alpha-one/  alpha-two/"
typ "t"
keys Tab
expect "a second Tab completes the only match" "Path: $T/cands/alpha-two/ *$"
keys C-u
typ "$T/nothing-here"
keys Enter
expect "a path that does not exist is named" "$T/nothing-here: No such file or directory"
keys C-u
typ "$T/cands"
keys Enter
expect "a directory that is not a kernel tree says so" "$T/cands is not a kernel tree"
expect "the step stays not done" "Not ready: choose a kernel tree"

# Text wider than the field: wide characters scroll inside it, never spill.
keys C-u
long="/tmp/$(printf '核%.0s' $(seq 60))"
typ "$long"
wait_for "核" 5
rows=$(grep -c '核' "$T/screen")
[ "$rows" -eq 1 ] && ok "a path of 60 wide characters stays on its row" || { not_ok "a path of 60 wide characters stays on its row" "$rows rows"; dump; }
grep -qE '^ ·  5 Build +│     Path: 核+ *$' "$T/screen" && ok "the field shows the end, where the cursor is" || { not_ok "the field shows the end"; dump; }
keys Home
expect "Home shows the beginning" "Path: /tmp/核核"
expect "the sidebar beside it is whole" "^ ·  5 Build +│     Path: "
keys F10
wait_exit 5

# A linux-cachyos PKGBUILD, at 80x24: the checkout's top shows its variants;
# a variant's folder is taken, with the configure step's makepkg run shown.
# (Notes are one row: a long path cuts them, so only their start is read.)
C=$T/checkout
mkdir -p "$C"
cp -a "$FIX/cachyos-standin/linux-cachyos" "$C/linux-cachyos"
cp -a "$FIX/cachyos/linux-cachyos-bore" "$C/linux-cachyos-bore"
rm -rf "$XDG_STATE_HOME"
start_shell 80 24 XDG_CACHE_HOME="$T/cache"
kfdo tui
keys F3 F3
expect "the source screen at 80x24" "Step 3 of 13: Get the kernel source"
expect "the PKGBUILD is offered" "\( \) Build a linux-cachyos PKGBUILD with makepkg"
keys Down Down Down Down Down Enter
typ "$C"
keys Enter
expect "the checkout's top: its variants are shown" "^ .*│    linux-cachyos  linux-cachyos-bore *$"
expect "and it is not taken" "$C has no PKGBUILD, but it is a checkout"
typ "/linux-cachyos"
keys Enter
expect "a variant is taken" "Using the PKGBUILD in $C/linux-cachyos: makepkg"
expect_flat "the configure step's makepkg run is shown whole" "The configure step runs, in that folder: \\\$ BUILDDIR=$T/cache/kfdo/makepkg PKGDEST=$T/cache/kfdo/makepkg/ ?packages-first LC_MESSAGES=C _autofdo=yes _build_debug=yes _use_llvm_lto=thin makepkg --nobuild --cleanbuild"
expect "the sidebar marks the source done" "✓  3 Source"
grep -q "\"pkgbuild\": \"$C/linux-cachyos\"" "$XDG_STATE_HOME/kfdo/session.json" && ok "the session has the PKGBUILD" ||
    not_ok "the session has the PKGBUILD" "$(grep -E 'pkgbuild|tree' "$XDG_STATE_HOME/kfdo/session.json")"
keys F3
expect "the configure screen: the base configuration is the PKGBUILD's" "a PKGBUILD makes the base configuration itself"
expect "and AutoFDO is not to be turned off" "a PKGBUILD is built with AutoFDO here"
keys F10
wait_exit 5

# In German, from a session without LTO: ThinLTO is turned on, and the screen says why.
rm -rf "$XDG_STATE_HOME"
start_shell 80 24 XDG_CACHE_HOME="$T/cache" LANGUAGE=de
kfdo tui --no-thin-lto
keys F3 F3
expect "German: the PKGBUILD is offered" "\( \) Ein linux-cachyos-PKGBUILD mit makepkg bauen"
keys Down Down Down Down Down Enter
typ "$C/linux-cachyos"
keys Enter
expect "German: a variant is taken" "Das PKGBUILD in $C/linux-cachyos"
expect "German: ThinLTO turned on, and why" "ThinLTO ist an: ohne LTO baut linux-cachyos mit GCC"
expect "German: the configure run's heading" "Der Konfigurationsschritt führt dort aus:"
grep -q '"thin_lto": true' "$XDG_STATE_HOME/kfdo/session.json" && ok "German: the session has ThinLTO on" ||
    not_ok "German: the session has ThinLTO on" "$(grep -E 'lto' "$XDG_STATE_HOME/kfdo/session.json")"
keys F10
wait_exit 5
