#include "wake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "util.h"

struct wake {
	int fd[2];
};

wake *wake_create(void)
{
	wake *w = xcalloc(1, sizeof(*w));
	if (pipe2(w->fd, O_CLOEXEC | O_NONBLOCK) < 0)
		die("wake: pipe failed");
	return w;
}

void wake_destroy(wake *w)
{
	if (!w)
		return;
	close(w->fd[0]);
	close(w->fd[1]);
	free(w);
}

void wake_signal(wake *w)
{
	ssize_t n = write(w->fd[1], "!", 1); /* a full pipe already means "wake up" */
	(void)n;
}

void wake_wait(wake *w, int timeout_ms)
{
	struct pollfd p = {w->fd[0], POLLIN, 0};
	char buf[256];
	if (timeout_ms > 0 && poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
		return;
	while (read(w->fd[0], buf, sizeof(buf)) > 0)
		;
}
