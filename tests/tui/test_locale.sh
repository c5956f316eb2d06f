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
title=$(printf "$(de 'Step %d of %d: %s')" 1 11 "$(de 'Check the hardware')")
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
side=$(sed -n '3,13p' "$T/screen" | sed 's/│.*//')
if [ "$(grep -c '[0-9] [^ ]' <<<"$side")" = 11 ] && ! grep -q '…' <<<"$side"; then
    ok "80x24: the eleven step titles fit the sidebar, none cut"
else not_ok "80x24: the eleven step titles fit the sidebar, none cut" "$side"; fi
legend=$(sed -n '15,16p' "$T/screen" | sed 's/│.*//')
if [ "$(grep -c '[^ ] .*  .* [^ ]' <<<"$legend")" = 2 ] && ! grep -q '…' <<<"$legend"; then ok "80x24: the legend fits"
else not_ok "80x24: the legend fits" "$legend"; fi
expect "80x24: quit at the right end of the key bar" "F10/q $(quote "$(de Quit)") *$"
# The row has room for the hardware screen's first two keys after the global ones.
expect "80x24: the screen's own keys are in the key bar" "Up/Dn $(quote "$(de Select)") +f $(quote "$(de Fix)")"
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
expect "without LANGUAGE: English" "Step [0-9]+ of 11"
keys F10
wait_exit 5
