# Bad inputs and interruptions (issue 10): what kfdo reads that is not what it
# expects (a device, a huge file, a name starting with '-', a directory where a
# file goes), and signals that arrive while a tool runs. Each says what is
# wrong in plain words, and nothing kfdo started is left behind.
. tests/cli/lib.sh
# Absolute: some tests run kfdo from another directory.
KFDO=$(cd "$(dirname "$KFDO")" && pwd)/$(basename "$KFDO")
export XDG_STATE_HOME=$T/state XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
# The stats job's temporary output goes here, so that a leftover is seen.
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
REAL_PATH=$PATH
ended() { ! kill -0 "$1" 2>/dev/null; }

# A real sample profile, small: llvm-profdata writes it from its text form.
need llvm-profdata-19
PROFDATA=$(command -v llvm-profdata-19)
printf 'main:100:10\n 1: 10\n 2: 90\nfoo:50:5\n 1: 50\n' >"$T/prof.txt"
"$PROFDATA" merge --sample --extbinary -o "$T/small.afdo" "$T/prof.txt" || { not_ok "make a sample profile"; exit 1; }

# --- kfdo profile stats: what is not a profile file ---
# Under a memory bound: were /dev/zero ever handed to llvm-profdata again, it
# would grow without end (170 MB/s) until the OOM killer came. The bound is on
# llvm-profdata alone (a wrapper first on PATH): kfdo built with ASan needs
# far more address space than any bound.
mkdir -p "$T/limited"
for name in llvm-profdata llvm-profdata-19; do
    printf '#!/bin/sh
ulimit -v 4000000
exec "%s" "$@"
' "$PROFDATA" >"$T/limited/$name"
    chmod +x "$T/limited/$name"
done
PATH="$T/limited:$REAL_PATH" timeout 120 "$KFDO" profile stats /dev/zero >"$T/out" 2>"$T/err"; rc=$?
expect_rc "stats on /dev/zero exits 2" 2
expect_err "stats on /dev/zero: not a regular file" "/dev/zero is not a regular file"
run profile stats "$T"
expect_rc "stats on a directory exits 2" 2
expect_err "stats on a directory: not a regular file" "is not a regular file"
# A sparse file larger than any kernel profile: refused before llvm-profdata reads it.
truncate -s 300MB "$T/huge.afdo"
run profile stats "$T/huge.afdo"
expect_rc "stats on a 300 MB file exits 2" 2
expect_err "stats on a 300 MB file names the limit" "huge.afdo is 300(\.0)? MB: more than .*kfdo reads at most 256(\.0)? MB"
rm -f "$T/huge.afdo"

# Stand-ins for llvm-profdata (the toolchain check finds them first on PATH;
# --version is the real one's): one that runs until stopped, noting its pid
# and its own child's; one that writes output without end.
mkdir -p "$T/bin"
for name in llvm-profdata llvm-profdata-19; do
    cat >"$T/bin/$name" <<EOF
