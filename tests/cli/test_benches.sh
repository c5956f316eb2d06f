# The benchmark workloads' commands, run by the real tools. kfdo writes each
# one's argv itself (core/record.c) for tools it does not ship, and an option a
# tool does not take would otherwise only show when a user records with it.
# Each command, as `kfdo plan` shows it after `perf record ... --`, runs for two
# seconds under timeout: still running then means the tool took its options (a
# usage error exits at once). The recording around a workload is
# tests/cli/test_profile.sh's; a benchmark that is not installed is refused
# before recording (tests/unit/test_record.c).
. tests/cli/lib.sh
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
tree=$T/tree
cp -a tests/fixtures/faketree "$tree"

for b in perf stress-ng sysbench hackbench; do
    if ! command -v "$b" >/dev/null; then
        # make deps-test installs all four on Debian; hackbench (rt-tests) is in the AUR on Arch.
        echo "# skip $b: not installed"
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
    [ "$1" = "$b" ] && ok "$b: the workload is $b itself" || not_ok "$b: the workload is $b itself" "$*"
    timeout -k 5 -s INT 2 "$@" >"$T/bench.out" 2>&1
    brc=$?
    [ "$brc" = 124 ] && ok "$b: '$*' runs with these options" ||
        not_ok "$b: '$*' runs with these options" "exit $brc after less than 2 s" "$(head -n 5 "$T/bench.out")"
done
