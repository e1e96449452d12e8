/*
 * ctl.h - the automation socket (docs/api/kiosk-automation-v1.md): a Unix socket,
 * mode 0600, one JSON object per line each way. A reader thread collects lines and
 * posts each to the UI thread as an SDL event (user.data1 = ctl_cmd *); the UI
 * thread executes it and answers with ctl_reply(), in order. The reader never
 * writes and never closes a client: a disconnect arrives as a command with
 * line == NULL, after that client's earlier commands, and ctl_cmd_free closes it.
 */
#ifndef K_CTL_H
#define K_CTL_H

#include <json-c/json.h>
#include <stdint.h>

#include "util.h"

typedef struct ctl ctl;

typedef struct ctl_cmd {
	int fd;		/* the client; answer with ctl_reply(cmd->fd, ...) */
	char *line;	/* the request line, or NULL: the client has gone */
} ctl_cmd;

/* Listens at path (an existing socket file is replaced). notify (may be NULL) is
 * called from the reader thread after each posted command. Returns NULL with err. */
ctl *ctl_create(const char *path, uint32_t sdl_event, void (*notify)(void *), void *notify_ctx,
		char *err, size_t errlen);
void ctl_destroy(ctl *c);

/* Writes one response line (o is consumed). Returns 0 or -1 (client gone). */
int ctl_reply(int fd, json_object *o);
/* {"ok": false, "error": msg} */
int ctl_reply_error(int fd, const char *msg);
/* Frees a command; for a disconnect (line == NULL) also closes the client. */
void ctl_cmd_free(ctl_cmd *c);

#endif
