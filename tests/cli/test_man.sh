# The man page (doc/kfdo.1): free of roff warnings, of this kfdo's version, and complete:
# every command kfdo --help lists has its section, and every long option a command's --help
# prints is in that section (or in SESSION OPTIONS, for the commands that take them, or in
# OPTIONS). The options are read from the help itself, so a new option without its line in the
# page fails here.
. tests/cli/lib.sh
PAGE=doc/kfdo.1

# lint PAGE: the linter's complaints on stdout: man-db's man --warnings (groff's troff
# warnings), which make check installs on Debian and Arch alike.
need man
lint() { LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null; }
warnings=$(lint "$PAGE")
[ -z "$warnings" ] && ok "the page lints clean" || not_ok "the page lints clean" "$warnings"
# The linter really reads the page: an undefined macro is reported.
printf '.TH X 1\n.SH NAME\nx \\- y\n.NOSUCHMACRO\n' >"$T/bad.1"
[ -n "$(lint "$T/bad.1")" ] && ok "the linter reports a bad page" || not_ok "the linter reports a bad page"

# The page renders with its sections.
rendered=$(LC_ALL=C.UTF-8 MANWIDTH=100 man -E UTF-8 -l "$PAGE" 2>/dev/null | col -b)
for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "SESSION OPTIONS" "EXIT STATUS" ENVIRONMENT FILES; do
    grep -q "^$s\$" <<<"$rendered" && ok "rendered: section $s" || not_ok "rendered: section $s"
done

version=$("$KFDO" --version | sed 's/^kfdo //')
grep -qE "^\.TH KFDO 1 [0-9-]+ \"kfdo $version\"" "$PAGE" && ok "the page is of kfdo $version" ||
    not_ok "the page is of kfdo $version" "$(grep '^\.TH' "$PAGE")"

# plain PAGE: the page's source with roff's escapes for '-' and fonts taken out.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\fR//g' "$1"; }
# section TEXT START: the lines from the one matching START to the next .SS or .SH (excluded).
section() { awk -v start="$2" 'f && /^\.S[HS] / { exit } $0 ~ start { f = 1 } f' <<<"$1"; }
commands=$("$KFDO" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && /^  [a-z]/ { print $1 }')
# Whose option is where (tests/cli/lib.sh): kfdo's own and each command's.
wanted=$({ scoped_options; for c in $commands; do scoped_options "$c"; done; } | sort -u)
# man_lacks PAGE: "SCOPE OPTION" for each option missing from the page (kfdo's own ones from
# OPTIONS, a command's from its section or, when that section says it takes them, from
# SESSION OPTIONS), "COMMAND" for a command without its section.
man_lacks() {
    local src session cmd scope o
    local -A text
    src=$(plain "$1")
    session=$(awk '/^\.SH "?SESSION OPTIONS/ { f = 1; next } f && /^\.SH / { exit } f' <<<"$src")
    text[kfdo]=$(section "$src" '^[.]SH OPTIONS')
    for cmd in $commands; do
        text[$cmd]=$(section "$src" "^[.]SS \"kfdo $cmd\"")
        [ -n "${text[$cmd]}" ] || echo "$cmd"
        [[ ${text[$cmd]} == *"SESSION OPTIONS"* ]] && text[$cmd]+=$'\n'$session
    done
    while IFS='|' read -r scope o; do
        [[ ${text[${scope%% *}]} =~ (^|[^a-z-])$o([^a-z-]|$) ]] || echo "$scope $o"
    done <<<"$wanted"
}
[ "$(wc -w <<<"$commands")" -ge 8 ] && ok "kfdo --help lists the commands ($(echo $commands))" ||
    not_ok "kfdo --help lists the commands" "$commands"
n=$(wc -l <<<"$wanted")
[ "$n" -ge 60 ] && ok "the help texts name options ($n)" || not_ok "the help texts name options" "$n"
lacks=$(man_lacks "$PAGE")
[ -z "$lacks" ] && ok "every command and every option of its --help is in the page" ||
    not_ok "every command and every option of its --help is in the page" "$lacks"

# The check itself fails on a page that lost an option or a command.
grep -v 'llvm\\-dir' "$PAGE" >"$T/less.1"
lacks=$(man_lacks "$T/less.1")
[ "$lacks" = "doctor --llvm-dir" ] && ok "a page without --llvm-dir is found incomplete" ||
    not_ok "a page without --llvm-dir is found incomplete" "$lacks"
sed 's/^\.SS "kfdo status"/.SS "status"/' "$PAGE" >"$T/less.1"
grep -qx status <<<"$(man_lacks "$T/less.1")" && ok "a page without the status section is found incomplete" ||
    not_ok "a page without the status section is found incomplete"
