#include "work24.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "jobdb.h"
#include "kdate.h"
#include "log.h"
#include "refdata.h"
#include "utf8.h"

#define W24_MAX_BODY (64u << 20)
#define W24_MAX_SHORT 1000  /* bytes kept of a short field */
#define W24_MAX_LONG 20000  /* bytes kept of a long text */

/* The fields we use, as the element names of list (wanted) and detail responses. */
enum w24_field {
	F_ID, F_COMPANY, F_TITLE, F_SALTP, F_MINSAL, F_MAXSAL, F_REGION, F_MINEDU, F_CAREER,
	F_REGDT, F_CLOSEDT, F_URL, F_MURL, F_BASICADDR, F_DETAILADDR, F_EMPTPCD, F_JOBSCD,
	F_MODIFY,
	/* detail */
	F_CORPNM, F_CORPADDR, F_JOBSNM, F_WTITLE, F_JOBCONT, F_RCPTCLOSE, F_EMPTPNM, F_SALTPNM_D,
	F_ENTERTP, F_EDUNM, F_MAJOR, F_CERT, F_COMPABL, F_PFCOND, F_FORLANG, F_WORKREGION,
	F_WORKHR, F_FOURINS, F_RETIRE, F_WELFARE, F_CHARGEDPT, F_TEL, F_SELMTHD, F_RCPTMTHD,
	F_SUBMITDOC,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"wantedAuthNo", "company", "title", "salTpNm", "minSal", "maxSal", "region", "minEdubg",
	"career", "regDt", "closeDt", "wantedInfoUrl", "wantedMobileInfoUrl", "basicAddr",
	"detailAddr", "empTpCd", "jobsCd", "smodifyDtm",
	"corpNm", "corpAddr", "jobsNm", "wantedTitle", "jobCont", "receiptCloseDt", "empTpNm",
	"salTpNm", "enterTpNm", "eduNm", "major", "certificate", "compAbl", "pfCond", "forLang",
	"workRegion", "workdayWorkhrCont", "fourIns", "retirepay", "etcWelfare", "empChargerDpt",
	"contactTelno", "selMthd", "rcptMthd", "submitDoc"};

typedef struct w24_item {
	char *f[F_COUNT];
	int has_list, has_detail;
} w24_item;

struct w24_batch {
	w24_item *items;
	size_t n, cap;
	long total;	  /* largest <total> reported by a list response, -1 if none */
	long list_items;  /* listings received from list responses */
};

w24_batch *w24_batch_create(void)
{
	w24_batch *b = xcalloc(1, sizeof(*b));
	b->total = -1;
	return b;
}

static void item_free(w24_item *it)
{
	for (int k = 0; k < F_COUNT; k++)
		free(it->f[k]);
}

void w24_batch_destroy(w24_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		item_free(&b->items[i]);
	free(b->items);
	free(b);
}

size_t w24_batch_count(const w24_batch *b)
{
	return b->n;
}

int w24_batch_complete(const w24_batch *b)
{
	return b->total >= 0 && b->list_items >= b->total;
}

/* Element text, whitespace-trimmed, cut at a character boundary to max bytes. */
static char *node_text(xmlNode *n, size_t max)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s, *e, *out;
	size_t len;

	if (!c)
		return NULL;
	s = (char *)c;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	len = utf8_clip(s, (size_t)(e - s), max);
	out = len ? xstrndup(s, len) : NULL;
	xmlFree(c);
	/* Control characters (other than line breaks) do not belong in listings. */
	if (out)
		for (char *p = out; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n')
				*p = ' ';
	return out;
}

static int field_of(const xmlChar *name, int detail)
{
	for (int k = 0; k < F_COUNT; k++) {
		if (strcmp((const char *)name, field_names[k]) != 0)
			continue;
		/* salTpNm appears in both; the detail's is descriptive text. */
		if (k == F_SALTP && detail)
			continue;
		if (k == F_SALTPNM_D && !detail)
			continue;
		return k;
	}
	return -1;
}

static size_t field_max(int k)
{
	return k == F_JOBCONT || k == F_PFCOND || k == F_WELFARE || k == F_COMPABL
		       ? W24_MAX_LONG
		       : W24_MAX_SHORT;
}

