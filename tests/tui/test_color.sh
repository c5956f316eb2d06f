# Colours by role: on by default on a colour terminal, none at all (a mono
# theme of bold, reverse, underline and dim) with NO_COLOR or --no-color.
# (F10 quits: a resumed session can open on a screen whose text field takes q.)
. tests/tui/lib.sh

# Every SGR parameter that sets a foreground or background colour.
colour_params() { # reads capture-pane -e output
    grep -oE $'\033\\[[0-9;:]*m' | tr -d '\033[m' | tr ';:' '\n\n' | grep -cE '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}

start_shell 100 30
kfdo
expect "starts" "Step 1 of 13"
n=$(screen_e | colour_params)
[ "$n" -gt 0 ] && ok "by default the screen has colours ($n colour settings)" || not_ok "by default the screen has colours"
keys F10
wait_exit 5

start_shell 100 30 NO_COLOR=1
kfdo
expect "starts with NO_COLOR" "Step [0-9]+ of 13"
screen_e >"$T/e"
n=$(colour_params <"$T/e")
[ "$n" -eq 0 ] && ok "NO_COLOR: no colour at all" || not_ok "NO_COLOR: no colour at all" "$n colour settings"
grep -qE $'\033\\[[0-9;]*7[;m]' "$T/e" && ok "NO_COLOR: the mono theme marks with reverse video" || not_ok "NO_COLOR: reverse video for the current step"
grep -qE $'\033\\[[0-9;]*1[;m]' "$T/e" && ok "NO_COLOR: and bold" || not_ok "NO_COLOR: bold"
keys F10
wait_exit 5

start_shell 100 30
kfdo --no-color
expect "starts with --no-color" "Step [0-9]+ of 13"
n=$(screen_e | colour_params)
[ "$n" -eq 0 ] && ok "--no-color: no colour at all" || not_ok "--no-color: no colour at all" "$n colour settings"
keys F10
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "rc=$rc"
