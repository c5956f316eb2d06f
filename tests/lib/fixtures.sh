# Fixture builders the CLI and the TUI tests share (source it after
# tests/cli/lib.sh, which sets $T and $FIX). Each stands in for something
# this VM cannot give, and says so where a test uses it:
# - a kernel-like image (tests/fixtures/minikernel) whose instructions
#   tests/tools/gen_perfscript samples, since there is no PMU to record LBR;
# - a machine's /proc and /sys "running" that image (a fixture sysroot);
# - a perf wrapper that records a software event instead of the branch event;
# - a sysctl that writes the fixture sysroot instead of this shared machine.

# build_minikernel OUT [CFLAGS]: links the kernel-like image at the kernel's
# address, with debug info and a build-id (-O2 unless told; -O1 gives another build).
build_minikernel() {
    cc ${2:--O2} -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -fno-asynchronous-unwind-tables \
        -fno-stack-protector -nostdlib -static -no-pie -Wl,--build-id=sha1 \
        -Wl,-T,"$FIX/minikernel/kernel.lds" "$FIX/minikernel/kernel.c" -o "$1"
}

# build_id ELF: its GNU build-id, as readelf prints it.
build_id() { readelf -n "$1" | sed -n 's/.*Build ID: //p'; }

# mk_sysroot DIR RELEASE ELF: a machine running ELF as its kernel: the
# release in /proc, ELF's build-id note as /sys/kernel/notes, and the perf
# settings a user can record the kernel with (perf_event_paranoid and
# kptr_restrict 0).
mk_sysroot() {
    mkdir -p "$1/proc/sys/kernel" "$1/sys/kernel"
    echo "$2" >"$1/proc/sys/kernel/osrelease"
    echo 0 >"$1/proc/sys/kernel/perf_event_paranoid"
    echo 0 >"$1/proc/sys/kernel/kptr_restrict"
    local sec=.note.gnu.build-id
    readelf -S "$3" | grep -q ' \.notes ' && sec=.notes
    objcopy -O binary --only-section=$sec "$3" "$1/sys/kernel/notes"
}

# perf_wrapper BINDIR: a perf on BINDIR that stands in front of the real one
# (this VM has no PMU): perf record's branch event becomes cpu-clock and -b
# goes; everything else is passed on unchanged. Call it before BINDIR is on PATH.
perf_wrapper() {
    local real
    real=$(command -v perf) || return 1
    mkdir -p "$1"
    cat >"$1/perf" <<EOW
#!/bin/sh
# Stands in front of the real perf (this VM has no PMU): the branch event
# becomes cpu-clock and -b goes; everything else is passed on unchanged.
[ "\$1" = record ] || exec $real "\$@"
shift; first=1; ev=0; dd=0
for a do
  [ \$first = 1 ] && { set --; first=0; }
  if [ \$dd = 1 ]; then set -- "\$@" "\$a"; continue; fi
  if [ \$ev = 1 ]; then set -- "\$@" cpu-clock; ev=0; continue; fi
  case \$a in
    -b) ;;
    -e|--pfm-events) set -- "\$@" -e; ev=1 ;;
    --) set -- "\$@" --; dd=1 ;;
    *) set -- "\$@" "\$a" ;;
  esac
done
exec $real record "\$@"
EOW
    chmod +x "$1/perf"
}

# can_record: whether perf may record system-wide here (root, or a low perf_event_paranoid).
can_record() { perf record -q -e cpu-clock -a -o "$T/probe.data" -- true >/dev/null 2>&1; }

# stand_in_sysctl BINDIR SYSROOT: a sysctl -w on BINDIR that writes SYSROOT's
# /proc/sys instead of this shared machine's.
stand_in_sysctl() {
    mkdir -p "$1"
    cat >"$1/sysctl" <<EOW
#!/bin/sh
# Stand-in for sysctl -w, writing the fixture sysroot instead of the machine.
[ "\$1" = -w ] && shift
for kv do k=\${kv%%=*}; echo "\${kv#*=}" >"$2/proc/sys/\$(echo \$k | tr . /)"; done
EOW
    chmod +x "$1/sysctl"
}

