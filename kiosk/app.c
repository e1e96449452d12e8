#include "app_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "jobq.h"
#include "kdate.h"
#include "log.h"
#include "shot.h"
#include "qr.h"
#include "render.h"
#include "utf8.h"

#define QUERY_MAX_CHARS 60
#define PER_PAGE 20
#define MAX_BODY (4u << 20)

#define T(id) tr((enum tr_lang)a->lang, (id))

static void do_search(app *a, int page);
static void wipe_session(app *a);
static void on_bk_lists(app *a, net_result *r);
static void on_obx(app *a, int code, obx_event *ev);
static void on_bk_booked(app *a, net_result *r);
static void lookup_reset(app *a);
static void on_lookup(app *a, net_result *r);

/* ---- small helpers screens use ---- */

const char *app_code_name(const app *a, const codeitem *c)
{
	return a->lang == TR_EN && c->name_en && *c->name_en ? c->name_en : c->name_ko;
}

int app_today(const app *a)
{
	return kdate_seoul_day(clk_wall(a->clock));
}

const char *app_enum_text(const app *a, int kind, int v)
{
	static const int emp[] = {S_EMP_FULL_TIME, S_EMP_PART_TIME, S_EMP_CONTRACT, S_EMP_INTERNSHIP,
				  S_EMP_DAILY};
	static const int car[] = {S_CAREER_NEW, S_CAREER_EXPERIENCED, S_CAREER_ANY};
	static const int edu[] = {S_EDU_ANY, S_EDU_HIGH_SCHOOL, S_EDU_COLLEGE, S_EDU_UNIVERSITY,
				  S_EDU_GRADUATE};
	switch (kind) {
	case JOB_ENUM_EMPLOYMENT:
		return v >= 0 && v < 5 ? T((enum tr_id)emp[v]) : "-";
	case JOB_ENUM_CAREER:
		return v >= 0 && v < 3 ? T((enum tr_id)car[v]) : "-";
	case JOB_ENUM_EDUCATION:
		return v >= 0 && v < 5 ? T((enum tr_id)edu[v]) : "-";
	}
	return "-";
}

static void money(const app *a, long long v, char *out, size_t n)
{
	if (a->lang == TR_KO && v >= 10000 && v % 10000 == 0) {
		long long man = v / 10000;
		if (man >= 1000)
			snprintf(out, n, "%lld,%03lld만원", man / 1000, man % 1000);
		else
			snprintf(out, n, "%lld만원", man);
		return;
	}
	char digits[32], tmp[48];
	int len, k = 0;
	snprintf(digits, sizeof(digits), "%lld", v);
	len = (int)strlen(digits);
	for (int i = 0; i < len; i++) {
		tmp[k++] = digits[i];
		if ((len - i - 1) % 3 == 0 && i != len - 1)
			tmp[k++] = ',';
	}
	tmp[k] = '\0';
	snprintf(out, n, "%s%s", tmp, T(S_WON));
}

void app_salary_text(const app *a, const job *j, char *out, size_t n)
{
	static const int names[] = {S_SAL_HOURLY, S_SAL_DAILY, S_SAL_MONTHLY, S_SAL_ANNUAL};
	char lo[48], hi[48];
	if (j->salary_type < 0 || j->salary_type >= JOB_SAL_NEGOTIABLE ||
	    (j->salary_min < 0 && j->salary_max < 0)) {
		snprintf(out, n, "%s", T(S_SAL_NEGOTIABLE));
		return;
	}
	if (j->salary_min >= 0)
		money(a, j->salary_min, lo, sizeof(lo));
	if (j->salary_max >= 0)
		money(a, j->salary_max, hi, sizeof(hi));
	if (j->salary_min >= 0 && j->salary_max >= 0)
		snprintf(out, n, "%s %s ~ %s", T((enum tr_id)names[j->salary_type]), lo, hi);
	else
		snprintf(out, n, "%s %s", T((enum tr_id)names[j->salary_type]),
			 j->salary_min >= 0 ? lo : hi);
}

void app_deadline_text(const app *a, const job *j, char *out, size_t n)
{
	int day;
	if (!j->closes_at[0] || kdate_parse(j->closes_at, &day) < 0) {
		snprintf(out, n, "%s", T(S_D_UNTIL_FILLED));
		return;
	}
	int left = day - app_today(a);
	if (left == 0)
		snprintf(out, n, "%s (%s)", j->closes_at, T(S_CLOSES_TODAY));
	else if (left > 0 && left <= 30) {
		char d[32];
		snprintf(d, sizeof(d), T(S_DAYS_LEFT), left);
		snprintf(out, n, "%s (%s)", j->closes_at, d);
	} else
		snprintf(out, n, "%s", j->closes_at);
}

/* ---- lifecycle ---- */

static void reset_filters(app *a)
{
	a->f_region[0] = a->f_category[0] = '\0';
	a->f_employment = 0;
	a->f_career = a->f_education = -1;
	a->f_closing = 0;
	a->f_sort = 0;
}

static void apply_theme(app *a)
{
	theme_build(&a->th, a->w, a->h, a->a11y_contrast, a->a11y_large);
	a->dirty = 1;
}

app *app_create(const kconf *cfg, SDL_Renderer *r, int w, int h, clk *clock, uint32_t ev_base,
		void (*notify)(void *), void *notify_ctx, char *err, size_t errlen)
{
	app *a = xcalloc(1, sizeof(*a));
	a->cfg = cfg;
	a->r = r;
	a->w = w;
	a->h = h;
	a->clock = clock;
	a->ev_net = ev_base;
	a->ev_ctl = ev_base + 1;
	a->lang = strcmp(cfg->language, "en") == 0 ? TR_EN : TR_KO;
	a->tree = xcalloc(1, sizeof(ui_tree));
	a->query = hin_create(QUERY_MAX_CHARS);
	a->bk_name = hin_create(40);
	a->bk_phone = hin_create(13);
	hin_set_korean(a->bk_phone, 0);
	a->lk_code = hin_create(8);
	hin_set_korean(a->lk_code, 0);
	a->lk_digits = hin_create(4);
	hin_set_korean(a->lk_digits, 0);
	a->online = 1;
	reset_filters(a);
	if (!(a->text = txt_create(r, err, errlen)))
		goto fail;
	apply_theme(a);
	a->input = inp_create((float)theme_px(&a->th, 24));
	if (cfg->touch_calibration && inp_set_calibration(a->input, cfg->touch_calibration) < 0) {
		snprintf(err, errlen, "touch_calibration: expected six numbers");
		goto fail;
	}
	net_opts no = {cfg->api_url, cfg->device_token, cfg->kiosk_id, cfg->connect_timeout_s,
		       cfg->request_timeout_s, MAX_BODY, a->ev_net, notify, notify_ctx,
		       cfg->cache_dir};
	a->net = net_create(&no);
	net_set_today(a->net, app_today(a));
	a->sync = sync_start(&no, cfg->cache_dir);
	a->obx = obx_start(&no, cfg->cache_dir);
	{
		char mdir[4096];
		snprintf(mdir, sizeof(mdir), "%s/media", cfg->cache_dir);
		a->mc = mc_start(&no, mdir, (int64_t)cfg->media_cache_mb << 20);
	}
	a->notify = notify;
	a->notify_ctx = notify_ctx;
	a->pl_index = -1;
	a->pl_captions = 1;
	a->pl_view = (sph_view){0, 0, 80};
	a->obx_backoff = 5000;
	a->next_sync = clk_ms(clock); /* at once */
	a->sync_backoff = 5000;
	if (cfg->control && !(a->ctl = ctl_create(cfg->control, a->ev_ctl, notify, notify_ctx, err, errlen)))
		goto fail;
	a->screen = SCR_HOME;
	a->last_input = clk_ms(clock);
	a->dirty = 1;
	net_get(a->net, NET_REGIONS, "v1/regions");
	net_get(a->net, NET_CATEGORIES, "v1/categories");
	a->regions_load = a->categories_load = LD_LOADING;
	a->media_tag = net_get(a->net, NET_MEDIA, "v1/media"); /* downloads start early */
	a->media_load = LD_LOADING;
	log_info("kiosk_start", "size=%dx%d font=%s", w, h, txt_font_path(a->text));
	return a;
fail:
	app_destroy(a);
	return NULL;
}

static void free_codes(codeitem *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].name_ko);
		free(c[i].name_en);
	}
	free(c);
}

void app_destroy(app *a)
{
	if (!a)
		return;
	ctl_destroy(a->ctl);
	vc_stop(a->voice);
	a->voice = NULL;
	prac_free(a);
	ply_destroy(a->player);
	mc_stop(a->mc);
	obx_stop(a->obx);
	sync_stop(a->sync);
	net_destroy(a->net);
	a->net = NULL; /* wipe_session must not cancel through it */
	/* what the workers posted and nobody read */
	{
		SDL_Event e;
		while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, a->ev_net, a->ev_ctl) == 1) {
			if (e.type == a->ev_ctl)
				ctl_cmd_free(e.user.data1);
			else if (e.user.code == MC_EV_VERIFIED)
				mc_verified_free(e.user.data1);
			else if (e.user.code == 0)
				net_result_free(e.user.data1);
			else
				free(e.user.data1);
		}
	}
	wipe_session(a);
	for (int i = 0; i < a->nwaits; i++)
		ctl_cmd_free(a->waits[i].cmd);
	for (int i = 0; i < a->nqueued; i++)
		ctl_cmd_free(a->queued[i]);
	free_codes(a->regions, a->nregions);
	free_codes(a->categories, a->ncategories);
	hin_destroy(a->query);
	hin_destroy(a->bk_name);
	hin_destroy(a->bk_phone);
	hin_destroy(a->lk_code);
	hin_destroy(a->lk_digits);
	for (int i = 0; i < a->bk_ntopics; i++) {
		free(a->bk_topics[i].ko);
		free(a->bk_topics[i].en);
	}
	free(a->bk_topics);
	for (int i = 0; i < a->bk_ncs; i++)
		free(a->bk_cs[i].name);
	free(a->bk_cs);
	free(a->bk_slots);
	inp_destroy(a->input);
	txt_destroy(a->text);
	free(a->tree);
	free(a);
}

int app_should_quit(const app *a)
{
	return a->quit;
}

/* ---- the session ---- */

static void free_results(app *a)
{
	for (int i = 0; i < a->nresults; i++)
		job_release(&a->results[i]);
	free(a->results);
	a->results = NULL;
	a->nresults = 0;
	a->total = 0;
	a->load = LD_IDLE;
	a->more_loading = 0;
	if (a->searched_q) {
		util_wipe(a->searched_q, strlen(a->searched_q));
		free(a->searched_q);
		a->searched_q = NULL;
	}
	memset(&a->list, 0, sizeof(a->list));
}

static void free_detail(app *a)
{
	job_release(&a->detail);
	if (a->qr)
		SDL_DestroyTexture(a->qr);
	a->qr = NULL;
	a->detail_load = LD_IDLE;
	memset(&a->detail_scroll, 0, sizeof(a->detail_scroll));
}

/* Everything a person entered or opened goes: text (zeroed), filters, results,
 * the open job, scroll positions, the tree's copy of it all. */
static void wipe_session(app *a)
{
	if (a->text)
		txt_forget_all(a->text);
	if (a->net) {
		net_cancel(a->net, NET_SEARCH);
		net_cancel(a->net, NET_DETAIL);
	}
	hin_clear(a->query);
	hin_set_korean(a->query, 1);
	hin_clear(a->bk_name);
	hin_clear(a->bk_phone);
	hin_set_korean(a->bk_phone, 0);
	a->bk_step = BK_TOPIC;
	a->bk_consent = 0;
	a->bk_error = 0;
	a->bk_taken = 0;
	util_wipe(a->bk_code, sizeof(a->bk_code));
	a->bk_queued = 0;
	a->bk_key[0] = '\0';
	free(a->bk_slots);
	a->bk_slots = NULL;
	a->bk_nslots = 0;
	a->bk_load = LD_IDLE;
	if (a->net)
		net_cancel(a->net, NET_BOOK);
	lookup_reset(a);
	prac_close(a);
	a->pr_msg = 0;
	free_results(a);
	free_detail(a);
	reset_filters(a);
	a->picker = PK_NONE;
	memset(&a->picker_scroll, 0, sizeof(a->picker_scroll));
	a->kbd_mode = KB_KO;
	a->kbd_shift = 0;
	a->focus[0] = '\0';
	a->depth = 0;
	a->session[0] = '\0';
	a->idle_dialog = 0;
	ui_wipe(a->tree);
	a->dirty = 1;
}

