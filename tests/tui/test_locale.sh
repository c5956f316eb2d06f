# The wizard in German. gettext ignores LANGUAGE in the "C" locale; C.UTF-8
# (built into glibc, no locale package needed) is enough for LANGUAGE=de to
# choose the catalog. The expected German comes from the built catalog itself
# (gettext(1) on build/locale), so the test follows the translator's words.
. tests/tui/lib.sh
if ! sed 's/#.*//' po/LINGUAS | grep -qw de; then
    skip "the wizard in German" "po/LINGUAS has no de yet (the translator writes po/de.po once the strings settle)"
    exit 0
fi
mo="$KFDO_LOCALEDIR/de/LC_MESSAGES/kfdo.mo"
[ -f "$mo" ] && ok "the German catalog is built ($mo)" || { not_ok "the German catalog is built" "$mo"; exit 1; }
de() { LANGUAGE=de LANG=C.UTF-8 TEXTDOMAINDIR="$KFDO_LOCALEDIR" gettext -d kfdo "$1"; }
quote() { sed 's/[][().*+?|^$\\]/\\&/g' <<<"$1"; }
why=$(de "Why it matters")
help=$(de "Help")
title=$(printf "$(de 'Step %d of %d: %s')" 1 13 "$(de 'Check the hardware')")
if [ "$why" != "Why it matters" ] && [ "$help" != "Help" ]; then ok "the catalog translates the strings checked"
else not_ok "the catalog translates the strings checked" "'$why' '$help'"; fi

start_shell 100 30 LANGUAGE=de
kfdo
expect "the step's title in German" "$(quote "$title")"
expect "the key bar in German" "F1/\\? $(quote "$help")"
keys F1
expect "the help in German" "$(quote "$why")"
keys Escape
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
# The smallest terminal the wizard runs in: the German words fit their places.
start_shell 80 24 LANGUAGE=de
kfdo
expect "80x24: the wizard in German" "$(quote "$(de 'Step %d of %d: %s' | sed 's/%d.*//')")[0-9]+ "
screen >"$T/screen"
side=$(sed -n '3,15p' "$T/screen" | sed 's/│.*//')
if [ "$(grep -c '[0-9] [^ ]' <<<"$side")" = 13 ] && ! grep -q '…' <<<"$side"; then
    ok "80x24: the thirteen step titles fit the sidebar, none cut"
else not_ok "80x24: the thirteen step titles fit the sidebar, none cut" "$side"; fi
legend=$(sed -n '17,18p' "$T/screen" | sed 's/│.*//')
if [ "$(grep -c '[^ ] .*  .* [^ ]' <<<"$legend")" = 2 ] && ! grep -q '…' <<<"$legend"; then ok "80x24: the legend fits"
else not_ok "80x24: the legend fits" "$legend"; fi
expect "80x24: quit at the right end of the key bar" "F10/q $(quote "$(de Quit)") *$"
# The row has room for the hardware screen's first two keys after the global ones.
expect "80x24: the screen's own keys are in the key bar" "Up/Dn $(quote "$(de Select)") +f $(quote "$(de Fix)")"
# The verdict's reason, whole: the lines under "Verdict: ..." up to the next
# paragraph, joined, are kfdo detect's summary (cut, it would end in "…").
keys F2
expect "80x24: back on the hardware step" "$(quote "$(de 'Verdict: %s' | sed 's/%s.*//')")"
screen >"$T/screen"
summary=$(LANGUAGE=de LANG=C.UTF-8 TEXTDOMAINDIR="$KFDO_LOCALEDIR" "$KFDO" detect | tail -n1)
verdict=$(de "Verdict: %s" | sed 's/%s.*//')
still=$(de "The kernel can still be built here; recording the profile needs a machine that can." | cut -d' ' -f1-3)
shown=$(sed 's/^.*│ //; s/ *$//' "$T/screen" |
    awk -v v="$verdict" -v s="$still" 'index($0, v) == 1 { on = 1; next } on && ($0 == "" || index($0, s) == 1) { exit } on' |
    tr '\n' ' ' | sed 's/ $//')
if [ -n "$summary" ] && [ "$shown" = "$summary" ]; then ok "80x24: the verdict's reason is whole ($(wc -w <<<"$summary") words)"
else not_ok "80x24: the verdict's reason is whole" "detect: $summary" "shown:  $shown" "$(cat "$T/screen")"; fi
# Back on the first step would do nothing: its room goes to the keys that do.
if ! tail -n1 "$T/screen" | grep -q 'F2/Esc' && tail -n1 "$T/screen" | grep -q 'F3/]'; then ok "step 1: no Back in the key bar, Next there"
else not_ok "step 1: no Back in the key bar, Next there" "$(tail -n1 "$T/screen")"; fi
# A blocked step's reason is what the user acts on: a long one wraps under
# itself in the header instead of ending in "…" (German at 80 columns).
keys F3 F3 F3 F3
expect "80x24: on the build step" "$(quote "$(printf "$(de 'Step %d of %d: %s')" 5 13 "$(de 'Build the kernel')")")"
screen >"$T/screen"
head3=$(sed -n '4,6p' "$T/screen" | sed 's/^.*│ //')
if grep -q "^$(quote "$(de 'Not ready')"): " <<<"$head3" && sed -n 2p <<<"$head3" | grep -q '^  *[^ ]' && ! grep -q '…' <<<"$head3"; then
    ok "80x24: the blocked reason wraps whole under itself"
else not_ok "80x24: the blocked reason wraps whole under itself" "$head3"; fi
tm resize-window -x 40 -y 10
for m in "The terminal is too small: %dx%d." "kfdo needs at least %dx%d." "Make the window larger (q quits)."; do
    line=$(printf "$(de "$m")" 40 10)
    [ "$m" = "kfdo needs at least %dx%d." ] && line=$(printf "$(de "$m")" 80 24)
    expect "40x10: '$line' whole" "^ *$(quote "$line") *$"
done
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "quits from the small terminal" || not_ok "quits from the small terminal" "rc=$rc"

# The same wizard without LANGUAGE stays English: the German above came from LANGUAGE.
start_shell 100 30
kfdo
expect "without LANGUAGE: English" "Step [0-9]+ of 13"
keys F10
wait_exit 5
