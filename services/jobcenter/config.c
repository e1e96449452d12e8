#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "kdate.h"
#include "log.h"

void cfg_init(cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = xstrdup("127.0.0.1:8080");
	c->data_dir = xstrdup("./jobcenter-data");
	c->log_level = xstrdup("info");
	c->cache_mb = 64;
	c->today = -1;
	c->w24_regions = xstrdup("29110|29140|29155|29170|29200");
	c->w24_interval_min = 60;
	c->w24_max_details = 200;
	c->max_upcoming = 2;
	c->retention_days = 90;
	c->location = xstrdup("광주 서구 청년일자리지원센터 상담실 (서구청 별관 2층)");
}

void cfg_release(cfg *c)
{
	free(c->listen);
	free(c->data_dir);
	free(c->log_level);
	free(c->w24_list_url);
	free(c->w24_detail_url);
	if (c->w24_key) {
		util_wipe(c->w24_key, strlen(c->w24_key));
		free(c->w24_key);
	}
	free(c->w24_regions);
	free(c->location);
	free(c->media_dir);
	free(c->media_base_url);
	memset(c, 0, sizeof(*c));
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int set_int(int *dst, const char *name, const char *v, long long lo, long long hi,
		   char *err, size_t errlen)
{
	long long n;
	if (util_parse_long(v, lo, hi, &n) < 0) {
		snprintf(err, errlen, "%s: expected an integer %lld..%lld", name, lo, hi);
		return -1;
	}
	*dst = (int)n;
	return 1;
}

int cfg_apply_flag(cfg *c, const char *flag, const char *v, char *err, size_t errlen)
{
	enum log_level lv;
	if (strcmp(flag, "--listen") == 0)
		set_str(&c->listen, v);
	else if (strcmp(flag, "--data") == 0)
		set_str(&c->data_dir, v);
	else if (strcmp(flag, "--threads") == 0)
		return set_int(&c->threads, flag, v, 0, 256, err, errlen);
	else if (strcmp(flag, "--cache-mb") == 0)
		return set_int(&c->cache_mb, flag, v, 0, 4096, err, errlen);
	else if (strcmp(flag, "--log-level") == 0) {
		if (log_parse_level(v, &lv) < 0) {
			snprintf(err, errlen, "--log-level: expected debug, info, warn, error or off");
			return -1;
		}
		set_str(&c->log_level, v);
	} else if (strcmp(flag, "--media-dir") == 0) {
		set_str(&c->media_dir, v);
	} else if (strcmp(flag, "--today") == 0) {
		if (kdate_parse(v, &c->today) < 0) {
			snprintf(err, errlen, "--today: expected YYYY-MM-DD");
			return -1;
		}
	} else
		return 0;
	return 1;
}

static int json_str(json_object *o, char **dst, const char *name, char *err, size_t errlen)
{
	if (!json_object_is_type(o, json_type_string)) {
		snprintf(err, errlen, "%s: expected a string", name);
		return -1;
	}
	set_str(dst, json_object_get_string(o));
	return 0;
}

static int json_int(json_object *o, int *dst, const char *name, int lo, int hi, char *err,
		    size_t errlen)
{
	if (!json_object_is_type(o, json_type_int) || json_object_get_int64(o) < lo ||
	    json_object_get_int64(o) > hi) {
		snprintf(err, errlen, "%s: expected an integer %d..%d", name, lo, hi);
		return -1;
	}
	*dst = (int)json_object_get_int64(o);
	return 0;
}

int cfg_load_file(cfg *c, const char *path, char *err, size_t errlen)
{
	json_object *root = json_object_from_file(path);
	int rc = 0;

	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "%s: not a readable JSON object (%s)", path,
			 json_util_get_last_err() ? json_util_get_last_err() : "wrong type");
		json_object_put(root);
		return -1;
	}
	json_object_object_foreach(root, key, val)
	{
		if (rc < 0)
			break;
		if (strcmp(key, "listen") == 0)
			rc = json_str(val, &c->listen, key, err, errlen);
		else if (strcmp(key, "data") == 0)
			rc = json_str(val, &c->data_dir, key, err, errlen);
		else if (strcmp(key, "threads") == 0)
			rc = json_int(val, &c->threads, key, 0, 256, err, errlen);
		else if (strcmp(key, "cache_mb") == 0)
			rc = json_int(val, &c->cache_mb, key, 0, 4096, err, errlen);
		else if (strcmp(key, "max_upcoming") == 0)
			rc = json_int(val, &c->max_upcoming, key, 1, 100, err, errlen);
		else if (strcmp(key, "retention_days") == 0)
			rc = json_int(val, &c->retention_days, key, 1, 3650, err, errlen);
		else if (strcmp(key, "location") == 0)
			rc = json_str(val, &c->location, key, err, errlen);
		else if (strcmp(key, "media_dir") == 0)
			rc = json_str(val, &c->media_dir, key, err, errlen);
		else if (strcmp(key, "media_base_url") == 0)
			rc = json_str(val, &c->media_base_url, key, err, errlen);
		else if (strcmp(key, "log_level") == 0) {
			enum log_level lv;
			rc = json_str(val, &c->log_level, key, err, errlen);
			if (rc == 0 && log_parse_level(c->log_level, &lv) < 0) {
				snprintf(err, errlen, "log_level: unknown level");
				rc = -1;
			}
		} else if (strcmp(key, "work24") == 0 && json_object_is_type(val, json_type_object)) {
			json_object_object_foreach(val, k2, v2)
			{
				if (rc < 0)
					break;
				if (strcmp(k2, "list_url") == 0)
					rc = json_str(v2, &c->w24_list_url, k2, err, errlen);
				else if (strcmp(k2, "detail_url") == 0)
					rc = json_str(v2, &c->w24_detail_url, k2, err, errlen);
				else if (strcmp(k2, "key") == 0)
					rc = json_str(v2, &c->w24_key, k2, err, errlen);
				else if (strcmp(k2, "regions") == 0)
					rc = json_str(v2, &c->w24_regions, k2, err, errlen);
				else if (strcmp(k2, "interval_min") == 0)
					rc = json_int(v2, &c->w24_interval_min, k2, 1, 10080, err,
						      errlen);
				else if (strcmp(k2, "max_details") == 0)
					rc = json_int(v2, &c->w24_max_details, k2, 0, 100000, err,
						      errlen);
				else {
					snprintf(err, errlen, "work24.%s: unknown key", k2);
					rc = -1;
				}
			}
		} else {
			snprintf(err, errlen, "%s: unknown key", key);
			rc = -1;
		}
	}
	json_object_put(root);
	return rc;
}