/* Forgets a look-up: the code and digits typed, and what the service said. */
static void lookup_reset(app *a)
{
	if (a->net)
		net_cancel(a->net, NET_LOOKUP);
	hin_clear(a->lk_code);
	hin_clear(a->lk_digits);
	a->lk_busy = a->lk_error = a->lk_status = a->lk_sure = a->lk_done = 0;
	a->lk_start = 0;
	util_wipe(a->lk_counselor, sizeof(a->lk_counselor));
	a->lk_topic[0] = '\0';
}

static void reset_session(app *a, const char *why)
{
	log_info("session_reset", "reason=%s", why);
	wipe_session(a);
	/* Accessibility settings belong to the person too. */
	a->a11y_contrast = a->a11y_large = a->a11y_low = a->a11y_voice = 0;
	vc_hush(a->voice);
	a->vo_on = 0;
	a->vo_heads[0] = a->vo_cursor[0] = a->vo_cursor_said[0] = '\0';
	a->lang = strcmp(a->cfg->language, "en") == 0 ? TR_EN : TR_KO;
	apply_theme(a);
	a->screen = SCR_HOME;
}

static void ensure_session(app *a)
{
	unsigned char raw[8];
	if (a->session[0])
		return;
	randombytes_buf(raw, sizeof(raw));
	util_hex(raw, sizeof(raw), a->session);
}

/* Whether the service is reachable matters the moment someone searches: rather than
 * wait for the next scheduled sync, one runs now (at most once a second of real
 * time). It also brings the cache up to date while the person types. */
static void probe(app *a)
{
	double now = util_now_ms();
	if (a->disk_full_until && clk_ms(a->clock) < a->disk_full_until)
		return; /* a sync cannot store anything now: do not fetch it all again */
	if (a->sync_running || now - a->last_probe < 1000) {
		/* held back, not dropped: it runs when the current one ends or the
		 * second is over (real time: a fake clock may not move) */
		if (!a->probe_due)
			a->probe_due = a->last_probe + 1000 > now ? a->last_probe + 1000 : now;
		return;
	}
	a->probe_due = 0;
	a->last_probe = now;
	a->next_sync = clk_ms(a->clock);
}

/* ---- navigation ---- */

void app_go(app *a, int screen)
{
	if (screen == a->screen)
		return;
	if (a->depth < (int)ARRAY_LEN(a->stack))
		a->stack[a->depth++] = a->screen;
	a->screen = screen;
	a->picker = PK_NONE;
	a->focus[0] = '\0';
	if (screen != SCR_HOME)
		ensure_session(a);
	if (screen == SCR_SEARCH) {
		snprintf(a->focus, sizeof(a->focus), "search.query");
		probe(a);
	}
	if (screen == SCR_PRACTICE) {
		a->pr_msg = 0;
		/* libvlc loads its plugins while the person reads the list */
		if (!a->player)
			a->player = ply_create(a->cfg->audio, a->notify, a->notify_ctx);
		a->media_tag = net_get(a->net, NET_MEDIA, "v1/media");
		if (!a->nmedia)
			a->media_load = LD_LOADING;
	}
	if (screen == SCR_BOOKING) {
		a->bk_step = BK_TOPIC;
		a->bk_error = 0;
		a->bk_topics_tag = net_get(a->net, NET_TOPICS, "v1/topics");
		a->bk_cs_tag = net_get(a->net, NET_COUNSELORS, "v1/counselors");
	}
	if ((screen == SCR_SEARCH) && (a->regions_load == LD_ERROR || a->categories_load == LD_ERROR)) {
		if (a->regions_load == LD_ERROR) {
			net_get(a->net, NET_REGIONS, "v1/regions");
			a->regions_load = LD_LOADING;
		}
		if (a->categories_load == LD_ERROR) {
			net_get(a->net, NET_CATEGORIES, "v1/categories");
			a->categories_load = LD_LOADING;
		}
	}
	a->dirty = 1;
}

static void back(app *a)
{
	if (a->picker != PK_NONE) {
		a->picker = PK_NONE;
	} else if (a->screen == SCR_BOOKING && (a->bk_step == BK_LOOKUP || a->bk_step == BK_LOOKED)) {
		lookup_reset(a);
		a->bk_step = BK_TOPIC;
		a->focus[0] = '\0';
	} else if (a->screen == SCR_BOOKING && a->bk_step > BK_TOPIC && a->bk_step < BK_SENDING) {
		a->bk_step--;
		a->bk_error = 0;
		a->focus[0] = '\0';
		if (a->bk_step == BK_PERSON)
			snprintf(a->focus, sizeof(a->focus), "booking.name");
	} else if (a->depth > 0) {
		a->screen = a->stack[--a->depth];
		a->focus[0] = '\0';
		if (a->screen == SCR_SEARCH) {
			snprintf(a->focus, sizeof(a->focus), "search.query");
			probe(a);
		}
	} else {
		a->screen = SCR_HOME;
	}
	a->dirty = 1;
}

/* ---- search ---- */

static void build_query(app *a, jobq *q, int page)
{
	char err[128], num[16];
	const char *text = hin_text(a->query);
	jobq_init(q);
	if (*text && jobq_set(q, "q", text, err, sizeof(err)) < 0)
		log_warn("query", "dropped=q reason=\"%s\"", err);
	if (a->f_region[0] && jobq_set(q, "region", a->f_region, err, sizeof(err)) < 0)
		a->f_region[0] = '\0';
	if (a->f_category[0] && jobq_set(q, "category", a->f_category, err, sizeof(err)) < 0)
		a->f_category[0] = '\0';
	q->employment = a->f_employment;
	if (a->f_career >= 0)
		q->career = a->f_career;
	if (a->f_education >= 0)
		q->education = a->f_education;
	if (a->f_closing > 0)
		q->closing_within = a->f_closing;
	if (a->f_sort > 0)
		q->sort = a->f_sort;
	snprintf(num, sizeof(num), "%d", page);
	if (jobq_set(q, "page", num, err, sizeof(err)) < 0)
		q->page = 1;
	q->per_page = PER_PAGE;
}

static void do_search(app *a, int page)
{
	jobq q;
	buf path;
	build_query(a, &q, page);
	buf_init(&path);
	buf_adds(&path, "v1/jobs?");
	jobq_canonical(&q, &path);
	if (path.data[path.len - 1] == '?')
		path.data[--path.len] = '\0';
	if (page == 1) {
		probe(a);
		net_cancel(a->net, NET_SEARCH);
		free_results(a);
		a->searched_q = xstrdup(hin_text(a->query));
		a->load = LD_LOADING;
	} else {
		a->more_loading = 1;
	}
	a->page = page;
	a->search_tag = net_get(a->net, NET_SEARCH, path.data);
	buf_wipe(&path);
	jobq_release(&q);
	a->dirty = 1;
}

static void open_job(app *a, int index)
{
	char path[128];
	if (index < 0 || index >= a->nresults)
		return;
	free_detail(a);
	a->detail_index = index;
	a->detail_load = LD_LOADING;
	snprintf(path, sizeof(path), "v1/jobs/%s", a->results[index].id);
	net_cancel(a->net, NET_DETAIL);
	a->detail_tag = net_get(a->net, NET_DETAIL, path);
	app_go(a, SCR_DETAIL);
}

/* ---- API results ---- */

static int error_for(const net_result *r)
{
	if (r->err == NET_ECONNECT || r->err == NET_ETIMEOUT)
		return S_ERROR_NET;
	if (r->err != NET_OK)
		return S_ERROR_NET;
	if (r->status == 401)
		return S_ERROR_AUTH;
	return S_ERROR_SERVER;
}

static json_object *parse_body(const net_result *r)
{
	json_tokener *tok;
	json_object *o;
	if (r->err != NET_OK || r->status != 200 || !r->body || !utf8_valid(r->body, r->len))
		return NULL;
	tok = json_tokener_new_ex(64);
	o = json_tokener_parse_ex(tok, r->body, (int)r->len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	} else {
		/* one JSON value and nothing after it but white space */
		for (size_t i = json_tokener_get_parse_end(tok); i < r->len; i++)
			if (r->body[i] != ' ' && r->body[i] != '\n' && r->body[i] != '\r' &&
			    r->body[i] != '\t') {
				json_object_put(o);
				o = NULL;
				break;
			}
	}
	json_tokener_free(tok);
	return o;
}

static void on_search(app *a, net_result *r)
{
	json_object *o = parse_body(r), *items, *total;
	int first_page = a->page == 1;
	char err[256];

	a->more_loading = 0;
	if (!o) {
		if (first_page) {
			a->load = LD_ERROR;
			a->error = r->err == NET_OK && r->status == 200 ? S_ERROR_DATA : error_for(r);
		}
		log_warn("search_failed", "err=%d status=%ld", r->err, r->status);
		return;
	}
	if (!json_object_object_get_ex(o, "items", &items) ||
	    !json_object_is_type(items, json_type_array) ||
	    !json_object_object_get_ex(o, "total", &total) ||
	    !json_object_is_type(total, json_type_int) || json_object_get_int64(total) < 0) {
		if (first_page) {
			a->load = LD_ERROR;
			a->error = S_ERROR_DATA;
		}
		json_object_put(o);
		return;
	}
	size_t n = json_object_array_length(items);
	if (a->nresults + (int)n > RESULTS_MAX)
		n = (size_t)(RESULTS_MAX - a->nresults);
	a->results = xrealloc(a->results, (size_t)(a->nresults + (int)n + 1) * sizeof(job));
	for (size_t i = 0; i < n; i++) {
		job *j = &a->results[a->nresults];
		job_init(j);
		if (job_from_json(json_object_array_get_idx(items, i), j, err, sizeof(err)) < 0) {
			/* one bad listing is skipped, not the page */
			log_warn("bad_job", "reason=\"%s\"", err);
			job_release(j);
			continue;
		}
		a->nresults++;
	}
	a->total = json_object_get_int64(total);
	a->load = LD_DONE;
	json_object_put(o);
}

static void on_detail(app *a, net_result *r)
{
	json_object *o = parse_body(r);
	char err[256];
	if (!o) {
		a->detail_load = LD_ERROR;
		a->detail_error = r->err == NET_OK && r->status == 200 ? S_ERROR_DATA : error_for(r);
		return;
	}
	job_release(&a->detail);
	job_init(&a->detail);
	if (job_from_json(o, &a->detail, err, sizeof(err)) < 0) {
		log_warn("bad_job", "reason=\"%s\"", err);
		a->detail_load = LD_ERROR;
		a->detail_error = S_ERROR_DATA;
	} else {
		a->detail_load = LD_DONE;
		if (a->detail.apply_url)
			a->qr = qr_texture(a->r, a->detail.apply_url, &a->qr_modules);
	}
	json_object_put(o);
}

