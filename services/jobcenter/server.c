#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "jobdb.h"
#include "log.h"
#include "utf8.h"

struct srv {
	struct MHD_Daemon *d;
	const srv_route *routes;
	size_t nroutes;
	void *app;
	store *st;
	auth_cache *tokens;
	srv_options opt;
	int port;
};

/* Per-request state, created by the URI log callback (which sees the raw URI). */
struct rq {
	size_t uri_len;
	double t0;
	int started;
	int too_large;
	const srv_route *route;
	const char *path_arg;
	buf body;
	int status;
	size_t bytes;
	char kiosk[AUTH_KIOSK_MAX + 1]; /* the authenticated kiosk, for the log */
};

const char *srv_req_header(const srv_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void srv_req_client_ip(const srv_req *req, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	int loopback = 0;
	snprintf(out, n, "-");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET) {
		const struct in_addr *a = &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr;
		inet_ntop(AF_INET, a, out, (socklen_t)n);
		loopback = (ntohl(a->s_addr) >> 24) == 127;
	} else if (ci->client_addr->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr;
		inet_ntop(AF_INET6, a, out, (socklen_t)n);
		loopback = IN6_IS_ADDR_LOOPBACK(a);
	}
	/* behind a proxy on this machine (docs/console.md) every request comes from
	 * loopback: the proxy's X-Real-IP names the client, so that throttling per
	 * address does not lock everyone out at once. Only a local proxy is trusted
	 * with it: nobody else can connect from loopback. */
	const char *real = loopback ? srv_req_header(req, "X-Real-IP") : NULL;
	unsigned char bin[sizeof(struct in6_addr)];
	if (real && (inet_pton(AF_INET, real, bin) == 1 || inet_pton(AF_INET6, real, bin) == 1))
		snprintf(out, n, "%s", real);
}

int srv_req_is_https(const srv_req *req)
{
	const char *p = srv_req_header(req, "X-Forwarded-Proto");
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_PROTOCOL);
	return (ci && ci->tls_session) || (p && strcasecmp(p, "https") == 0);
}

/* Appends the decoded form of s[0..n) and a NUL to storage; its offset, or -1. */
static long form_decode(buf *storage, const char *s, size_t n)
{
	size_t start = storage->len, len;
	char *v;
	buf_add(storage, s, n);
	buf_addc(storage, '\0');
	v = storage->data + start;
	for (char *c = v; *c; c++)
		if (*c == '+')
			*c = ' ';
	len = MHD_http_unescape(v);
	if (strlen(v) != len || !utf8_valid(v, len))
		return -1; /* an escaped NUL or not UTF-8 */
	storage->len = start + len + 1;
	return (long)start;
}

int srv_form_parse(const char *body, size_t len, srv_param *out, int max, buf *storage)
{
	long offs[2 * SRV_MAX_PARAMS * 4];
	int n = 0;

	buf_reset(storage);
	if (max > SRV_MAX_PARAMS * 4)
		max = SRV_MAX_PARAMS * 4;
	if (len && memchr(body, '\0', len))
		return -1;
	for (size_t i = 0; i < len; i++) {
		size_t j = i, k;
		while (j < len && body[j] != '&')
			j++;
		if (j == i)
			continue;
		for (k = i; k < j && body[k] != '='; k++)
			;
		if (n == max || (offs[2 * n] = form_decode(storage, body + i, k - i)) < 0 ||
		    (offs[2 * n + 1] = form_decode(storage, body + (k < j ? k + 1 : j),
						   k < j ? j - k - 1 : 0)) < 0) {
			buf_wipe(storage);
			return -1;
		}
		n++;
		i = j;
	}
	for (int k = 0; k < n; k++) {
		out[k].key = storage->data + offs[2 * k];
		out[k].value = storage->data + offs[2 * k + 1];
	}
	return n;
}

void srv_resp_header(srv_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == SRV_MAX_HEADERS) {
		log_warn("httpd", "msg=\"too many response headers\" header=%s", name);
		return;
	}
	resp->headers[resp->nheaders][0] = xstrdup(name);
	resp->headers[resp->nheaders][1] = xstrdup(value);
	resp->nheaders++;
}

void srv_resp_file(srv_resp *resp, int status, int fd, uint64_t off, uint64_t len)
{
	if (resp->has_file)
		close(resp->file_fd);
	resp->status = status;
	resp->has_file = 1;
	resp->file_fd = fd;
	resp->file_off = off;
	resp->file_len = len;
	buf_reset(&resp->body);
}

static void resp_release(srv_resp *r)
{
	if (r->has_file) {
		close(r->file_fd);
		r->has_file = 0;
	}
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	r->nheaders = 0;
	buf_release(&r->body);
}

void srv_resp_error_fields(srv_resp *resp, int status, const char *code, const char *message,
			   json_object *fields)
{
	resp->status = status;
	buf_reset(&resp->body);
	resp->etag[0] = '\0';
	http_error_body(&resp->body, code, message, fields);
}

void srv_resp_error(srv_resp *resp, int status, const char *message)
{
	srv_resp_error_fields(resp, status, http_error_code(status), message, NULL);
}

