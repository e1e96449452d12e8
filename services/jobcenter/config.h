/*
 * config.h - the service's configuration: compiled-in defaults, then a JSON file
 * (--config), then command-line flags. Parsed once at start into one struct; no
 * other module reads the environment or the file.
 *
 *	{"listen": "127.0.0.1:8080", "data": "/var/lib/jobcenter", "threads": 2,
 *	 "log_level": "info", "cache_mb": 64, "media_dir": "/srv/media",
 *	 "media_base_url": "https://cdn.example/media/",
 *	 "work24": {"list_url": "...", "detail_url": "...", "key": "...",
 *	            "regions": "29110|29140|29155|29170|29200", "interval_min": 60,
 *	            "max_details": 200}}
 */
#ifndef JC_CONFIG_H
#define JC_CONFIG_H

#include "util.h"

typedef struct cfg {
	char *listen;
	char *data_dir;
	int threads;	 /* 0: one per CPU */
	char *log_level;
	int cache_mb;
	int today;	 /* Seoul day number forced as "today" (tests), -1 for the clock */
	char *w24_list_url;
	char *w24_detail_url;
	char *w24_key;	 /* secret: never logged */
	char *w24_regions;
	int w24_interval_min;
	int w24_max_details;
	int max_upcoming;	/* bookings per phone number */
	int retention_days;	/* names and phones kept after the session */
	char *location;		/* where sessions take place, shown to the person */
	char *media_dir;	/* interview-practice media and media.json; NULL: <data>/media */
	char *media_base_url;	/* where kiosks fetch media files; NULL: this server's /media/ */
} cfg;

void cfg_init(cfg *c);
void cfg_release(cfg *c);

/* Reads a JSON configuration file over the current values. Unknown keys are an
 * error (a typo must not silently fall back to a default). Returns 0 or -1 + err. */
int cfg_load_file(cfg *c, const char *path, char *err, size_t errlen) WUR;

/* Applies one command-line flag ("--listen", value). Returns 1 if the flag is a
 * configuration flag and was applied, 0 if it is not one, -1 on a bad value. */
int cfg_apply_flag(cfg *c, const char *flag, const char *value, char *err, size_t errlen) WUR;

#endif