static void on_codes(app *a, net_result *r, int regions)
{
	json_object *o = parse_body(r), *items;
	codeitem *list = NULL;
	int n = 0;
	if (!o || !json_object_object_get_ex(o, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(o);
		*(regions ? &a->regions_load : &a->categories_load) = LD_ERROR;
		return;
	}
	size_t len = json_object_array_length(items);
	if (len > 500)
		len = 500;
	list = xcalloc(len + 1, sizeof(codeitem));
	for (size_t i = 0; i < len; i++) {
		json_object *it = json_object_array_get_idx(items, i), *v;
		const char *code, *ko, *en = "", *parent = "", *level = "";
		if (!json_object_object_get_ex(it, "code", &v) || !json_object_is_type(v, json_type_string))
			continue;
		code = json_object_get_string(v);
		if (!json_object_object_get_ex(it, "name_ko", &v) || !json_object_is_type(v, json_type_string))
			continue;
		ko = json_object_get_string(v);
		if (json_object_object_get_ex(it, "name_en", &v) && json_object_is_type(v, json_type_string))
			en = json_object_get_string(v);
		if (json_object_object_get_ex(it, "parent", &v) && json_object_is_type(v, json_type_string))
			parent = json_object_get_string(v);
		if (json_object_object_get_ex(it, "level", &v) && json_object_is_type(v, json_type_string))
			level = json_object_get_string(v);
		if (strlen(code) >= sizeof(list[n].code) || strlen(ko) > 200 || strlen(en) > 200)
			continue;
		snprintf(list[n].code, sizeof(list[n].code), "%s", code);
		snprintf(list[n].parent, sizeof(list[n].parent), "%s", parent);
		list[n].name_ko = xstrdup(ko);
		list[n].name_en = xstrdup(en);
		list[n].level = strcmp(level, "province") == 0 ? 0 : strcmp(level, "dong") == 0 ? 2 : 1;
		n++;
	}
	json_object_put(o);
	if (regions) {
		free_codes(a->regions, a->nregions);
		a->regions = list;
		a->nregions = n;
		a->regions_load = LD_DONE;
	} else {
		free_codes(a->categories, a->ncategories);
		a->categories = list;
		a->ncategories = n;
		a->categories_load = LD_DONE;
	}
}

static void on_net(app *a, net_result *r)
{
	log_debug("net_result", "kind=%d tag=%u want=%u status=%ld local=%d", r->kind, r->tag,
		  r->kind == NET_SEARCH ? a->search_tag : a->detail_tag, r->status, r->local);
	int ok = r->err == NET_OK && r->status > 0 && r->status < 500;
	if (!r->local) {
		a->online = ok;
		if (ok)
			a->last_net_ok = clk_ms(a->clock);
	} else if (r->cache_time > a->cache_time) {
		a->cache_time = r->cache_time; /* known before the first sync ends */
	}
	switch (r->kind) {
	case NET_SEARCH:
		if (r->tag == a->search_tag)
			on_search(a, r);
		break;
	case NET_DETAIL:
		if (r->tag == a->detail_tag)
			on_detail(a, r);
		break;
	case NET_REGIONS:
		on_codes(a, r, 1);
		break;
	case NET_CATEGORIES:
		on_codes(a, r, 0);
		break;
	case NET_TOPICS:
	case NET_COUNSELORS:
	case NET_SLOTS:
		if (r->kind != NET_SLOTS || r->tag == a->bk_slots_tag)
			on_bk_lists(a, r);
		break;
	case NET_BOOK:
		if (r->tag == a->bk_tag)
			on_bk_booked(a, r);
		break;
	case NET_LOOKUP:
		if (r->tag == a->lk_tag)
			on_lookup(a, r);
		break;
	case NET_MEDIA:
		if (r->tag == a->media_tag) {
			json_object *o = parse_body(r);
			prac_on_media(a, o);
			json_object_put(o);
		}
		break;
	}
	a->dirty = 1;
}

static void on_obx(app *a, int code, obx_event *ev)
{
	a->outbox_pending = ev->pending;
	if (code == OBX_EV_STORED && a->bk_queued && strcmp(ev->reference, a->bk_code) == 0 &&
	    a->bk_step == BK_SENDING) {
		if (ev->failed) {
			a->bk_error = S_BK_FAILED;
			a->bk_queued = 0;
			a->bk_step = BK_REVIEW;
		} else {
			/* on disk: now the person may be told; their details leave the screen */
			a->bk_step = BK_DONE;
			hin_clear(a->bk_name);
			hin_clear(a->bk_phone);
		}
	}
	if (code == OBX_EV_COUNT && ev->pending > 0) {
		/* not all delivered (no answer, a 5xx, a portal): again later, backing
		 * off, whether or not the next sync succeeds */
		uint32_t j = randombytes_uniform(1000);
		a->obx_next = clk_ms(a->clock) + a->obx_backoff * (800 + (int64_t)j * 4 / 10) / 1000;
		a->obx_backoff = a->obx_backoff * 2 > 300000 ? 300000 : a->obx_backoff * 2;
	} else if (code == OBX_EV_COUNT) {
		a->obx_backoff = 5000;
	}
	a->dirty = 1;
}

static void on_sync(app *a, sync_result *r)
{
	int64_t now = clk_ms(a->clock);
	a->sync_running = 0;
	/* answered but could not store (a full disk): online all the same, and the
	 * searches go to the service */
	a->online = r->reachable;
	if (r->cache_time)
		a->cache_time = r->cache_time;
	a->cache_jobs = r->jobs;
	if (r->ok) /* back online: deliver what waited (also what a failed start never counted) */
		obx_kick(a->obx);
	if (r->ok && a->pl_index < 0) /* the catalogue may have changed with the sync */
		a->media_tag = net_get(a->net, NET_MEDIA, "v1/media");
	if (r->ok) {
		a->sync_backoff = 5000;
		a->next_sync = now + a->cfg->sync_interval_s * 1000LL;
		a->disk_full_until = 0;
	} else if (r->disk_full) {
		/* every try downloads pages it cannot keep: wait long, do not probe */
		a->disk_full_until = now + 10 * 60 * 1000LL;
		a->next_sync = a->disk_full_until;
	} else {
		/* back off with jitter so a fleet does not retry in step */
		uint32_t j = randombytes_uniform(1000);
		a->next_sync = now + a->sync_backoff * (800 + (int64_t)j * 4 / 10) / 1000;
		a->sync_backoff = a->sync_backoff * 2 > 300000 ? 300000 : a->sync_backoff * 2;
	}
	a->dirty = 1;
}

/* ---- counselling booking ---- */

/* The text field that has the keyboard: the search query or a booking field. */
static hin *focused_hin(app *a)
{
	if (a->screen == SCR_BOOKING && strcmp(a->focus, "booking.name") == 0)
		return a->bk_name;
	if (a->screen == SCR_BOOKING && strcmp(a->focus, "booking.phone") == 0)
		return a->bk_phone;
	if (a->screen == SCR_SEARCH && strcmp(a->focus, "search.query") == 0)
		return a->query;
	if (a->screen == SCR_BOOKING && strcmp(a->focus, "booking.lookup_code") == 0)
		return a->lk_code;
	if (a->screen == SCR_BOOKING && strcmp(a->focus, "booking.lookup_digits") == 0)
		return a->lk_digits;
	return NULL;
}

/* A Korean mobile number, as the service checks it. */
static int phone_valid(const char *s)
{
	char d[16];
	int n = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == 11)
				return 0;
			d[n++] = *s;
		} else if (*s != '-' && *s != ' ') {
			return 0;
		}
	}
	d[n] = '\0';
	return n >= 10 && d[0] == '0' && d[1] == '1' && strchr("016789", d[2]) &&
	       (strncmp(d, "010", 3) != 0 || n == 11);
}

int app_bk_person_ok(app *a)
{
	const char *name = hin_text(a->bk_name);
	return *name && phone_valid(hin_text(a->bk_phone));
}

static void load_slots(app *a)
{
	char from[11], to[11], path[256];
	int today = app_today(a);
	kdate_format(today, from);
	kdate_format(today + 27, to);
	if (a->bk_topic < 0 || a->bk_topic >= a->bk_ntopics)
		return;
	if (a->bk_counselor >= 0 && a->bk_counselor < a->bk_ncs)
		snprintf(path, sizeof(path), "v1/slots?from=%s&to=%s&topic=%s&counselor=%s", from, to,
			 a->bk_topics[a->bk_topic].id, a->bk_cs[a->bk_counselor].id);
	else
		snprintf(path, sizeof(path), "v1/slots?from=%s&to=%s&topic=%s", from, to,
			 a->bk_topics[a->bk_topic].id);
	net_cancel(a->net, NET_SLOTS);
	a->bk_load = LD_LOADING;
	/* after a slot was lost, the cache's copy of who booked what is behind */
	a->bk_slots_tag = a->bk_taken ? net_get_fresh(a->net, NET_SLOTS, path) : net_get(a->net, NET_SLOTS, path);
}

static void new_reference(char *out)
{
	static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	out[0] = 'Q';
	for (int i = 1; i < 8; i++)
		out[i] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
	out[8] = '\0';
}

/* The booking body; with a reference, the queued form the contract describes. */
static char *booking_body(app *a, const char *reference)
{
	json_object *o = json_object_new_object(), *consent = json_object_new_object();
	char *s;
	json_object_object_add(o, "slot_id", json_object_new_string(a->bk_slots[a->bk_slot].id));
	json_object_object_add(o, "topic_id", json_object_new_string(a->bk_topics[a->bk_topic].id));
	json_object_object_add(o, "name", json_object_new_string(hin_text(a->bk_name)));
	json_object_object_add(o, "phone", json_object_new_string(hin_text(a->bk_phone)));
	json_object_object_add(consent, "privacy", json_object_new_boolean(1));
	json_object_object_add(consent, "version", json_object_new_string("2026-01"));
	json_object_object_add(o, "consent", consent);
	if (reference) {
		json_object *q = json_object_new_object();
		char ts[32];
		kdate_format_rfc3339(clk_wall(a->clock), ts);
		json_object_object_add(q, "reference", json_object_new_string(reference));
		json_object_object_add(q, "created_at", json_object_new_string(ts));
		json_object_object_add(o, "queued", q);
	}
	/* json-c's own copies (the name, the phone, the text it printed) are wiped
	 * before it frees them: freed memory keeps what it held */
	char *printed = (char *)json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	s = xstrdup(printed);
	util_wipe(printed, strlen(printed));
	static const char *const personal[] = {"name", "phone"};
	for (size_t i = 0; i < ARRAY_LEN(personal); i++) {
		json_object *v;
		if (json_object_object_get_ex(o, personal[i], &v)) {
			char *p = (char *)json_object_get_string(v);
			util_wipe(p, strlen(p));
		}
	}
	json_object_put(o);
	return s;
}

/* Offline: the request goes to the durable outbox; the person is told once it is
 * on disk (OBX_EV_STORED). */
static void queue_booking(app *a)
{
	char ref[9], key[40];
	unsigned char raw[16];
	char *body;
	new_reference(ref);
	randombytes_buf(raw, sizeof(raw));
	util_hex(raw, sizeof(raw), key);
	body = booking_body(a, ref);
	obx_submit(a->obx, key, ref, body);
	util_wipe(body, strlen(body));
	free(body);
	snprintf(a->bk_code, sizeof(a->bk_code), "%s", ref);
	a->bk_queued = 1;
	a->bk_step = BK_SENDING;
	a->bk_error = 0;
}

