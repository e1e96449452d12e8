/*
 * kstate.c - the kiosk's state, asked over its automation socket (kstate.h).
 */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "kdate.h"
#include "kstate.h"

/* Reads one line (the answer) within the deadline. Returns its length or -1. */
static int read_line(int fd, char *b, size_t cap, double until, char *why, size_t wn)
{
	size_t n = 0;
	while (n + 1 < cap) {
		double left = until - util_now_ms();
		struct pollfd p = {fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left + 1) <= 0) {
			snprintf(why, wn, "kiosk socket: no answer in time");
			return -1;
		}
		ssize_t r = read(fd, b + n, cap - 1 - n);
		if (r <= 0) {
			snprintf(why, wn, "kiosk socket: closed before answering");
			return -1;
		}
		char *nl = memchr(b + n, '\n', (size_t)r);
		n += (size_t)r;
		if (nl) {
			*nl = '\0';
			return (int)(nl - b);
		}
	}
	snprintf(why, wn, "kiosk socket: answer too long");
	return -1;
}

int kstate_get(const char *socket_path, int timeout_ms, kstate *st, char *why, size_t wn)
{
	static const char ask[] = "{\"cmd\": \"state\"}\n";
	struct sockaddr_un sa;
	char b[16384];
	double until = util_now_ms() + timeout_ms;
	json_object *o = NULL, *v;
	int fd, rc = -1;
	memset(st, 0, sizeof(*st));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (!socket_path || strlen(socket_path) >= sizeof(sa.sun_path)) {
		snprintf(why, wn, "kiosk socket: bad path");
		return -1;
	}
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(why, wn, "kiosk socket: %s", strerror(errno));
		goto out;
	}
	/* a frozen kiosk with a full backlog must not hold connect() forever */
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = errno == ENOENT || errno == ECONNREFUSED ? -2 : -1;
		snprintf(why, wn, "kiosk not running: %s", strerror(errno));
		goto out;
	}
	if (send(fd, ask, sizeof(ask) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(ask) - 1) {
		snprintf(why, wn, "kiosk socket: %s", strerror(errno));
		goto out;
	}
	if (read_line(fd, b, sizeof(b), until, why, wn) < 0)
		goto out;
	o = json_tokener_parse(b);
	if (!o || !json_object_object_get_ex(o, "ok", &v) || !json_object_get_boolean(v)) {
		snprintf(why, wn, "kiosk socket: not ok: %.120s", b);
		goto out;
	}
	st->in_session = json_object_object_get_ex(o, "session", &v) && v != NULL;
	st->online = json_object_object_get_ex(o, "online", &v) && json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "cache_updated_at", &v) && json_object_is_type(v, json_type_string) &&
	    kdate_parse_rfc3339(json_object_get_string(v), &st->cache_updated_at) < 0)
		st->cache_updated_at = 0;
	if (json_object_object_get_ex(o, "outbox", &v) && json_object_is_type(v, json_type_int))
		st->outbox = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "version", &v) && json_object_is_type(v, json_type_string))
		snprintf(st->version, sizeof(st->version), "%s", json_object_get_string(v));
	rc = 0;
out:
	json_object_put(o);
	if (fd >= 0)
		close(fd);
	return rc;
}
