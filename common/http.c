#include "http.h"

#include <sodium.h>
#include <string.h>

#include "utf8.h"

const char *http_error_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "slot_taken";
	case 410: return "cursor_expired";
	case 413: return "payload_too_large";
	case 414: return "uri_too_long";
	case 415: return "unsupported_media_type";
	case 422: return "validation_failed";
	case 429: return "rate_limited";
	case 503: return "unavailable";
	default: return status >= 500 ? "internal" : "bad_request";
	}
}

void http_error_body(buf *out, const char *code, const char *message, json_object *fields)
{
	json_object *o = json_object_new_object();
	json_object *e = json_object_new_object();
	json_object_object_add(e, "code", json_object_new_string(code));
	size_t n = strlen(message);
	if (utf8_valid(message, n)) {
		json_object_object_add(e, "message", json_object_new_string(message));
	} else {
		/* Messages may quote what a client sent; never echo broken UTF-8. */
		char *m = xstrndup(message, n);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)m[i] >= 0x80 || (unsigned char)m[i] < 0x20)
				m[i] = '?';
		json_object_object_add(e, "message", json_object_new_string(m));
		free(m);
	}
	if (fields)
		json_object_object_add(e, "fields", json_object_get(fields));
	json_object_object_add(o, "error", e);
	buf_adds(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void http_etag(const void *body, size_t len, char out[HTTP_ETAG_LEN])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), body, len, NULL, 0);
	out[0] = '"';
	util_hex(h, sizeof(h), out + 1);
	out[33] = '"';
	out[34] = '\0';
}

int http_etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	const char *p = inm;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2; /* weak comparison is what If-None-Match uses */
		const char *e = p;
		if (*e == '"') {
			e = strchr(e + 1, '"');
			if (!e)
				return 0;
			e++;
		} else {
			while (*e && *e != ',')
				e++;
		}
		if ((size_t)(e - p) == el && memcmp(p, etag, el) == 0)
			return 1;
		p = e;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int http_pct_decode(const char *s, size_t n, int plus, buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addc(out, (char)(hi * 16 + lo));
			i += 2;
		} else if (plus && s[i] == '+') {
			buf_addc(out, ' ');
		} else {
			buf_addc(out, s[i]);
		}
	}
	return 0;
}