#!/bin/bash
case "\$1" in --version|-version) exec "$PROFDATA" "\$@";; esac
out=; for a; do case "\$a" in --output=*) out=\${a#--output=};; esac; done
if [ -n "\${STATS_FLOOD:-}" ]; then echo \$\$ >"$T/flood.pid"; yes kfdo-flood | head -c 64M >"\$out"; exec sleep 300; fi
sleep 300 & echo \$! >"$T/profdata.child"
echo \$\$ >"$T/profdata.pid"
wait
EOF
    chmod +x "$T/bin/$name"
done

# SIGINT, SIGTERM and SIGHUP while llvm-profdata runs: it is stopped with
# its whole group, the temporary output is removed, kfdo exits 130.
export PATH="$T/bin:$REAL_PATH"
for sig in INT TERM HUP; do
    rm -f "$T/profdata.pid" "$T/profdata.child"
    "$KFDO" profile stats "$T/small.afdo" >"$T/out" 2>"$T/err" &
    pid=$!
    wait_until 30 test -s "$T/profdata.child" || not_ok "SIG$sig: the stand-in llvm-profdata starts" "$(cat "$T/err")"
    wait_until 30 test -s "$T/profdata.pid"
    kill -$sig $pid
    wait_until 30 ended $pid || { not_ok "SIG$sig: kfdo ends" "still running after 30 s"; kill -9 $pid; }
    wait $pid; rc=$?
    expect_rc "SIG$sig: kfdo profile stats exits 130" 130
    p=$(cat "$T/profdata.pid"); c=$(cat "$T/profdata.child")
    if ended "$p" && ended "$c"; then ok "SIG$sig: llvm-profdata and its child are stopped"
    else not_ok "SIG$sig: llvm-profdata and its child are stopped" "$(ps -o pid,pgid,args -p "$p,$c")"; kill -9 "$p" "$c" 2>/dev/null; fi
    left=$(ls "$TMPDIR")
    [ -z "$left" ] && ok "SIG$sig: no temporary file left" || { not_ok "SIG$sig: no temporary file left" "$left"; rm -f "$TMPDIR"/*; }
    expect_err "SIG$sig: says which signal cancelled it" "cancelled by SIG$sig"
done

# Output without end (64 MB, then it hangs): kfdo stops llvm-profdata once
# its output passes the bound, rather than wait for it.
export STATS_FLOOD=1
"$KFDO" profile stats "$T/small.afdo" >"$T/out" 2>"$T/err" &
pid=$!
wait_until 60 ended $pid || { not_ok "endless output: kfdo ends" "still running after 60 s"; kill -9 $pid; }
wait $pid; rc=$?
unset STATS_FLOOD
expect_rc "endless llvm-profdata output: exits 2" 2
expect_err "endless llvm-profdata output: says so" "llvm-profdata's output is over 16(\.0)? MB"
f=$(cat "$T/flood.pid" 2>/dev/null)
[ -n "$f" ] && ended "$f" && ok "endless output: the writer is stopped" ||
    { not_ok "endless output: the writer is stopped" "pid ${f:-none}"; [ -n "$f" ] && kill -9 "$f"; }
left=$(ls "$TMPDIR")
[ -z "$left" ] && ok "endless output: no temporary file left" || { not_ok "endless output: no temporary file left" "$left"; rm -f "$TMPDIR"/*; }
export PATH=$REAL_PATH

# --- a file name starting with '-' is a file, never an option of a tool ---
cp "$T/small.afdo" "$T/-weird"
cp "$T/small.afdo" "$T/-x"
(cd "$T" && "$KFDO" profile stats -- -weird) >"$T/out" 2>"$T/err"; rc=$?
expect_rc "profile stats -- -weird exits 0" 0
expect_out "profile stats -- -weird reads the profile" "^Functions +2 "
(cd "$T" && "$KFDO" profile stats -x) >"$T/out" 2>"$T/err"; rc=$?
expect_rc "profile stats -x (a file) exits 0" 0
expect_out "profile stats -x: llvm-profdata read it as a file" "^Samples +150$"

# --- messages that said something else than what is wrong ---
fake_perf OFF
S=$FIX/sysroot
D=$FIX/cpuid/amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test
: >"$T/afile"
run detect --sysroot "$T/afile"
expect_rc "--sysroot FILE exits 2" 2
expect_err "--sysroot FILE: not a directory (not 'Permission denied')" "the sysroot $T/afile is not a directory"
# A sysroot whose sysctls hold words, whose /proc/cpuinfo is a directory and
# whose PMU directory is a file: each is named unreadable with why, and
# nothing suggests rebuilding the kernel.
cp -a $S/amd-lbrv2-ready "$T/sr"
echo abc >"$T/sr/proc/sys/kernel/perf_event_paranoid"
printf '1x\n' >"$T/sr/proc/sys/kernel/kptr_restrict"
rm "$T/sr/proc/cpuinfo"; mkdir "$T/sr/proc/cpuinfo"
rm -r "$T/sr/sys/bus/event_source/devices"; : >"$T/sr/sys/bus/event_source/devices"
run detect --sysroot "$T/sr" --cpuid-dump $D
expect_out "paranoid: quotes what is not a number" "kernel.perf_event_paranoid +/proc/sys/kernel/perf_event_paranoid holds 'abc', which is not a number"
expect_out "kptr_restrict: quotes what is not a number" "kernel.kptr_restrict +/proc/sys/kernel/kptr_restrict holds '1x', which is not a number"
expect_out "sysfs: cannot be read, and why" "kernel.pmu +cannot read /sys/bus/event_source/devices: Not a directory"
expect_out "cpuinfo: cannot be read, and why" "cannot read /proc/cpuinfo: Is a directory"
if grep -q "CONFIG_PERF_EVENTS" "$T/out"; then not_ok "unreadable /sys, /proc: no kernel rebuild suggested" "$(grep CONFIG_PERF_EVENTS "$T/out")"
else ok "unreadable /sys, /proc: no kernel rebuild suggested"; fi
rm "$T/sr/proc/sys/kernel/perf_event_paranoid"
run detect --sysroot "$T/sr" --cpuid-dump $D
expect_out "a missing sysctl: cannot read, with why" "cannot read /proc/sys/kernel/perf_event_paranoid: No such file or directory"

# A directory given as --vmlinux, a perf.data that cannot be opened, a FIFO.
run plan --vmlinux "$T"
expect_rc "--vmlinux DIR exits 2" 2
expect_err "--vmlinux DIR: is a directory (not 'no such file')" "--vmlinux $T: is a directory"
run plan --vmlinux "$T/none"
expect_err "--vmlinux of nothing: no such file" "--vmlinux $T/none: No such file or directory"
run profile perfdata "$T/none.data"
expect_rc "perfdata of nothing exits 2" 2
expect_out "perfdata of nothing: unreadable, with why" "^perf.data +$T/none.data \(unreadable: No such file or directory\)"
if grep -q "(0 B)" "$T/out"; then not_ok "perfdata of nothing: no size shown"; else ok "perfdata of nothing: no size shown"; fi
mkfifo "$T/fifo.data"
( exec timeout 20 "$KFDO" profile perfdata "$T/fifo.data" ) >"$T/out" 2>"$T/err"; rc=$?
expect_rc "perfdata of a FIFO exits 2 (and does not wait for a writer)" 2
expect_out "perfdata of a FIFO: not a regular file" "is not a regular file"

# A session file that holds JSON null.
mkdir -p "$XDG_STATE_HOME/kfdo"
echo null >"$XDG_STATE_HOME/kfdo/session.json"
run status
expect_out "a session of null: holds no session object" "unreadable \(it holds JSON null, not a session object\)"
if grep -q "(success)" "$T/out" "$T/err"; then not_ok "a session of null: no '(success)'"; else ok "a session of null: no '(success)'"; fi