void srv_resp_json(srv_resp *resp, int status, json_object *o)
{
	const char *s;
	size_t n;

	resp->status = status;
	buf_reset(&resp->body);
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE,
					      &n);
	buf_add(&resp->body, s, n);
	json_object_put(o);
	http_etag(resp->body.data, resp->body.len, resp->etag);
}

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct rq *x = xcalloc(1, sizeof(*x));
	(void)cls;
	(void)c;
	x->uri_len = strlen(uri);
	x->t0 = util_now_ms();
	buf_init(&x->body);
	return x;
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct rq *x = *con_cls;
	const char *method = "-", *path = "-";
	(void)cls;
	if (!x)
		return;
	(void)c;
	if (x->route) {
		method = x->route->method;
		path = x->route->pattern;
	}
	/* The route pattern, not the URL: URLs can carry what a person typed. */
	log_info("request", "method=%s route=%s status=%d bytes=%zu ms=%.2f kiosk=%s%s", method,
		 path, x->status, x->bytes, util_now_ms() - x->t0, x->kiosk[0] ? x->kiosk : "-",
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	buf_release(&x->body);
	free(x);
	*con_cls = NULL;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct rq *x, srv_resp *r,
				 const char *allow, int is_head_or_304)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;
	char num[32];

	(void)is_head_or_304;
	if (r->has_file) {
		mr = MHD_create_response_from_fd_at_offset64(r->file_len, r->file_fd,
							     r->file_off);
		if (mr)
			r->has_file = 0; /* the response owns the descriptor now */
	} else {
		mr = MHD_create_response_from_buffer(r->body.len, r->body.data,
						     MHD_RESPMEM_MUST_COPY);
	}
	if (!mr)
		return MHD_NO;
	if (r->status != 304)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type ? r->content_type
							: "application/json; charset=utf-8");
	if (r->etag[0])
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ETAG, r->etag);
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL,
				r->cache_control ? r->cache_control
				: r->etag[0]	 ? "no-cache"
						 : "no-store");
	if (allow)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, allow);
	if (r->status == 401)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (r->retry_after > 0) {
		snprintf(num, sizeof(num), "%d", r->retry_after);
		MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(mr, r->headers[i][0], r->headers[i][1]);
	x->status = r->status;
	x->bytes = r->file_len ? (size_t)r->file_len : r->body.len;
	ret = MHD_queue_response(conn, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, struct rq *x, int status,
				  const char *message, const char *allow)
{
	srv_resp r = {0};
	enum MHD_Result ret;
	buf_init(&r.body);
	srv_resp_error(&r, status, message);
	ret = send_resp(conn, x, &r, allow, 0);
	resp_release(&r);
	return ret;
}

/* Matches path against a pattern; sets *arg for a trailing '*'. */
static int route_match(const char *pattern, const char *path, const char **arg)
{
	size_t pl = strlen(pattern);
	*arg = NULL;
	if (pl >= 2 && pattern[pl - 1] == '*') {
		if (strncmp(pattern, path, pl - 1) != 0)
			return 0;
		const char *rest = path + pl - 1;
		if (!*rest || strchr(rest, '/'))
			return 0;
		*arg = rest;
		return 1;
	}
	return strcmp(pattern, path) == 0;
}

/* Finds the route; on a path match with the wrong method, fills allow and returns NULL. */
static const srv_route *find_route(const srv *s, const char *method, const char *path,
				   const char **arg, char *allow, size_t allowlen, int *path_known)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	*path_known = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < s->nroutes; i++) {
		const char *a;
		if (!route_match(s->routes[i].pattern, path, &a))
			continue;
		if (strcmp(s->routes[i].method, m) == 0) {
			*arg = a;
			return &s->routes[i];
		}
		if (!*path_known || strstr(allow, s->routes[i].method) == NULL) {
			size_t l = strlen(allow);
			snprintf(allow + l, allowlen - l, "%s%s%s", l ? ", " : "",
				 s->routes[i].method,
				 strcmp(s->routes[i].method, "GET") == 0 ? ", HEAD" : "");
		}
		*path_known = 1;
	}
	return NULL;
}

struct param_ctx {
	srv_req *req;
	int bad;
};

static enum MHD_Result param_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				  size_t key_size, const char *value, size_t value_size)
{
	struct param_ctx *p = cls;
	(void)kind;
	if (p->req->nparams == SRV_MAX_PARAMS) {
		p->bad = 1;
		return MHD_NO;
	}
	if (!key || strlen(key) != key_size || (value && strlen(value) != value_size)) {
		p->bad = 2; /* an escaped NUL */
		return MHD_NO;
	}
	p->req->params[p->req->nparams].key = key;
	p->req->params[p->req->nparams].value = value ? value : "";
	p->req->nparams++;
	return MHD_YES;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	srv *s = cls;
	struct rq *x = *con_cls;
	char allow[64], kiosk[AUTH_KIOSK_MAX + 1];
	srv_req req;
	srv_resp resp;
	enum MHD_Result ret;
	int known;
	(void)version;

