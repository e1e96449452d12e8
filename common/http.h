/*
 * http.h - HTTP details both sides of the Job Support Center API share: the error
 * body, entity tags and If-None-Match, percent-decoding. Pure functions; any thread.
 */
#ifndef JK_HTTP_H
#define JK_HTTP_H

#include <json-c/json.h>
#include <stddef.h>

#include "buf.h"
#include "util.h"

/* "W/"-less strong tag: a quote, 32 hex digits, a quote, NUL. */
#define HTTP_ETAG_LEN 35

/* The contract's error code for an HTTP status ("bad_request" for 400, ...). */
const char *http_error_code(int status);

/* Appends {"error": {"code": code, "message": message[, "fields": fields]}} to out.
 * fields may be NULL; it is not consumed. */
void http_error_body(buf *out, const char *code, const char *message, json_object *fields);

/* Strong entity tag of a body (a hash of its bytes) into out. */
void http_etag(const void *body, size_t len, char out[HTTP_ETAG_LEN]);

/* 1 if an If-None-Match header value (a list, weak tags, or "*") matches etag. */
int http_etag_matches(const char *if_none_match, const char *etag);

/* Decodes %XX and '+' (as space, for query strings when plus is non-zero) from
 * s[0..n) into out (reset first). Returns 0, or -1 on a malformed escape. */
int http_pct_decode(const char *s, size_t n, int plus, buf *out) WUR;

#endif
