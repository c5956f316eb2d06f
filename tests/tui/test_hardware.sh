# The hardware screen: on this machine (whatever kfdo detect says of it), and
# on a fixture machine (a Zen 4 dump with the distribution's sysctl defaults)
# to run a fix. The fix would change this machine's sysctl for real: a fake
# sysctl (and sudo) on PATH records the argv kfdo runs instead.
. tests/tui/lib.sh

# This machine: the same verdict and reason as kfdo detect.
json=$("$KFDO" detect --json)
verdict=$(sed -n 's/.*"verdict": "\(.*\)".*/\1/p' <<<"$json")
summary=$("$KFDO" detect | tail -n1)
start_shell 100 30
kfdo
expect "this machine: the verdict of kfdo detect ($verdict)" "Verdict: $verdict"
# The reason, as far as the first colon: the rest wraps across lines.
reason=$(cut -d: -f1 <<<"$summary" | cut -c1-50)
expect "this machine: the verdict's reason" "$(sed 's/[][().*+?|^$\\]/\\&/g' <<<"$reason")"
if [ "$verdict" = unsupported ]; then
    expect "an unsupported machine still builds" "The kernel can still be built here"
    if grep -q '"hypervisor": true' <<<"$json"; then
        expect "a VM without a PMU says so" "this is a VM whose PMU is not passed through|virtual CPU"
    fi
fi
expect "the checks table shows the PMU row" "(ok|fail|warn) +kernel\.pmu"
keys q
wait_exit 5

# A fixture machine: fixable, with two sysctl fixes.
mkdir -p "$T/bin"
cat >"$T/bin/sysctl" <<EOF
#!/bin/sh
printf '%s\n' "sysctl" "\$@" >>"$T/argv"
echo "\$1" | sed 's/=/ = /'
EOF
cat >"$T/bin/sudo" <<EOF
#!/bin/sh
printf '%s\n' "sudo" >>"$T/argv"
exec "\$@"
EOF
chmod +x "$T/bin/sysctl" "$T/bin/sudo"
rm -rf "$XDG_STATE_HOME"
start_shell 100 30 PATH="$T/bin:$PATH"
kfdo tui --sysroot "$FIX/sysroot/amd-lbrv2-locked" --cpuid-dump "$FIX/cpuid/amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test"
expect "fixture: verdict fixable" "Verdict: fixable"
expect "fixture: the title names the CPU's branch sampling" "│ .*LbrExtV2"
expect "fixture: the paranoid row fails" "fail +kernel\.perf_event_par"
# The sixth row is the paranoid one: its remedy and the fix show below the table.
keys Down Down Down Down Down
expect "the selected row's remedy" "Remedy: sudo sysctl kernel\.perf_event_paranoid=0"
if [ "$(id -u)" -eq 0 ]; then want="sysctl kernel.perf_event_paranoid=0"; else want="sudo sysctl kernel.perf_event_paranoid=0"; fi
expect "the fix is shown before it runs" "f runs the fix: \\\$ $want"
keys f
expect "f asks first, with the exact command" "Run this fix\?"
expect "the question shows the command" "\\\$ $want"
keys n
wait_gone "Run this fix\?" 3 && ok "n answers no" || { not_ok "n answers no"; dump; }
[ ! -e "$T/argv" ] && ok "nothing ran after no" || not_ok "nothing ran after no" "$(cat "$T/argv")"
keys f
expect "f asks again" "Run this fix\?"
keys y
expect "the screen is back after the fix ran" "Ran .*kernel\.perf_event_paranoid=0; checked again"
if [ "$(id -u)" -eq 0 ]; then printf 'sysctl\nkernel.perf_event_paranoid=0\n' >"$T/want"
else printf 'sudo\nsysctl\nkernel.perf_event_paranoid=0\n' >"$T/want"; fi
if cmp -s "$T/want" "$T/argv"; then ok "the fix ran as an argv of exactly those words (no shell)"
else not_ok "the fix ran as an argv of exactly those words" "$(cat "$T/argv")"; fi
expect "the frame is whole again after the fix" "Verdict: fixable"
expect "the key bar is back" "F10/q Quit"
# A row kfdo has no fix for says so instead of running anything.
keys Home
keys f
expect "a row without a fix says so" "kfdo knows no fix to run for this row"
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
