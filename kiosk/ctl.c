#include "ctl.h"

#include <SDL2/SDL.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

#define CTL_MAX_CLIENTS 8
#define CTL_MAX_LINE (1 << 20)

struct ctl_client {
	int fd;
	buf in;
	int discarding; /* an over-long line is being skipped */
};

struct ctl {
	int lfd;
	int wake[2]; /* pipe to stop the reader */
	char *path;
	uint32_t ev;
	void (*notify)(void *);
	void *notify_ctx;
	pthread_t th;
	struct ctl_client cl[CTL_MAX_CLIENTS];
};

static void post(ctl *c, int fd, char *line)
{
	SDL_Event e;
	ctl_cmd *cmd = xcalloc(1, sizeof(*cmd));
	cmd->fd = fd;
	cmd->line = line;
	memset(&e, 0, sizeof(e));
	e.type = c->ev;
	e.user.data1 = cmd;
	if (SDL_PushEvent(&e) != 1) {
		free(line);
		free(cmd);
	} else if (c->notify) {
		c->notify(c->notify_ctx);
	}
}

static void drop(ctl *c, int i)
{
	post(c, c->cl[i].fd, NULL); /* the UI thread closes it after what came before */
	buf_release(&c->cl[i].in);
	c->cl[i].fd = -1;
}

static void on_data(ctl *c, int i)
{
	char chunk[8192];
	ssize_t n = read(c->cl[i].fd, chunk, sizeof(chunk));
	struct ctl_client *cl = &c->cl[i];

	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		drop(c, i);
		return;
	}
	for (ssize_t k = 0; k < n; k++) {
		if (chunk[k] == '\n') {
			if (cl->discarding) {
				post(c, cl->fd, xstrdup("\x01toolong"));
				cl->discarding = 0;
			} else {
				post(c, cl->fd, buf_detach(&cl->in, NULL));
			}
			buf_reset(&cl->in);
			continue;
		}
		if (cl->discarding)
			continue;
		if (cl->in.len >= CTL_MAX_LINE) {
			cl->discarding = 1;
			buf_release(&cl->in);
			continue;
		}
		buf_addc(&cl->in, chunk[k]);
	}
}

static void *reader(void *arg)
{
	ctl *c = arg;
	for (;;) {
		struct pollfd p[CTL_MAX_CLIENTS + 2];
		int idx[CTL_MAX_CLIENTS + 2], np = 0;
		p[np] = (struct pollfd){c->wake[0], POLLIN, 0};
		idx[np++] = -2;
		p[np] = (struct pollfd){c->lfd, POLLIN, 0};
		idx[np++] = -1;
		for (int i = 0; i < CTL_MAX_CLIENTS; i++)
			if (c->cl[i].fd >= 0) {
				p[np] = (struct pollfd){c->cl[i].fd, POLLIN, 0};
				idx[np++] = i;
			}
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		for (int k = 1; k < np; k++) {
			if (!p[k].revents)
				continue;
			if (idx[k] == -1) {
				int fd = accept(c->lfd, NULL, NULL);
				int slot = -1;
				if (fd < 0)
					continue;
				for (int i = 0; i < CTL_MAX_CLIENTS; i++)
					if (c->cl[i].fd < 0)
						slot = i;
				if (slot < 0) {
					close(fd);
					continue;
				}
				c->cl[slot].fd = fd;
				c->cl[slot].discarding = 0;
				buf_init(&c->cl[slot].in);
			} else {
				on_data(c, idx[k]);
			}
		}
	}
	return NULL;
}

ctl *ctl_create(const char *path, uint32_t ev, void (*notify)(void *), void *notify_ctx,
		char *err, size_t errlen)
{
	struct sockaddr_un sa;
	ctl *c;
	mode_t old;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path too long");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->ev = ev;
	c->notify = notify;
	c->notify_ctx = notify_ctx;
	c->path = xstrdup(path);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	/* 0600 from the start: no window in which another user could connect. */
	old = umask(0177);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(c->lfd, 4) < 0 || pipe(c->wake) < 0) {
		umask(old);
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (c->lfd >= 0)
			close(c->lfd);
		free(c->path);
		free(c);
		return NULL;
	}
	umask(old);
	chmod(path, 0600);
	if (pthread_create(&c->th, NULL, reader, c) != 0)
		die("ctl: cannot start reader");
	return c;
}

void ctl_destroy(ctl *c)
{
	ssize_t w;
	if (!c)
		return;
	w = write(c->wake[1], "x", 1);
	(void)w;
	pthread_join(c->th, NULL);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0) {
			close(c->cl[i].fd);
			buf_release(&c->cl[i].in);
		}
	close(c->lfd);
	close(c->wake[0]);
	close(c->wake[1]);
	unlink(c->path);
	free(c->path);
	free(c);
}

int ctl_reply(int fd, json_object *o)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE,
							  &n);
	buf b;
	int rc = 0;
	buf_init(&b);
	buf_add(&b, s, n);
	buf_addc(&b, '\n');
	for (size_t off = 0; off < b.len;) {
		ssize_t w = send(fd, b.data + off, b.len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	buf_release(&b);
	json_object_put(o);
	return rc;
}

int ctl_reply_error(int fd, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return ctl_reply(fd, o);
}

void ctl_cmd_free(ctl_cmd *c)
{
	if (!c)
		return;
	if (!c->line)
		close(c->fd);
	free(c->line);
	free(c);
}
