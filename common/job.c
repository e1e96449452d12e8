#include "job.h"

#include <stdio.h>
#include <string.h>

#include "kdate.h"

static const char *const emp_names[] = {"full_time", "part_time", "contract", "internship",
					"daily"};
static const char *const career_names[] = {"new", "experienced", "any"};
static const char *const edu_names[] = {"any", "high_school", "college", "university",
					"graduate"};
static const char *const sal_names[] = {"hourly", "daily", "monthly", "annual", "negotiable"};

static const char *const *enum_table(enum job_enum_kind kind, int *count)
{
	switch (kind) {
	case JOB_ENUM_EMPLOYMENT:
		*count = JOB_EMP_COUNT;
		return emp_names;
	case JOB_ENUM_CAREER:
		*count = JOB_CAREER_COUNT;
		return career_names;
	case JOB_ENUM_EDUCATION:
		*count = JOB_EDU_COUNT;
		return edu_names;
	case JOB_ENUM_SALARY:
		*count = JOB_SAL_COUNT;
		return sal_names;
	}
	*count = 0;
	return NULL;
}

const char *job_enum_name(enum job_enum_kind kind, int value)
{
	int n;
	const char *const *t = enum_table(kind, &n);
	return value >= 0 && value < n ? t[value] : NULL;
}

int job_enum_parse(enum job_enum_kind kind, const char *name)
{
	int n;
	const char *const *t = enum_table(kind, &n);
	for (int i = 0; i < n; i++)
		if (strcmp(t[i], name) == 0)
			return i;
	return -1;
}

void job_init(job *j)
{
	memset(j, 0, sizeof(*j));
	j->salary_type = JOB_SAL_NEGOTIABLE;
	j->salary_min = -1;
	j->salary_max = -1;
}

static void ref_release(job_ref *r)
{
	free(r->code);
	free(r->name_ko);
	free(r->name_en);
}

void job_release(job *j)
{
	free(j->id);
	free(j->title);
	free(j->company);
	ref_release(&j->region);
	ref_release(&j->category);
	free(j->source);
	free(j->updated_at);
	free(j->description);
	free(j->requirements);
	free(j->benefits);
	free(j->work_hours);
	free(j->address);
	free(j->contact_name);
	free(j->contact_phone);
	free(j->apply_url);
	job_init(j);
}

long long job_salary_month_top(const job *j)
{
	long long top = j->salary_max > 0 ? j->salary_max : j->salary_min;
	if (top <= 0)
		return -1;
	switch (j->salary_type) {
	case JOB_SAL_HOURLY:
		return top * 209;
	case JOB_SAL_DAILY:
		return top * 2175 / 100;
	case JOB_SAL_MONTHLY:
		return top;
	case JOB_SAL_ANNUAL:
		return top / 12;
	default:
		return -1;
	}
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *ref_to_json(const job_ref *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "code", str_or_null(r->code));
	json_object_object_add(o, "name_ko", str_or_null(r->name_ko));
	json_object_object_add(o, "name_en", str_or_null(r->name_en));
	return o;
}