/* Fills item fields from the element children of parent (recursing one level into
 * the detail's corpInfo / wantedInfo / empchargeInfo groups). */
static void read_fields(xmlNode *parent, w24_item *it, int detail)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		int k;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (detail && (xmlStrEqual(n->name, BAD_CAST "corpInfo") ||
			       xmlStrEqual(n->name, BAD_CAST "wantedInfo") ||
			       xmlStrEqual(n->name, BAD_CAST "empchargeInfo"))) {
			read_fields(n, it, detail);
			continue;
		}
		if ((k = field_of(n->name, detail)) < 0 || it->f[k])
			continue;
		it->f[k] = node_text(n, field_max(k));
	}
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
			return n;
	return NULL;
}

static w24_item *find_item(w24_batch *b, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->items[i].f[F_ID], id) == 0)
			return &b->items[i];
	return NULL;
}

static w24_item *add_item(w24_batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->items = xrealloc(b->items, b->cap * sizeof(w24_item));
	}
	memset(&b->items[b->n], 0, sizeof(w24_item));
	return &b->items[b->n++];
}

/* Merges fields of src into dst where dst has none; frees src's copies. */
static void merge(w24_item *dst, w24_item *src)
{
	for (int k = 0; k < F_COUNT; k++) {
		if (!dst->f[k]) {
			dst->f[k] = src->f[k];
			src->f[k] = NULL;
		}
	}
	dst->has_list |= src->has_list;
	dst->has_detail |= src->has_detail;
	item_free(src);
}

static void api_error(xmlNode *root, char *err, size_t errlen)
{
	xmlNode *m = child(root, "message"), *c = child(root, "messageCd");
	xmlNode *e = child(root, "error");
	char *ms = m ? node_text(m, 300) : e ? node_text(e, 300) : NULL;
	char *cs = c ? node_text(c, 20) : NULL;
	snprintf(err, errlen, "Work24 error %s: %s", cs ? cs : "(GO24)", ms ? ms : "(no message)");
	free(ms);
	free(cs);
}

int w24_batch_add(w24_batch *b, const char *data, size_t len, char *err, size_t errlen)
{
	xmlDoc *doc;
	xmlNode *root;
	int ret = W24_OK;

	if (len > W24_MAX_BODY) {
		snprintf(err, errlen, "response larger than %u bytes", W24_MAX_BODY);
		return W24_EFORMAT;
	}
	if (len == 0) {
		snprintf(err, errlen, "empty response");
		return W24_EXML;
	}
	/* No network, no DTD loading, no entity substitution: a response is data. */
	doc = xmlReadMemory(data, (int)len, "work24.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_NOBLANKS);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		snprintf(err, errlen, "malformed XML%s%s", e && e->message ? ": " : "",
			 e && e->message ? e->message : "");
		/* libxml2's messages end with a newline. */
		size_t n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		return W24_EXML;
	}
	if (doc->intSubset || doc->extSubset) {
		snprintf(err, errlen, "response carries a DTD; refused");
		ret = W24_EFORMAT;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root) {
		snprintf(err, errlen, "no root element");
		ret = W24_EFORMAT;
		goto out;
	}
	if (xmlStrEqual(root->name, BAD_CAST "GO24") ||
	    (xmlStrEqual(root->name, BAD_CAST "wantedRoot") &&
	     (child(root, "messageCd") || child(root, "message")))) {
		api_error(root, err, errlen);
		ret = W24_EAPI;
		goto out;
	}
	if (xmlStrEqual(root->name, BAD_CAST "wantedRoot")) {
		xmlNode *t = child(root, "total");
		char *ts = t ? node_text(t, 20) : NULL;
		long long total = -1;
		long got = 0;
		if (!ts || util_parse_long(ts, 0, 100000000, &total) < 0) {
			free(ts);
			snprintf(err, errlen, "list response without a valid <total>");
			ret = W24_EFORMAT;
			goto out;
		}
		free(ts);
		for (xmlNode *n = root->children; n; n = n->next) {
			w24_item tmp, *old;
			if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "wanted"))
				continue;
			memset(&tmp, 0, sizeof(tmp));
			read_fields(n, &tmp, 0);
			tmp.has_list = 1;
			got++;
			if (!tmp.f[F_ID]) {
				item_free(&tmp); /* counted, kept out: no id, no listing */
				continue;
			}
			if ((old = find_item(b, tmp.f[F_ID])))
				merge(old, &tmp);
			else
				*add_item(b) = tmp;
		}
		if (total > b->total)
			b->total = (long)total;
		b->list_items += got;
	} else if (xmlStrEqual(root->name, BAD_CAST "wantedDtl")) {
		w24_item tmp, *old;
		memset(&tmp, 0, sizeof(tmp));
		read_fields(root, &tmp, 1);
		tmp.has_detail = 1;
		if (!tmp.f[F_ID]) {
			item_free(&tmp);
			snprintf(err, errlen, "detail response without <wantedAuthNo>");
			ret = W24_EFORMAT;
			goto out;
		}
		if ((old = find_item(b, tmp.f[F_ID])))
			merge(old, &tmp);
		else
			*add_item(b) = tmp;
	} else {
		snprintf(err, errlen, "not a Work24 response (root element <%.40s>)",
			 (const char *)root->name);
		ret = W24_EFORMAT;
	}
