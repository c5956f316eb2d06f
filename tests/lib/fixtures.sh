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