json_object *job_to_json(const job *j, int detail)
{
	json_object *o = json_object_new_object();
	json_object *sal = json_object_new_object();

	json_object_object_add(o, "id", str_or_null(j->id));
	json_object_object_add(o, "title", str_or_null(j->title));
	json_object_object_add(o, "company", str_or_null(j->company));
	json_object_object_add(o, "region", ref_to_json(&j->region));
	json_object_object_add(o, "category", ref_to_json(&j->category));
	json_object_object_add(o, "employment",
			       str_or_null(job_enum_name(JOB_ENUM_EMPLOYMENT, j->employment)));
	json_object_object_add(o, "career", str_or_null(job_enum_name(JOB_ENUM_CAREER, j->career)));
	json_object_object_add(o, "education",
			       str_or_null(job_enum_name(JOB_ENUM_EDUCATION, j->education)));
	json_object_object_add(sal, "type",
			       str_or_null(job_enum_name(JOB_ENUM_SALARY, j->salary_type)));
	if (j->salary_type != JOB_SAL_NEGOTIABLE) {
		if (j->salary_min >= 0)
			json_object_object_add(sal, "min", json_object_new_int64(j->salary_min));
		if (j->salary_max >= 0)
			json_object_object_add(sal, "max", json_object_new_int64(j->salary_max));
	}
	json_object_object_add(o, "salary", sal);
	json_object_object_add(o, "posted_at", str_or_null(j->posted_at[0] ? j->posted_at : NULL));
	json_object_object_add(o, "closes_at", str_or_null(j->closes_at[0] ? j->closes_at : NULL));
	json_object_object_add(o, "source", str_or_null(j->source));
	json_object_object_add(o, "updated_at", str_or_null(j->updated_at));
	if (!detail)
		return o;

	json_object *contact = json_object_new_object();
	json_object_object_add(o, "description", json_object_new_string(j->description ? j->description : ""));
	json_object_object_add(o, "requirements", json_object_new_string(j->requirements ? j->requirements : ""));
	json_object_object_add(o, "benefits", json_object_new_string(j->benefits ? j->benefits : ""));
	json_object_object_add(o, "work_hours", json_object_new_string(j->work_hours ? j->work_hours : ""));
	json_object_object_add(o, "address", json_object_new_string(j->address ? j->address : ""));
	json_object_object_add(contact, "name", str_or_null(j->contact_name));
	json_object_object_add(contact, "phone", str_or_null(j->contact_phone));
	json_object_object_add(o, "contact", contact);
	json_object_object_add(o, "apply_url", str_or_null(j->apply_url));
	if (j->has_geo) {
		json_object_object_add(o, "lat", json_object_new_double(j->lat));
		json_object_object_add(o, "lon", json_object_new_double(j->lon));
	}
	return o;
}

/* Caps on what a kiosk accepts from the network, per string field. */
#define JOB_MAX_SHORT 1024
#define JOB_MAX_LONG (64 * 1024)

static int get_str(json_object *o, const char *key, int required, size_t max, char **out,
		   char *err, size_t errlen)
{
	json_object *v;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) == json_type_null) {
		if (required) {
			snprintf(err, errlen, "missing field '%s'", key);
			return -1;
		}
		return 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "field '%s' is not a string", key);
		return -1;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n > max || memchr(s, '\0', n)) {
		snprintf(err, errlen, "field '%s' is too long or holds NUL", key);
		return -1;
	}
	free(*out);
	*out = xstrndup(s, n);
	return 0;
}

static int get_enum(json_object *o, const char *key, enum job_enum_kind kind, int *out, char *err,
		    size_t errlen)
{
	char *s = NULL;
	int v;
	if (get_str(o, key, 1, 64, &s, err, errlen) < 0)
		return -1;
	v = job_enum_parse(kind, s);
	free(s);
	if (v < 0) {
		snprintf(err, errlen, "field '%s' has an unknown value", key);
		return -1;
	}
	*out = v;
	return 0;
}

static int get_date(json_object *o, const char *key, int required, char out[11], char *err,
		    size_t errlen)
{
	char *s = NULL;
	int day;
	if (get_str(o, key, required, 16, &s, err, errlen) < 0)
		return -1;
	out[0] = '\0';
	if (!s)
		return 0;
	if (kdate_parse(s, &day) < 0) {
		snprintf(err, errlen, "field '%s' is not a date", key);
		free(s);
		return -1;
	}
	memcpy(out, s, 11);
	free(s);
	return 0;
}

static int get_ref(json_object *o, const char *key, job_ref *r, char *err, size_t errlen)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object)) {
		snprintf(err, errlen, "field '%s' is not an object", key);
		return -1;
	}
	if (get_str(v, "code", 1, 64, &r->code, err, errlen) < 0 ||
	    get_str(v, "name_ko", 0, JOB_MAX_SHORT, &r->name_ko, err, errlen) < 0 ||
	    get_str(v, "name_en", 0, JOB_MAX_SHORT, &r->name_en, err, errlen) < 0)
		return -1;
	return 0;
}

