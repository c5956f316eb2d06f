# The compare screen's chart, from two runs known in advance
# (tests/fixtures/bench/runs.json, put into the session by tests/tools/benchsession):
# pipe 5% faster, syscall unchanged, the kernel build's system time 3.1% slower,
# messaging too noisy. At 80x24 and 100x30, in colour and mono, in English and
# German: every row is there and whole, each mark is on its side of zero, and
# the colours follow the verdict. The measuring itself is tests/cli/test_compare.sh's
# and the e2e's.
. tests/tui/lib.sh
TOOLS=${KFDO_TOOLS:-build/tools}
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data
"$TOOLS/benchsession" "$FIX/bench/runs.json" || { not_ok "the session with two runs"; exit 1; }

# to_compare: from the first screen to the last step's with F3.
to_compare() {
    local i
    for i in $(seq 12); do keys F3; done
    expect "the compare screen" "Step 13 of 13: $1"
}
# col ROW TEXT: the display column of TEXT's first character in screen row ROW
# (the line, cut before TEXT, measured in characters: the screen is UTF-8).
col() { local l; l=$(sed -n "${1}p" "$T/screen"); l=${l%%"$2"*}; echo "${#l}"; }
row_of() { grep -n -- "$1" "$T/screen" | head -n1 | cut -d: -f1; }

# check_chart NAME FASTER SAME SLOWER NOISY: the rows, whole, and each mark on its side of zero.
check_chart() {
    local size=$1 faster=$2 same=$3 slower=$4 noisy=$5
    screen >"$T/screen"
    local axis=$(row_of " 0 ")
    if [ -z "$axis" ]; then not_ok "$size: the chart's axis" "$(cat "$T/screen")"; return; fi
    local zero=$(( $(col "$axis" " 0 ") + 1 ))
    local pipe=$(row_of "sched pipe") kb=$(row_of "$6") sc=$(row_of "syscall basic")
    grep -qE "sched pipe .* \+5\.0% $faster" "$T/screen" && ok "$size: pipe +5.0% $faster" ||
        { not_ok "$size: pipe +5.0% $faster"; dump; }
    grep -qE "syscall basic .* \+0\.0% $same" "$T/screen" && ok "$size: syscall +0.0% $same" ||
        { not_ok "$size: syscall +0.0% $same"; dump; }
    grep -qE "$6.* -3\.1% $slower" "$T/screen" && ok "$size: the kernel build -3.1% $slower" ||
        { not_ok "$size: the kernel build -3.1% $slower"; dump; }
    grep -qE "sched messag.* \+3\.8% $noisy" "$T/screen" && ok "$size: messaging $noisy" ||
        { not_ok "$size: messaging $noisy"; dump; }
    local mark=$7
    local p=$(col "$pipe" "$mark") k=$(col "$kb" "$mark") s=$(col "$sc" "$mark")
    if [ "$p" -gt "$zero" ] && [ "$k" -lt "$zero" ] && [ "$s" -eq "$zero" ]; then
        ok "$size: faster right of zero, slower left, unchanged on it"
    else
        not_ok "$size: faster right of zero, slower left, unchanged on it" "zero $zero pipe $p kbuild $k syscall $s"; dump
    fi
}

for size in "80 24" "100 30"; do
    start_shell $size
    kfdo
    expect "starts ($size)" "Step [0-9]+ of 13"
    to_compare "Compare with the kernel from before"
    expect "$size: the headline" "faster in 1 of 4 benchmarks, slower in 1, no"
    check_chart "${size/ /x}" faster "no difference" slower "too noisy" "kernel config bu" "●"
    keys F10
    wait_exit 5
done

# mark_sgr PATTERN: the attributes in effect at the mark (●) of the first
# capture-pane -e line matching PATTERN, from the last reset before it.
mark_sgr() {
    local line pre
    line=$(grep -- "$1" "$T/e" | head -n1)
    pre=${line%%●*}
    [ "$pre" != "$line" ] || return 1
    echo "${pre##*$'\033'[0}"
}
# Colour by verdict: the faster row's mark in the good role's colour (green),
# the slower one's in the bad one's (red); none at all in mono.
start_shell 100 30
kfdo
to_compare "Compare with the kernel from before"
screen_e >"$T/e"
[[ $(mark_sgr "sched pipe") == *$'\033'"[32m"* ]] && ok "colour: the faster mark is green" ||
    not_ok "colour: the faster mark is green" "$(mark_sgr "sched pipe" | cat -v)"
[[ $(mark_sgr "kernel config") == *$'\033'"[31m"* ]] && ok "colour: the slower mark is red" ||
    not_ok "colour: the slower mark is red" "$(mark_sgr "kernel config" | cat -v)"
keys F10
wait_exit 5

start_shell 80 24 NO_COLOR=1
kfdo
to_compare "Compare with the kernel from before"
check_chart "mono 80x24" faster "no difference" slower "too noisy" "kernel config bu" "●"
screen_e >"$T/e"
if grep -E "sched pipe|kernel config" "$T/e" | grep -qE $'\033\\[[0-9;]*(3[0-7]|9[0-7])m'; then
    not_ok "mono: no colour in the chart"
else
    ok "mono: no colour in the chart"
fi
[[ $(mark_sgr "sched pipe") == ";1m"* ]] && ok "mono: the faster mark is bold" ||
    not_ok "mono: the faster mark is bold" "$(mark_sgr "sched pipe" | cat -v)"
keys F10
wait_exit 5

# German, at the smallest size: the words of the verdicts, nothing cut.
start_shell 80 24 LANGUAGE=de
kfdo
for i in $(seq 12); do keys F3; done
expect "German: the compare screen" "13 von 13"
check_chart "German 80x24" schneller "kein Unterschied" langsamer "zu unruhig" "Kernel-Konfig" "●"
keys F10
wait_exit 5
