/*
 * kioskctl - sends automation commands to a running kiosk and prints the answers
 * (docs/api/kiosk-automation-v1.md). For people and scripts:
 *
 *	kioskctl /run/kiosk.sock '{"cmd": "screenshot", "path": "/tmp/kiosk.png"}'
 *	kioskctl /run/kiosk.sock '{"cmd": "tap", "id": "home.search"}' '{"cmd": "tree"}'
 *
 * Exit status 0 when every answer had "ok": true.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	int fd, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: kioskctl SOCKET JSON [JSON ...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "kioskctl: socket path too long\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("kioskctl: connect");
		return 1;
	}
	in = fdopen(dup(fd), "r");
	for (int i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (write(fd, argv[i], n) != (ssize_t)n || write(fd, "\n", 1) != 1 ||
		    getline(&line, &cap, in) <= 0) {
			fprintf(stderr, "kioskctl: the kiosk closed the connection\n");
			return 1;
		}
		fputs(line, stdout);
		if (!strstr(line, "\"ok\":true") && !strstr(line, "\"ok\": true"))
			rc = 1;
	}
	free(line);
	fclose(in);
	close(fd);
	return rc;
}
