# End to end on a real kernel: Debian's linux-source-6.12, tinyconfig for x86_64
# with ThinLTO, clang-19, driven through `kfdo run` with no TUI. The tree is
# unpacked once into $E2E_DIR and built out of tree (O=), so it stays reusable.
. tests/cli/lib.sh
E2E_DIR=${E2E_DIR:-/tmp/kfdo-e2e}
mkdir -p "$E2E_DIR"
export XDG_STATE_HOME=$E2E_DIR/state
rm -rf "$XDG_STATE_HOME"
tree=$E2E_DIR/linux-6.12
out=$E2E_DIR/out
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
if [ ! -f "$tree/Makefile" ]; then
    rm -rf "$tree.part" && mkdir -p "$tree.part"
    tar -xf "$tarball" -C "$tree.part" --strip-components=1 && mv "$tree.part" "$tree"
fi
[ -f "$tree/Makefile" ] && ok "linux-source-6.12 unpacked" || { not_ok "linux-source-6.12 unpacked" "$tarball"; exit 1; }
rm -rf "$out"
OPTS="--tree $tree --output $out --config-from tinyconfig --arch x86_64 --enable 64BIT --target bzImage"

secs() { # 1m07s / 45s / 1h02m -> seconds
    local s=$1 t=0
    [[ $s =~ ([0-9]+)h ]] && t=$((t + BASH_REMATCH[1] * 3600))
    [[ $s =~ ([0-9]+)m ]] && t=$((t + BASH_REMATCH[1] * 60))
    [[ $s =~ ([0-9]+)s ]] && t=$((t + BASH_REMATCH[1]))
    echo $t
}

# 6.12 predates AutoFDO: kfdo says so before building anything.
run run --yes --until build $OPTS
expect_rc "6.12 with AutoFDO asked: stops" 1
expect_out "names the missing AutoFDO" "no CONFIG_AUTOFDO_CLANG .*6\.13"
expect_out "finds clang-19 on its own" "make LLVM=-19"
[ ! -e "$out/vmlinux" ] && ok "nothing was built" || not_ok "nothing was built"

# Asked to go on without AutoFDO, it builds with ThinLTO.
run run --yes --until build --no-autofdo
expect_rc "first build exits 0" 0
expect_out "the configure read-back passed" "holds every toggle asked for"
expect_out "a dry run gave the first build a total" "make -n LLVM=-19"
expect_out "first build summary" "built in "
[ -f "$out/arch/x86/boot/bzImage" ] && ok "bzImage exists" || not_ok "bzImage exists"
grep -q '^CONFIG_LTO_CLANG_THIN=y' "$out/.config" && ok ".config has ThinLTO" || not_ok ".config has ThinLTO"
grep -q '^CONFIG_64BIT=y' "$out/.config" && ok ".config is 64-bit" || not_ok ".config is 64-bit"
log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log | tail -n1)
cc=$(grep -c '^  CC      ' "$log")
[ "$cc" -gt 400 ] && ok "the log has the real kbuild lines ($cc CC)" || not_ok "the log has the real kbuild lines" "$cc CC in $log"
grep -q 'LD      vmlinux.o' "$log" && ok "the log has the ThinLTO link" || not_ok "the log has the ThinLTO link"
run status
expect_out "status: build done" "build +done"

# The second build of the same config has a percentage and an ETA from the
# first one's timing curve: within 15% of the real remaining time at halfway.
make -s -C "$tree" O="$out" ARCH=x86_64 LLVM=-19 clean
run run --yes --from build --until build
expect_rc "second build exits 0" 0
total=$(secs "$(sed -n 's/.*built in \([0-9hms]*\):.*/\1/p' "$T/out")")
best="" bestd=999999
while read -r line; do
    e=$(secs "$(sed -n 's/.*\[\([0-9hms]*\) elapsed.*/\1/p' <<<"$line")")
    eta=$(secs "$(sed -n 's/.*ETA \([0-9hms]*\) .*/\1/p' <<<"$line")")
    d=$(( e * 2 - total )); d=${d#-}
    if [ "$d" -lt "$bestd" ]; then bestd=$d; best="$e $eta"; fi
done < <(grep 'elapsed, last build\]' "$T/out" | grep 'ETA [0-9]')
read -r e eta <<<"$best"
remaining=$((total - e))
if [ -n "$best" ] && [ "$remaining" -gt 0 ]; then
    err=$(( (eta - remaining) * 100 / remaining ))
    echo "# second build: ${total}s in all; at ${e}s the ETA said ${eta}s, ${remaining}s were left (${err}%)"
    [ "${err#-}" -le 15 ] && ok "ETA at halfway within 15% (${err}%)" || not_ok "ETA at halfway within 15%" "${err}%"
else
    not_ok "ETA at halfway within 15%" "no progress line with an ETA: $(tail -5 "$T/out")"
fi

# Ctrl-C in the middle: the whole build stops within 2 s, nothing left running.
make -s -C "$tree" O="$out" ARCH=x86_64 LLVM=-19 clean
touch "$T/mark"
"$KFDO" run --yes --from build --until build >"$T/out" 2>"$T/err" &
pid=$!
# This run's own log (it exists once kfdo has its signal handler and runs make).
for _ in $(seq 600); do
    log=$(find "$XDG_STATE_HOME/kfdo/logs" -name 'build-2*.log' -newer "$T/mark" | head -n1)
    [ -n "$log" ] && [ "$(grep -c '^  CC ' "$log")" -gt 60 ] && break
    sleep 0.2
done
t0=$(date +%s%N); kill -INT $pid; wait $pid; rc=$?; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
expect_rc "Ctrl-C exits 130" 130
[ "$ms" -le 2000 ] && ok "Ctrl-C stopped the build within 2 s (${ms} ms)" || not_ok "Ctrl-C within 2 s" "${ms} ms"
sleep 0.3
if pgrep -f "$E2E_DIR/(linux-6.12|out)" >/dev/null; then
    not_ok "no make or clang left running" "$(pgrep -af "$E2E_DIR/(linux-6.12|out)")"
else
    ok "no make or clang left running"
fi
run status
expect_out "status: the build is marked cancelled" "build +failed .*cancelled"
