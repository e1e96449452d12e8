/*
 * server.h - the HTTP front of the service on libmicrohttpd: limits (body 64 KiB,
 * URI 8 KiB), routing by a table, bearer-token authentication, the contract's
 * error body for every failure, ETag / If-None-Match, and one log line per request.
 *
 * Handlers run on the server's worker threads, each with its own database
 * connection (req->db). They fill a srv_resp and never touch MHD themselves.
 */
#ifndef JC_SERVER_H
#define JC_SERVER_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "store.h"
#include "util.h"

#define SRV_MAX_PARAMS 32

typedef struct srv srv;

typedef struct srv_param {
	const char *key;
	const char *value; /* "" when the parameter had no '=' */
} srv_param;

typedef struct srv_req {
	const char *method;
	const char *path;	  /* decoded path, without the query */
	const char *path_arg;	  /* what '*' of the route matched, or NULL */
	int nparams;
	srv_param params[SRV_MAX_PARAMS];
	const char *kiosk_token;  /* authenticated kiosk id, or NULL */
	const char *kiosk_header; /* X-Kiosk-Id as sent, or NULL */
	const char *body;
	size_t body_len;
	sqlite3 *db;
	long long gen;		  /* data generation at the start of the request, or -1 */
	void *conn;		  /* for srv_req_header() */
} srv_req;

#define SRV_MAX_HEADERS 8

typedef struct srv_resp {
	int status;
	buf body;
	const char *content_type;	/* default application/json */
	char etag[HTTP_ETAG_LEN];	/* "" for none */
	int retry_after;		/* seconds, 0 for none */
	int nheaders;			/* extra headers, added by srv_resp_header() */
	char *headers[SRV_MAX_HEADERS][2];
	const char *cache_control;	/* overrides the default (no-cache / no-store) */
	int has_file;			/* the body is file_len bytes of file_fd at file_off */
	int file_fd;
	uint64_t file_off, file_len;
} srv_resp;

/* A request header's value, or NULL. */
const char *srv_req_header(const srv_req *req, const char *name);

/* The client's address as text ("127.0.0.1", "::1") into out (at least 64 bytes);
 * for a request from loopback (a proxy on this machine), its X-Real-IP when that
 * is an address. */
void srv_req_client_ip(const srv_req *req, char *out, size_t n);

/* 1 if the request reached us over TLS, directly or (X-Forwarded-Proto: https)
 * through a proxy: cookies then carry Secure. */
int srv_req_is_https(const srv_req *req);

/* Parses an application/x-www-form-urlencoded body ("a=1&b=x+y%21") into at most
 * max pairs. The strings live in *storage, which the caller frees (buf_wipe it
 * when the form may hold personal data). Returns the number of pairs or -1 when
 * the body is not a valid form (bad escape, NUL, invalid UTF-8, too many fields). */
int srv_form_parse(const char *body, size_t len, srv_param *out, int max, buf *storage) WUR;

/* Adds a response header (both strings copied). At most SRV_MAX_HEADERS; more are
 * dropped with a log line. */
void srv_resp_header(srv_resp *resp, const char *name, const char *value);

/* Makes the body [off, off + len) of the open file fd, which the response now owns
 * (closed when sent or dropped). */
void srv_resp_file(srv_resp *resp, int status, int fd, uint64_t off, uint64_t len);

/* Fills resp with the error body for status (code from the contract) and message. */
void srv_resp_error(srv_resp *resp, int status, const char *message);
/* Same, with per-field messages for 422 validation_failed (fields not consumed). */
void srv_resp_error_fields(srv_resp *resp, int status, const char *code, const char *message,
			   json_object *fields);
/* Serialises o (consumed) as the body with status, and sets the ETag. */
void srv_resp_json(srv_resp *resp, int status, json_object *o);

typedef void (*srv_handler)(void *app, srv_req *req, srv_resp *resp);

typedef struct srv_route {
	const char *method;  /* "GET", "POST", "DELETE" (GET also answers HEAD) */
	const char *pattern; /* "/v1/jobs" exactly, or ending in a star for one more segment */
	int auth;	     /* 1: needs a live device token */
	srv_handler fn;
} srv_route;

typedef struct srv_options {
	const char *listen; /* "127.0.0.1:8080", "[::1]:8080", port 0 for any free port */
	int threads;
	size_t max_body;
	size_t max_uri;
} srv_options;

/* Starts serving. routes must outlive the server. Returns 0 and *out or -1 with err. */
int srv_start(const srv_options *opt, const srv_route *routes, size_t nroutes, void *app,
	      store *st, srv **out, char *err, size_t errlen) WUR;
/* The port actually bound. */
int srv_port(const srv *s);
/* Stops accepting, finishes requests in flight, frees everything. NULL is a no-op. */
void srv_stop(srv *s);

/* Splits "host:port" / "[v6]:port" into a socket address. Returns 0 or -1. */
int srv_parse_listen(const char *listen, void *sockaddr_storage, unsigned *len) WUR;

#endif
