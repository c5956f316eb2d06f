# packaging/arch/PKGBUILD built by real makepkg (as nobody when root: tests/tools/makepkg-as-user)
# and the package read with libalpm (tests/tools/pkginfo): its name, version, dependencies and
# files. The PKGBUILD clones the checkout it lies in (git+file://), so what it builds is what
# is committed; here the checkout as it is now, uncommitted changes and new files included, is
# committed into a snapshot repository first, and that is what makepkg clones.
. tests/cli/lib.sh
TOOLS=${KFDO_TOOLS:-build/tools}
MKUSER=$PWD/tests/tools/makepkg-as-user
need git makepkg fakeroot bsdtar zstd

if nm "$KFDO" 2>/dev/null | grep -q __asan_init; then
    # makepkg builds kfdo from source with its own flags: the sanitized pass has nothing to add.
    ok "the PKGBUILD builds a package # SKIP the sanitized pass: makepkg builds kfdo with its own flags"
    exit 0
fi

# The snapshot: every file git tracks or would track (not ignored), as it is on disk.
mkdir -p "$T/repo"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    not_ok "the tests run in a git checkout (the PKGBUILD clones it)"; exit 0
fi
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -C "$T/repo" -xf -
git -C "$T/repo" init -q && git -C "$T/repo" add -A &&
    git -C "$T/repo" -c user.name=kfdo-test -c user.email=test@kfdo commit -qm snapshot ||
    not_ok "the snapshot repository" "$(git -C "$T/repo" status 2>&1 | head -5)"
commits=$(git -C "$T/repo" rev-list --count HEAD) hash=$(git -C "$T/repo" rev-parse --short=7 HEAD)
# makepkg runs as nobody when the tests run as root: the snapshot is theirs to clone and
# build in (git refuses a repository of another user).
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T/repo" && chmod 755 "$T"

(cd "$T/repo/packaging/arch" && env -u MFLAGS -u MAKELEVEL MAKEFLAGS=-j2 PKGEXT=.pkg.tar.zst PKGDEST="$T/pkgs" \
    CARCH=x86_64 "$MKUSER" --nodeps --noconfirm) >"$T/makepkg.log" 2>&1
rc=$?
expect_rc "makepkg builds the PKGBUILD" 0
[ "$rc" -eq 0 ] || echo "# $(tail -5 "$T/makepkg.log" | tr '\n' ' ')"
pkg=$(ls "$T"/pkgs/kfdo-git-[0-9]*-x86_64.pkg.tar.zst 2>/dev/null | head -n1)
[ -n "$pkg" ] && ok "the package: ${pkg##*/}" || { not_ok "a kfdo-git package" "$(ls "$T/pkgs" 2>&1)"; exit 0; }

"$TOOLS/pkginfo" "$pkg" >"$T/out" 2>"$T/err"
rc=$?
expect_rc "libalpm reads it" 0
version=$(make --no-print-directory -s version)
expect_out "its name" "^name kfdo-git$"
expect_out "its version: kfdo's, the commits, the commit" "^version ${version//./\\.}\.r$commits\.g$hash-1$"
expect_out "its architecture" "^arch x86_64$"
expect_out "provides kfdo" "^provides kfdo$"
expect_out "conflicts with kfdo" "^conflict kfdo$"
deps=$(sed -n 's/^depend //p' "$T/out" | sort | tr '\n' ' ')
want="glibc json-c libarchive libcpuid libelf libpfm4 ncurses pacman zlib "
[ "$deps" = "$want" ] && ok "its dependencies" || not_ok "its dependencies" "got: $deps" "want: $want"
for o in perf clang lld llvm autofdo libnotify sudo; do
    expect_out "optional: $o" "^optdepend $o: "
done
for m in git gettext pkgconf; do expect_out "built with $m" "^makedepend $m$"; done

# The files: exactly these (makepkg compresses man pages, as Arch's makepkg.conf does).
files=$(sed -n 's/^file //p' "$T/out" | grep -v '/$')
want=$( {
    echo usr/bin/kfdo
    for l in $(sed 's/#.*//' po/LINGUAS); do echo "usr/share/locale/$l/LC_MESSAGES/kfdo.mo"; done
    echo usr/share/man/man1/kfdo.1.gz
    echo usr/share/bash-completion/completions/kfdo
    echo usr/share/zsh/site-functions/_kfdo
    echo usr/share/fish/vendor_completions.d/kfdo.fish
    [ -f LICENSE ] && echo usr/share/licenses/kfdo/LICENSE
} | sort)
[ "$files" = "$want" ] && ok "exactly the binary, the catalogs, the man page and the completions" ||
    not_ok "exactly the binary, the catalogs, the man page and the completions" "got:" $files "want:" $want

# What is inside is this checkout's, built for /usr.
mkdir -p "$T/x" && bsdtar -xf "$pkg" -C "$T/x" usr 2>"$T/err"
gzip -dc "$T/x/usr/share/man/man1/kfdo.1.gz" | cmp -s - doc/kfdo.1 && ok "the man page is this checkout's" ||
    not_ok "the man page is this checkout's"
cmp -s "$T/x/usr/share/fish/vendor_completions.d/kfdo.fish" completions/kfdo.fish && ok "the completions are this checkout's" ||
    not_ok "the completions are this checkout's"
"$T/x/usr/bin/kfdo" --version >"$T/ver" 2>&1 && [ "$(cat "$T/ver")" = "kfdo $version" ] &&
    ok "the packaged kfdo runs: kfdo $version" || not_ok "the packaged kfdo runs" "$(cat "$T/ver")"
grep -q /usr/share/locale "$T/x/usr/bin/kfdo" && ! grep -q /usr/local/share/locale "$T/x/usr/bin/kfdo" &&
    ok "it reads its catalogs from /usr/share/locale" || not_ok "it reads its catalogs from /usr/share/locale"
# Every library it links belongs to a package it depends on (Arch's names for the sonames).
missing=""
for lib in $(readelf -d "$T/x/usr/bin/kfdo" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    case $lib in
    libc.so* | libm.so* | ld-linux*) p=glibc ;;
    libncursesw.so* | libtinfo.so*) p=ncurses ;;
    libcpuid.so*) p=libcpuid ;;
    libpfm.so*) p=libpfm4 ;;
    libalpm.so*) p=pacman ;;
    libarchive.so*) p=libarchive ;;
    libelf.so*) p=libelf ;;
    libjson-c.so*) p=json-c ;;
    libz.so*) p=zlib ;;
    *) p="?$lib" ;;
    esac
    grep -qx "depend $p" "$T/out" || missing="$missing $lib ($p)"
done
[ -z "$missing" ] && ok "every library it links is a dependency" || not_ok "every library it links is a dependency" "$missing"
