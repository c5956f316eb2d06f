# Every process kfdo starts goes through proc/spawn.c (spawn.h): no other source
# file of the layers calls fork(), vfork(), clone(), an exec*(), a posix_spawn*(),
# system() or popen(). Those would start a child with kfdo's ignored SIGPIPE, its
# handlers, its terminal on stdin and its fds (or a shell reading a string). The
# check reads the code without its comments and string literals; the unit and
# tool programs under tests/ fork as test harnesses do and are not looked at.
# Then the check itself on planted trees: it must find each kind of call, and
# must not be fooled by a comment, a string or a longer name.
. tests/cli/lib.sh

# spawn_calls ROOT: "FILE:LINE: CODE" for each call outside proc/spawn.c.
spawn_calls() {
    local root=$1 f files=()
    for f in "$root"/{base,proc,detect,engine,tui,cli}/*.[ch]; do
        [ -f "$f" ] && [ "$f" != "$root/proc/spawn.c" ] && files+=("$f")
    done
    [ ${#files[@]} -gt 0 ] || return 0
    awk -v root="$root/" '
    FNR == 1 { incomment = 0 }
    {
        line = $0; code = ""; n = length(line); i = 1
        while (i <= n) {
            c = substr(line, i, 1); c2 = substr(line, i, 2)
            if (incomment) { if (c2 == "*/") { incomment = 0; i += 2 } else i++; continue }
            if (inquote) {
                if (c == "\\") { i += 2; continue }
                if (c == quote) { inquote = 0; code = code c }
                i++; continue
            }
            if (c2 == "/*") { incomment = 1; code = code " "; i += 2; continue }
            if (c2 == "//") break
            if (c == "\"" || c == "'\''") { inquote = 1; quote = c; code = code c; i++; continue }
            code = code c; i++
        }
        inquote = 0
        if (code ~ /(^|[^A-Za-z0-9_.>])(fork|vfork|clone3?|exec(l|lp|le|v|vp|vpe|ve)|fexecve|posix_spawn[A-Za-z_]*|system|popen)[ \t]*\(/ ||
            code ~ /SYS_(v?fork|clone3?|execve(at)?)([^A-Za-z0-9_]|$)/) {
            f = FILENAME; sub("^" root, "", f)
            print f ":" FNR ": " code
        }
    }' "${files[@]}"
}

out=$(spawn_calls "$PWD")
if [ -z "$out" ]; then
    ok "only proc/spawn.c starts a process"
else
    not_ok "only proc/spawn.c starts a process" "start it with spawn() or spawn_fork() (proc/spawn.h):" "$out"
fi
# The check looked at something: proc/spawn.c itself has the calls.
if grep -qE '(^|[^a-z_])fork\(' proc/spawn.c && grep -qE 'exec[a-z]*\(' proc/spawn.c; then
    ok "proc/spawn.c is where fork and exec are"
else
    not_ok "proc/spawn.c is where fork and exec are"
fi

# plant ROOT FILE LINE...: a source file of a planted tree.
plant() {
    local root=$1 file=$2
    shift 2
    mkdir -p "$root/$(dirname "$file")"
    printf '%s\n' "$@" >"$root/$file"
}
P=$T/planted
plant "$P/ok" proc/spawn.c 'pid_t p = fork();' 'execvp(a[0], a);'
plant "$P/ok" engine/a.c '/* Not fork() here: spawn() does, and no execvp( either.' \
    '   nor system("ls") */' 'msg = _("cannot fork(): %s, or popen(\"x\")");' \
    'r = spawn_fork(&pid, &spec, fn, arg, NULL);  // fork() in a comment' \
    'ops->system(x); c = '\''('\''; s.popen(y); my_execvp(z);'
plant "$P/ok" tui/b.h '#define X "execl(" /* execv( */'
out=$(spawn_calls "$P/ok")
[ -z "$out" ] && ok "comments, strings, members and longer names are not calls" \
    || not_ok "comments, strings, members and longer names are not calls" "$out"

i=0
for call in 'pid_t p = fork();' 'if (vfork() == 0)' 'execvp(argv[0], argv);' 'execl("/bin/sh", "sh", NULL);' \
    'execve (path, argv, env);' 'posix_spawnp(&pid, "sudo", NULL, NULL, argv, environ);' \
    'posix_spawn_file_actions_init(&fa);' 'posix_spawnattr_init(&at);' 'system(cmd);' 'FILE *f = popen(cmd, "r");' \
    'syscall(SYS_clone3, &args, sizeof args);' 'int r = clone(fn, stack, SIGCHLD, arg);'; do
    i=$((i + 1))
    plant "$P/bad$i" detect/c.c '#include "detect/c.h"' '/* a comment */' "	$call"
    out=$(spawn_calls "$P/bad$i")
    if [ "$(wc -l <<<"$out")" -eq 1 ] && [[ $out == "detect/c.c:3: "* ]]; then ok "found: $call"
    else not_ok "found: $call" "got: $out"; fi
done
# A call after a comment ends on the same line, and one in a header.
plant "$P/late" cli/d.c '/* one' ' two */ pid = fork();'
plant "$P/late" tui/e.h 'static inline void f(void) { execvp(a, b); }'
out=$(spawn_calls "$P/late")
if grep -q '^cli/d.c:2: ' <<<"$out" && grep -q '^tui/e.h:1: ' <<<"$out"; then
    ok "a call after a comment, and one in a header, are found"
else
    not_ok "a call after a comment, and one in a header, are found" "$out"
fi
# Another file named spawn.c elsewhere is not exempt.
plant "$P/other" tui/spawn.c 'pid_t p = fork();'
out=$(spawn_calls "$P/other")
[ "$out" = "tui/spawn.c:1: pid_t p = fork();" ] && ok "only proc/spawn.c is exempt" \
    || not_ok "only proc/spawn.c is exempt" "$out"
