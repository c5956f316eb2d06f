# The layout's rules (scripts/layout-check.sh, README "Layout") on the checkout, and
# the check itself on small planted trees: it must see a circle, an arrow that
# points up the layers, a step that includes another step, and curses outside tui/.
. tests/cli/lib.sh
out=$(scripts/layout-check.sh 2>&1); rc=$?
[ "$rc" -eq 0 ] && ok "the checkout keeps the layout's rules" || not_ok "the checkout keeps the layout's rules" "$out"
echo "# $out"

# plant DIR FILE 'INCLUDE...': a file of a planted tree with the includes given.
plant() {
    mkdir -p "$1/$(dirname "$2")"
    : >"$1/$2"
    local i
    for i in $3; do
        case $i in "<"*) echo "#include $i" ;; *) echo "#include \"$i\"" ;; esac >>"$1/$2"
    done
}
check_finds() { # NAME TREE PATTERN
    local o r
    o=$(scripts/layout-check.sh "$2" 2>&1); r=$?
    if [ "$r" -eq 1 ] && grep -qE -- "$3" <<<"$o"; then ok "$1"; else not_ok "$1" "exit $r" "$o"; fi
}
P=$T/planted
plant "$P/ok" base/a.c "base/a.h"; plant "$P/ok" base/a.h ""
plant "$P/ok" engine/b.c "engine/b.h base/a.h"; plant "$P/ok" engine/b.h "base/a.h"
plant "$P/ok" tui/c.c "engine/b.h <curses.h>"
out=$(scripts/layout-check.sh "$P/ok" 2>&1)
[ $? -eq 0 ] && ok "a planted tree that keeps the rules passes" || not_ok "a planted tree that keeps the rules passes" "$out"

# A circle of three engine modules, through their headers.
plant "$P/circle" engine/x.c "engine/x.h engine/y.h"; plant "$P/circle" engine/x.h ""
plant "$P/circle" engine/y.c "engine/y.h engine/z.h"; plant "$P/circle" engine/y.h ""
plant "$P/circle" engine/z.c "engine/z.h engine/x.h"; plant "$P/circle" engine/z.h ""
check_finds "a planted circle is found and named" "$P/circle" "^circle: engine/(x|y|z) -> .* -> engine/(x|y|z)$"
plant "$P/up" base/a.c "engine/b.h"; plant "$P/up" engine/b.h ""
check_finds "base including the engine is refused" "$P/up" "^wrong way: base/a.c \(base\) includes engine/b.h \(engine\)"
plant "$P/det" detect/d.c "engine/b.h"; plant "$P/det" engine/b.h ""
check_finds "detect including the engine is refused" "$P/det" "^wrong way: detect/d.c"
plant "$P/front" engine/b.c "tui/t.h cli/c.h"; plant "$P/front" tui/t.h ""; plant "$P/front" cli/c.h ""
check_finds "the engine including a front end is refused" "$P/front" "^wrong way: engine/b.c \(engine\) includes (tui/t.h|cli/c.h)"
plant "$P/wiz" tui/w.c "cli/c.h"; plant "$P/wiz" cli/c.h ""
check_finds "the wizard including the command line is refused" "$P/wiz" "^wrong way: tui/w.c \(tui\) includes cli/c.h \(cli\)"
plant "$P/step" engine/step_build.c "engine/step_build.h engine/step_install.h"
plant "$P/step" engine/step_build.h ""; plant "$P/step" engine/step_install.h ""
check_finds "a step including another step is refused" "$P/step" "^step includes step: engine/step_build.c includes engine/step_install.h"
plant "$P/curses" engine/b.c "<ncursesw/curses.h>"
check_finds "curses outside tui/ is refused" "$P/curses" "^curses outside tui/: engine/b.c"