static void confirm_booking(app *a)
{
	json_object *o, *consent;
	unsigned char raw[16];
	if (a->bk_slot < 0 || a->bk_slot >= a->bk_nslots || !app_bk_person_ok(a) || !a->bk_consent)
		return;
	if (!a->online) {
		queue_booking(a);
		return;
	}
	/* one key per booking attempt: a retry after a lost answer is the same request */
	if (!a->bk_key[0]) {
		randombytes_buf(raw, sizeof(raw));
		util_hex(raw, sizeof(raw), a->bk_key);
	}
	o = json_object_new_object();
	json_object_object_add(o, "slot_id", json_object_new_string(a->bk_slots[a->bk_slot].id));
	json_object_object_add(o, "topic_id", json_object_new_string(a->bk_topics[a->bk_topic].id));
	json_object_object_add(o, "name", json_object_new_string(hin_text(a->bk_name)));
	json_object_object_add(o, "phone", json_object_new_string(hin_text(a->bk_phone)));
	consent = json_object_new_object();
	json_object_object_add(consent, "privacy", json_object_new_boolean(1));
	json_object_object_add(consent, "version", json_object_new_string("2026-01"));
	json_object_object_add(o, "consent", consent);
	a->bk_tag = net_post(a->net, NET_BOOK, "v1/bookings",
			     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), a->bk_key);
	/* json-c's copy of the text goes with the object; net wipes its own */
	json_object_put(o);
	a->bk_step = BK_SENDING;
	a->bk_error = 0;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static void on_bk_lists(app *a, net_result *r)
{
	json_object *o = parse_body(r), *items;
	if (!o || !json_object_object_get_ex(o, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(o);
		if (r->kind == NET_SLOTS)
			a->bk_load = LD_ERROR;
		return;
	}
	size_t n = json_object_array_length(items);
	if (n > 2000)
		n = 2000;
	/* a late answer may replace a list while a person is past choosing from
	 * it: the choice is kept by id, not by its place in the old list */
	char chosen[32] = "";
	if (r->kind == NET_TOPICS && a->bk_topic >= 0 && a->bk_topic < a->bk_ntopics)
		snprintf(chosen, sizeof(chosen), "%s", a->bk_topics[a->bk_topic].id);
	if (r->kind == NET_COUNSELORS && a->bk_counselor >= 0 && a->bk_counselor < a->bk_ncs)
		snprintf(chosen, sizeof(chosen), "%s", a->bk_cs[a->bk_counselor].id);
	if (r->kind == NET_TOPICS) {
		for (int i = 0; i < a->bk_ntopics; i++) {
			free(a->bk_topics[i].ko);
			free(a->bk_topics[i].en);
		}
		a->bk_topics = xrealloc(a->bk_topics, (n + 1) * sizeof(struct bk_topic));
		a->bk_ntopics = 0;
		for (size_t i = 0; i < n; i++) {
			json_object *it = json_object_array_get_idx(items, i);
			const char *id = jstr(it, "id"), *ko = jstr(it, "name_ko"), *en = jstr(it, "name_en");
			if (!id || !ko || strlen(id) >= 32)
				continue;
			struct bk_topic *t = &a->bk_topics[a->bk_ntopics++];
			snprintf(t->id, sizeof(t->id), "%s", id);
			t->ko = xstrdup(ko);
			t->en = xstrdup(en ? en : ko);
		}
		if (a->bk_topic >= 0) {
			a->bk_topic = -1;
			for (int i = 0; chosen[0] && i < a->bk_ntopics; i++)
				if (strcmp(a->bk_topics[i].id, chosen) == 0)
					a->bk_topic = i;
			if (a->bk_topic < 0 && a->bk_step != BK_TOPIC && a->bk_step < BK_SENDING)
				a->bk_step = BK_TOPIC; /* gone from the list: choose again */
		}
	} else if (r->kind == NET_COUNSELORS) {
		for (int i = 0; i < a->bk_ncs; i++)
			free(a->bk_cs[i].name);
		a->bk_cs = xrealloc(a->bk_cs, (n + 1) * sizeof(struct bk_cs));
		a->bk_ncs = 0;
		for (size_t i = 0; i < n; i++) {
			json_object *it = json_object_array_get_idx(items, i), *tops;
			const char *id = jstr(it, "id"), *name = jstr(it, "name");
			if (!id || !name || strlen(id) >= 32)
				continue;
			struct bk_cs *c = &a->bk_cs[a->bk_ncs++];
			snprintf(c->id, sizeof(c->id), "%s", id);
			c->name = xstrdup(name);
			c->topics[0] = '\0';
			if (json_object_object_get_ex(it, "topics", &tops) &&
			    json_object_is_type(tops, json_type_array))
				for (size_t k = 0; k < json_object_array_length(tops); k++) {
					const char *t = json_object_get_string(json_object_array_get_idx(tops, k));
					size_t l = strlen(c->topics);
					if (t)
						snprintf(c->topics + l, sizeof(c->topics) - l, ",%s", t);
				}
		}
		if (a->bk_counselor >= 0) { /* -1 is "any counsellor" */
			int was = a->bk_counselor;
			a->bk_counselor = -1;
			for (int i = 0; chosen[0] && i < a->bk_ncs; i++)
				if (strcmp(a->bk_cs[i].id, chosen) == 0)
					a->bk_counselor = i;
			if (a->bk_counselor < 0 && was >= 0 && a->bk_step > BK_COUNSELOR &&
			    a->bk_step < BK_SENDING)
				a->bk_step = BK_COUNSELOR;
		}
	} else {
		free(a->bk_slots);
		a->bk_slots = xcalloc(n + 1, sizeof(struct bk_slot));
		a->bk_nslots = 0;
		for (size_t i = 0; i < n; i++) {
			json_object *it = json_object_array_get_idx(items, i), *av;
			const char *id = jstr(it, "id"), *cs = jstr(it, "counselor_id"), *st = jstr(it, "starts_at");
			struct bk_slot *s = &a->bk_slots[a->bk_nslots];
			if (!id || !cs || !st || strlen(id) >= sizeof(s->id) || strlen(cs) >= sizeof(s->counselor) ||
			    kdate_parse_rfc3339(st, &s->start) < 0)
				continue;
			snprintf(s->id, sizeof(s->id), "%s", id);
			snprintf(s->counselor, sizeof(s->counselor), "%s", cs);
			s->available = json_object_object_get_ex(it, "available", &av) &&
				       json_object_get_boolean(av);
			a->bk_nslots++;
		}
		a->bk_load = LD_DONE;
	}
	json_object_put(o);
}

static void on_bk_booked(app *a, net_result *r)
{
	json_object *o = NULL, *e;
	json_tokener *tok;
	if (r->err != NET_OK) {
		/* No answer: the request is queued. Had it reached the service after all,
		 * the queued copy finds the same person's booking and returns it. */
		a->online = 0;
		queue_booking(a);
		return;
	}
	tok = json_tokener_new_ex(16);
	if (r->body && utf8_valid(r->body, r->len))
		o = json_tokener_parse_ex(tok, r->body, (int)r->len);
	json_tokener_free(tok);
	const char *code = o ? jstr(o, "code") : NULL;
	const char *ecode = o && json_object_object_get_ex(o, "error", &e) ? jstr(e, "code") : NULL;
	if (r->status == 201 && code && strlen(code) < sizeof(a->bk_code)) {
		snprintf(a->bk_code, sizeof(a->bk_code), "%s", code);
		a->bk_step = BK_DONE;
		/* the person's details are no longer needed on this kiosk */
		hin_clear(a->bk_name);
		hin_clear(a->bk_phone);
	} else if (r->status == 409 && ecode && strcmp(ecode, "slot_taken") == 0) {
		a->bk_error = S_BK_TAKEN;
		if (a->bk_slot >= 0 && a->bk_slot < a->bk_nslots)
			a->bk_taken = a->bk_slots[a->bk_slot].start; /* offer the nearest others */
		a->bk_key[0] = '\0'; /* a new choice is a new request */
		a->bk_step = BK_TIME;
		load_slots(a);
	} else if (r->status >= 500 || r->status == 0) {
		a->bk_error = S_ERROR_SERVER;
		a->bk_step = BK_REVIEW;
	} else {
		a->bk_error = S_BK_FAILED;
		a->bk_key[0] = '\0';
		a->bk_step = BK_PERSON;
		snprintf(a->focus, sizeof(a->focus), "booking.name");
	}
	json_object_put(o);
}

/* ---- looking up and cancelling a booking ---- */

int app_lookup_code(app *a, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = hin_text(a->lk_code); *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k + 1 >= n)
			return 0;
		out[k++] = c;
	}
	out[k] = '\0';
	return k >= 6;
}

int app_lookup_ok(app *a)
{
	char code[16];
	const char *d = hin_text(a->lk_digits);
	if (!app_lookup_code(a, code, sizeof(code)) || strlen(d) != 4)
		return 0;
	for (; *d; d++)
		if (*d < '0' || *d > '9')
			return 0;
	return 1;
}

/* Sends the look-up (del 0) or the cancellation (del 1). */
static void lookup_send(app *a, int del)
{
	char code[16], path[96];
	if (a->lk_busy || !app_lookup_ok(a))
		return;
	app_lookup_code(a, code, sizeof(code));
	snprintf(path, sizeof(path), "v1/bookings/%s?phone_last4=%s", code, hin_text(a->lk_digits));
	a->lk_tag = del ? net_delete(a->net, NET_LOOKUP, path) : net_get(a->net, NET_LOOKUP, path);
	util_wipe(path, sizeof(path));
	a->lk_busy = del ? 2 : 1;
	a->lk_error = 0;
}

static void on_lookup(app *a, net_result *r)
{
	int del = a->lk_busy == 2;
	json_object *o = NULL, *e;
	a->lk_busy = 0;
	a->lk_sure = 0;
	if (r->err != NET_OK) {
		a->online = 0;
		a->lk_error = S_LK_OFFLINE;
		return;
	}
	if (r->status == 404) {
		a->lk_error = S_LK_NOT_FOUND;
		a->bk_step = BK_LOOKUP;
		return;
	}
	if (r->status == 429) {
		a->lk_error = S_LK_LIMIT;
		return;
	}
	if (del && r->status == 204) {
		a->lk_done = 1;
		a->lk_status = S_LK_CANCELLED_ST;
		return;
	}
	if (del && r->status == 422) { /* passed or ended meanwhile */
		a->lk_error = S_LK_CANT_CANCEL;
		return;
	}
	if (del || r->status != 200) {
		a->lk_error = S_ERROR_SERVER;
		return;
	}
	json_tokener *tok = json_tokener_new_ex(16);
	if (r->body && utf8_valid(r->body, r->len))
		o = json_tokener_parse_ex(tok, r->body, (int)r->len);
	json_tokener_free(tok);
	const char *st = o ? jstr(o, "status") : NULL;
	if (!st) {
		a->lk_error = S_ERROR_SERVER;
		json_object_put(o);
		return;
	}
	a->lk_status = strcmp(st, "booked") == 0	 ? S_LK_BOOKED
		       : strcmp(st, "follow_up") == 0 ? S_LK_FOLLOW_UP
						      : S_LK_CANCELLED_ST;
	a->lk_start = 0;
	a->lk_counselor[0] = a->lk_topic[0] = '\0';
	if (json_object_object_get_ex(o, "slot", &e)) {
		const char *t = jstr(e, "starts_at");
		if (!t || kdate_parse_rfc3339(t, &a->lk_start) < 0)
			a->lk_start = 0;
	}
	if (json_object_object_get_ex(o, "counselor", &e) && jstr(e, "name"))
		snprintf(a->lk_counselor, sizeof(a->lk_counselor), "%s", jstr(e, "name"));
	if (json_object_object_get_ex(o, "topic", &e) && jstr(e, "id"))
		snprintf(a->lk_topic, sizeof(a->lk_topic), "%s", jstr(e, "id"));
	a->bk_step = BK_LOOKED;
	a->focus[0] = '\0';
	json_object_put(o);
}

/* ---- actions ---- */

static void pick(app *a, int i)
{
	switch (a->picker) {
	case PK_REGION: {
		/* the same order as the picker: all, then every non-province region */
		int k = 0;
		if (i == 0) {
			a->f_region[0] = '\0';
			break;
		}
		for (int r = 0; r < a->nregions; r++) {
			if (a->regions[r].level == 0)
				continue;
			if (++k == i)
				snprintf(a->f_region, sizeof(a->f_region), "%s", a->regions[r].code);
		}
		break;
	}
	case PK_CATEGORY:
		if (i == 0)
			a->f_category[0] = '\0';
		else if (i - 1 < a->ncategories)
			snprintf(a->f_category, sizeof(a->f_category), "%s", a->categories[i - 1].code);
		break;
	case PK_EMPLOYMENT:
		/* several may be chosen: the picker stays open */
		if (i == 0)
			a->f_employment = 0;
		else
			a->f_employment ^= 1u << (i - 1);
		a->dirty = 1;
		return;
	case PK_CAREER:
		a->f_career = i == 0 ? -1 : i == 1 ? JOB_CAREER_NEW : JOB_CAREER_EXPERIENCED;
		break;
	case PK_EDUCATION:
		a->f_education = i == 0 ? -1 : i;
		break;
	case PK_CLOSING:
		a->f_closing = i == 0 ? 0 : i == 1 ? 3 : i == 2 ? 7 : 30;
		break;
	case PK_SORT:
		a->f_sort = i + 1;
		break;
	}
	a->picker = PK_NONE;
	a->dirty = 1;
}