	if (!x)
		return MHD_NO;
	if (!x->started) {
		const char *cl;
		x->started = 1;
		if (x->uri_len > s->opt.max_uri)
			return send_error(conn, x, 414, "request URI longer than 8 KiB", NULL);
		/* The body limit comes first: a client sending 10 MB learns that before
		 * anything else, and we never read it. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			long long n;
			if (util_parse_long(cl, 0, (1LL << 62), &n) < 0 ||
			    (size_t)n > s->opt.max_body)
				return send_error(conn, x, 413, "request body larger than 64 KiB",
						  NULL);
		}
		if (!utf8_valid(url, strlen(url)))
			return send_error(conn, x, 404, "no such resource", NULL);
		x->route = find_route(s, method, url, &x->path_arg, allow, sizeof(allow), &known);
		if (!x->route && known)
			return send_error(conn, x, 405, "method not allowed here", allow);
		if (!x->route)
			return send_error(conn, x, 404, "no such resource", NULL);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (x->body.len + *upload_data_size > s->opt.max_body)
			x->too_large = 1;
		else
			buf_add(&x->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->too_large)
		return send_error(conn, x, 413, "request body larger than 64 KiB", NULL);

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body);
	req.method = method;
	req.path = url;
	req.path_arg = x->path_arg;
	req.conn = conn;
	req.body = x->body.data;
	req.body_len = x->body.len;
	req.kiosk_header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Kiosk-Id");

	struct param_ctx pc = {&req, 0};
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, param_iter, &pc);
	if (pc.bad) {
		srv_resp_error(&resp, 400, pc.bad == 1 ? "too many query parameters"
						       : "query parameter holds a NUL byte");
		goto send;
	}

	req.db = store_acquire(s->st);
	if (jobdb_generation(req.db, &req.gen) < 0)
		req.gen = -1;
	if (x->route->auth) {
		const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_AUTHORIZATION);
		int ok = 0;
		if (h && strncasecmp(h, "Bearer ", 7) == 0)
			ok = auth_verify_cached(s->tokens, req.db, req.gen, h + 7, kiosk);
		if (ok < 0) {
			srv_resp_error(&resp, 503, "service temporarily unavailable");
			resp.retry_after = 5;
			goto release;
		}
		if (ok == 0) {
			srv_resp_error(&resp, 401, "a valid device token is required");
			goto release;
		}
		req.kiosk_token = kiosk;
		memcpy(x->kiosk, kiosk, sizeof(x->kiosk));
	}
	x->route->fn(s->app, &req, &resp);
release:
	store_release(s->st, req.db);
send:
	if (resp.status == 200 && resp.etag[0]) {
		const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							      MHD_HTTP_HEADER_IF_NONE_MATCH);
		if (inm && http_etag_matches(inm, resp.etag)) {
			resp.status = 304;
			buf_reset(&resp.body);
			if (resp.has_file) {
				close(resp.file_fd);
				resp.has_file = 0;
				resp.file_len = 0;
			}
		}
	}
	ret = send_resp(conn, x, &resp, NULL, 0);
	resp_release(&resp);
	return ret;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_debug("httpd", "msg=\"%s\"", msg);
}

int srv_parse_listen(const char *listen, void *ss, unsigned *len)
{
	char host[64];
	const char *colon, *h = listen, *hend;
	long long port;

	if (listen[0] == '[') {
		hend = strchr(listen, ']');
		if (!hend || hend[1] != ':')
			return -1;
		h = listen + 1;
		colon = hend + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return -1;
		hend = colon;
	}
	if ((size_t)(hend - h) >= sizeof(host) || util_parse_long(colon + 1, 0, 65535, &port) < 0)
		return -1;
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	memset(ss, 0, sizeof(struct sockaddr_storage));
	struct sockaddr_in *a4 = ss;
	struct sockaddr_in6 *a6 = ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*a6);
		return 0;
	}
	return -1;
}

int srv_start(const srv_options *opt, const srv_route *routes, size_t nroutes, void *app,
	      store *st, srv **out, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned sslen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	srv *s;
	const union MHD_DaemonInfo *di;

	if (srv_parse_listen(opt->listen, &ss, &sslen) < 0) {
		snprintf(err, errlen, "bad listen address '%s' (want host:port)", opt->listen);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = xcalloc(1, sizeof(*s));
	s->routes = routes;
	s->nroutes = nroutes;
	s->app = app;
	s->st = st;
	s->opt = *opt;
	s->tokens = auth_cache_create();
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, access_cb, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads > 0 ? opt->threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)30,
		/* Large enough that URIs far over the 8 KiB limit still reach us and get
		 * the contract's 414 body rather than the library's own page. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
		MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, s, MHD_OPTION_NOTIFY_COMPLETED,
		completed_cb, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512, MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s (address in use or not permitted)",
			 opt->listen);
		auth_cache_destroy(s->tokens);
		free(s);
		return -1;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
}

int srv_port(const srv *s)
{
	return s->port;
}

void srv_stop(srv *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	auth_cache_destroy(s->tokens);
	free(s);
}
