# The German catalog through the real binary: messages follow the locale,
# numbers stay in C. gettext honours LANGUAGE only when LC_MESSAGES is not the
# "C" locale: LANGUAGE=de with LANG=C.UTF-8 (built into glibc) is enough;
# LANG=de_DE.UTF-8 needs that locale generated (scripts/deps.sh test does it).
. tests/cli/lib.sh
need_kbuild_tools
fake_perf OFF
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data
D=$FIX/cpuid
S=$FIX/sysroot
ZEN4=$D/amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test

# The catalog as make locales builds it, or from po/de.po when run alone.
L=${KFDO_LOCALEDIR:-}
if [ -z "$L" ] || [ ! -f "$L/de/LC_MESSAGES/kfdo.mo" ]; then
    L=$T/locale
    mkdir -p "$L/de/LC_MESSAGES"
    if msgfmt --check -o "$L/de/LC_MESSAGES/kfdo.mo" po/de.po 2>"$T/msgfmt"; then ok "po/de.po compiles (msgfmt --check)"
    else not_ok "po/de.po compiles (msgfmt --check)" "$(head -c 600 "$T/msgfmt")"; fi
fi
# run_in ENV... -- ARGS...: kfdo under exactly these locale variables.
run_in() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env -u LC_ALL -u LC_MESSAGES -u LC_NUMERIC -u LC_CTYPE -u LANG -u LANGUAGE \
        KFDO_LOCALEDIR="$L" "${envs[@]}" "$KFDO" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}
DE=(LANGUAGE=de LANG=C.UTF-8)

run_in "${DE[@]}" -- --help
expect_rc "German --help exits 0" 0
expect_out "--help: usage line" "^Aufruf: kfdo \[--no-color\] \[BEFEHL \[OPTIONEN\]\]"
expect_out "--help: command summary" "^  doctor     prüft Hardware, Toolchain"
expect_out "--help: option kept, text translated" "^      --no-color  keine Farben \(auch wenn NO_COLOR gesetzt ist\)"
# Commands are listed after a %-10s column: each summary must fit an 80-column terminal.
grep -E '^  (detect|doctor|plan|run|status) ' "$T/out" >"$T/cmds"
wide=$(LC_ALL=C.UTF-8 wc -L <"$T/cmds")
if [ "$(wc -l <"$T/cmds")" -eq 5 ] && [ "$wide" -le 80 ]; then ok "--help: the command lines fit 80 columns ($wide)"
else not_ok "--help: the command lines fit 80 columns" "widest: $wide" "$(cat "$T/cmds")"; fi

run_in "${DE[@]}" -- detect --sysroot $S/amd-lbrv2-ready --cpuid-dump "$ZEN4"
expect_rc "German detect, ready: exit 0 as in English" 0
expect_out "detect: the question" "^Kann dieser Rechner Branch-Profile des Kernels für AutoFDO aufzeichnen\?"
expect_out "detect: label in the %-8s column" "^  Kernel   6\.12\.9-arch1-1, PMU: cpu, Branch-Stack: ja"
expect_out "detect: translated verdict" "^Ergebnis: bereit$"
expect_out "detect: the perf command untouched" "^  perf record -e rc4:k -a -N -b -c 500009 -o perf.data -- WORKLOAD"
expect_out "detect: check ids untouched" "^  ok    kernel\.branch_stack +der Kernel stellt einen Branch-Stack mit 16 Einträgen bereit"

run_in "${DE[@]}" -- detect --sysroot $S/amd-lbrv2-locked --cpuid-dump "$ZEN4"
expect_out "detect: plural form for 2 problems" "sobald die 2 als „fail“ markierten Probleme behoben sind\.$"
expect_out "detect: sysctl remedy keeps its command" "-> sudo sysctl kernel\.perf_event_paranoid=0   \(dauerhaft: echo 'kernel\.perf_event_paranoid = 0' \| sudo tee /etc/sysctl\.d/99-kfdo\.conf\)"
run_in "${DE[@]}" -- detect --json --sysroot $S/amd-lbrv2-locked --cpuid-dump "$ZEN4"
expect_out "detect --json: the verdict stays a stable English word" '"verdict": "fixable"'
expect_out "detect --json: messages are translated" '"message": "kptr_restrict = 1: Kernel-Adressen werden als 0 gelesen'

run_in "${DE[@]}" -- doctor --tree $FIX/faketree
expect_out "doctor: section titles" "^Toolchain und Rechner$"
expect_out "doctor: tree checks" "^  ok    tree\.autofdo +Kconfig bietet AUTOFDO_CLANG$"
expect_out "doctor: %.1f figure keeps a decimal point" "^  ok    disk +[0-9]+\.[0-9] GiB frei auf "
expect_out "doctor: RAM figure too" "^  (ok  |warn)  ram +[0-9]+\.[0-9] GiB RAM \([0-9]+\.[0-9] GiB verfügbar\)"

