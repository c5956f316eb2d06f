/* The put helpers of json_out.h: one home for what the session file and
 * kfdo status --json each used to define for themselves. */
#include "base/json_out.h"

void json_put_str(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

void json_put_str_or_null(json_object *o, const char *key, const char *v)
{
	/* json-c prints a NULL member as null. */
	json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

void json_put_strv(json_object *o, const char *key, char *const *v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(o, key, a);
}

void json_put_int(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void json_put_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}