/* Gives the keyboard, in mode (enum kbd_mode), to the text field id. */
static void focus_field(app *a, const char *id, int mode)
{
	snprintf(a->focus, sizeof(a->focus), "%s", id);
	a->kbd_mode = mode;
	a->kbd_shift = 0;
	if (focused_hin(a))
		hin_set_korean(focused_hin(a), mode == KB_KO);
}

/* Voice guidance on (its speech thread started the first time) or off. */
static void set_voice(app *a, int on)
{
	a->a11y_voice = on;
	if (on && !a->voice) {
		char verr[160];
		if (!(a->voice = vc_start(a->cfg->audio, verr, sizeof(verr))))
			log_warn("voice", "error=\"%s\"", verr);
	}
	if (!on) {
		vc_hush(a->voice);
		a->vo_cursor[0] = a->vo_cursor_said[0] = '\0';
	}
	a->dirty = 1;
}

static void action(app *a, const ui_node *n)
{
	int arg = n->arg;
	switch (n->action) {
	case A_BACK: back(a); break;
	case A_HOME: a->depth = 0; a->screen = SCR_HOME; a->picker = PK_NONE; break;
	case A_GO_SEARCH: app_go(a, SCR_SEARCH); break;
	case A_GO_BOOKING: app_go(a, SCR_BOOKING); break;
	case A_GO_PRACTICE: app_go(a, SCR_PRACTICE); break;
	case A_PR_OPEN: prac_open(a, arg); break;
	case A_PL_PLAY:
	case A_PL_BACK10:
	case A_PL_FWD10:
	case A_PL_SEEK:
	case A_PL_VOL:
	case A_PL_CAPTIONS:
	case A_PL_ZOOM:
	case A_PL_LOOK:
	case A_PL_NEXT_Q:
	case A_PL_REPLAY: prac_action(a, n->action, arg); break;
	case A_GO_A11Y: app_go(a, SCR_A11Y); break;
	case A_LANG: a->lang = a->lang == TR_KO ? TR_EN : TR_KO; break;
	case A_A11Y_TOGGLE:
		if (arg == 0) a->a11y_contrast = !a->a11y_contrast;
		if (arg == 1) a->a11y_large = !a->a11y_large;
		if (arg == 2) a->a11y_low = !a->a11y_low;
		if (arg == 3)
			set_voice(a, !a->a11y_voice);
		apply_theme(a);
		break;
	case A_FOCUS_QUERY: snprintf(a->focus, sizeof(a->focus), "search.query"); break;
	case A_SUBMIT:
		hin_commit(a->query);
		do_search(a, 1);
		app_go(a, SCR_RESULTS);
		break;
	case A_BK_TOPIC:
		a->bk_topic = arg;
		a->bk_counselor = -1;
		a->bk_step = BK_COUNSELOR;
		break;
	case A_BK_COUNSELOR:
		a->bk_counselor = arg;
		load_slots(a);
		a->bk_step = BK_DATE;
		break;
	case A_BK_DAY:
		a->bk_day = arg;
		a->bk_taken = 0;
		a->bk_step = BK_TIME;
		a->bk_error = 0;
		break;
	case A_BK_SLOT:
		a->bk_slot = arg;
		a->bk_key[0] = '\0';
		a->bk_error = 0;
		a->bk_taken = 0;
		if (arg >= 0 && arg < a->bk_nslots) /* "back" shows the chosen slot's day */
			a->bk_day = kdate_seoul_day(a->bk_slots[arg].start);
		a->bk_step = BK_PERSON;
		a->kbd_mode = KB_KO;
		snprintf(a->focus, sizeof(a->focus), "booking.name");
		break;
	case A_BK_FIELD:
		focus_field(a, arg ? "booking.phone" : "booking.name", arg ? KB_NUM : KB_KO);
		break;
	case A_BK_NEXT:
		if (a->bk_step == BK_PERSON && app_bk_person_ok(a)) {
			hin_commit(a->bk_name);
			a->bk_step = BK_CONSENT;
			a->focus[0] = '\0';
		} else if (a->bk_step == BK_CONSENT && a->bk_consent) {
			a->bk_step = BK_REVIEW;
		}
		break;
	case A_BK_CONSENT: a->bk_consent = !a->bk_consent; break;
	case A_BK_CONFIRM: confirm_booking(a); break;
	case A_LK_OPEN:
		lookup_reset(a);
		a->bk_step = BK_LOOKUP;
		focus_field(a, "booking.lookup_code", KB_EN);
		break;
	case A_LK_FIELD:
		focus_field(a, arg ? "booking.lookup_digits" : "booking.lookup_code", arg ? KB_NUM : KB_EN);
		break;
	case A_LK_FIND:
		if (strcmp(a->focus, "booking.lookup_code") == 0 && !*hin_text(a->lk_digits)) {
			/* the keyboard's enter moves on to the digits */
			focus_field(a, "booking.lookup_digits", KB_NUM);
			break;
		}
		lookup_send(a, 0);
		break;
	case A_LK_CANCEL:
		if (!a->lk_sure)
			a->lk_sure = 1;
		else
			lookup_send(a, 1);
		break;
	case A_KEY: {
		hin *f = focused_hin(a);
		if (f)
			hin_key(f, (char)arg);
		if (a->kbd_shift && a->kbd_mode != KB_NUM)
			a->kbd_shift = 0; /* shift holds for one key, like a phone */
		break;
	}
	case A_KEY_BACKSPACE:
		if (focused_hin(a))
			hin_backspace(focused_hin(a));
		break;
	case A_KEY_SPACE:
		if (focused_hin(a))
			hin_key(focused_hin(a), ' ');
		break;
	case A_KEY_SHIFT: a->kbd_shift = !a->kbd_shift; break;
	case A_KEY_MODE:
		a->kbd_mode = arg;
		a->kbd_shift = 0;
		if (focused_hin(a))
			hin_set_korean(focused_hin(a), arg == KB_KO);
		break;
	case A_CLEAR_QUERY: hin_clear(a->query); break;
	case A_OPEN_PICKER:
		a->picker = arg;
		memset(&a->picker_scroll, 0, sizeof(a->picker_scroll));
		break;
	case A_PICK: pick(a, arg); break;
	case A_CLOSE_PICKER: a->picker = PK_NONE; break;
	case A_CLEAR_FILTERS:
		reset_filters(a);
		if (arg == 1) /* from an empty result: search again at once */
			do_search(a, 1);
		break;
	case A_OPEN_JOB: open_job(a, arg); break;
	case A_RETRY:
		if (a->screen == SCR_DETAIL)
			open_job(a, a->detail_index);
		else
			do_search(a, 1);
		break;
	case A_IDLE_CONTINUE: a->idle_dialog = 0; break;
	case A_IDLE_END: reset_session(a, "user"); break;
	case A_EDIT_SEARCH: back(a); break;
	default: break;
	}
	a->dirty = 1;
}

/* ---- input ---- */

static scroller *scroller_at(app *a, int x, int y)
{
	if (a->idle_dialog)
		return NULL;
	if (a->picker != PK_NONE && a->screen == SCR_SEARCH)
		return ui_contains(a->picker_scroll.view, x, y) ? &a->picker_scroll : NULL;
	if (a->screen == SCR_RESULTS && ui_contains(a->list.view, x, y))
		return &a->list;
	if (a->screen == SCR_DETAIL && ui_contains(a->detail_scroll.view, x, y))
		return &a->detail_scroll;
	return NULL;
}

/* Every kind of input restarts the idle timer. While the warning shows, a touch
 * goes to the dialog (its buttons, or anywhere else for "continue"), never to what
 * is under it. */
static void user_input(app *a)
{
	a->last_input = clk_ms(a->clock);
}

/* With voice guidance on, blind people explore the screen by touch: a first tap
 * on a control puts the voice cursor there and voice guidance reads it out; a
 * tap on the control under the cursor acts (again and again, for +/- buttons).
 * The cursor is not the keyboard focus: keys keep typing into the focused field.
 * Keys of the on-screen keyboard act at once. Returns 1 when the tap only
 * explored. */
static int explore(app *a, const ui_node *n)
{
	if (!a->a11y_voice || !a->voice || n->role == UI_KEY || !n->action || !n->id[0] ||
	    strcmp(a->vo_cursor, n->id) == 0)
		return 0;
	snprintf(a->vo_cursor, sizeof(a->vo_cursor), "%s", n->id);
	a->dirty = 1;
	return 1;
}

static void gesture(app *a, const inp_gesture *g)
{
	const ui_node *n;
	switch (g->kind) {
	case INP_TAP:
		if (!(n = ui_hit(a->tree, (int)g->x, (int)g->y)) || explore(a, n))
			break;
		if (n->action == A_PL_SEEK && n->rect.w > 0) { /* the bar: where it was touched */
			int per = (int)((g->x - (float)n->rect.x) * 1000 / (float)n->rect.w);
			prac_action(a, A_PL_SEEK, per < 0 ? 0 : per > 1000 ? 1000 : per);
			break;
		}
		action(a, n);
		break;
	case INP_DRAG_START:
		if (prac_drag(a, 0, g->x0, g->y0, 0, 0))
			break;
		a->active_scroll = scroller_at(a, (int)g->x0, (int)g->y0);
		if (a->active_scroll) {
			a->active_scroll->dragging = 1;
			a->active_scroll->vel = 0;
		}
		break;
	case INP_DRAG:
		if (a->pl_drag) {
			prac_drag(a, 1, g->x, g->y, g->dx, g->dy);
			break;
		}
		if (a->active_scroll) {
			float p = a->active_scroll->pos - g->dy;
			/* rubber band past the ends */
			if (p < 0 || p > a->active_scroll->max)
				p = a->active_scroll->pos - g->dy / 3;
			a->active_scroll->pos = p;
			a->dirty = 1;
		}
		break;
	case INP_DRAG_END:
		if (a->pl_drag) {
			prac_drag(a, 2, g->x, g->y, 0, 0);
			break;
		}
		if (a->active_scroll) {
			a->active_scroll->dragging = 0;
			a->active_scroll->vel = -g->vy;
			a->active_scroll->last_ms = (int64_t)util_now_ms();
			a->dirty = 1;
		}
		a->active_scroll = NULL;
		break;
	case INP_LONG_PRESS:
		/* a long press on a key or button acts once, like a tap */
		if ((n = ui_hit(a->tree, (int)g->x, (int)g->y)) && n->role != UI_LIST_ITEM && !explore(a, n))
			action(a, n);
		break;
	}
}

static void pointer(app *a, int what, float x, float y)
{
	inp_gesture g[4];
	int64_t t = (int64_t)util_now_ms();
	int n = what == 0 ? inp_down(a->input, x, y, t, g)
		: what == 1 ? inp_move(a->input, x, y, t, g)
			    : inp_up(a->input, x, y, t, g);
	user_input(a);
	if (a->dirty)
		app_frame(a); /* taps hit what is on screen now */
	for (int i = 0; i < n; i++)
		gesture(a, &g[i]);
}

/* Keypad navigation: focus moves through the enabled, actionable nodes in reading
 * order; Return activates. */
