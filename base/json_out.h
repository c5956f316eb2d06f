/* Adding members to a json-c object: the few put helpers that the session
 * file (engine/session_json.c), kfdo status --json (engine/status.c) and the
 * other writers share, so that each spells a field in one line. */
#ifndef KFDO_JSON_OUT_H
#define KFDO_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/* A string member; a NULL v leaves the member out. */
void json_put_str(json_object *o, const char *key, const char *v);
/* A string member; a NULL v writes null (for readers that want every field). */
void json_put_str_or_null(json_object *o, const char *key, const char *v);
/* An array of the strings of a NULL-terminated v (empty when v is NULL). */
void json_put_strv(json_object *o, const char *key, char *const *v);
void json_put_int(json_object *o, const char *key, int64_t v);
void json_put_bool(json_object *o, const char *key, bool v);

#endif