out:
	xmlFreeDoc(doc);
	return ret;
}

/* ---- mapping ---- */

/* "26-10-01", "2026-10-01" or "20261001" -> day number. */
static int parse_w24_date(const char *s, int *day)
{
	char iso[11];
	size_t n = strlen(s);
	if (n == 8 && s[2] == '-' && s[5] == '-') {
		iso[0] = '2';
		iso[1] = '0';
		memcpy(iso + 2, s, 8);
	} else if (n == 10) {
		memcpy(iso, s, 10);
	} else if (n == 8) {
		memcpy(iso, s, 4);
		iso[4] = '-';
		memcpy(iso + 5, s + 4, 2);
		iso[7] = '-';
		memcpy(iso + 8, s + 6, 2);
	} else {
		return -1;
	}
	iso[10] = '\0';
	return kdate_parse(iso, day);
}

static int map_employment(const w24_item *it)
{
	const char *cd = it->f[F_EMPTPCD], *nm = it->f[F_EMPTPNM], *t = it->f[F_TITLE];
	if (t && strstr(t, "인턴"))
		return JOB_EMP_INTERNSHIP;
	if ((t && strstr(t, "일용")) || (nm && strstr(nm, "일용")))
		return JOB_EMP_DAILY;
	if (cd) {
		if (strcmp(cd, "10") == 0)
			return JOB_EMP_FULL_TIME;
		if (strcmp(cd, "11") == 0 || strcmp(cd, "21") == 0)
			return JOB_EMP_PART_TIME;
		if (strcmp(cd, "20") == 0 || strcmp(cd, "4") == 0)
			return JOB_EMP_CONTRACT;
	}
	if (nm) {
		if (strstr(nm, "시간"))
			return JOB_EMP_PART_TIME;
		if (strstr(nm, "정함이 있는") || strstr(nm, "파견"))
			return JOB_EMP_CONTRACT;
	}
	return JOB_EMP_FULL_TIME;
}

static int map_career(const w24_item *it)
{
	const char *c = it->f[F_CAREER] ? it->f[F_CAREER] : it->f[F_ENTERTP];
	int is_new, is_exp;
	if (!c)
		return JOB_CAREER_ANY;
	is_new = strstr(c, "신입") != NULL;
	is_exp = strstr(c, "경력") != NULL;
	if (strstr(c, "관계없음") || strstr(c, "무관") || (is_new && is_exp))
		return JOB_CAREER_ANY;
	return is_exp ? JOB_CAREER_EXPERIENCED : is_new ? JOB_CAREER_NEW : JOB_CAREER_ANY;
}

