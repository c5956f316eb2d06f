# make install: exactly the binary, the catalogs, the man page, the three completions (and a
# LICENSE when the tree has one), below DESTDIR and PREFIX, each a copy of its source.
. tests/cli/lib.sh
# The build the tests run (build/ or make asan's build/asan/): make finds it up to date.
BUILD=$(dirname "$KFDO")
# A make inside make cli-tests: not the outer make's jobserver.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s BUILD="$BUILD" "$@"; }
langs=$(sed 's/#.*//' po/LINGUAS)

# want PREFIX: the files make install must put below DESTDIR, sorted.
want() {
    local p=${1#/} l
    {
        echo "$p/bin/kfdo"
        for l in $langs; do echo "$p/share/locale/$l/LC_MESSAGES/kfdo.mo"; done
        echo "$p/share/man/man1/kfdo.1"
        echo "$p/share/bash-completion/completions/kfdo"
        echo "$p/share/zsh/site-functions/_kfdo"
        echo "$p/share/fish/vendor_completions.d/kfdo.fish"
        [ -f LICENSE ] && echo "$p/share/licenses/kfdo/LICENSE"
    } | sort
}
# installed DESTDIR: what is there, files and links, relative and sorted.
installed() { (cd "$1" && find . ! -type d | sed 's#^\./##' | sort); }

mk install DESTDIR="$T/dest" PREFIX=/usr >"$T/out" 2>"$T/err"
rc=$?
expect_rc "make install DESTDIR=... PREFIX=/usr" 0
got=$(installed "$T/dest")
[ "$got" = "$(want /usr)" ] && ok "exactly the files it should install" ||
    not_ok "exactly the files it should install" "got:" $got "want:" $(want /usr)
[ -n "$langs" ] && [ "$(grep -c 'LC_MESSAGES/kfdo\.mo$' <<<"$got")" -eq "$(wc -w <<<"$langs")" ] && ok "a catalog per language of po/LINGUAS ($(echo $langs))" ||
    not_ok "a catalog per language of po/LINGUAS"
cmp -s doc/kfdo.1 "$T/dest/usr/share/man/man1/kfdo.1" && cmp -s completions/kfdo.bash "$T/dest/usr/share/bash-completion/completions/kfdo" &&
    cmp -s completions/_kfdo "$T/dest/usr/share/zsh/site-functions/_kfdo" &&
    cmp -s completions/kfdo.fish "$T/dest/usr/share/fish/vendor_completions.d/kfdo.fish" &&
    ok "the man page and completions are copies of their sources" || not_ok "the man page and completions are copies of their sources"
[ "$(stat -c %a "$T/dest/usr/bin/kfdo")" = 755 ] && [ "$(stat -c %a "$T/dest/usr/share/man/man1/kfdo.1")" = 644 ] &&
    ok "the binary is executable (755), the rest 644" || not_ok "modes" "$(stat -c '%a %n' "$T"/dest/usr/bin/kfdo "$T"/dest/usr/share/man/man1/kfdo.1)"
"$T/dest/usr/bin/kfdo" --version >"$T/out" 2>&1 && grep -q '^kfdo ' "$T/out" && ok "the installed kfdo runs" ||
    not_ok "the installed kfdo runs" "$(cat "$T/out")"
# The catalog is the one built from po/: the installed kfdo speaks German with it.
l=$(echo $langs | cut -d' ' -f1)
if [ "$l" = de ]; then
    LANGUAGE=de LANG=C.UTF-8 KFDO_LOCALEDIR=$T/dest/usr/share/locale "$T/dest/usr/bin/kfdo" --help >"$T/out" 2>&1
    expect_out "the installed catalog translates" "^Aufruf: kfdo"
fi

# PREFIX defaults to /usr/local; DESTDIR empty would be the real system, so it is not tried.
mk install DESTDIR="$T/local" >"$T/out" 2>"$T/err"
rc=$?
expect_rc "make install DESTDIR=... (default PREFIX)" 0
got=$(installed "$T/local")
[ "$got" = "$(want /usr/local)" ] && ok "the default PREFIX is /usr/local" ||
    not_ok "the default PREFIX is /usr/local" "got:" $got
