/*
 * canon.h - the canonical form of a JSON value: object keys sorted (bytewise), no
 * white space, strings as json-c writes them (slashes not escaped). Equal values
 * give equal bytes, so a hash or a signature over them does not depend on how a
 * document was formatted: idempotency fingerprints (bookings) and signed update
 * metadata use it. Numbers should be integers (doubles have no single form).
 * Pure; any thread.
 */
#ifndef JK_CANON_H
#define JK_CANON_H

#include <json-c/json.h>

#include "buf.h"

/* Appends the canonical form of o (NULL: "null") to out. */
void canon_json(json_object *o, buf *out);

#endif