run_in "${DE[@]}" -- plan --tree $FIX/faketree --llvm 1 --jobs 2
expect_rc "German plan exits 0" 0
expect_out "plan: step title" "^# 5\. Kernel bauen$"
expect_out "plan: the command itself untouched" "^make LLVM=1 LLVM_IAS=1 -C .*faketree -j2 pacman-pkg$"

run_in "${DE[@]}" -- frobnicate
expect_rc "German usage error exits 2" 2
expect_err "usage error in German, the argument quoted" "^kfdo: unbekannter Befehl „frobnicate“ \(siehe kfdo --help\)$"
run_in "${DE[@]}" -- plan --jobs many --tree $FIX/faketree
expect_err "option value error" "^kfdo: --jobs erwartet eine Zahl von 1 bis 4096, nicht „many“"

# kfdo run on the stand-in tree, then status: the figures and the 11-column labels.
rm -rf "$T/tree" "$XDG_STATE_HOME"; cp -a $FIX/faketree "$T/tree"
printf 'not a real profile' >"$T/given.afdo"
run_in "${DE[@]}" -- run --yes --from configure --until build --config-from tinyconfig --target bzImage \
    --llvm 1 --jobs 2 --tree "$T/tree" --profile "$T/given.afdo"
expect_rc "German run exits 0" 0
expect_out "run: step title" "^ 5\. Kernel bauen$"
expect_out "run: the rate is printed with a decimal point" "  [0-9]+ Schritte  [0-9]+\.[0-9]/s  [0-9]+ Warnungen"
expect_out "run: build summary, and what was checked after it" \
    "^  ok   gebaut in .*: 30 Schritte, 0 Warnungen; geprüft: AUTOFDO_CLANG, LTO_CLANG_THIN in der \.config, -fdebug-info-for-profiling in kernel/fork\.o$"
run_in "${DE[@]}" -- status
expect_out "status: label" "^Sitzung    $XDG_STATE_HOME/kfdo/session\.json$"
bad=$(grep -E '^(Sitzung|Quellbaum|Ausgabe|Konfig|Schalter|Build|Paket|Profil) ' "$T/out" | grep -vE '^.{10} [^ ]')
n=$(grep -cE '^(Sitzung|Quellbaum|Konfig|Schalter|Build) ' "$T/out")
if [ -z "$bad" ] && [ "$n" -ge 5 ]; then ok "status: every label fills its 11 columns ($n lines)"
else not_ok "status: every label fills its 11 columns" "$n labelled lines; misaligned: $bad"; fi
expect_out "status: next step" "^Als Nächstes: Hardware prüfen \(kfdo run --from hardware\)$"
expect_out "status: the toggles' values in German too" "^Schalter   AutoFDO an, ThinLTO an, Full LTO aus, Propeller aus, LLVM=1, -j2$"
# The summary's first word goes (the label says it): the path stays whole in any language.
expect_out "status: the profile line keeps its whole path" "^Profil     $T/given\.afdo \(kein kfdo-Vermerk"

# A real German locale (LANG, no LANGUAGE): messages in German, and its
# LC_NUMERIC (a decimal comma) must not reach kfdo's figures.
if locale -a 2>/dev/null | grep -qixE 'de_DE\.utf-?8'; then
    dp=$(LC_ALL=de_DE.UTF-8 locale decimal_point)
    [ "$dp" = "," ] && ok "de_DE.UTF-8 has a decimal comma (so the next checks can fail)" ||
        not_ok "de_DE.UTF-8 has a decimal comma" "decimal_point is '$dp'"
    run_in LANG=de_DE.UTF-8 -- doctor --tree $FIX/faketree
    expect_out "LANG=de_DE.UTF-8 alone gives German" "^Toolchain und Rechner$"
    expect_out "LANG=de_DE.UTF-8: figures keep a decimal point" "^  ok    disk +[0-9]+\.[0-9] GiB frei auf "
    if grep -qE '[0-9],[0-9] GiB' "$T/out"; then not_ok "no decimal comma anywhere" "$(grep -E '[0-9],[0-9] GiB' "$T/out")"
    else ok "no decimal comma anywhere"; fi
    rm -rf "$T/tree" "$XDG_STATE_HOME"; cp -a $FIX/faketree "$T/tree"
    run_in LC_ALL=de_DE.UTF-8 -- run --yes --from configure --until build --config-from tinyconfig --target bzImage \
        --llvm 1 --jobs 2 --tree "$T/tree"
    expect_out "LC_ALL=de_DE.UTF-8: the rate keeps a decimal point" "  [0-9]+ Schritte  [0-9]+\.[0-9]/s  "
else
    not_ok "the de_DE.UTF-8 locale is generated" "locale -a lacks it: run scripts/deps.sh test"
fi

# gettext's rule the TUI tests rely on: LANGUAGE alone is ignored in the C locale.
run_in LANGUAGE=de LC_ALL=C -- --help
expect_out "LANGUAGE=de under LC_ALL=C stays English" "^Usage: kfdo "
run_in LANGUAGE=de -- --help
expect_out "LANGUAGE=de with no locale at all stays English" "^Usage: kfdo "
