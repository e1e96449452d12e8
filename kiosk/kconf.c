#include "kconf.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kdate.h"

static const char usage[] =
	"usage: kiosk [options]\n"
	"  --config FILE      JSON configuration (api_url, device_token, kiosk_id, cache_dir,\n"
	"                     language, idle_timeout_s, idle_countdown_s, ...)\n"
	"  --api URL          API base URL\n"
	"  --token TOKEN      device token (better in the configuration file)\n"
	"  --kiosk-id ID      this kiosk's id\n"
	"  --cache-dir DIR    offline cache directory\n"
	"  --control PATH     automation socket (mode 0600)\n"
	"  --headless         render off-screen\n"
	"  --size WxH         window or screen size, e.g. 1080x1920\n"
	"  --fullscreen       fullscreen even with --size\n"
	"  --fake-clock       the clock moves only on 'advance'\n"
	"  --now RFC3339      with --fake-clock, the starting time\n"
	"  --no-audio         no sound (the default with --headless)\n"
	"  --language ko|en\n";

/* The version of the release this binary belongs to (kconf.h). */
static char *release_version(void)
{
	char exe[4096], line[64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	char *slash;
	if (n <= 0)
		return xstrdup(JK_VERSION);
	exe[n] = '\0';
	for (int up = 0; up < 2; up++)
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
	size_t len = strlen(exe);
	memcpy(exe + len, "/VERSION", sizeof("/VERSION"));
	return xstrdup(util_version_file(exe, line, sizeof(line)) == 1 ? line : JK_VERSION);
}

void kconf_init(kconf *c)
{
	memset(c, 0, sizeof(*c));
	c->version = release_version();
	c->api_url = xstrdup("http://127.0.0.1:8080/");
	c->kiosk_id = xstrdup("kiosk");
	c->cache_dir = xstrdup("./kiosk-cache");
	c->language = xstrdup("ko");
	c->fullscreen = -1;
	c->idle_timeout_s = 90;
	c->idle_countdown_s = 20;
	c->connect_timeout_s = 3;
	c->request_timeout_s = 10;
	c->sync_interval_s = 300;
	c->media_cache_mb = 2048;
	c->audio = -1;
}

void kconf_release(kconf *c)
{
	free(c->api_url);
	if (c->device_token) {
		util_wipe(c->device_token, strlen(c->device_token));
		free(c->device_token);
	}
	free(c->kiosk_id);
	free(c->cache_dir);
	free(c->language);
	free(c->control);
	free(c->touch_calibration);
	free(c->log_level);
	free(c->version);
	memset(c, 0, sizeof(*c));
}

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int load_file(kconf *c, const char *path, char *err, size_t errlen)
{
	json_object *root = json_object_from_file(path);
	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "%s: not a readable JSON object", path);
		json_object_put(root);
		return -1;
	}
	json_object_object_foreach(root, key, val)
	{
		int is_str = json_object_is_type(val, json_type_string);
		int is_int = json_object_is_type(val, json_type_int);
		char **s = NULL;
		int *i = NULL;
		if (strcmp(key, "api_url") == 0)
			s = &c->api_url;
		else if (strcmp(key, "device_token") == 0)
			s = &c->device_token;
		else if (strcmp(key, "kiosk_id") == 0)
			s = &c->kiosk_id;
		else if (strcmp(key, "cache_dir") == 0)
			s = &c->cache_dir;
		else if (strcmp(key, "language") == 0)
			s = &c->language;
		else if (strcmp(key, "touch_calibration") == 0)
			s = &c->touch_calibration;
		else if (strcmp(key, "log_level") == 0)
			s = &c->log_level;
		else if (strcmp(key, "idle_timeout_s") == 0)
			i = &c->idle_timeout_s;
		else if (strcmp(key, "idle_countdown_s") == 0)
			i = &c->idle_countdown_s;
		else if (strcmp(key, "connect_timeout_s") == 0)
			i = &c->connect_timeout_s;
		else if (strcmp(key, "request_timeout_s") == 0)
			i = &c->request_timeout_s;
		else if (strcmp(key, "sync_interval_s") == 0)
			i = &c->sync_interval_s;
		else if (strcmp(key, "media_cache_mb") == 0)
			i = &c->media_cache_mb;
		else
			continue; /* keys of later versions are welcome */
		if ((s && !is_str) || (i && (!is_int || json_object_get_int(val) < 1 ||
					     json_object_get_int(val) > 86400))) {
			snprintf(err, errlen, "%s: '%s' has the wrong type or range", path, key);
			json_object_put(root);
			return -1;
		}
		if (s)
			set(s, json_object_get_string(val));
		else
			*i = json_object_get_int(val);
	}
	json_object_put(root);
	return 0;
}

int kconf_parse(kconf *c, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc &&
		    load_file(c, argv[i + 1], err, errlen) < 0)
			return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(f, "--headless") == 0) {
			c->headless = 1;
			continue;
		}
		if (strcmp(f, "--fake-clock") == 0) {
			c->fake_clock = 1;
			continue;
		}
		if (strcmp(f, "--fullscreen") == 0) {
			c->fullscreen = 1;
			continue;
		}
		if (strcmp(f, "--no-audio") == 0) {
			c->audio = 0;
			continue;
		}
		if (!v) {
			snprintf(err, errlen, "%s needs a value (see --help)", f);
			return -1;
		}
		i++;
		if (strcmp(f, "--config") == 0) {
			continue;
		} else if (strcmp(f, "--api") == 0) {
			set(&c->api_url, v);
		} else if (strcmp(f, "--token") == 0) {
			set(&c->device_token, v);
		} else if (strcmp(f, "--kiosk-id") == 0) {
			set(&c->kiosk_id, v);
		} else if (strcmp(f, "--cache-dir") == 0) {
			set(&c->cache_dir, v);
		} else if (strcmp(f, "--control") == 0) {
			set(&c->control, v);
		} else if (strcmp(f, "--language") == 0) {
			set(&c->language, v);
		} else if (strcmp(f, "--size") == 0) {
			if (sscanf(v, "%dx%d", &c->width, &c->height) != 2 || c->width < 320 ||
			    c->height < 320 || c->width > 8192 || c->height > 8192) {
				snprintf(err, errlen, "--size: expected WxH, e.g. 1080x1920");
				return -1;
			}
		} else if (strcmp(f, "--now") == 0) {
			if (kdate_parse_rfc3339(v, &c->now) < 0) {
				snprintf(err, errlen, "--now: expected RFC 3339, e.g. "
						      "2026-11-23T09:00:00+09:00");
				return -1;
			}
		} else {
			snprintf(err, errlen, "unknown option %s (see --help)", f);
			return -1;
		}
	}
	if (strcmp(c->language, "ko") && strcmp(c->language, "en")) {
		snprintf(err, errlen, "language must be ko or en");
		return -1;
	}
	if (c->fullscreen < 0)
		c->fullscreen = c->width == 0;
	if (c->audio < 0)
		c->audio = !c->headless;
	return 0;
}
