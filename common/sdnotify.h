/*
 * sdnotify.h - the systemd notification protocol (sd_notify(3)) without libsystemd:
 * one datagram to the socket named by $NOTIFY_SOCKET. A no-op when not started by
 * systemd. Any thread.
 */
#ifndef JK_SDNOTIFY_H
#define JK_SDNOTIFY_H

/* Sends state ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=..."). Returns 1 if
 * sent, 0 when there is no notification socket, -1 on error. */
int sdn_notify(const char *state);

/* The watchdog interval systemd asked for ($WATCHDOG_USEC), in seconds; 0 if none. */
double sdn_watchdog_interval(void);

#endif