static int get_amount(json_object *o, const char *key, long long *out, char *err, size_t errlen)
{
	json_object *v;
	*out = -1;
	if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) == json_type_null)
		return 0;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0) {
		snprintf(err, errlen, "salary '%s' is not a non-negative integer", key);
		return -1;
	}
	*out = json_object_get_int64(v);
	return 0;
}

int job_from_json(json_object *o, job *j, char *err, size_t errlen)
{
	json_object *sal, *contact, *v;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "job is not an object");
		return -1;
	}
	if (get_str(o, "id", 1, 64, &j->id, err, errlen) < 0 ||
	    get_str(o, "title", 1, JOB_MAX_SHORT, &j->title, err, errlen) < 0 ||
	    get_str(o, "company", 1, JOB_MAX_SHORT, &j->company, err, errlen) < 0 ||
	    get_ref(o, "region", &j->region, err, errlen) < 0 ||
	    get_ref(o, "category", &j->category, err, errlen) < 0 ||
	    get_enum(o, "employment", JOB_ENUM_EMPLOYMENT, &j->employment, err, errlen) < 0 ||
	    get_enum(o, "career", JOB_ENUM_CAREER, &j->career, err, errlen) < 0 ||
	    get_enum(o, "education", JOB_ENUM_EDUCATION, &j->education, err, errlen) < 0 ||
	    get_date(o, "posted_at", 1, j->posted_at, err, errlen) < 0 ||
	    get_date(o, "closes_at", 0, j->closes_at, err, errlen) < 0 ||
	    get_str(o, "source", 0, 64, &j->source, err, errlen) < 0 ||
	    get_str(o, "updated_at", 0, 64, &j->updated_at, err, errlen) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "salary", &sal) ||
	    !json_object_is_type(sal, json_type_object)) {
		snprintf(err, errlen, "field 'salary' is not an object");
		return -1;
	}
	if (get_enum(sal, "type", JOB_ENUM_SALARY, &j->salary_type, err, errlen) < 0 ||
	    get_amount(sal, "min", &j->salary_min, err, errlen) < 0 ||
	    get_amount(sal, "max", &j->salary_max, err, errlen) < 0)
		return -1;

	if (get_str(o, "description", 0, JOB_MAX_LONG, &j->description, err, errlen) < 0 ||
	    get_str(o, "requirements", 0, JOB_MAX_LONG, &j->requirements, err, errlen) < 0 ||
	    get_str(o, "benefits", 0, JOB_MAX_LONG, &j->benefits, err, errlen) < 0 ||
	    get_str(o, "work_hours", 0, JOB_MAX_SHORT, &j->work_hours, err, errlen) < 0 ||
	    get_str(o, "address", 0, JOB_MAX_SHORT, &j->address, err, errlen) < 0 ||
	    get_str(o, "apply_url", 0, 4096, &j->apply_url, err, errlen) < 0)
		return -1;
	if (json_object_object_get_ex(o, "contact", &contact) &&
	    json_object_get_type(contact) != json_type_null) {
		if (!json_object_is_type(contact, json_type_object)) {
			snprintf(err, errlen, "field 'contact' is not an object");
			return -1;
		}
		if (get_str(contact, "name", 0, JOB_MAX_SHORT, &j->contact_name, err, errlen) < 0 ||
		    get_str(contact, "phone", 0, 64, &j->contact_phone, err, errlen) < 0)
			return -1;
	}
	if (json_object_object_get_ex(o, "lat", &v) && json_object_object_get_ex(o, "lon", &contact)) {
		if ((json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) &&
		    (json_object_is_type(contact, json_type_double) ||
		     json_object_is_type(contact, json_type_int))) {
			j->has_geo = 1;
			j->lat = json_object_get_double(v);
			j->lon = json_object_get_double(contact);
		}
	}
	return 0;
}
