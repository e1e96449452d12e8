#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int tu_cli(buf *out, const char *const *args)
{
	int pfd[2], st;
	const char *argv[32];
	int k = 0;
	char chunk[4096];
	ssize_t n;
	pid_t pid;
	argv[k++] = JOBCENTER_BIN;
	while (*args && k < 31)
		argv[k++] = *args++;
	argv[k] = NULL;
	assert_int_equal(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(JOBCENTER_BIN, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], chunk, sizeof(chunk))) > 0)
		if (out)
			buf_add(out, chunk, (size_t)n);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void tu_tempdir(char *dir, const char *prefix)
{
	snprintf(dir, 64, "/tmp/%.40s-XXXXXX", prefix);
	assert_non_null(mkdtemp(dir));
}

void tu_token(const char *dir, const char *kiosk, char *token)
{
	buf out;
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"token", "issue", "--data", dir,
							    "--kiosk", kiosk, NULL}),
			 0);
	assert_true(out.len > 10 && out.len < 128);
	snprintf(token, 128, "%.*s", (int)strcspn(out.data, "\n"), out.data);
	buf_release(&out);
}

int tu_serve(const char *dir, int port, pid_t *pid)
{
	int pfd[2];
	char line[256], listen[32];
	const char *p;
	FILE *f;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	assert_int_equal(pipe(pfd), 0);
	if ((*pid = fork()) == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(JOBCENTER_BIN, JOBCENTER_BIN, "serve", "--listen", listen, "--data", dir,
		      "--threads", "2", "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	p = strstr(line, "127.0.0.1:");
	assert_non_null(p);
	return (int)strtol(p + 10, NULL, 10);
}

int tu_stop(pid_t pid)
{
	int st;
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t tu_on_data(char *p, size_t s, size_t n, void *ud)
{
	buf_add(ud, p, s * n);
	return s * n;
}

long tu_http(int port, const char *token, const char *method, const char *path,
	     const char *key, const char *json, buf *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[4096], hdr[256];
	long status = 0;
	buf_reset(out);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", port, path);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, hdr);
	if (json)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (key) {
		snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
		h = curl_slist_append(h, hdr);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (json)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, tu_on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

size_t tu_read_head(int fd, char *req, size_t n)
{
	size_t got = 0;
	ssize_t r;
	req[0] = '\0';
	while (got < n - 1 && (r = read(fd, req + got, n - 1 - got)) > 0) {
		got += (size_t)r;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	return got;
}
