#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kioskutil.h"

static char dir[64];
static char token[128];
static pid_t kiosks[64];
static int nkiosks;

void tk_init(const char *d, const char *t)
{
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(token, sizeof(token), "%s", t);
}

void tk_kill_all(void)
{
	for (int i = 0; i < nkiosks; i++)
		if (kill(kiosks[i], SIGKILL) == 0)
			waitpid(kiosks[i], NULL, 0);
	nkiosks = 0;
}

void write_config(const char *path, int port, int timeout_s, const char *cache)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"api_url\": \"http://127.0.0.1:%d/\", \"device_token\": \"%s\", "
		   "\"kiosk_id\": \"k-e2e\", \"cache_dir\": \"%s/%s\", \"language\": \"ko\", "
		   "\"request_timeout_s\": %d, \"log_level\": \"debug\"}\n",
		port, token, dir, cache, timeout_s);
	fclose(f);
}

void kiosk_start(struct kiosk *k, const char *config, const char *size, const char *name)
{
	kiosk_start_args(k, config, size, name, NULL, 1);
}

void kiosk_start_args(struct kiosk *k, const char *config, const char *size, const char *name,
		      const char *const *extra, int fake_clock)
{
	snprintf(k->sock, sizeof(k->sock), "%s/%s.sock", dir, name);
	if ((k->pid = fork()) == 0) {
		const char *argv[32] = {KIOSK_BIN, "--config", config, "--headless", "--size", size,
					"--control", k->sock};
		int n = 8;
		if (fake_clock) {
			argv[n++] = "--fake-clock";
			argv[n++] = "--now";
			argv[n++] = "2026-11-23T10:00:00+09:00";
		}
		for (int i = 0; extra && extra[i] && n < 31; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
#ifdef NODLCLOSE_LIB /* sanitized builds: see tests/nodlclose.c */
		char ao[1024];
		const char *old_ao = getenv("ASAN_OPTIONS");
		snprintf(ao, sizeof(ao), "%s%sverify_asan_link_order=0", old_ao ? old_ao : "",
			 old_ao && *old_ao ? ":" : "");
		setenv("ASAN_OPTIONS", ao, 1);
		setenv("LD_PRELOAD", NODLCLOSE_LIB, 1);
#endif
		execv(KIOSK_BIN, (char *const *)argv);
		_exit(127);
	}
	if (nkiosks < 64)
		kiosks[nkiosks++] = k->pid;
	kiosk_attach(k, k->sock);
}

void kiosk_attach(struct kiosk *k, const char *sock)
{
	struct sockaddr_un sa = {0};
	if (k->sock != sock)
		snprintf(k->sock, sizeof(k->sock), "%s", sock);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, k->sock, strlen(k->sock) + 1);
	for (int i = 0; i < 200; i++) {
		k->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(k->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(k->fd);
		k->fd = -1;
		usleep(25000);
	}
	assert_true(k->fd >= 0);
	struct stat st;
	assert_int_equal(stat(k->sock, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	k->in = fdopen(dup(k->fd), "r");
}

void kiosk_detach(struct kiosk *k)
{
	fclose(k->in);
	close(k->fd);
	k->in = NULL;
	k->fd = -1;
}

void kiosk_stop(struct kiosk *k)
{
	int status;
	fclose(k->in);
	close(k->fd);
	kill(k->pid, SIGTERM);
	pid_t w = 0;
	for (int i = 0; i < 250 && (w = waitpid(k->pid, &status, WNOHANG)) == 0; i++)
		usleep(20000);
	if (w == 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
		fail_msg("the kiosk did not stop within 5 s of SIGTERM");
	}
	/* a clean exit: under the sanitizers, leaks and errors found at exit fail here */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the kiosk exited with %s %d", WIFEXITED(status) ? "status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

json_object *cmd(struct kiosk *k, const char *fmt, ...)
{
	char line[4096], *resp = NULL;
	size_t cap = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	line[n] = '\n';
	line[n + 1] = '\0';
	assert_int_equal(write(k->fd, line, strlen(line)), (ssize_t)strlen(line));
	assert_true(getline(&resp, &cap, k->in) > 0);
	json_object *o = json_tokener_parse(resp);
	if (!o)
		fail_msg("unparseable response: %s", resp);
	free(resp);
	return o;
}

json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

void ok(struct kiosk *k, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	json_object *o = cmd(k, "%s", line);
	if (!json_object_get_boolean(get(o, "ok")))
		fail_msg("%s -> %s", line, json_object_to_json_string(o));
	json_object_put(o);
}

json_object *node(struct kiosk *k, const char *id, json_object **tree)
{
	*tree = cmd(k, "{\"cmd\": \"tree\"}");
	json_object *nodes = get(*tree, "nodes");
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);
		const char *nid = json_object_get_string(get(n, "id"));
		if (nid && strcmp(nid, id) == 0)
			return n;
	}
	return NULL;
}

void shot(struct kiosk *k, const char *orient, const char *name)
{
	char path[512];
	unsigned char magic[8] = {0};
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s-%s.png", ARTIFACTS, orient, name);
	ok(k, "{\"cmd\": \"screenshot\", \"path\": \"%s\"}", path);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(magic, "\x89PNG\r\n\x1a\n", 8);
}

