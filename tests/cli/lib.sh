# Helpers for the CLI tests: each assertion prints "ok - NAME" or "not ok - NAME".
KFDO=${KFDO:-build/kfdo}
FIX=tests/fixtures
T=$(mktemp -d /tmp/kfdo-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT

# run CMD...: runs kfdo, keeping stdout in $T/out, stderr in $T/err and the status in $rc.
run() { "$KFDO" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
expect_rc() { # NAME WANT
    if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1" "exit $rc, want $2" "stderr: $(head -c 400 "$T/err")"; fi
}
expect_out() { # NAME PATTERN (grep -E on stdout)
    if grep -qE -- "$2" "$T/out"; then ok "$1"; else not_ok "$1" "stdout lacks /$2/" "$(head -c 600 "$T/out")"; fi
}
expect_err() { # NAME PATTERN (grep -E on stderr)
    if grep -qE -- "$2" "$T/err"; then ok "$1"; else not_ok "$1" "stderr lacks /$2/" "$(head -c 600 "$T/err")"; fi
}
# A fake perf on PATH so the output does not depend on this machine's perf.
fake_perf() { # on|OFF
    mkdir -p "$T/bin"
    printf '#!/bin/sh\necho "perf version 6.12.4"\necho "               libpfm4: [ %s ]  # HAVE_LIBPFM"\n' "$1" >"$T/bin/perf"
    chmod +x "$T/bin/perf"
    PATH="$T/bin:$PATH"
}
# wait_until SECONDS CMD...: runs CMD every 50 ms until it succeeds (0) or
# SECONDS pass (1). Tests wait for a condition, never a fixed time: the
# deadline is generous (CI is a slow, sometimes loaded 2-core machine) and
# costs nothing when the condition comes sooner.
wait_until() {
    local end=$(( $(date +%s%N) / 1000000 + $1 * 1000 ))
    shift
    until "$@"; do
        [ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
        sleep 0.05
    done
}
# need CMD...: stop here unless scripts/deps.list lists CMD and it is installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/need.sh"
# What kfdo's toolchain step requires of a kernel build (detect/toolchain.c), for the
# tests that take `kfdo run` or the wizard through it: without them the step fails.
# tests/unit/test_toolchain.c checks that scripts/deps.list lists every one of them.
need_kbuild_tools() { need make bc flex bison pahole cpio perl; }
# scoped_options [CMD]: the long options `kfdo [CMD] --help` names, one "SCOPE|OPTION" a line,
# SCOPE being whose option it is: "kfdo" (kfdo's own, before any command: the
# "kfdo [--no-color] [tui ...]" of tui's usage), CMD, or "CMD SUB" (a usage line
# "kfdo packages install --root DIR"). The man page and completion tests read what must be
# there from the help itself. A --word followed by '=' is another program's (detect's help
# names cpuid_tool --save=FILE): kfdo's own are written with a space before their value.
scoped_options() {
    local cmd=${1:-} line sub
    # opts_in TEXT SCOPE: "SCOPE|--OPTION" for each option in TEXT (no fork: ~400 lines).
    opts_in() {
        local t=$1
        while [[ $t =~ --([a-z][a-z0-9-]*)(=?)(.*)$ ]]; do
            [ -z "${BASH_REMATCH[2]}" ] && echo "$2|--${BASH_REMATCH[1]}"
            t=${BASH_REMATCH[3]}
        done
    }
    while IFS= read -r line; do
        if [ -z "$cmd" ]; then
            opts_in "$line" kfdo
        elif [[ $line =~ ^(.*kfdo( \[?--[a-z-]+\]?)*)\ \[?$cmd( |\]|$)(.*)$ ]]; then
            local head=${BASH_REMATCH[1]} rest=${BASH_REMATCH[4]}
            sub=
            [[ $rest =~ ^([a-z][a-z-]*)( |$) ]] && sub=" ${BASH_REMATCH[1]}"
            opts_in "$head" kfdo
            opts_in "$rest" "$cmd$sub"
        else
            opts_in "$line" "$cmd"
        fi
    done < <("$KFDO" $cmd --help) | sort -u
}
