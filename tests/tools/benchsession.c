/* benchsession RUNS.json: puts the two benchmark runs of RUNS.json (the
 * session's "bench" object: baseline and after) into the saved session of
 * $XDG_STATE_HOME/kfdo (a new one when there is none), for the tests of what
 * kfdo shows of a comparison (the wizard's chart) with figures known in
 * advance. The measuring itself is tested for real elsewhere
 * (tests/cli/test_compare.sh, tests/e2e/test_flow.sh). A test program: never
 * installed. */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "engine/session.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: benchsession RUNS.json\n");
		return 2;
	}
	json_object *runs = json_object_from_file(argv[1]);
	if (!runs || !json_object_is_type(runs, json_type_object)) {
		fprintf(stderr, "benchsession: %s is not a JSON object\n", argv[1]);
		return 2;
	}
	struct session *s = NULL;
	char *cause = NULL;
	if (state_load(&s, &cause) == STATE_ERROR) {
		fprintf(stderr, "benchsession: %s\n", cause);
		return 1;
	}
	if (!s)
		s = session_new();
	json_object_put(s->bench);
	s->bench = runs;
	int rc = state_save(s, &cause);
	if (rc < 0)
		fprintf(stderr, "benchsession: %s\n", cause);
	session_free(s);
	free(cause);
	return rc < 0 ? 1 : 0;
}
