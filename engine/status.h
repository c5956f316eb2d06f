/* Where the session stands, as one JSON object for scripts and bug reports
 * (`kfdo status --json`). README.md lists the fields that stay stable; new
 * ones may be added, none of those renamed. */
#ifndef KFDO_STATUS_H
#define KFDO_STATUS_H

#include <time.h>

#include <json-c/json.h>

#include "engine/session.h"

/* The stage of the flow the session is in. Today the whole flow is one
 * AutoFDO stage; the Propeller work adds a second one (DESIGN.md). */
#define STATUS_STAGE_AUTOFDO "autofdo"

/* The object: kfdo's version, the session file and the session, or
 * "session": null when s is NULL (no session yet, or error says why it
 * could not be read; error may be NULL). Reads the running kernel below the
 * session's sysroot, the steps' postconditions and /proc for a killed run. */
json_object *status_to_json(const struct session *s, const char *session_file, const char *error);

/* A time as ISO 8601 in UTC ("2026-12-07T10:11:12Z") into buf (at least 21
 * bytes); false (buf empty) for 0, which means "never". */
bool status_iso_time(char *buf, size_t n, time_t t);

#endif
