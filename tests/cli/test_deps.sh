# scripts/deps.sh: the install step's list (scripts/deps.list) and the guard the
# tests lean on (need). A fake distribution and package manager on PATH: nothing
# is installed on this machine.
. tests/cli/lib.sh
D=scripts/deps.sh
mkdir -p "$T/bin"
printf 'ID=debian\n' >"$T/debian"
printf 'ID=arch\n' >"$T/arch"
cat >"$T/list" <<'EOL'
# LEVEL  DEBIAN  ARCH  COMMANDS
build    pkg-a   a     kfdo-test-a
test     pkg-b   -     kfdo-test-b,kfdo-test-b2
test     -       pkg-c kfdo-test-c
e2e      pkg-d   d     kfdo-test-d
test     pkg-e   e     -
EOL
for c in kfdo-test-a kfdo-test-b kfdo-test-b2 kfdo-test-d; do printf '#!/bin/sh\n' >"$T/bin/$c"; chmod +x "$T/bin/$c"; done
# dpkg-query: every package installed but pkg-e; apt-get records what it was asked.
cat >"$T/bin/dpkg-query" <<'EOW'
#!/bin/sh
for a do last=$a; done
[ "$last" = pkg-e ] && exit 1
printf 'install ok installed'
EOW
printf '#!/bin/sh\necho "$@" >>"%s/apt.log"\n' "$T" >"$T/bin/apt-get"
# As a user deps.sh installs through sudo: the real one would reset PATH and run
# the real apt-get.
printf '#!/bin/sh\nexec "$@"\n' >"$T/bin/sudo"
printf '#!/bin/sh\nexit 0\n' >"$T/bin/locale-gen"
printf '#!/bin/sh\necho de_DE.utf8\n' >"$T/bin/locale"
chmod +x "$T/bin/"*
deps() { env KFDO_DEPS_LIST="$T/list" KFDO_OS_RELEASE="$T/${OS:-debian}" PATH="$T/bin:$PATH" "$D" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

deps need test kfdo-test-a kfdo-test-b2
expect_rc "need: listed and installed" 0
deps need test kfdo-test-zzz
expect_rc "need: a command the list lacks fails" 1
expect_out "says to add it" "kfdo-test-zzz is used by this test but scripts/deps.list does not list it"
deps need test kfdo-test-d
expect_rc "need: a command of a later level (e2e) fails in a test-level test" 1
expect_out "says which level lists it" "listed for deps.sh e2e only"
deps need e2e kfdo-test-d
expect_rc "need: an e2e test may use it" 0
deps need build kfdo-test-b
expect_rc "need: a build-level test may not lean on test packages" 1
rm "$T/bin/kfdo-test-b"
deps need test kfdo-test-b
expect_rc "need: listed but not installed fails" 1
expect_out "names the package that brings it" "kfdo-test-b is not installed: scripts/deps.sh test installs pkg-b"
deps need test kfdo-test-c
expect_rc "need: no package on this distribution skips (77)" 77
expect_out "says so" "kfdo-test-c: no debian package brings it"
OS=arch deps need test kfdo-test-b2
expect_rc "need: the same on the other distribution" 77
OS=arch deps packages test
[ "$(tr '\n' ' ' <"$T/out")" = "pkg-c e " ] && ok "packages: the level's packages for Arch" ||
    not_ok "packages: the level's packages for Arch" "$(cat "$T/out")"

# The install: only what is missing, then every listed command checked.
printf '#!/bin/sh\n' >"$T/bin/kfdo-test-b"; chmod +x "$T/bin/kfdo-test-b"
rm -f "$T/apt.log"
deps test
if [ "$rc" -eq 0 ] && grep -q 'install .*pkg-e' "$T/apt.log" && ! grep -q 'pkg-b' "$T/apt.log"; then
    ok "install: only the missing package (pkg-e) is installed"
else
    not_ok "install: only the missing package (pkg-e) is installed" "rc $rc" "$(cat "$T/apt.log" "$T/err")"
fi
rm "$T/bin/kfdo-test-b2"
deps test
expect_rc "install: a package that does not bring its command fails" 1
expect_err "says the list is wrong" "installed, yet not on PATH: kfdo-test-b2 \(pkg-b\)"

# The real list: every level parses, and each row has four columns.
bad=$(awk '!/^[ \t]*(#|$)/ && (NF != 4 || $1 !~ /^(build|test|e2e|fresh)$/)' scripts/deps.list)
[ -z "$bad" ] && ok "deps.list: every row is LEVEL DEBIAN ARCH COMMANDS" || not_ok "deps.list rows" "$bad"