static void move_focus(app *a, int dir)
{
	int idx[UI_MAX_NODES], n = 0, cur = -1;
	app_frame(a);
	for (int i = 0; i < a->tree->n; i++) {
		const ui_node *nd = &a->tree->nodes[i];
		if (ui_reported(a->tree, nd) && nd->enabled && nd->action && nd->id[0] &&
		    nd->role != UI_LIST) {
			if (strcmp(nd->id, a->focus) == 0)
				cur = n;
			idx[n++] = i;
		}
	}
	if (!n)
		return;
	cur = cur < 0 ? (dir > 0 ? 0 : n - 1) : (cur + dir + n) % n;
	snprintf(a->focus, sizeof(a->focus), "%s", a->tree->nodes[idx[cur]].id);
	/* keep a focused list item in view */
	const ui_node *f = &a->tree->nodes[idx[cur]];
	if (f->role == UI_LIST_ITEM) {
		if (f->rect.y < a->list.view.y)
			a->list.pos -= (float)(a->list.view.y - f->rect.y);
		else if (f->rect.y + f->rect.h > a->list.view.y + a->list.view.h)
			a->list.pos += (float)(f->rect.y + f->rect.h - a->list.view.y - a->list.view.h);
	}
	a->dirty = 1;
}

/* What SDL types for key k (as SDL_TEXTINPUT follows SDL_KEYDOWN), or NULL. */
static const char *key_text(SDL_Keycode k, char *out)
{
	static const struct {
		SDL_Keycode k;
		char c;
	} kp[] = {{SDLK_KP_MULTIPLY, '*'}, {SDLK_KP_DIVIDE, '/'}, {SDLK_KP_PLUS, '+'},
		  {SDLK_KP_MINUS, '-'}};
	out[0] = out[1] = '\0';
	if (k >= 32 && k < 127)
		out[0] = (char)k;
	for (size_t i = 0; i < ARRAY_LEN(kp); i++)
		if (k == kp[i].k)
			out[0] = kp[i].c;
	if ((SDL_GetModState() & KMOD_NUM) && k >= SDLK_KP_1 && k <= SDLK_KP_0)
		out[0] = k == SDLK_KP_0 ? '0' : (char)('1' + (k - SDLK_KP_1));
	return out[0] ? out : NULL;
}

/* An accessibility keypad (KS X 9211) is a number pad: 8 and 4 move back, 2 and
 * 6 forward, 5 presses; with Num Lock on, its digits type into a focused text
 * field instead. */
static SDL_Keycode from_keypad(app *a, SDL_Keycode k)
{
	static const SDL_Keycode pad[][2] = {{SDLK_KP_8, SDLK_UP},    {SDLK_KP_4, SDLK_LEFT},
					     {SDLK_KP_2, SDLK_DOWN},  {SDLK_KP_6, SDLK_RIGHT},
					     {SDLK_KP_5, SDLK_RETURN}, {SDLK_KP_MULTIPLY, SDLK_HELP}};
	char typed[2];
	if (focused_hin(a) && (SDL_GetModState() & KMOD_NUM))
		return k;
	for (size_t i = 0; i < ARRAY_LEN(pad); i++)
		if (k == pad[i][0]) { /* what it would type goes unused */
			snprintf(a->swallow, sizeof(a->swallow), "%s", key_text(k, typed) ? typed : "");
			return pad[i][1];
		}
	return k;
}

static int key(app *a, SDL_Keycode k)
{
	user_input(a);
	k = from_keypad(a, k);
	/* Help, F1 or the pad's *: a blind person's way in — voice guidance on, or
	 * the screen said again */
	if (k == SDLK_F1 || k == SDLK_HELP) {
		if (!a->a11y_voice)
			set_voice(a, 1);
		else
			a->vo_screen = -1;
		a->idle_dialog = 0;
		a->dirty = 1;
		return 0;
	}
	if (a->idle_dialog) {
		/* a key while warned means "I'm still here" (Return on a focused
		 * dialog button still activates it below) */
		const ui_node *f = a->focus[0] ? ui_find_id(a->tree, a->focus) : NULL;
		if ((k == SDLK_RETURN || k == SDLK_SPACE) && f && strncmp(f->id, "idle.", 5) == 0)
			action(a, f);
		else if (k == SDLK_TAB || k == SDLK_LEFT || k == SDLK_RIGHT || k == SDLK_UP ||
			 k == SDLK_DOWN)
			move_focus(a, k == SDLK_LEFT || k == SDLK_UP ? -1 : 1);
		else
			a->idle_dialog = 0;
		a->dirty = 1;
		return 0;
	}
	app_frame(a);
	switch (k) {
	case SDLK_TAB:
	case SDLK_DOWN:
	case SDLK_RIGHT:
		move_focus(a, 1);
		return 0;
	case SDLK_UP:
	case SDLK_LEFT:
		move_focus(a, -1);
		return 0;
	case SDLK_ESCAPE:
		if (a->idle_dialog)
			a->idle_dialog = 0;
		else
			back(a);
		return 0;
	case SDLK_BACKSPACE:
		if (focused_hin(a)) {
			hin_backspace(focused_hin(a));
			a->dirty = 1;
			return 0;
		}
		back(a);
		return 0;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE: {
		const ui_node *f = a->focus[0] ? ui_find_id(a->tree, a->focus) : NULL;
		if (k == SDLK_SPACE) /* its " " must not land in a field the press focused */
			snprintf(a->swallow, sizeof(a->swallow), " ");
		if (f && f->role == UI_TEXT_FIELD) {
			if (k == SDLK_SPACE && focused_hin(a)) {
				hin_key(focused_hin(a), ' ');
			} else if (strcmp(f->id, "search.query") == 0) {
				hin_commit(a->query);
				do_search(a, 1);
				app_go(a, SCR_RESULTS);
			} else { /* a booking or look-up field: on to the next control */
				if (focused_hin(a))
					hin_commit(focused_hin(a));
				move_focus(a, 1);
			}
			a->dirty = 1;
			return 0;
		}
		if (f && f->action)
			action(a, f);
		return 0;
	}
	default:
		return -1;
	}
}

static void text_input(app *a, const char *s)
{
	hin *f;
	user_input(a);
	if ((f = focused_hin(a))) {
		hin_insert(f, s);
		a->dirty = 1;
	}
}

/* The text SDL sends after a key press: dropped when key() used the key up. */
static void text_event(app *a, const char *text)
{
	if (a->swallow[0] && strcmp(text, a->swallow) == 0) {
		a->swallow[0] = '\0'; /* its key did something else */
		return;
	}
	a->swallow[0] = '\0';
	text_input(a, text);
}

/* ---- automation ---- */

static json_object *ok_obj(void)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

static json_object *state_json(app *a)
{
	json_object *o = ok_obj(), *ax = json_object_new_object();
	char ts[32];
	json_object_object_add(o, "screen", json_object_new_string(scr_name(a->screen)));
	json_object_object_add(o, "session", a->session[0] ? json_object_new_string(a->session) : NULL);
	json_object_object_add(o, "online", json_object_new_boolean(a->online));
	if (a->cache_time) {
		kdate_format_rfc3339(a->cache_time, ts);
		json_object_object_add(o, "cache_updated_at", json_object_new_string(ts));
	} else {
		json_object_object_add(o, "cache_updated_at", NULL);
	}
	json_object_object_add(o, "outbox", json_object_new_int(a->outbox_pending));
	json_object_object_add(o, "language", json_object_new_string(a->lang == TR_EN ? "en" : "ko"));
	json_object_object_add(o, "version", json_object_new_string(a->cfg->version));
	json_object_object_add(ax, "contrast", json_object_new_boolean(a->a11y_contrast));
	json_object_object_add(ax, "large_text", json_object_new_boolean(a->a11y_large));
	json_object_object_add(ax, "low_position", json_object_new_boolean(a->a11y_low));
	json_object_object_add(ax, "voice", json_object_new_boolean(a->a11y_voice));
	json_object_object_add(o, "a11y", ax);
	if (a->voice) { /* what voice guidance said last (labels only) */
		vc_stats vs;
		json_object *sp = json_object_new_object();
		vc_get_stats(a->voice, &vs);
		json_object_object_add(sp, "last", json_object_new_string(vs.last));
		json_object_object_add(sp, "utterances", json_object_new_int64(vs.utterances));
		json_object_object_add(sp, "samples", json_object_new_int64(vs.samples));
		json_object_object_add(sp, "speaking", json_object_new_boolean(vs.speaking));
		json_object_object_add(sp, "failed", json_object_new_boolean(vs.failed));
		json_object_object_add(sp, "cursor",
				       a->vo_cursor[0] ? json_object_new_string(a->vo_cursor) : NULL);
		json_object_object_add(o, "speech", sp);
	} else {
		json_object_object_add(o, "speech", NULL);
	}
	json_object_object_add(o, "player", prac_state_json(a));
	kdate_format_rfc3339(clk_wall(a->clock), ts);
	json_object_object_add(o, "now", json_object_new_string(ts));
	return o;
}

static int wait_satisfied(app *a, const struct pending_wait *w)
{
	if (w->kind == 2)
		return strcmp(scr_name(a->screen), w->what) == 0;
	return (w->kind == 0 ? ui_find_id(a->tree, w->what) : ui_find_label(a->tree, w->what)) != NULL;
}

static int get_xy(json_object *arr, float *x, float *y)
{
	if (!arr || !json_object_is_type(arr, json_type_array) || json_object_array_length(arr) != 2)
		return -1;
	json_object *jx = json_object_array_get_idx(arr, 0), *jy = json_object_array_get_idx(arr, 1);
	if (!(json_object_is_type(jx, json_type_int) || json_object_is_type(jx, json_type_double)) ||
	    !(json_object_is_type(jy, json_type_int) || json_object_is_type(jy, json_type_double)))
		return -1;
	*x = (float)json_object_get_double(jx);
	*y = (float)json_object_get_double(jy);
	return 0;
}

static int screenshot(app *a, const char *path, char *err, size_t errlen)
{
	int rc;
	void *px = xmalloc((size_t)a->w * (size_t)a->h * 4);
	a->dirty = 1;
	app_frame(a);
	if (SDL_RenderReadPixels(a->r, NULL, SDL_PIXELFORMAT_ARGB8888, px, a->w * 4) < 0) {
		snprintf(err, errlen, "reading pixels: %s", SDL_GetError());
		free(px);
		return -1;
	}
	rc = shot_write_png(path, a->w, a->h, px, a->w * 4, err, errlen);
	free(px);
	return rc;
}

