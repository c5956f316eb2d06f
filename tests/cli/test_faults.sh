# Faults: kfdo killed (kill -9) while it saves the session and in the middle of
# a build, and a disk that fills up under the build log. The builds run the real
# make on the stand-in tree (tests/fixtures/faketree); a real kernel build is
# killed in make check-e2e.
. tests/cli/lib.sh
need_kbuild_tools
TOOLS=${KFDO_TOOLS:-build/tools}
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT

# kill -9 at random moments of a save loop: the state file is always a whole
# session, the old one or the new one. Each kill waits for a random save
# number (0-7) to be on disk, then a random few ms more: a save's duration
# (fsync) differs from machine to machine, so a fixed delay alone could land
# every kill in the first saves on a slow disk.
# saved_no: the number of the save on disk in $n ("" when none), read without a fork.
saved_no() {
    local l
    n=
    { while IFS= read -r l; do
        case $l in *'"tree": "/tree/'*) n=${l##*/tree/}; n=${n%%\"*}; return ;; esac
    done <"$T/storm/session.json"; } 2>/dev/null
}
# nap: 2 ms without a fork (a read that times out on a pipe nobody writes).
exec {napfd}<> <(:)
nap() { read -r -t 0.002 -u "$napfd" _; }
trials=200 loaded=0 bad="" seen=""
for i in $(seq $trials); do
    rm -rf "$T/storm"
    "$TOOLS/savestorm" save "$T/storm" 2>/dev/null &
    p=$!
    want=$((RANDOM % 8)) end=$((EPOCHSECONDS + 20))
    until saved_no; [ -n "$n" ] && [ "$n" -ge "$want" ]; do [ "$EPOCHSECONDS" -ge "$end" ] && break; nap; done
    sleep "$(printf '0.%03d' $((RANDOM % 10)))"
    kill -9 $p; wait $p 2>/dev/null
    if r=$("$TOOLS/savestorm" check "$T/storm"); then loaded=$((loaded + 1)); seen="$seen $r"; else bad="$bad [$i: $r]"; fi
done
distinct=$(tr ' ' '\n' <<<"$seen" | sort -un | grep -c .)
leftover=$(ls -A "$T/storm" | grep -c '^\.session\.json\.')
echo "# $trials kills: $loaded whole sessions loaded, $distinct different saves seen; the last kill left $leftover temporary file(s)"
[ "$loaded" -eq "$trials" ] && ok "kill -9 during saves: $loaded/$trials loads whole" || not_ok "kill -9 during saves: every load whole" "$bad"
[ "$distinct" -ge 5 ] && ok "the kills landed at many moments ($distinct saves)" || not_ok "the kills landed at many moments" "$distinct"