# perf_trace_standin BINDIR TRACE BUILD_ID RELEASE: a perf on BINDIR whose
# record runs the workload after "--" as perf would, then writes the -o file
# with tests/tools/gen_perfdata from TRACE (samples with branch stacks of the
# kernel BUILD_ID), since this VM has no PMU to record them; every other perf
# command is the real one. Needs $TOOLS. Call it before BINDIR is on PATH.
perf_trace_standin() {
    local real
    real=$(command -v perf) || return 1
    mkdir -p "$1"
    cat >"$1/perf" <<EOW
#!/bin/sh
# Stand-in for perf record (no PMU here): the workload runs, the samples come
# from a generated trace of the installed kernel.
[ "\$1" = record ] || exec $real "\$@"
out=perf.data
while [ \$# -gt 0 ] && [ "\$1" != -- ]; do [ "\$1" = -o ] && out=\$2; shift; done
[ "\$1" = -- ] && shift
[ \$# -gt 0 ] && "\$@"
exec "$TOOLS/gen_perfdata" -o "\$out" --from-perfscript "$2" --kernel-build-id "$3" --os-release "$4"
EOW
    chmod +x "$1/perf"
}

# boot_standins BINDIR CALLS SYSROOT: stand-ins on BINDIR for what kfdo reboot
# and kfdo continue run, each writing its arguments as a line to CALLS: bootctl
# (answering status and list as a real one does on tests/fixtures/boot/sdboot-arch,
# from the outputs kept in tests/fixtures/boot/texts), systemctl, efibootmgr
# (no EFI here), notify-send, sudo (then runs the command as the user, for runs
# as an unprivileged user) and sysctl (-w KEY=VALUE and -p FILE write SYSROOT's
# /proc/sys instead of this shared machine's). Call it before BINDIR is on PATH.
boot_standins() {
    local c texts
    texts=$(cd "$FIX/boot/texts" && pwd)
    mkdir -p "$1"
    for c in bootctl systemctl efibootmgr notify-send sudo sysctl; do
        printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$c" "$2" >"$1/$c"
    done
    cat >>"$1/bootctl" <<EOW
case "\$1" in
status) cat "$texts/bootctl-status-systemd-boot.txt" ;;
list) cat "$texts/bootctl-list.json" ;;
esac
EOW
    echo 'exit 1' >>"$1/efibootmgr"
    echo 'while [ $# -gt 0 ]; do case $1 in -*|*=*) shift ;; *) break ;; esac; done; if [ $# -gt 0 ]; then exec "$@"; fi' >>"$1/sudo"
    cat >>"$1/sysctl" <<EOW
set_kv() { echo "\${1#*=}" >"$3/proc/sys/\$(echo "\${1%%=*}" | tr . /)"; }
case "\$1" in
-w) shift; for kv do set_kv "\$kv"; done ;;
-p) sed -n 's/^\([a-z_.]*\) *= *\(-*[0-9]*\)\$/\1=\2/p' "\$2" | while read -r kv; do set_kv "\$kv"; done ;;
*) exit 2 ;;
esac
EOW
    chmod +x "$1"/*
}

# boot_machine DIR BOOT_ID ELF PARANOID: a fixture machine with the systemd-boot
# layout of tests/fixtures/boot/sdboot-arch, running ELF (release 6.13.0-fake,
# the stand-in tree's) in the boot BOOT_ID, with perf_event_paranoid PARANOID.
boot_machine() {
    mkdir -p "$1" && cp -a "$FIX/boot/sdboot-arch/." "$1/"
    mk_sysroot "$1" 6.13.0-fake "$3"
    mkdir -p "$1/proc/sys/kernel/random" && echo "$2" >"$1/proc/sys/kernel/random/boot_id"
    echo "$4" >"$1/proc/sys/kernel/perf_event_paranoid"
}