static int map_education(const w24_item *it)
{
	const char *e = it->f[F_MINEDU] ? it->f[F_MINEDU] : it->f[F_EDUNM];
	char first[64];
	const char *dash;
	if (!e)
		return JOB_EDU_ANY;
	/* The detail's eduNm is a range "대졸(4년)-박사": the requirement is its start. */
	dash = strchr(e, '-');
	snprintf(first, sizeof(first), "%.*s", dash ? (int)(dash - e) : (int)strlen(e), e);
	if (strstr(first, "무관") || strstr(first, "중졸") || strstr(first, "초졸"))
		return JOB_EDU_ANY;
	if (strstr(first, "고졸"))
		return JOB_EDU_HIGH_SCHOOL;
	if (strstr(first, "2~3년") || strstr(first, "2-3년") || strstr(first, "전문대") ||
	    strstr(first, "초대졸"))
		return JOB_EDU_COLLEGE;
	if (strstr(first, "대졸") || strstr(first, "4년"))
		return JOB_EDU_UNIVERSITY;
	if (strstr(first, "석사") || strstr(first, "박사"))
		return JOB_EDU_GRADUATE;
	return JOB_EDU_ANY;
}

static void map_salary(const w24_item *it, job *j)
{
	const char *t = it->f[F_SALTP] ? it->f[F_SALTP] : it->f[F_SALTPNM_D];
	long long mn = -1, mx = -1;

	j->salary_type = JOB_SAL_NEGOTIABLE;
	if (!t)
		return;
	if (strncmp(t, "시급", 6) == 0)
		j->salary_type = JOB_SAL_HOURLY;
	else if (strncmp(t, "일급", 6) == 0)
		j->salary_type = JOB_SAL_DAILY;
	else if (strncmp(t, "월급", 6) == 0)
		j->salary_type = JOB_SAL_MONTHLY;
	else if (strncmp(t, "연봉", 6) == 0)
		j->salary_type = JOB_SAL_ANNUAL;
	else
		return;
	if (it->f[F_MINSAL] && util_parse_long(it->f[F_MINSAL], 0, 100000000000LL, &mn) < 0)
		mn = -1;
	if (it->f[F_MAXSAL] && util_parse_long(it->f[F_MAXSAL], 0, 100000000000LL, &mx) < 0)
		mx = -1;
	if (mx == 0) /* 0 means "no maximum" */
		mx = -1;
	if (mn <= 0 && mx <= 0) {
		j->salary_type = JOB_SAL_NEGOTIABLE;
		return;
	}
	if (mn > 0 && mx > 0 && mx < mn)
		mx = -1;
	j->salary_min = mn > 0 ? mn : -1;
	j->salary_max = mx;
}

static const char *const sido_names[][3] = {
	{"서울", "11", "Seoul"},     {"부산", "26", "Busan"},    {"대구", "27", "Daegu"},
	{"인천", "28", "Incheon"},   {"광주", "29", "Gwangju"},  {"대전", "30", "Daejeon"},
	{"울산", "31", "Ulsan"},     {"세종", "36", "Sejong"},   {"경기", "41", "Gyeonggi"},
	{"충북", "43", "Chungbuk"},  {"충남", "44", "Chungnam"}, {"전남", "46", "Jeonnam"},
	{"경북", "47", "Gyeongbuk"}, {"경남", "48", "Gyeongnam"}, {"제주", "50", "Jeju"},
	{"강원", "51", "Gangwon"},   {"전북", "52", "Jeonbuk"},
};

/* True when name occurs in text as a whole word (bounded by space, parentheses,
 * commas or the ends). */
static int has_word(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		char before = p == text ? ' ' : p[-1], after = p[n];
		if ((before == ' ' || before == '(' || before == ',') &&
		    (after == '\0' || after == ' ' || after == ')' || after == ','))
			return 1;
	}
	return 0;
}

