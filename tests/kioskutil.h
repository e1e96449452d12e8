/*
 * kioskutil.h - what the kiosk end-to-end tests share: starting the real kiosk
 * headless with its automation socket, sending commands, reading the tree, and
 * screenshots into ARTIFACTS. Failures abort the calling cmocka test.
 */
#ifndef T_KIOSKUTIL_H
#define T_KIOSKUTIL_H

#include <json-c/json.h>
#include <stdio.h>
#include <sys/types.h>

struct kiosk {
	pid_t pid;
	int fd;
	FILE *in;
	char sock[128];
};

/* The directory for sockets and cache directories, and the device token that
 * write_config puts in configurations. */
void tk_init(const char *dir, const char *token);
/* Kills every kiosk still running (a test failed half-way). */
void tk_kill_all(void);

/* Writes a kiosk configuration for the service on port, with its cache in
 * dir/cache. */
void write_config(const char *path, int port, int timeout_s, const char *cache);
/* Starts the kiosk (fake clock at 2026-11-23 10:00 Seoul) and connects. */
void kiosk_start(struct kiosk *k, const char *config, const char *size, const char *name);
/* The same with extra arguments (NULL-terminated), e.g. without the fake clock. */
void kiosk_start_args(struct kiosk *k, const char *config, const char *size, const char *name,
		      const char *const *extra, int fake_clock);
void kiosk_stop(struct kiosk *k);
/* Connects to a kiosk something else started (waits up to 5 s for its socket);
 * kiosk_detach closes the connection only. */
void kiosk_attach(struct kiosk *k, const char *sock);
void kiosk_detach(struct kiosk *k);
/* Sends one request line, returns the parsed response (you own it). */
json_object *cmd(struct kiosk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
json_object *get(json_object *o, const char *key);
/* A command that must answer ok. */
void ok(struct kiosk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The node with this id in the current tree, or NULL; you own the tree (*tree). */
json_object *node(struct kiosk *k, const char *id, json_object **tree);
/* A screenshot to ARTIFACTS/<orient>-<name>.png, checked to be a PNG. */
void shot(struct kiosk *k, const char *orient, const char *name);

#endif
