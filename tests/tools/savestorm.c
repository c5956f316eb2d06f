/* savestorm: saves the session over and over, for the kill -9 test of
 * engine/session.c's atomic save (tests/cli/test_faults.sh), and checks what a
 * kill left behind.
 *
 *   savestorm save DIR    saves forever in DIR: session N has tree "/tree/N"
 *                         and step messages whose lengths change with N, so
 *                         a file cut or mixed from two saves cannot pass check
 *   savestorm check DIR   loads DIR's session: prints N and exits 0 when it is
 *                         whole; exits 1 when it cannot be loaded or is not
 *                         one of the sessions save writes
 *
 * It is a test program: never installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"
#include "base/paths.h"
#include "base/util.h"

/* Step i's message in session n: a length that changes with n. */
static char *message_for(long n, int i)
{
	size_t len = (size_t)((n * 7 + i * 131) % 4000);
	char *m = xmalloc(len + 32);
	int k = snprintf(m, 32, "%ld/%d:", n, i);
	memset(m + k, 'a' + (int)((n + i) % 26), len);
	m[k + len] = 0;
	return m;
}

static struct session *session_for(long n)
{
	struct session *s = session_new();
	char *tree = xasprintf("/tree/%ld", n);
	session_set(&s->tree, tree);
	free(tree);
	for (int i = 0; i < STEP_COUNT; i++) {
		char *m = message_for(n, i);
		session_step_set(s, (enum step_id)i, STATUS_DONE, m);
		free(m);
	}
	for (long k = 0; k < n % 5; k++)
		session_history_add(s, "/tree", "0123456789abcdef", (double)k, k * 10, NULL);
	return s;
}

static int check(void)
{
	struct session *s = NULL;
	char *cause = NULL;
	enum state_load_result r = state_load(&s, &cause);
	if (r != STATE_LOADED) {
		printf("not loaded (%d): %s\n", (int)r, cause ? cause : "no session");
		free(cause);
		return 1;
	}
	long n = s->tree ? strtol(s->tree + strlen("/tree/"), NULL, 10) : -1;
	int bad = !s->tree || !str_starts(s->tree, "/tree/");
	for (int i = 0; !bad && i < STEP_COUNT; i++) {
		char *m = message_for(n, i);
		bad = !s->steps[i].message || strcmp(s->steps[i].message, m) != 0;
		free(m);
	}
	if (bad)
		printf("loaded, but not a session save wrote (tree %s)\n", s->tree ? s->tree : "-");
	else
		printf("%ld\n", n);
	session_free(s);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "save") != 0 && strcmp(argv[1], "check") != 0)) {
		fprintf(stderr, "usage: savestorm save|check DIR\n");
		return 2;
	}
	paths_set_state_dir(argv[2]);
	if (strcmp(argv[1], "check") == 0)
		return check();
	for (long n = 1;; n++) {
		struct session *s = session_for(n);
		char *cause = NULL;
		if (state_save(s, &cause) < 0) {
			fprintf(stderr, "savestorm: %s\n", cause);
			return 1;
		}
		session_free(s);
	}
}