static void map_region(const w24_item *it, job *j)
{
	const char *text = it->f[F_REGION] ? it->f[F_REGION] : it->f[F_WORKREGION];
	const char *addrs[] = {it->f[F_BASICADDR], it->f[F_DETAILADDR], it->f[F_CORPADDR],
			       it->f[F_WORKREGION]};
	char sido[32] = "", gu[64] = "";
	const ref_region *d = NULL;

	if (text)
		sscanf(text, "%31s %63s", sido, gu);
	if (strncmp(sido, "광주", 6) == 0 && gu[0])
		d = ref_region_by_name(gu, "district");
	if (d) {
		const ref_region *dong = NULL;
		size_t nr;
		const ref_region *all = ref_regions(&nr);
		/* Work24 stops at the district: the dong comes from the address text. */
		for (size_t k = 0; k < nr && !dong; k++) {
			if (strcmp(all[k].level, "dong") || strcmp(all[k].parent, d->code))
				continue;
			for (size_t a = 0; a < ARRAY_LEN(addrs) && !dong; a++)
				if (addrs[a] && has_word(addrs[a], all[k].name_ko))
					dong = &all[k];
		}
		if (dong)
			d = dong;
		j->region.code = xstrdup(d->code);
		j->region.name_ko = xstrdup(d->name_ko);
		j->region.name_en = xstrdup(d->name_en);
		return;
	}
	/* Outside the centre's area: keep the text, coded to its province. */
	for (size_t k = 0; k < ARRAY_LEN(sido_names); k++) {
		if (sido[0] && strncmp(sido, sido_names[k][0], strlen(sido_names[k][0])) == 0) {
			j->region.code = xstrdup(sido_names[k][1]);
			j->region.name_ko = xstrdup(text);
			j->region.name_en = xstrdup(sido_names[k][2]);
			return;
		}
	}
	j->region.code = xstrdup("00");
	j->region.name_ko = xstrdup(text ? text : "지역 미상");
	j->region.name_en = xstrdup("Unknown");
}

static void add_line(buf *b, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	if (b->len)
		buf_addc(b, '\n');
	buf_printf(b, "%s: %s", label, value);
}

static int url_ok(const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
	       !strpbrk(u, " \n\"<>");
}

int w24_batch_job(const w24_batch *b, size_t i, int today, job *j, char *err, size_t errlen)
{
	const w24_item *it = &b->items[i];
	const char *title = it->f[F_TITLE] ? it->f[F_TITLE] : it->f[F_WTITLE];
	const char *company = it->f[F_COMPANY] ? it->f[F_COMPANY] : it->f[F_CORPNM];
	const char *close = it->f[F_CLOSEDT] ? it->f[F_CLOSEDT] : it->f[F_RCPTCLOSE];
	const ref_category *cat = NULL;
	char cc[3];
	int day;
	buf t;

	if (!title || !company) {
		snprintf(err, errlen, "listing %.40s has no %s", it->f[F_ID],
			 title ? "company" : "title");
		return -1;
	}
	j->id = xstrdup(it->f[F_ID]);
	j->title = xstrdup(title);
	j->company = xstrdup(company);
	map_region(it, j);
	if (it->f[F_JOBSCD] && strlen(it->f[F_JOBSCD]) >= 2) {
		memcpy(cc, it->f[F_JOBSCD], 2);
		cc[2] = '\0';
		cat = ref_category_by_code(cc);
	}
	if (!cat)
		cat = ref_category_by_code("99");
	j->category.code = xstrdup(cat->code);
	j->category.name_ko = xstrdup(cat->name_ko);
	j->category.name_en = xstrdup(cat->name_en);
	j->employment = map_employment(it);
	j->career = map_career(it);
	j->education = map_education(it);
	map_salary(it, j);

	if (it->f[F_REGDT] && parse_w24_date(it->f[F_REGDT], &day) == 0)
		kdate_format(day, j->posted_at);
	else
		kdate_format(today, j->posted_at);
	j->closes_at[0] = '\0';
	if (close && !strstr(close, "채용시까지") && !strstr(close, "상시")) {
		const char *sp = strrchr(close, ' ');
		if (parse_w24_date(sp ? sp + 1 : close, &day) == 0)
			kdate_format(day, j->closes_at);
	}
	if (it->f[F_MODIFY] && strlen(it->f[F_MODIFY]) == 12) {
		char ts[32], d8[9];
		memcpy(d8, it->f[F_MODIFY], 8);
		d8[8] = '\0';
		if (parse_w24_date(d8, &day) == 0) {
			char iso[11];
			kdate_format(day, iso);
			snprintf(ts, sizeof(ts), "%sT%.2s:%.2s:00+09:00", iso, it->f[F_MODIFY] + 8,
				 it->f[F_MODIFY] + 10);
			j->updated_at = xstrdup(ts);
		}
	}
	j->source = xstrdup("work24");

	j->description = xstrdup(it->f[F_JOBCONT] ? it->f[F_JOBCONT] : "");
	buf_init(&t);
	add_line(&t, "경력", it->f[F_ENTERTP] ? it->f[F_ENTERTP] : it->f[F_CAREER]);
	add_line(&t, "학력", it->f[F_EDUNM] ? it->f[F_EDUNM] : it->f[F_MINEDU]);
	add_line(&t, "전공", it->f[F_MAJOR]);
	add_line(&t, "자격증", it->f[F_CERT]);
	add_line(&t, "외국어", it->f[F_FORLANG]);
	add_line(&t, "우대", it->f[F_PFCOND]);
	add_line(&t, "전형", it->f[F_SELMTHD]);
	add_line(&t, "접수", it->f[F_RCPTMTHD]);
	add_line(&t, "제출서류", it->f[F_SUBMITDOC]);
	j->requirements = buf_detach(&t, NULL);
	add_line(&t, "4대보험", it->f[F_FOURINS]);
	add_line(&t, "퇴직금", it->f[F_RETIRE]);
	add_line(&t, "복리후생", it->f[F_WELFARE]);
	j->benefits = buf_detach(&t, NULL);
	j->work_hours = xstrdup(it->f[F_WORKHR] ? it->f[F_WORKHR] : "");
	if (it->f[F_BASICADDR]) {
		buf_adds(&t, it->f[F_BASICADDR]);
		if (it->f[F_DETAILADDR] && strcmp(it->f[F_DETAILADDR], company) != 0)
			buf_printf(&t, " %s", it->f[F_DETAILADDR]);
		j->address = buf_detach(&t, NULL);
	} else {
		j->address = xstrdup(it->f[F_WORKREGION]  ? it->f[F_WORKREGION]
				     : it->f[F_CORPADDR] ? it->f[F_CORPADDR]
							 : "");
	}
	j->contact_name = it->f[F_CHARGEDPT] ? xstrdup(it->f[F_CHARGEDPT]) : NULL;
	j->contact_phone = it->f[F_TEL] ? xstrdup(it->f[F_TEL]) : NULL;
	if (url_ok(it->f[F_MURL]))
		j->apply_url = xstrdup(it->f[F_MURL]);
	else if (url_ok(it->f[F_URL]))
		j->apply_url = xstrdup(it->f[F_URL]);
	else {
		buf_printf(&t, "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=%s",
			   it->f[F_ID]);
		j->apply_url = buf_detach(&t, NULL);
	}
	return 0;
}

