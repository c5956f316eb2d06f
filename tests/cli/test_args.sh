# The command line is read by one parser against one table (cli/args.c, cli/commands.c):
# no command parses its own words again, and every command answers the same way to the
# same mistakes. tests/unit/test_args.c has the parser's every path; this is the binary.
. tests/cli/lib.sh

# --- one parser: no getopt loop comes back in the command line or the wizard ---
loops=$(grep -nE '\bgetopt(_long(_only)?)?[[:space:]]*\(|<getopt\.h>|\boptind\b|\boptarg\b' cli/*.[ch] tui/*.[ch])
[ -z "$loops" ] && ok "no getopt in cli/ or tui/: every command goes through cli/args.c" ||
    not_ok "no getopt in cli/ or tui/: every command goes through cli/args.c" "$loops"
# The wizard only runs what cli/ read and opened (README, Layout).
inc=$(grep -n '#include "cli/' tui/*.[ch])
[ -z "$inc" ] && ok "tui/ includes nothing of cli/" || not_ok "tui/ includes nothing of cli/" "$inc"

# --- every command: --help, and the same words for the same mistakes ---
cmds=$("$KFDO" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && /^  [a-z]/ { print $1 }')
[ "$(wc -w <<<"$cmds")" -ge 8 ] && ok "kfdo --help lists the commands" || not_ok "kfdo --help lists the commands" "$cmds"
for c in $cmds; do
    run "$c" --help
    if [ "$rc" -eq 0 ] && grep -q "^Usage: kfdo .*$c\b" "$T/out" && [ ! -s "$T/err" ]; then ok "$c --help: its usage, exit 0"
    else not_ok "$c --help: its usage, exit 0" "exit $rc" "$(head -n 2 "$T/out" "$T/err")"; fi
    run "$c" -h
    [ "$rc" -eq 0 ] && ok "$c -h exits 0" || not_ok "$c -h exits 0" "exit $rc"
    run "$c" --no-such-option
    if [ "$rc" -eq 2 ] && grep -qx "kfdo: unknown option '--no-such-option' (see kfdo $c --help)" "$T/err"; then
        ok "$c: an unknown option is named, with its help"
    else not_ok "$c: an unknown option is named, with its help" "exit $rc" "$(cat "$T/err")"; fi
    run "$c" -Z
    [ "$rc" -eq 2 ] && grep -qx "kfdo: unknown option '-Z' (see kfdo $c --help)" "$T/err" &&
        ok "$c: an unknown letter is named" || not_ok "$c: an unknown letter is named" "exit $rc" "$(cat "$T/err")"
done
# Those that take no argument refuse one (plan used to ignore it: the session's tree was planned).
for c in detect doctor plan run status tui "profile list"; do
    run $c stray
    [ "$rc" -eq 2 ] && grep -qx "kfdo: unexpected argument 'stray' (see kfdo ${c%% *} --help)" "$T/err" &&
        ok "$c: an unexpected argument is named" || not_ok "$c: an unexpected argument is named" "exit $rc" "$(cat "$T/err")"
done
# A missing value, for an option of each kind: its own, a group's, a subcommand's.
for words in "run --until" "detect --cpuid-dump" "plan --tree" "tui --pmu" "status --sysroot" \
    "packages install --dbpath"; do
    set -- $words
    opt=${*: -1}
    run "$@"
    [ "$rc" -eq 2 ] && grep -qx "kfdo: option '$opt' needs a value (see kfdo $1 --help)" "$T/err" &&
        ok "$words: the missing value is named" || not_ok "$words: the missing value is named" "exit $rc" "$(cat "$T/err")"
done

# --- --opt=value reads as --opt value; a value may start with '-' ---
S=$FIX/sysroot/amd-lbrv2-locked
D=$FIX/cpuid/amd_zen4_amd-ryzen-7-7700x-8-core-processor.test
run detect --json --sysroot "$S" --cpuid-dump "$D"; cp "$T/out" "$T/spaced"
run detect --json --sysroot="$S" --cpuid-dump="$D"
[ "$rc" -eq 1 ] && cmp -s "$T/out" "$T/spaced" && ok "--opt=value is --opt value" ||
    not_ok "--opt=value is --opt value" "exit $rc" "$(diff "$T/spaced" "$T/out" | head -n 5)"
run detect --sysroot --json
[ "$rc" -eq 2 ] && grep -q "sysroot --json" "$T/err" && ok "a value is the next word, even one that looks like an option" ||
    not_ok "a value is the next word, even one that looks like an option" "exit $rc" "$(cat "$T/err")"
run run --until=nowhere
[ "$rc" -eq 2 ] && grep -qx "kfdo: unknown step 'nowhere' (see kfdo run --help)" "$T/err" &&
    ok "run --until=STEP: the step is checked as it is read" || not_ok "run --until=STEP: the step is checked" "$(cat "$T/err")"

# --- "--" ends the options ---
run detect -- --json
[ "$rc" -eq 2 ] && grep -qx "kfdo: unexpected argument '--json' (see kfdo detect --help)" "$T/err" &&
    ok "after --, an option is an argument" || not_ok "after --, an option is an argument" "exit $rc" "$(cat "$T/err")"
run -- --help
[ "$rc" -eq 2 ] && grep -qx "kfdo: unknown command '--help' (see kfdo --help)" "$T/err" &&
    ok "kfdo -- --help: a command's name after --" || not_ok "kfdo -- --help: a command's name after --" "$(cat "$T/err")"
run --no-color -- status --help
[ "$rc" -eq 0 ] && grep -q "^Usage: kfdo status" "$T/out" && ok "kfdo's own options, --, then the command" ||
    not_ok "kfdo's own options, --, then the command" "exit $rc" "$(cat "$T/err")"

# --- kfdo's own options come before the command, and only there ---
run --version --bogus
[ "$rc" -eq 0 ] && grep -qx "kfdo [0-9.]*" "$T/out" && ok "--version answers at once" || not_ok "--version answers at once" "$(cat "$T/err")"
run --bogus --version
[ "$rc" -eq 2 ] && grep -qx "kfdo: unknown option '--bogus' (see kfdo --help)" "$T/err" &&
    ok "a wrong word before --version is told" || not_ok "a wrong word before --version is told" "$(cat "$T/err")"
run status --no-color
[ "$rc" -eq 2 ] && grep -qx "kfdo: unknown option '--no-color' (see kfdo status --help)" "$T/err" &&
    ok "--no-color goes before the command" || not_ok "--no-color goes before the command" "$(cat "$T/err")"

# --- subcommands ---
run profile
[ "$rc" -eq 2 ] && grep -qx "kfdo: say what: stats FILE, perfdata FILE, list or export (see kfdo profile --help)" "$T/err" &&
    ok "profile: say which" || not_ok "profile: say which" "$(cat "$T/err")"
run profile stats a b
[ "$rc" -eq 2 ] && grep -qx "kfdo: stats wants one FILE (see kfdo profile --help)" "$T/err" &&
    ok "profile stats: one FILE" || not_ok "profile stats: one FILE" "$(cat "$T/err")"
run packages install --help
[ "$rc" -eq 0 ] && grep -q "^Usage: kfdo packages install --root DIR" "$T/out" && ok "packages install --help: its own usage" ||
    not_ok "packages install --help: its own usage" "$(cat "$T/out" "$T/err")"
run packages install --root "$T/r"
[ "$rc" -eq 2 ] && grep -qx "kfdo: install wants the packages to install (see kfdo packages --help)" "$T/err" &&
    ok "packages install: the packages are wanted" || not_ok "packages install: the packages are wanted" "$(cat "$T/err")"
# As before the table: install's --root is checked before its packages are counted.
run packages install
[ "$rc" -eq 2 ] && grep -qx "kfdo: install wants --root with an absolute directory (see kfdo packages --help)" "$T/err" &&
    ok "packages install: a missing --root is told first" || not_ok "packages install: a missing --root is told first" "$(cat "$T/err")"