/* Runs one command; returns 1 when it is left pending (wait), else 0. */
static int run_cmd(app *a, ctl_cmd *c)
{
	json_object *req = NULL, *v;
	const char *cmd;
	char err[256];
	int fd = c->fd;

	if (c->line[0] == '\x01') {
		ctl_reply_error(fd, "request line longer than 1 MiB");
		return 0;
	}
	req = json_tokener_parse(c->line);
	if (!req || !json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &v) || !json_object_is_type(v, json_type_string)) {
		json_object_put(req);
		ctl_reply_error(fd, "malformed request: expected {\"cmd\": ...} on one line");
		return 0;
	}
	cmd = json_object_get_string(v);
	app_frame(a); /* answers describe what is on screen now */

	if (strcmp(cmd, "tree") == 0) {
		json_object *o = ok_obj();
		json_object_object_add(o, "screen", json_object_new_string(scr_name(a->screen)));
		json_object_object_add(o, "nodes", ui_tree_json(a->tree));
		ctl_reply(fd, o);
	} else if (strcmp(cmd, "state") == 0) {
		ctl_reply(fd, state_json(a));
	} else if (strcmp(cmd, "tap") == 0) {
		float x, y;
		json_object *jx, *jy, *jid, *jl;
		const ui_node *n = NULL;
		if (json_object_object_get_ex(req, "id", &jid)) {
			if (!json_object_is_type(jid, json_type_string) ||
			    !(n = ui_find_id(a->tree, json_object_get_string(jid)))) {
				ctl_reply_error(fd, "no visible enabled node with that id");
				goto out;
			}
		} else if (json_object_object_get_ex(req, "label", &jl)) {
			if (!json_object_is_type(jl, json_type_string) ||
			    !(n = ui_find_label(a->tree, json_object_get_string(jl)))) {
				ctl_reply_error(fd, "no visible enabled node with that label");
				goto out;
			}
		}
		if (n) {
			x = (float)n->clip.x + n->clip.w / 2.0f;
			y = (float)n->clip.y + n->clip.h / 2.0f;
		} else if (json_object_object_get_ex(req, "x", &jx) &&
			   json_object_object_get_ex(req, "y", &jy) &&
			   (json_object_is_type(jx, json_type_int) || json_object_is_type(jx, json_type_double)) &&
			   (json_object_is_type(jy, json_type_int) || json_object_is_type(jy, json_type_double))) {
			x = (float)json_object_get_double(jx);
			y = (float)json_object_get_double(jy);
		} else {
			ctl_reply_error(fd, "tap needs x and y, id, or label");
			goto out;
		}
		if (x < 0 || y < 0 || x >= a->w || y >= a->h) {
			ctl_reply_error(fd, "tap outside the screen");
			goto out;
		}
		pointer(a, 0, x, y);
		pointer(a, 2, x, y);
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "swipe") == 0) {
		float x0, y0, x1, y1;
		json_object *jf = NULL, *jt = NULL, *jm;
		json_object_object_get_ex(req, "from", &jf);
		json_object_object_get_ex(req, "to", &jt);
		int ms = json_object_object_get_ex(req, "ms", &jm) && json_object_is_type(jm, json_type_int)
				 ? json_object_get_int(jm) : 300;
		if (get_xy(jf, &x0, &y0) < 0 || get_xy(jt, &x1, &y1) < 0 || ms < 1 || ms > 10000) {
			ctl_reply_error(fd, "swipe needs from [x, y], to [x, y] and ms 1..10000");
			goto out;
		}
		/* motion spread over ms, with synthetic timestamps (fling velocity) */
		inp_gesture g[4];
		int steps = ms / 16 + 2, k;
		int64_t t0 = (int64_t)util_now_ms();
		user_input(a);
		k = inp_down(a->input, x0, y0, t0, g);
		for (int i = 0; i < k; i++)
			gesture(a, &g[i]);
		for (int s = 1; s <= steps; s++) {
			float f = (float)s / (float)steps;
			k = inp_move(a->input, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f,
				     t0 + (int64_t)(ms * f), g);
			for (int i = 0; i < k; i++)
				gesture(a, &g[i]);
		}
		k = inp_up(a->input, x1, y1, t0 + ms, g);
		for (int i = 0; i < k; i++)
			gesture(a, &g[i]);
		if (a->active_scroll == NULL) {
			/* the fling starts now, in real time */
			if (a->screen == SCR_RESULTS)
				a->list.last_ms = (int64_t)util_now_ms();
			if (a->screen == SCR_DETAIL)
				a->detail_scroll.last_ms = (int64_t)util_now_ms();
		}
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "type") == 0) {
		json_object *jt;
		if (!json_object_object_get_ex(req, "text", &jt) || !json_object_is_type(jt, json_type_string)) {
			ctl_reply_error(fd, "type needs text");
			goto out;
		}
		if (!focused_hin(a)) {
			ctl_reply_error(fd, "no focused text field");
			goto out;
		}
		text_input(a, json_object_get_string(jt));
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "key") == 0) {
		json_object *jk;
		SDL_Keycode k;
		if (!json_object_object_get_ex(req, "key", &jk) || !json_object_is_type(jk, json_type_string) ||
		    (k = SDL_GetKeyFromName(json_object_get_string(jk))) == SDLK_UNKNOWN) {
			ctl_reply_error(fd, "key needs an SDL key name (Return, Escape, Tab, ...)");
			goto out;
		}
		/* as a keyboard delivers it: the key, then any text it types */
		char kt[2];
		const char *text = key_text(k, kt);
		int typed = text && focused_hin(a);
		a->swallow[0] = '\0';
		int used = key(a, k) == 0;
		if (text)
			text_event(a, text);
		if (!used && !typed) {
			ctl_reply_error(fd, "that key does nothing here");
			goto out;
		}
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "wait") == 0) {
		json_object *jw, *jt;
		struct pending_wait w = {0};
		int timeout = 5000;
		if (json_object_object_get_ex(req, "timeout_ms", &jt)) {
			if (!json_object_is_type(jt, json_type_int) || json_object_get_int(jt) < 0 ||
			    json_object_get_int(jt) > 600000) {
				ctl_reply_error(fd, "timeout_ms must be 0..600000");
				goto out;
			}
			timeout = json_object_get_int(jt);
		}
		if (json_object_object_get_ex(req, "id", &jw))
			w.kind = 0;
		else if (json_object_object_get_ex(req, "label", &jw))
			w.kind = 1;
		else if (json_object_object_get_ex(req, "screen", &jw))
			w.kind = 2;
		if (!jw || !json_object_is_type(jw, json_type_string)) {
			ctl_reply_error(fd, "wait needs id, label or screen");
			goto out;
		}
		snprintf(w.what, sizeof(w.what), "%s", json_object_get_string(jw));
		if (wait_satisfied(a, &w)) {
			ctl_reply(fd, ok_obj());
			goto out;
		}
		if (a->nwaits == WAITS_MAX) {
			ctl_reply_error(fd, "too many pending waits");
			goto out;
		}
		w.fd = fd;
		w.deadline = util_now_ms() + timeout;
		w.cmd = c;
		a->waits[a->nwaits++] = w;
		json_object_put(req);
		return 1;
	} else if (strcmp(cmd, "screenshot") == 0) {
		json_object *jp;
		if (!json_object_object_get_ex(req, "path", &jp) || !json_object_is_type(jp, json_type_string)) {
			ctl_reply_error(fd, "screenshot needs path");
			goto out;
		}
		if (screenshot(a, json_object_get_string(jp), err, sizeof(err)) < 0) {
			ctl_reply_error(fd, err);
			goto out;
		}
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "advance") == 0) {
		json_object *jm;
		if (!json_object_object_get_ex(req, "ms", &jm) || !json_object_is_type(jm, json_type_int) ||
		    clk_advance(a->clock, json_object_get_int64(jm)) < 0) {
			ctl_reply_error(fd, clk_is_fake(a->clock) ? "advance needs ms >= 0"
								  : "the kiosk was not started with --fake-clock");
			goto out;
		}
		app_tick(a);
		app_frame(a);
		ctl_reply(fd, ok_obj());
	} else if (strcmp(cmd, "stats") == 0) {
		/* an extension for benchmarks: frame times and memory */
		json_object *o = ok_obj(), *jr;
		int n = a->nframe_ms < (int)ARRAY_LEN(a->frame_ms) ? a->nframe_ms
								: (int)ARRAY_LEN(a->frame_ms);
		float sorted[ARRAY_LEN(a->frame_ms)];
		unsigned long hits, misses;
		int entries;
		memcpy(sorted, a->frame_ms, (size_t)n * sizeof(float));
		for (int i = 1; i < n; i++) /* insertion sort: n <= 4096, rare */
			for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
				float t = sorted[j];
				sorted[j] = sorted[j - 1];
				sorted[j - 1] = t;
			}
		json_object_object_add(o, "frames", json_object_new_int(n));
		json_object_object_add(o, "frame_ms_p50", json_object_new_double(n ? sorted[n / 2] : 0));
		json_object_object_add(o, "frame_ms_p99", json_object_new_double(n ? sorted[n * 99 / 100] : 0));
		json_object_object_add(o, "frame_ms_max", json_object_new_double(n ? sorted[n - 1] : 0));
		json_object_object_add(o, "results", json_object_new_int(a->nresults));
		txt_stats(a->text, &hits, &misses, &entries);
		json_object_object_add(o, "text_cache_hits", json_object_new_int64((int64_t)hits));
		json_object_object_add(o, "text_cache_misses", json_object_new_int64((int64_t)misses));
		if (json_object_object_get_ex(req, "reset", &jr) && json_object_get_boolean(jr))
			a->nframe_ms = 0;
		ctl_reply(fd, o);
	} else {
		ctl_reply_error(fd, "unknown cmd");
	}
out:
	json_object_put(req);
	return 0;
}

static int fd_waiting(app *a, int fd)
{
	for (int i = 0; i < a->nwaits; i++)
		if (a->waits[i].fd == fd)
			return 1;
	return 0;
}

static void on_ctl(app *a, ctl_cmd *c)
{
	/* commands behind a pending wait of the same client keep their order */
	if (fd_waiting(a, c->fd) || (a->nqueued && !c->line)) {
		if (a->nqueued < (int)ARRAY_LEN(a->queued)) {
			a->queued[a->nqueued++] = c;
			return;
		}
		if (c->line)
			ctl_reply_error(c->fd, "too many commands queued behind a wait");
		ctl_cmd_free(c);
		return;
	}
	if (!c->line || !run_cmd(a, c))
		ctl_cmd_free(c);
}

static void resolve_waits(app *a)
{
	double now = util_now_ms();
	int progressed = 0;
	for (int i = 0; i < a->nwaits;) {
		struct pending_wait *w = &a->waits[i];
		int done = wait_satisfied(a, w);
		if (done || now >= w->deadline) {
			if (done)
				ctl_reply(w->fd, ok_obj());
			else
				ctl_reply_error(w->fd, "timed out waiting");
			ctl_cmd_free(w->cmd);
			a->waits[i] = a->waits[--a->nwaits];
			progressed = 1;
			continue;
		}
		i++;
	}
	if (!progressed)
		return;
	/* release queued commands whose client no longer waits */
	for (int i = 0; i < a->nqueued;) {
		ctl_cmd *c = a->queued[i];
		if (fd_waiting(a, c->fd)) {
			i++;
			continue;
		}
		memmove(&a->queued[i], &a->queued[i + 1], (size_t)(a->nqueued - i - 1) * sizeof(ctl_cmd *));
		a->nqueued--;
		if (!c->line || !run_cmd(a, c))
			ctl_cmd_free(c);
	}
}

/* ---- events, timers, frames ---- */

void app_event(app *a, const SDL_Event *e)
{
	if (e->type == a->ev_net) {
		if (e->user.code == 1) {
			on_sync(a, e->user.data1);
			free(e->user.data1);
		} else if (e->user.code == MC_EV_PROGRESS) {
			a->dirty = 1; /* the practice list shows progress */
		} else if (e->user.code == MC_EV_VERIFIED) {
			prac_on_verified(a, e->user.data1);
			mc_verified_free(e->user.data1);
			a->dirty = 1;
		} else if (e->user.code >= OBX_EV_STORED) {
			on_obx(a, e->user.code, e->user.data1);
			free(e->user.data1);
		} else {
			on_net(a, e->user.data1);
			net_result_free(e->user.data1);
		}
		return;
	}
	if (e->type == a->ev_ctl) {
		on_ctl(a, e->user.data1);
		return;
	}
	switch (e->type) {
	case SDL_QUIT:
		a->quit = 1;
		break;
	case SDL_FINGERDOWN:
	case SDL_FINGERMOTION:
	case SDL_FINGERUP: {
		float x = e->tfinger.x * (float)a->w, y = e->tfinger.y * (float)a->h;
		inp_calibrate(a->input, &x, &y);
		pointer(a, e->type == SDL_FINGERDOWN ? 0 : e->type == SDL_FINGERMOTION ? 1 : 2, x, y);
		break;
	}
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
			break; /* touches arrive as finger events already */
		pointer(a, e->type == SDL_MOUSEBUTTONDOWN ? 0 : 2, (float)e->button.x, (float)e->button.y);
		break;
	case SDL_MOUSEMOTION:
		if (e->motion.which == SDL_TOUCH_MOUSEID || !(e->motion.state & SDL_BUTTON_LMASK))
			break;
		pointer(a, 1, (float)e->motion.x, (float)e->motion.y);
		break;
	case SDL_MOUSEWHEEL: {
		scroller *s = a->screen == SCR_RESULTS ? &a->list : a->screen == SCR_DETAIL ? &a->detail_scroll : NULL;
		user_input(a);
		if (s) {
			s->pos -= (float)e->wheel.y * (float)a->th.touch;
			a->dirty = 1;
		}
		break;
	}
	case SDL_KEYDOWN:
		a->swallow[0] = '\0';
		key(a, e->key.keysym.sym);
		break;
	case SDL_TEXTINPUT:
		text_event(a, e->text.text);
		break;
	case SDL_WINDOWEVENT:
		a->dirty = 1;
		break;
	case SDL_MULTIGESTURE:
		user_input(a);
		prac_pinch(a, e->mgesture.dDist);
		break;
	}
}

