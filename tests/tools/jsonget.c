/* jsonget FILE PATH...: the shell tests' JSON reader (jq is not everywhere,
 * json-c is kfdo's own). Reads FILE ("-": stdin), which must hold exactly one
 * JSON value, and prints one line per PATH:
 *   a.b.2.c   member b of a, element 2 of that array, member c
 *   a.#       the number of elements (array) or members (object) of a
 *   .         the whole value
 * A string prints as its text, null as null, anything else as compact JSON.
 * Exit status: 0, 1 when a path is not there (named on stderr), 2 when the
 * input is not one JSON value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/util.h"

static char *read_all(const char *path)
{
	if (strcmp(path, "-") != 0)
		return file_read(path, 64u << 20, NULL);
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf) - 1, stdin)) > 0) {
		buf[n] = '\0';
		sb_add(&sb, buf);
	}
	return sb.s ? sb.s : xstrdup("");
}

/* One path component: a member of an object, or an element of an array. */
static bool step_into(json_object **v, const char *key)
{
	if (json_object_is_type(*v, json_type_object))
		return json_object_object_get_ex(*v, key, v);
	if (!json_object_is_type(*v, json_type_array))
		return false;
	char *end;
	errno = 0;
	long i = strtol(key, &end, 10);
	if (errno || end == key || *end || i < 0 || (size_t)i >= json_object_array_length(*v))
		return false;
	*v = json_object_array_get_idx(*v, (size_t)i);
	return true;
}

static int print_path(json_object *root, const char *path)
{
	json_object *v = root;
	char *copy = xstrdup(path), *save = NULL;
	bool ok = true, count = false;
	for (char *k = strtok_r(strcmp(copy, ".") == 0 ? copy + 1 : copy, ".", &save); k && ok;
	     k = strtok_r(NULL, ".", &save)) {
		if (strcmp(k, "#") == 0) {
			count = true;
			ok = json_object_is_type(v, json_type_array) || json_object_is_type(v, json_type_object);
			break;
		}
		ok = step_into(&v, k);
	}
	free(copy);
	if (!ok) {
		fprintf(stderr, "jsonget: no %s\n", path);
		return 1;
	}
	if (count)
		printf("%zu\n", json_object_is_type(v, json_type_array) ? json_object_array_length(v)
									 : (size_t)json_object_object_length(v));
	else if (json_object_is_type(v, json_type_string))
		printf("%s\n", json_object_get_string(v));
	else
		printf("%s\n", v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
				 : "null");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: jsonget FILE PATH...\n");
		return 2;
	}
	char *text = read_all(argv[1]);
	if (!text) {
		fprintf(stderr, "jsonget: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	/* Strict: one value and nothing after it but white space, so that a second
	 * object or a stray line printed beside the JSON fails the test. */
	json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	bool rest_blank = true;
	for (const char *p = text + used; err == json_tokener_success && *p; p++)
		if (!strchr(" \t\r\n", *p))
			rest_blank = false;
	if (err != json_tokener_success || !rest_blank) {
		fprintf(stderr, "jsonget: %s is not one JSON value: %s\n", argv[1],
			err != json_tokener_success ? json_tokener_error_desc(err) : "text after it");
		free(text);
		json_object_put(root);
		return 2;
	}
	int rc = 0;
	for (int i = 2; i < argc; i++)
		rc |= print_path(root, argv[i]);
	json_object_put(root);
	free(text);
	return rc;
}
