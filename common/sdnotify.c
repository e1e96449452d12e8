#include "sdnotify.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sdn_notify(const char *state)
{
	/* The protocol is defined by the environment systemd sets for us. */
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int fd, rc;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@') /* abstract namespace */
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0 ? -1 : 1;
	close(fd);
	return rc;
}

double sdn_watchdog_interval(void)
{
	const char *us = getenv("WATCHDOG_USEC");
	char *end;
	double v;
	if (!us)
		return 0;
	v = strtod(us, &end);
	return *end || v <= 0 ? 0 : v / 1e6;
}