int w24_apply(sqlite3 *db, const w24_batch *b, int today, time_t now, w24_result *res,
	      char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char why[256];
	int rc, changed;

	memset(res, 0, sizeof(*res));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "begin: %s", sqlite3_errmsg(db));
		return W24_EDB;
	}
	for (size_t i = 0; i < b->n; i++) {
		job j;
		job_init(&j);
		if (!b->items[i].has_list) {
			/* A detail on its own enriches a listing we already hold. */
			job old;
			job_init(&old);
			rc = jobdb_get(db, b->items[i].f[F_ID], &old, why, sizeof(why));
			job_release(&old);
			if (rc != JOBDB_OK) {
				res->skipped++;
				continue;
			}
		}
		if (w24_batch_job(b, i, today, &j, why, sizeof(why)) < 0) {
			log_warn("work24_skip", "reason=\"%s\"", why);
			res->skipped++;
			job_release(&j);
			continue;
		}
		rc = jobdb_upsert(db, &j, now, &changed, err, errlen);
		job_release(&j);
		if (rc == JOBDB_EINVAL) {
			log_warn("work24_skip", "reason=\"%s\"", err);
			res->skipped++;
			continue;
		}
		if (rc < 0)
			goto fail;
		if (changed)
			res->upserts++;
		else
			res->unchanged++;
	}
	if (w24_batch_complete(b)) {
		/* Withdrawn listings: held from Work24 but absent from a complete result. */
		char **gone = NULL;
		size_t ngone = 0;
		if (sqlite3_prepare_v2(db, "SELECT id FROM jobs WHERE source = 'work24'", -1, &st,
				       NULL) != SQLITE_OK)
			goto dbfail;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			if (!find_item((w24_batch *)b, id)) {
				gone = xrealloc(gone, (ngone + 1) * sizeof(char *));
				gone[ngone++] = xstrdup(id);
			}
		}
		sqlite3_finalize(st);
		st = NULL;
		for (size_t k = 0; k < ngone; k++) {
			if (rc == SQLITE_DONE && jobdb_delete(db, gone[k], now, err, errlen) == 0)
				res->deletes++;
			free(gone[k]);
		}
		free(gone);
		if (rc != SQLITE_DONE)
			goto dbfail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	return W24_OK;
