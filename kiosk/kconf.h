/*
 * kconf.h - the kiosk's configuration: compiled-in defaults, then the JSON file
 * (--config), then flags (docs/api/kiosk-automation-v1.md lists them). Parsed once
 * in main() into one struct.
 */
#ifndef K_KCONF_H
#define K_KCONF_H

#include <time.h>

#include "util.h"

typedef struct kconf {
	char *api_url;	    /* base URL, e.g. http://127.0.0.1:8080/ */
	char *device_token; /* secret: never logged */
	char *kiosk_id;
	char *cache_dir;
	char *language;	    /* "ko" or "en" */
	char *control;	    /* automation socket path, NULL for none */
	char *touch_calibration; /* "a b c d e f": x' = a x + b y + c, y' = d x + e y + f */
	int headless;
	int fullscreen;	    /* -1: default (fullscreen unless --size given) */
	int width, height;  /* 0: the display's size */
	int fake_clock;
	time_t now;	    /* --now with --fake-clock, 0 for real time */
	int idle_timeout_s;
	int idle_countdown_s;
	int connect_timeout_s;
	int request_timeout_s;
	int sync_interval_s;	/* incremental sync of the offline cache, kiosk clock */
	int media_cache_mb;	/* interview videos kept on disk at most */
	int audio;		/* 0: no sound output (--no-audio; the default headless) */
	char *log_level;	/* "debug", "info" (default), "warn", "error" */
	char *version;		/* reported in `state`: the first line of VERSION in the
				 * release the binary runs from (<release>/bin/kiosk ->
				 * <release>/VERSION, docs/updates.md), else the build's */
} kconf;

void kconf_init(kconf *c);
void kconf_release(kconf *c);

/* Parses argv (after the program name) over defaults and the --config file.
 * Returns 0, 1 when --help was asked (usage printed), or -1 with err. */
int kconf_parse(kconf *c, int argc, char **argv, char *err, size_t errlen) WUR;

#endif