export XDG_STATE_HOME=$T/state
fresh_tree() { rm -rf "$T/tree" "$XDG_STATE_HOME"; cp -a $FIX/faketree "$T/tree"; }
RUN="run --yes --from configure --until build --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 --tree $T/tree"
in_tree() { for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$T/tree" ] && echo "${p#/proc/}"; done; }
log_has() { # PATTERN [COUNT]: the build log has COUNT lines matching PATTERN
    local log
    log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log 2>/dev/null | tail -n1)
    [ -n "$log" ] && [ "$(grep -c -- "$1" "$log")" -ge "${2:-1}" ]
}
# wait_log PATTERN [COUNT]: until then (the configure and the build before it
# take seconds under ASan on a loaded machine); says so when it never comes.
wait_log() { wait_until 60 log_has "$@" || not_ok "the build log reaches /$1/" "$(tail -3 "$T/out1")"; }

# kill -9 while the build is in a silent phase (the stand-in's 30 s "link"):
# the build goes on without kfdo. The next status says so; the next run stops
# it, marks the step interrupted and builds again. The "link" lasts far longer
# than the test needs (the next run stops it): on a loaded machine 30 s ran out
# before that run came to it.
fresh_tree
"$KFDO" $RUN --make-var LINK_DELAY=600 >"$T/out1" 2>&1 &
pid=$!
wait_log 'LD      vmlinux.o'
kill -9 $pid; wait $pid 2>/dev/null
sleep 0.2
[ -n "$(in_tree)" ] && ok "after kill -9 the build still runs" || not_ok "after kill -9 the build still runs"
run status
expect_out "status: says the run was killed" "killed during the build step \(pid $pid\); its job is still running: kfdo run stops it"
expect_out "status: the step still reads running" "build +running"
# status only reads: the leftover build is kfdo run's (or the wizard's) to stop.
[ -n "$(in_tree)" ] && ok "status leaves the job alone" || not_ok "status leaves the job alone" "nothing in the tree runs"
run run --yes --until build --make-var LINK_DELAY=0
expect_rc "the next run builds again" 0
expect_out "run: says what happened and stops the job" "killed during the build step \(pid $pid\); its job was still running \([0-9]+ processes in group [0-9]+\) and has been stopped"
expect_out "run: the step is marked interrupted" "build step is marked failed \(interrupted\)"
expect_out "run: configure is not redone" "Configure the kernel: already done"
expect_out "run: the build ran again" "built in "
left=$(in_tree)
[ -z "$left" ] && ok "nothing of the killed build is left" || not_ok "nothing of the killed build is left" "$(ps -o pid,args -p $left)"
run status
expect_out "status: build done after the resume" "build +done"
if grep -q '"owner"' "$XDG_STATE_HOME/kfdo/session.json"; then not_ok "a finished step keeps no owner"; else ok "a finished step keeps no owner"; fi

# kill -9 while the build floods its log: with its reader gone the build dies
# at its next write (SIGPIPE), and the next run says it had stopped.
fresh_tree
"$KFDO" $RUN --make-var "FLOOD=$TOOLS/floodlog --lines 1000000 --rate 5000" >"$T/out1" 2>&1 &
pid=$!
wait_log 'CC ' 500
kill -9 $pid; wait $pid 2>/dev/null
none_in_tree() { [ -z "$(in_tree)" ]; }
wait_until 30 none_in_tree
run status
expect_out "status: a killed run whose build died" "killed during the build step \(pid $pid\); kfdo run runs the step again"
run run --yes --until build --make-var FLOOD=
expect_rc "the run after it builds" 0
expect_out "run: says the job had stopped" "killed during the build step \(pid $pid\); its job had stopped"

# A step left running by a kfdo that still runs is not touched.
fresh_tree
"$KFDO" $RUN --make-var LINK_DELAY=30 >"$T/out1" 2>&1 &
pid=$!
wait_log 'LD      vmlinux.o'
run status
expect_out "status: a live run is named" "kfdo \(pid $pid\) is running the build step"
kill -INT $pid; wait $pid

# The disk fills up under the build log: the build's own outcome stands, the
# message names the incomplete log and the full disk, and the outcome is saved
# all the same (from the space kfdo holds in reserve while a step runs), so
# that status tells the full disk rather than a killed run.
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: disk full (mounting a 1 MB tmpfs for the state directory needs root)"
else
    mkdir -p "$T/small"
    if ! why=$(mount -t tmpfs -o size=1m kfdo-test "$T/small" 2>&1); then
        echo "# skipped: disk full (root, but mounting a tmpfs was refused: $why)"
    else
        export XDG_STATE_HOME=$T/small/state
        fresh_tree
        run $RUN --make-var "FLOOD=$TOOLS/floodlog --bytes 4M"
        expect_rc "disk full: the build's outcome (it built)" 0
        expect_out "disk full: the step is ok" "ok +built in "
        expect_out "disk full: names the incomplete log and the full disk" \
            "its log $T/small/state/kfdo/logs/build-[0-9-]+\.log is incomplete: the disk is full \(No space left on device\)"
        if grep -q "the session could not be saved" "$T/out"; then not_ok "disk full: the outcome is saved all the same" "$(grep 'could not be saved' "$T/out")"
        else ok "disk full: the outcome is saved all the same"; fi
        log=$(ls "$XDG_STATE_HOME"/kfdo/logs/build-2*.log | tail -n1)
        size=$(stat -c %s "$log")
        [ "$size" -gt 100000 ] && [ "$size" -le 1048576 ] && ok "disk full: the log keeps what fit ($size bytes)" \
            || not_ok "disk full: the log keeps what fit" "$size bytes"
        [ -f "$T/tree/arch/x86/boot/bzImage" ] && ok "disk full: the build went on to the end" || not_ok "disk full: the build went on to the end"
        # What status says afterwards: the step's outcome and the full disk, not a killed run.
        run status
        expect_out "disk full: status names the full disk" "build +(done|failed) .*the disk is full"
        if grep -q "killed" "$T/out"; then not_ok "disk full: status does not call the run killed" "$(grep killed "$T/out")"
        else ok "disk full: status does not call the run killed"; fi
        umount "$T/small"
    fi
fi