dbfail:
	snprintf(err, errlen, "import: %s", sqlite3_errmsg(db));
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return W24_EDB;
}

/* ---- live fetch ---- */

struct w24_dl {
	buf body;
	int too_big;
};

static size_t w24_write(char *p, size_t size, size_t n, void *ud)
{
	struct w24_dl *d = ud;
	size_t len = size * n;
	if (d->body.len + len > W24_MAX_BODY) {
		d->too_big = 1;
		return 0;
	}
	buf_add(&d->body, p, len);
	return len;
}

static int w24_get(CURL *c, const char *url, long timeout_s, buf *out, char *err, size_t errlen)
{
	struct w24_dl d;
	long status = 0;
	CURLcode cc;

	buf_init(&d.body);
	d.too_big = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, w24_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "jobcenter/" JK_VERSION);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK || status != 200) {
		snprintf(err, errlen, "%s", d.too_big ? "response too large"
					    : cc != CURLE_OK ? curl_easy_strerror(cc)
							     : "HTTP status not 200");
		if (cc == CURLE_OK && !d.too_big)
			snprintf(err, errlen, "HTTP status %ld", status);
		buf_release(&d.body);
		return W24_ENET;
	}
	*out = d.body;
	return W24_OK;
}

int w24_fetch(const w24_fetch_opts *o, w24_batch *b, char *err, size_t errlen)
{
	CURL *c = curl_easy_init();
	char *ekey, *eregions;
	buf url, body;
	int rc = W24_OK, details = 0;

	if (!c) {
		snprintf(err, errlen, "curl init failed");
		return W24_ENET;
	}
	ekey = curl_easy_escape(c, o->key, 0);
	eregions = curl_easy_escape(c, o->regions ? o->regions : "", 0);
	buf_init(&url);
	for (int page = 1; page <= o->max_pages; page++) {
		buf_reset(&url);
		buf_printf(&url, "%s?authKey=%s&callTp=L&returnType=XML&startPage=%d&display=100",
			   o->list_url, ekey, page);
		if (eregions[0])
			buf_printf(&url, "&region=%s", eregions);
		if ((rc = w24_get(c, url.data, o->timeout_s, &body, err, errlen)) < 0)
			goto out;
		size_t before = b->list_items;
		rc = w24_batch_add(b, body.data, body.len, err, errlen);
		buf_release(&body);
		if (rc == W24_EAPI && page > 1 && strstr(err, " 006:"))
			rc = W24_OK; /* "no data" past the last page */
		if (rc < 0 || w24_batch_complete(b) || (size_t)b->list_items == before)
			break;
	}
	for (size_t i = 0; rc == W24_OK && o->detail_url && i < b->n && details < o->max_details;
	     i++) {
		char *eid;
		if (b->items[i].has_detail)
			continue;
		eid = curl_easy_escape(c, b->items[i].f[F_ID], 0);
		buf_reset(&url);
		buf_printf(&url,
			   "%s?authKey=%s&callTp=D&returnType=XML&wantedAuthNo=%s&infoSvc=VALIDATION",
			   o->detail_url, ekey, eid);
		curl_free(eid);
		details++;
		if (w24_get(c, url.data, o->timeout_s, &body, err, errlen) < 0) {
			log_warn("work24_detail", "error=\"%s\"", err);
			continue; /* a missing detail leaves the listing with list fields */
		}
		if (w24_batch_add(b, body.data, body.len, err, errlen) < 0)
			log_warn("work24_detail", "error=\"%s\"", err);
		buf_release(&body);
	}
out:
	buf_release(&url);
	curl_free(ekey);
	curl_free(eregions);
	curl_easy_cleanup(c);
	return rc;
}