/* One step of kinetic scrolling; returns 1 while it moves. */
static int scroll_step(scroller *s)
{
	int64_t now = (int64_t)util_now_ms();
	float dt = s->last_ms ? (float)(now - s->last_ms) : 16;
	if (dt > 64)
		dt = 64;
	s->last_ms = now;
	if (s->dragging)
		return 0;
	if (s->vel != 0) {
		s->pos += s->vel * dt;
		s->vel *= SDL_powf(0.995f, dt); /* friction: ~0.92 per frame */
		if (SDL_fabsf(s->vel) < 0.02f)
			s->vel = 0;
	}
	/* past an end: stop the fling and spring back */
	float target = s->pos < 0 ? 0 : s->pos > s->max ? s->max : s->pos;
	if (target != s->pos) {
		if (SDL_fabsf(s->vel) > 0)
			s->vel *= 0.5f;
		s->pos += (target - s->pos) * (1 - SDL_powf(0.985f, dt));
		if (SDL_fabsf(target - s->pos) < 0.5f) {
			s->pos = target;
			s->vel = 0;
		}
	}
	return s->vel != 0 || target != s->pos;
}

static int animating(app *a)
{
	int moving = 0;
	if (a->screen == SCR_RESULTS)
		moving |= scroll_step(&a->list);
	if (a->screen == SCR_DETAIL)
		moving |= scroll_step(&a->detail_scroll);
	if (a->picker != PK_NONE)
		moving |= scroll_step(&a->picker_scroll);
	return moving;
}

void app_tick(app *a)
{
	int64_t now = clk_ms(a->clock);
	/* first: a video playing counts as activity before the idle timer looks */
	if (prac_tick(a))
		a->dirty = 1;
	if (a->screen == SCR_PLAYER && a->pl_asking)
		a->dirty = 1; /* the answer countdown */
	if (a->probe_due && !a->sync_running && util_now_ms() >= a->probe_due)
		probe(a);
	if (a->outbox_pending > 0 && a->obx_next && now >= a->obx_next) {
		a->obx_next = 0;
		obx_kick(a->obx);
	}
	if (!a->sync_running && now >= a->next_sync) {
		a->sync_running = 1;
		net_set_today(a->net, app_today(a));
		sync_request(a->sync, clk_wall(a->clock));
	}
	int64_t idle = now - a->last_input;
	int has_session = a->screen != SCR_HOME || a->session[0];

	if (!a->idle_dialog && has_session && idle >= a->cfg->idle_timeout_s * 1000LL &&
	    !inp_active(a->input)) {
		a->idle_dialog = 1;
		a->idle_since = now;
		a->dirty = 1;
		log_info("idle_warning", "after_s=%d", a->cfg->idle_timeout_s);
	}
	if (a->idle_dialog) {
		if (now - a->idle_since >= a->cfg->idle_countdown_s * 1000LL)
			reset_session(a, "idle");
		else
			a->dirty = 1; /* the countdown changes every second */
	}
	/* results: load the next page when the end comes into view */
	if (a->screen == SCR_RESULTS && a->load == LD_DONE && !a->more_loading &&
	    a->nresults < a->total && a->nresults < RESULTS_MAX &&
	    a->list.pos >= a->list.max - (float)a->list.view.h) {
		do_search(a, a->page + 1);
	}
	inp_gesture g[2];
	int n = inp_poll(a->input, (int64_t)util_now_ms(), g);
	for (int i = 0; i < n; i++)
		gesture(a, &g[i]);
	if (animating(a))
		a->dirty = 1;
	if (a->nwaits) {
		app_frame(a);
		resolve_waits(a);
	}
}

int app_timeout_ms(app *a)
{
	int64_t t = 1000; /* also bounds the watchdog's feeding interval (>= 2 s) */
	if (a->dirty)
		return 0;
	if (a->nwaits)
		t = 10;
	if (a->probe_due) {
		double d = a->probe_due - util_now_ms();
		if (d < t)
			t = d < 0 ? 0 : (int64_t)d + 1;
	}
	if (inp_active(a->input))
		t = 50;
	if (a->screen == SCR_PLAYER && a->pl_index >= 0 && t > 250)
		t = 250; /* the position and the question times */
	if (a->list.vel != 0 || a->detail_scroll.vel != 0 || a->picker_scroll.vel != 0)
		t = 8;
	if (!clk_is_fake(a->clock)) {
		int64_t now = clk_ms(a->clock);
		int has_session = a->screen != SCR_HOME || a->session[0];
		if (!a->sync_running && a->next_sync - now < t)
			t = a->next_sync - now < 0 ? 0 : a->next_sync - now;
		if (a->idle_dialog) {
			int64_t next = 1000 - (now - a->idle_since) % 1000;
			if (next < t)
				t = next;
		} else if (has_session) {
			int64_t due = a->last_input + a->cfg->idle_timeout_s * 1000LL - now;
			if (due < t)
				t = due < 0 ? 0 : due;
		}
	}
	return (int)t;
}

static void draw_image(void *ctx, SDL_Renderer *r, int image, SDL_Rect dst)
{
	app *a = ctx;
	if (image == 2) {
		prac_draw(a, r, dst);
		return;
	}
	if (image == 1 && a->qr) {
		SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
		SDL_RenderFillRect(r, &dst);
		SDL_RenderCopy(r, a->qr, NULL, &dst);
	}
}

/* Appends a sentence to t (n used of cap): s, then ". " unless s ends in its own
 * punctuation. Returns the new length (may pass cap: snprintf's count). */
static size_t vo_add(char *t, size_t n, size_t cap, const char *s)
{
	size_t l = strlen(s);
	int ends = l && strchr(".?!", s[l - 1]);
	if (n >= cap)
		return n;
	return n + (size_t)snprintf(t + n, cap - n, "%s%s", s, ends ? " " : ". ");
}

/* What voice guidance reads without being asked: headings, errors, and the
 * booking code a person must write down. */
static int vo_said(const ui_node *h)
{
	size_t l = strlen(h->id);
	if (!h->label || !*h->label || (h->flags & UI_F_HIDDEN))
		return 0;
	return h->role == UI_HEADING || strcmp(h->id, "booking.code") == 0 ||
	       (l > 6 && strcmp(h->id + l - 6, ".error") == 0);
}

/* A node's text to say; the booking code is spelled out, one character at a
 * time ("Q, 7, K, ..."), after what it is. */
static const char *vo_text(app *a, const ui_node *h, char *b, size_t bn)
{
	size_t n;
	if (strcmp(h->id, "booking.code") != 0)
		return h->label;
	n = (size_t)snprintf(b, bn, "%s: ", a->bk_queued ? (a->lang == TR_EN ? "Reference" : "접수 번호")
							: (a->lang == TR_EN ? "Booking code" : "예약 번호"));
	for (const char *p = h->label; *p && n + 4 < bn; p++)
		if ((unsigned char)*p > ' ' && (unsigned char)*p < 0x80)
			n += (size_t)snprintf(b + n, bn - n, "%c, ", *p);
	if (n >= 2 && n < bn && b[n - 2] == ',')
		b[n - 2] = '\0';
	return b;
}

/* Voice guidance: says the screen's headings when the screen changes, a heading
 * that appears or changes on the same screen (a booking step, the number of
 * results, the idle warning), and the focused control when the focus moves
 * (labels only, never typed values). */
static void announce(app *a)
{
	char text[512] = "", heads[512] = "";
	size_t n = 0, hn = 0;
	if (!a->a11y_voice || !a->voice) {
		a->vo_on = 0;
		return;
	}
	for (int i = 0; i < a->tree->n && hn < sizeof(heads); i++) {
		const ui_node *h = &a->tree->nodes[i];
		char spelled[160];
		if (!vo_said(h))
			continue;
		hn = vo_add(heads, hn, sizeof(heads), vo_text(a, h, spelled, sizeof(spelled)));
	}
	int new_screen = !a->vo_on || a->vo_screen != (int)a->screen;
	int new_heads = strcmp(heads, a->vo_heads) != 0;
	if (new_screen || new_heads) /* the cursor's control belonged to the last step */
		a->vo_cursor[0] = a->vo_cursor_said[0] = '\0';
	int new_cursor = a->vo_cursor[0] && strcmp(a->vo_cursor, a->vo_cursor_said) != 0;
	int new_focus = strcmp(a->vo_focus, a->focus) != 0;
	if (!new_screen && !new_heads && !new_cursor && !new_focus)
		return;
	if (!a->vo_on)
		n += (size_t)snprintf(text, sizeof(text), "%s ", tr(a->lang, S_VO_ON));
	if (new_screen) {
		if (n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", heads);
	} else if (new_heads) { /* only what is new */
		for (int i = 0; i < a->tree->n && n < sizeof(text); i++) {
			const ui_node *h = &a->tree->nodes[i];
			char spelled[160];
			const char *t = vo_said(h) ? vo_text(a, h, spelled, sizeof(spelled)) : NULL;
			if (t && !strstr(a->vo_heads, t))
				n = vo_add(text, n, sizeof(text), t);
		}
	}
	const ui_node *f = new_cursor			       ? ui_find_id(a->tree, a->vo_cursor)
			   : (new_screen || new_focus) && a->focus[0] ? ui_find_id(a->tree, a->focus)
								       : NULL;
	if (f && f->label && n < sizeof(text)) {
		const char *role = f->role == UI_TEXT_FIELD ? tr(a->lang, S_VO_FIELD)
				   : f->role == UI_CHECKBOX ? tr(a->lang, f->checked ? S_VO_CHECKED : S_VO_UNCHECKED)
				   : f->role == UI_BUTTON || f->role == UI_TAB || f->role == UI_KEY ? tr(a->lang, S_VO_BUTTON)
											    : "";
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s", f->label, role);
	}
	a->vo_on = 1;
	a->vo_screen = (int)a->screen;
	snprintf(a->vo_focus, sizeof(a->vo_focus), "%s", a->focus);
	snprintf(a->vo_cursor_said, sizeof(a->vo_cursor_said), "%s", a->vo_cursor);
	memcpy(a->vo_heads, heads, sizeof(heads));
	if (n)
		vc_say(a->voice, text, a->lang == TR_EN ? "en" : "ko");
}

int app_frame(app *a)
{
	double t0;
	if (!a->dirty)
		return 0;
	t0 = util_now_ms();
	a->dirty = 0;
	/* clamp scroll positions to their content before building */
	scr_build(a);
	announce(a);
	for (int i = 0; a->a11y_voice && a->vo_cursor[0] && i < a->tree->n; i++) /* seen as well as heard */
		if (strcmp(a->tree->nodes[i].id, a->vo_cursor) == 0)
			a->tree->nodes[i].flags |= UI_F_VOICED;
	if (a->list.pos > a->list.max && !a->list.dragging && a->list.vel == 0 && a->list.max >= 0)
		a->dirty |= a->list.pos - a->list.max > 0.5f;
	rnd_tree(a->r, a->text, &a->th, a->tree, draw_image, a);
	SDL_RenderPresent(a->r);
	a->frame_ms[a->nframe_ms++ % (int)ARRAY_LEN(a->frame_ms)] = (float)(util_now_ms() - t0);
	a->frames++;
	return 1;
}
