#!/usr/bin/env bash
# Fails when po/kfdo.pot is not what `make pot` would write from the sources,
# or when a catalog in po/LINGUAS has untranslated or fuzzy messages.
set -eu
version=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --add-comments=TRANSLATORS \
    --package-name=kfdo --package-version="$version" --msgid-bugs-address='the kfdo issue tracker' --sort-by-file --add-location=file \
    --files-from=po/POTFILES.in -o "$tmp"
sed -i '/^"POT-Creation-Date:/d' "$tmp"
if ! cmp -s "$tmp" po/kfdo.pot; then
    echo "po-check: po/kfdo.pot is out of date: run 'make pot' and commit it" >&2
    diff -u po/kfdo.pot "$tmp" | head -n 20 >&2 || true
    exit 1
fi
# Every source file with _() must be listed, or its messages never reach translators.
missing=$(grep -lE '\b_\("|N_\("' base/*.c proc/*.c detect/*.c engine/*.c tui/*.c cli/*.c 2>/dev/null | grep -vxFf po/POTFILES.in || true)
if [ -n "$missing" ]; then
    echo "po-check: not in po/POTFILES.in: $missing" >&2
    exit 1
fi
for l in $(sed "s/#.*//" po/LINGUAS); do
    stats=$(msgfmt --check --statistics -o /dev/null "po/$l.po" 2>&1)
    case $stats in
    *untranslated*|*fuzzy*) echo "po-check: po/$l.po is incomplete: $stats" >&2; exit 1 ;;
    esac
done
n=$(grep -c '^msgid "' po/kfdo.pot); n=$((n - 1))
echo "po-check: kfdo.pot current ($n messages), catalogs complete: $(sed "s/#.*//" po/LINGUAS | tr "\n" " ")"
