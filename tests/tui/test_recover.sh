# The wizard after a kfdo that was killed (kill -9) in the middle of a build:
# it says so, stops what is left of that build (engine/recover, as kfdo run
# does) and offers the step again. The build runs the real make on the stand-in
# tree; its 30 s "link" keeps it running after kfdo is gone.
. tests/tui/lib.sh
tree=$T/tree
fake_tree "$tree"
in_tree() { for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$tree" ] && echo "${p#/proc/}"; done; }

"$KFDO" run --yes --from configure --until build --config-from tinyconfig --target bzImage --llvm 1 --jobs 2 \
    --tree "$tree" --make-var LINK_DELAY=30 >"$T/run.out" 2>&1 &
pid=$!
at_link() { grep -qs 'LD      vmlinux.o' "$XDG_STATE_HOME"/kfdo/logs/build-2*.log; }
wait_until 60 at_link || not_ok "kfdo run reaches the link" "$(tail -3 "$T/run.out")"
kill -9 $pid; wait $pid 2>/dev/null
sleep 0.2
[ -n "$(in_tree)" ] && ok "after kill -9 the build still runs" || not_ok "after kill -9 the build still runs"

start_shell 100 30
kfdo
expect "the wizard says the last run was killed" "last run was killed during the build step"
expect "and that what was left of it was stopped" "left of its job were stopped"
# recover stops what is left (SIGINT, then SIGTERM, then SIGKILL); a leak stays for the 30 s link.
none_in_tree() { [ -z "$(in_tree)" ]; }
wait_until 10 none_in_tree
left=$(in_tree)
[ -z "$left" ] && ok "nothing of the killed build is left" || not_ok "nothing of the killed build is left" "$(ps -o pid,args -p $left)"
grep -q '"status": "failed"' "$XDG_STATE_HOME/kfdo/session.json" && grep -q 'interrupted' "$XDG_STATE_HOME/kfdo/session.json" &&
    ok "the session marks the build interrupted" || not_ok "the session marks the build interrupted"
keys q
wait_exit 5
[ "$rc" = 0 ] && ok "quits" || not_ok "quits" "exit $rc"
