/* The one way kfdo starts a process (every other file goes through here:
 * tests/cli/test_spawn_only.sh checks it).
 *
 * The child always starts clean: every signal disposition back to default
 * and no signal blocked (an ignored SIGPIPE, the TUI's handlers and a
 * repeater's blocked SIGCHLD would otherwise survive into it), stdin from
 * /dev/null unless the terminal is handed over, stdout and stderr where the
 * spec says, and no other fd of kfdo's open (a leaked pipe's write end would
 * keep another job from ever seeing EOF).
 *
 * spawn() returns only once the program runs or failed to: a program that
 * is not there, a working directory that is not, come back as -errno with a
 * cause ("cannot run 'make': No such file or directory"), never as a child
 * that exits 127.
 *
 * spawn_fork() is the same child running a function of kfdo's instead of a
 * program: a computation that may crash (libcpuid on a bad dump) or takes
 * seconds while the wizard keeps drawing. */
#ifndef KFDO_SPAWN_H
#define KFDO_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Where the child's stdout or stderr goes. */
enum spawn_io {
	SPAWN_IO_NULL,     /* /dev/null (the default) */
	SPAWN_IO_INHERIT,  /* the caller's own stdout or stderr */
	SPAWN_IO_FD,       /* out_fd or err_fd */
};

enum spawn_group {
	SPAWN_GROUP_SAME,   /* the caller's process group (the default) */
	SPAWN_GROUP_NEW,    /* a group of its own, led by the child: a cancel reaches the whole tree */
	SPAWN_SESSION_NEW,  /* a session of its own: no controlling terminal, not the caller's signals */
};

struct spawn_spec {
	const char *const *argv;  /* NULL-terminated; argv[0] names the program in messages */
	const char *file;         /* the program; NULL: argv[0], looked up in the child's PATH */
	const char *cwd;          /* working directory, NULL to inherit */
	const char *const *env;   /* NULL-terminated "K=V" added to (or replacing in) the
	                             environment; a bare "K" unsets K; may be NULL */
	bool terminal;            /* an interactive child: stdin stays the caller's (the terminal) */
	enum spawn_io out, err;
	int out_fd, err_fd;       /* for SPAWN_IO_FD; may be the same fd */
	enum spawn_group group;
	int keep_fd;              /* one more fd the child keeps (above 2), e.g. spawn_fork's
	                             result pipe; 0: none */
};

/* Starts the program. 0 with *pid set once it runs (the caller reaps it), or
 * -errno with *cause set and nothing left running: "cannot run 'P': ..." when
 * exec failed, "cannot run 'P' in 'DIR': ..." when the working directory
 * could not be entered, "cannot start 'P': ..." when anything before failed. */
int spawn(pid_t *pid, const struct spawn_spec *spec, char **cause);

/* Forks a child that, set up as spawn() sets up a program (spec->argv and
 * file unused), runs fn(arg) and _exits with what it returns. The child must
 * not touch the terminal or curses; the fatal hook is cleared in it. 0 with
 * *pid set, or -errno with *cause set. */
int spawn_fork(pid_t *pid, const struct spawn_spec *spec, int (*fn)(void *arg), void *arg, char **cause);

/* pipe2(O_CLOEXEC) with both ends above fd 2: made while the caller's stdio
 * is closed, an end at 0-2 would be replaced by the child's stdio (the error
 * pipe, a keep_fd). 0 or -errno. */
int spawn_pipe(int p[2]);

#endif
