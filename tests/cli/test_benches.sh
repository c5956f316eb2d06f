# The benchmark workloads' commands, run by the real tools. kfdo writes each
# one's argv itself (engine/record.c) for tools it does not ship, and an option a
# tool does not take would otherwise only show when a user records with it.
# Each command, as `kfdo plan` shows it after `perf record ... --`, runs for two
# seconds under timeout: still running then means the tool took its options (a
# usage error exits at once). perf bench and hackbench do a fixed amount of
# work, so kfdo's own binary repeats them for --minutes (kfdo __repeat,
# tests/cli/test_repeat.sh): the command runs through it as planned, and the
# benchmark must be gone once it is stopped. The recording around a workload is
# tests/cli/test_profile.sh's; a benchmark that is not installed is refused
# before recording (tests/unit/test_record.c).
. tests/cli/lib.sh
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
tree=$T/tree
cp -a tests/fixtures/faketree "$tree"

self=$(readlink -f "$KFDO")
for b in perf stress-ng sysbench hackbench; do
    # make check installs all four on Debian; hackbench (rt-tests) is in the AUR on Arch.
    if ! why=$("$KFDO_DEPS" need test "$b" 2>&1); then
        case $why in *"no arch package"*|*"no debian package"*) ok "$b # SKIP $why"; continue ;; esac
        not_ok "$b is installed" "$why"
        continue
    fi
    run plan --tree "$tree" --workload bench --bench "$b" --minutes 1
    line=$(grep -E '^ *perf record .* -- ' "$T/out" | head -n1)
    if [ -z "$line" ]; then
        not_ok "$b: kfdo plan records it" "$(cat "$T/out" "$T/err")"
        continue
    fi
    ok "$b: kfdo plan records it"
    # kfdo plan quotes each argument as a shell would: eval splits it back into kfdo's argv.
    eval "set -- ${line#* -- }"
    work=$*
    case $b in
    perf | hackbench)
        # The minute asked for, repeated by the very kfdo that planned it.
        [ "$1" = "$self" ] && [ "$2" = __repeat ] && [ "$3" = 60 ] && [ "$4" = -- ] &&
            ok "$b: repeated by kfdo __repeat for the minute asked" ||
            not_ok "$b: repeated by kfdo __repeat for the minute asked" "$*"
        eval "set -- ${line#* -- * -- }"
        ;;
    *)
        grep -q __repeat <<<"$line" && not_ok "$b: ends itself at the time, not repeated" "$line" ||
            ok "$b: ends itself at the time, not repeated"
        ;;
    esac
    [ "$1" = "$b" ] && ok "$b: the workload is $b itself" || not_ok "$b: the workload is $b itself" "$*"
    eval "set -- ${line#* -- }"
    # timeout makes a process group of its own and sends SIGINT to all of it, as
    # kfdo's stop on request does to perf record's.
    timeout -k 5 -s INT 2 "$@" >"$T/bench.out" 2>&1 &
    tpid=$!
    wait "$tpid"
    brc=$?
    [ "$brc" = 124 ] && ok "$b: '$work' runs with these options" ||
        not_ok "$b: '$work' runs with these options" "exit $brc after less than 2 s" "$(head -n 5 "$T/bench.out")"
    # stress-ng's stressors may take a moment more to wind down after their parent.
    for _ in $(seq 50); do
        left=$(pgrep -g "$tpid" || true)
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] && ok "$b: nothing of it left running" ||
        not_ok "$b: nothing of it left running" "$(ps -o pid,stat,args -g "$tpid")"
    if [ -n "$left" ]; then kill -KILL -- "-$tpid" 2>/dev/null; fi
done
