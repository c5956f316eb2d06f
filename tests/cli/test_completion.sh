# The shell completions (completions/) run in bash, zsh and fish: the commands, each
# command's options, step names, values and directories or files where those are expected.
# What must be offered is read from kfdo's own --help (every long option each command
# prints, the steps kfdo run lists), so an option added without its completion fails here.
# bash: the function called with COMP_WORDS set; zsh: a real zsh with compinit in a
# pseudo-terminal (tests/tools/zcomplete); fish: complete -C. A missing shell fails.
. tests/cli/lib.sh
TOOLSRC=$PWD/tests/tools
COMPDIR=$PWD/completions
export ZCOMPLETE_DUMP=$T/zcompdump

# complete_in SHELL LINE: the candidates SHELL offers at the end of LINE (a trailing space
# completes a new word), one per line, as names: a path's last component, no trailing /.
complete_in() {
    local shell=$1 line=$2
    case $shell in
    bash)
        bash -c '
            source "$1/kfdo.bash"; shift
            read -ra COMP_WORDS <<<"$1"
            [[ $1 == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )) COMP_LINE=$1 COMP_POINT=${#1}
            _kfdo
            printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPDIR" "$line" 2>>"$T/err.$shell"
        ;;
    zsh) timeout 60 "$TOOLSRC/zcomplete" "$COMPDIR" "$line" 2>>"$T/err.$shell" ;;
    fish) timeout 60 fish --no-config -c "source \$argv[1]; complete -C \$argv[2]" "$COMPDIR/kfdo.fish" "$line" \
        2>>"$T/err.$shell" | cut -f1 ;;
    esac | sed -e 's#/$##' -e 's#.*/##' | grep -v '^$' | sort -u
}
# missing SHELL LINE WANT...: the WANTs the completion of LINE does not offer.
missing() {
    local shell=$1 line=$2 got w
    shift 2
    got=$(complete_in "$shell" "$line")
    for w in "$@"; do grep -qxF -- "$w" <<<"$got" || echo "$w"; done
}
expect_offers() { # NAME SHELL LINE WANT...
    local name=$1 m
    shift
    m=$(missing "$@")
    [ -z "$m" ] && ok "$name" || not_ok "$name" "'$2' does not offer:" $m "$(head -c 300 "$T/err.$1" 2>/dev/null)"
}
expect_exactly() { # NAME SHELL LINE WANT...: these and nothing else
    local name=$1 shell=$2 line=$3 got want
    shift 3
    got=$(complete_in "$shell" "$line" | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] && ok "$name" || not_ok "$name" "'$line' offers: $got" "want: $want"
}
# options_missing SHELL: "SCOPE OPTION" for each option a --help names that the completion
# does not offer where it belongs (tests/cli/lib.sh: kfdo's own, a command's, a subcommand's).
options_missing() {
    local shell=$1 scope o
    while read -r scope; do
        for o in $(missing "$shell" "$([ "$scope" = kfdo ] && echo kfdo || echo "kfdo $scope") --" \
            $(sed -n "s/^$scope|//p" <<<"$wanted")); do
            echo "$scope $o"
        done
    done < <(cut -d'|' -f1 <<<"$wanted" | sort -u)
}

commands=$("$KFDO" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && /^  [a-z]/ { print $1 }')
steps=$("$KFDO" run --help | sed -n 's/^Steps: //p')
wanted=$({ scoped_options; for c in $commands; do scoped_options "$c"; done; } | sort -u)
[ "$(wc -w <<<"$commands")" -ge 8 ] && ok "kfdo --help lists the commands" || not_ok "kfdo --help lists the commands" "$commands"
[ "$(wc -w <<<"$steps")" -eq 13 ] && ok "kfdo run --help lists the steps" || not_ok "kfdo run --help lists the steps" "$steps"
mkdir -p "$T/d/sub" && : >"$T/d/file.txt"

need zsh fish
for shell in bash zsh fish; do
    expect_offers "$shell: the commands" $shell "kfdo " $commands
    lacks=$(options_missing $shell)
    [ -z "$lacks" ] && ok "$shell: every option of every command's --help" ||
        not_ok "$shell: every option of every command's --help" "missing:" "$lacks"
    expect_exactly "$shell: --until offers the steps" $shell "kfdo run --until " $steps
    expect_exactly "$shell: --from offers the steps" $shell "kfdo run --from " $steps
    expect_exactly "$shell: --from completes a step's start" $shell "kfdo run --from fi" final-build finish
    expect_exactly "$shell: --workload" $shell "kfdo run --workload " kbuild command timed bench
    expect_exactly "$shell: --bench" $shell "kfdo plan --bench " perf stress-ng sysbench hackbench
    expect_offers "$shell: --config-from offers the sources" $shell "kfdo run --config-from " running defconfig tinyconfig
    expect_offers "$shell: --config-from offers files too" $shell "kfdo run --config-from $T/d/" file.txt
    expect_offers "$shell: --merge offers all and files" $shell "kfdo run --merge $T/d/" file.txt
    expect_offers "$shell: --llvm offers 1" $shell "kfdo run --llvm " 1
    expect_exactly "$shell: profile's subcommands" $shell "kfdo profile " stats perfdata list export
    expect_offers "$shell: a directory for --pkgbuild" $shell "kfdo profile export --pkgbuild $T/d/" sub
    expect_offers "$shell: export takes a profile after it" $shell "kfdo profile export --pkgbuild $T/d $T/d/" file.txt
    expect_offers "$shell: profile stats takes a file" $shell "kfdo profile stats $T/d/" file.txt
    expect_offers "$shell: packages offers install and files" $shell "kfdo packages " install
    expect_offers "$shell: a directory for --tree" $shell "kfdo run --tree $T/d/" sub
    m=$(missing $shell "kfdo run --tree $T/d/" file.txt)
    [ -n "$m" ] && ok "$shell: no file for --tree" || not_ok "$shell: no file for --tree"
    expect_offers "$shell: a directory for --root" $shell "kfdo packages install --root $T/d/" sub
    expect_offers "$shell: a file for --perf-data" $shell "kfdo run --perf-data $T/d/f" file.txt
    expect_offers "$shell: a file for --cpuid-dump" $shell "kfdo detect --cpuid-dump $T/d/f" file.txt
    expect_offers "$shell: options after values" $shell "kfdo run --tree $T/d --u" --until
done

# The completeness check itself fails for a completion that lost an option.
mkdir -p "$T/less" && sed 's/ --llvm-dir / /' completions/kfdo.bash >"$T/less/kfdo.bash"
lacks=$(COMPDIR=$T/less options_missing bash)
[ "$lacks" = "doctor --llvm-dir" ] && ok "a completion without --llvm-dir is found incomplete" ||
    not_ok "a completion without --llvm-dir is found incomplete" "$lacks"
