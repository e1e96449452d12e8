/*
 * Unit tests for the kiosk's screens and response handling, through the app's
 * internals (kiosk/app_int.h): every screen laid out at portrait, landscape, small
 * and 4K sizes (required ids present, nothing interactive overlapping, touch
 * targets large enough, all inside the screen), and API responses of every kind,
 * malformed ones included, decoded without a crash and with a clear error state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL2/SDL.h>
#include <string.h>

#include "app_int.h"

struct fixture {
	kconf cfg;
	SDL_Surface *surf;
	SDL_Renderer *ren;
	clk *clock;
	app *a;
	uint32_t ev;
};

static void open_app(struct fixture *f, int w, int h)
{
	char err[256];
	kconf_init(&f->cfg);
	free(f->cfg.api_url);
	f->cfg.api_url = xstrdup("http://127.0.0.1:9/"); /* discard port: refused at once */
	f->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	f->ren = SDL_CreateSoftwareRenderer(f->surf);
	assert_non_null(f->ren);
	f->clock = clk_create(1, 1795000000);
	f->a = app_create(&f->cfg, f->ren, w, h, f->clock, f->ev, NULL, NULL, err, sizeof(err));
	if (!f->a)
		fail_msg("app_create: %s", err);
}

static void close_app(struct fixture *f)
{
	SDL_Event e;
	app_destroy(f->a);
	/* results of requests still queued belong to nobody now */
	while (SDL_PollEvent(&e))
		if (e.type == f->ev)
			net_result_free(e.user.data1);
	clk_destroy(f->clock);
	SDL_DestroyRenderer(f->ren);
	SDL_FreeSurface(f->surf);
	kconf_release(&f->cfg);
}

static void fake_job(job *j, int i)
{
	char buf[64];
	job_init(j);
	snprintf(buf, sizeof(buf), "S%07d", i);
	j->id = xstrdup(buf);
	j->title = xstrdup(i % 2 ? "간호조무사 (청년 우대)" : "물류센터 상하차 및 분류 작업자 모집 (주간, 야간 교대)");
	j->company = xstrdup("(주)빛고을의료재단 상무요양병원");
	j->region.code = xstrdup("29140745");
	j->region.name_ko = xstrdup("치평동");
	j->region.name_en = xstrdup("Chipyeong-dong");
	j->category.code = xstrdup("30");
	j->category.name_ko = xstrdup("보건·의료");
	j->category.name_en = xstrdup("Health & medical");
	j->salary_type = JOB_SAL_MONTHLY;
	j->salary_min = 2500000;
	j->salary_max = 3000000;
	memcpy(j->posted_at, "2026-11-20", 11);
	memcpy(j->closes_at, "2026-12-05", 11);
	j->description = xstrdup("병동 환자 간호와 투약, 활력징후 측정을 담당합니다. 신입도 지원 가능하며 "
				 "입사 후 업무 교육을 제공합니다. 근무지는 광주광역시 서구입니다.");
	j->requirements = xstrdup("간호조무사 자격증 소지자");
	j->benefits = xstrdup("4대보험, 퇴직금, 중식 제공");
	j->work_hours = xstrdup("주 5일, 09:00~18:00");
	j->address = xstrdup("광주광역시 서구 상무중앙로 12 (치평동)");
	j->contact_name = xstrdup("인사담당자");
	j->contact_phone = xstrdup("062-123-4567");
	j->apply_url = xstrdup("https://jobs.example.kr/apply/S0000001");
}

static int interactive(const ui_node *n)
{
	return n->action && n->enabled && n->role != UI_LIST && n->role != UI_PANEL &&
	       n->role != UI_DIALOG && !(n->flags & UI_F_NOHIT);
}

static int full(const ui_node *n)
{
	return n->clip.x == n->rect.x && n->clip.y == n->rect.y && n->clip.w == n->rect.w &&
	       n->clip.h == n->rect.h;
}

static void check_layout(app *a, const char *what, const char *const *ids)
{
	ui_tree *t = a->tree;
	int layer_start = 0;
	scr_build(a);
	assert_int_equal(t->overflow, 0);
	for (const char *const *id = ids; *id; id++)
		if (!ui_find_id(t, *id))
			fail_msg("%s %dx%d: no node '%s'", what, a->w, a->h, *id);
	for (int i = 0; i < t->n; i++) {
		const ui_node *n = &t->nodes[i];
		if ((n->role == UI_PANEL && n->style == UI_S_SCRIM) || n->role == UI_DIALOG)
			layer_start = i; /* an overlay starts a new layer */
		if (!ui_reported(t, n) || !full(n))
			continue;
		if (n->rect.x < 0 || n->rect.y < 0 || n->rect.x + n->rect.w > a->w ||
		    n->rect.y + n->rect.h > a->h)
			fail_msg("%s %dx%d: '%s' (%s) outside the screen", what, a->w, a->h, n->id,
				 n->label);
		if (!interactive(n))
			continue;
		int min = n->role == UI_KEY ? theme_px(&a->th, 60) : a->th.touch * 7 / 10;
		if (n->rect.h < min || n->rect.w < min)
			fail_msg("%s %dx%d: '%s' is %dx%d, under %d px", what, a->w, a->h, n->id,
				 n->rect.w, n->rect.h, min);
		for (int k = layer_start; k < i; k++) {
			const ui_node *m = &t->nodes[k];
			if (!ui_reported(t, m) || !interactive(m) || !full(m))
				continue;
			ui_rect x = ui_intersect(n->rect, m->rect);
			if (!ui_is_empty(x))
				fail_msg("%s %dx%d: '%s' overlaps '%s'", what, a->w, a->h, n->id, m->id);
		}
	}
}

static void all_screens(int w, int h)
{
	struct fixture f = {0};
	static const char *const home[] = {"home.search", "home.booking", "home.practice",
					   "home.language", "home.a11y", NULL};
	static const char *const search[] = {"search.query", "search.submit", "nav.back", "nav.home",
					     "key.r", "key.backspace", "search.region", NULL};
	static const char *const picker[] = {"picker.close", "pick.0", NULL};
	static const char *const results[] = {"results.list", "results.item.0", "nav.back",
					      "nav.home", NULL};
	static const char *const detail[] = {"detail.title", "detail.company", "detail.qr",
					     "nav.back", "nav.home", NULL};
	static const char *const a11y[] = {"a11y.contrast", "a11y.large_text", "a11y.low_position",
					   "a11y.voice", NULL};
	static const char *const soon[] = {"nav.back", "nav.home", NULL};
	static const char *const idle[] = {"idle.dialog", "idle.continue", NULL};
	f.ev = SDL_RegisterEvents(2);
	open_app(&f, w, h);
	app *a = f.a;

	check_layout(a, "home", home);
	a->screen = SCR_SEARCH;
	snprintf(a->focus, sizeof(a->focus), "search.query");
	hin_set(a->query, "간호조무사 요양보호사 물류센터 상하차");
	check_layout(a, "search", search);
	a->picker = PK_EMPLOYMENT;
	check_layout(a, "picker", picker);
	a->picker = PK_NONE;

	a->screen = SCR_RESULTS;
	a->results = xcalloc(30, sizeof(job));
	for (int i = 0; i < 30; i++)
		fake_job(&a->results[i], i);
	a->nresults = 30;
	a->total = 1342;
	a->load = LD_DONE;
	check_layout(a, "results", results);
	a->load = LD_ERROR;
	a->error = S_ERROR_NET;
	check_layout(a, "results error", soon);
	a->load = LD_DONE;

	a->screen = SCR_DETAIL;
	fake_job(&a->detail, 1);
	a->detail_load = LD_DONE;
	check_layout(a, "detail", detail);
	a->screen = SCR_A11Y;
	check_layout(a, "a11y", a11y);
	a->screen = SCR_BOOKING;
	check_layout(a, "booking", soon);
	static const char *const person[] = {"booking.name", "booking.phone", "booking.next",
					     "key.r", NULL};
	static const char *const consent[] = {"booking.consent", "booking.next", NULL};
	a->bk_step = BK_PERSON;
	snprintf(a->focus, sizeof(a->focus), "booking.name");
	hin_set(a->bk_name, "홍길동");
	hin_set(a->bk_phone, "010-1234-5678");
	a->bk_consent = 1;
	check_layout(a, "booking person", person);
	a->bk_step = BK_CONSENT;
	check_layout(a, "booking consent", consent);
	a->bk_step = BK_TOPIC;
	a->idle_dialog = 1;
	check_layout(a, "idle", idle);
	a->idle_dialog = 0;

	/* interview practice: the list, the player (flat and 360) and a question */
	static const char *const practice[] = {"practice.list", "practice.item.0",
					       "practice.item.1", "nav.back", NULL};
	static const char *const player[] = {"player.video", "player.play_pause", "player.seek",
					     "player.back10", "player.fwd10", "player.captions",
					     "player.volume_up", "nav.back", NULL};
	static const char *const player360[] = {"player.video", "player.play_pause",
						"player.look_left", "player.zoom_out", NULL};
	static const char *const question[] = {"player.question", "player.next_question", NULL};
	a->media = xcalloc(2, sizeof(*a->media));
	a->nmedia = 2;
	for (int i = 0; i < 2; i++) {
		snprintf(a->media[i].id, sizeof(a->media[i].id), "m-%d", i);
		a->media[i].title_ko = xstrdup(i ? "VR 면접 체험 — 공공기관 최종 면접 (긴 제목)" : "기본 면접 1");
		a->media[i].title_en = xstrdup("Interview");
		a->media[i].vr360 = i;
		a->media[i].duration_s = 312;
		a->media[i].q = xcalloc(1, sizeof(struct pq));
		a->media[i].q[0] = (struct pq){4.0, 60, xstrdup("우리 센터의 청년 일자리 프로그램에 지원한 이유는 무엇인가요? 구체적인 경험을 들어 말해 주세요."), xstrdup("Why?")};
		a->media[i].nq = 1;
	}
	a->screen = SCR_PRACTICE;
	check_layout(a, "practice", practice);
	a->screen = SCR_PLAYER;
	a->pl_index = 0;
	check_layout(a, "player", player);
	a->pl_index = 1;
	a->pl_vr = 1;
	check_layout(a, "player 360", player360);
	a->pl_q = 1;
	a->pl_asking = 1;
	check_layout(a, "question", question);
	a->pl_asking = a->pl_q = a->pl_vr = 0;
	a->pl_index = -1;

	/* high contrast and 200% text keep every screen usable */
	a->a11y_large = a->a11y_contrast = 1;
	theme_build(&a->th, a->w, a->h, 1, 1);
	a->screen = SCR_HOME;
	check_layout(a, "home large", home);
	a->screen = SCR_A11Y;
	check_layout(a, "a11y large", a11y);
	a->screen = SCR_DETAIL;
	check_layout(a, "detail large", detail);
	close_app(&f);
}

static void test_layout_portrait(void **s)
{
	(void)s;
	all_screens(1080, 1920);
}

static void test_layout_landscape(void **s)
{
	(void)s;
	all_screens(1920, 1080);
}

static void test_layout_small_and_4k(void **s)
{
	(void)s;
	all_screens(768, 1366);
	all_screens(2160, 3840);
}

/* ---- responses ---- */

static void feed(struct fixture *f, int kind, unsigned tag, long status, const char *body, size_t len)
{
	SDL_Event e;
	net_result *r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->tag = tag;
	r->err = NET_OK;
	r->status = status;
	r->body = xmalloc(len + 1);
	memcpy(r->body, body, len);
	r->body[len] = '\0';
	r->len = len;
	memset(&e, 0, sizeof(e));
	e.type = f->ev;
	e.user.data1 = r;
	app_event(f->a, &e);
}

static const char good_item[] =
	"{\"id\":\"W1\",\"title\":\"사무보조\",\"company\":\"빛고을\",\"region\":{\"code\":\"29140\","
	"\"name_ko\":\"서구\",\"name_en\":\"Seo-gu\"},\"category\":{\"code\":\"02\",\"name_ko\":\"경영·사무\","
	"\"name_en\":\"Office\"},\"employment\":\"full_time\",\"career\":\"new\",\"education\":\"any\","
	"\"salary\":{\"type\":\"monthly\",\"min\":2200000},\"posted_at\":\"2026-11-20\","
	"\"closes_at\":null,\"source\":\"work24\",\"updated_at\":\"2026-11-21T09:12:00+09:00\"}";

static void search_with(struct fixture *f, long status, const char *body, int want_load, int want_n)
{
	app *a = f->a;
	a->screen = SCR_RESULTS;
	a->page = 1;
	a->load = LD_LOADING;
	a->search_tag = 77;
	feed(f, NET_SEARCH, 77, status, body, strlen(body));
	if (a->load != want_load || a->nresults != want_n)
		fail_msg("body %.80s: load %d n %d, want %d %d", body, a->load, a->nresults, want_load,
			 want_n);
	scr_build(a); /* and the screen shows it without trouble */
	for (int i = 0; i < a->nresults; i++)
		job_release(&a->results[i]);
	free(a->results);
	a->results = NULL;
	a->nresults = 0;
}

static void test_search_responses(void **s)
{
	struct fixture f = {0};
	char body[4096];
	(void)s;
	f.ev = SDL_RegisterEvents(2);
	open_app(&f, 1080, 1920);

	snprintf(body, sizeof(body), "{\"total\":1,\"page\":1,\"per_page\":20,\"items\":[%s]}", good_item);
	search_with(&f, 200, body, LD_DONE, 1);
	/* one bad listing is skipped, the rest shown */
	snprintf(body, sizeof(body), "{\"total\":2,\"items\":[%s,{\"id\":5}]}", good_item);
	search_with(&f, 200, body, LD_DONE, 1);
	static const char *const bad[] = {
		"", "{", "[]", "null", "{\"total\":\"1\",\"items\":[]}", "{\"total\":1,\"items\":{}}",
		"{\"total\":-1,\"items\":[]}", "{\"items\":[]}", "{\"total\":1}", "\xff\xfe{}",
		"{\"total\":1,\"items\":[]} trailing",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		search_with(&f, 200, bad[i], LD_ERROR, 0);
		assert_int_equal(f.a->error, S_ERROR_DATA);
	}
	/* server errors and auth */
	search_with(&f, 500, "{\"error\":{\"code\":\"internal\",\"message\":\"x\"}}", LD_ERROR, 0);
	assert_int_equal(f.a->error, S_ERROR_SERVER);
	search_with(&f, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"x\"}}", LD_ERROR, 0);
	assert_int_equal(f.a->error, S_ERROR_AUTH);
	/* truncated at every point: an error or a partial list, never a crash */
	snprintf(body, sizeof(body), "{\"total\":1,\"page\":1,\"per_page\":20,\"items\":[%s]}", good_item);
	for (size_t n = 0; n < strlen(body) - 1; n += 5) {
		char cut[4096];
		memcpy(cut, body, n);
		cut[n] = '\0';
		f.a->page = 1;
		f.a->load = LD_LOADING;
		f.a->search_tag = 77;
		feed(&f, NET_SEARCH, 77, 200, cut, n);
		assert_int_equal(f.a->load, LD_ERROR);
	}
	/* a stale response (an older search) is ignored */
	f.a->load = LD_LOADING;
	f.a->search_tag = 78;
	feed(&f, NET_SEARCH, 77, 200, "{\"total\":0,\"items\":[]}", 23);
	assert_int_equal(f.a->load, LD_LOADING);
	/* a 2 MB title is refused by the type checks, the page survives */
	size_t big = 2u << 20;
	char *huge = xmalloc(big + 8192);
	int k = snprintf(huge, 8192, "{\"total\":1,\"items\":[{\"id\":\"x\",\"title\":\"");
	memset(huge + k, 'a', big);
	snprintf(huge + k + big, 8192, "\"}]}");
	search_with(&f, 200, huge, LD_DONE, 0);
	free(huge);
	close_app(&f);
}

static void test_detail_and_codes(void **s)
{
	struct fixture f = {0};
	char body[4096];
	app *a;
	(void)s;
	f.ev = SDL_RegisterEvents(2);
	open_app(&f, 1080, 1920);
	a = f.a;
	a->screen = SCR_DETAIL;
	a->detail_tag = 5;
	a->detail_load = LD_LOADING;
	snprintf(body, sizeof(body), "%.*s,\"description\":\"설명\",\"contact\":{\"name\":\"담당\","
				     "\"phone\":\"062-000-0000\"},\"apply_url\":\"https://x.kr/a\"}",
		 (int)strlen(good_item) - 1, good_item);
	feed(&f, NET_DETAIL, 5, 200, body, strlen(body));
	assert_int_equal(a->detail_load, LD_DONE);
	assert_non_null(a->qr);
	assert_string_equal(a->detail.contact_phone, "062-000-0000");
	scr_build(a);
	a->detail_load = LD_LOADING;
	feed(&f, NET_DETAIL, 5, 200, "{\"id\":1}", 8);
	assert_int_equal(a->detail_load, LD_ERROR);
	assert_int_equal(a->detail_error, S_ERROR_DATA);
	a->detail_load = LD_LOADING;
	feed(&f, NET_DETAIL, 5, 404, "{\"error\":{}}", 12);
	assert_int_equal(a->detail_load, LD_ERROR);

	const char *regions = "{\"items\":[{\"code\":\"29\",\"name_ko\":\"광주광역시\",\"level\":\"province\"},"
			      "{\"code\":\"29140\",\"name_ko\":\"서구\",\"name_en\":\"Seo-gu\",\"parent\":\"29\","
			      "\"level\":\"district\"},{\"code\":5},{\"name_ko\":\"x\"},"
			      "{\"code\":\"29140745\",\"name_ko\":\"치평동\",\"parent\":\"29140\",\"level\":\"dong\"}]}";
	feed(&f, NET_REGIONS, 1, 200, regions, strlen(regions));
	assert_int_equal(a->nregions, 3);
	assert_int_equal(a->regions_load, LD_DONE);
	feed(&f, NET_CATEGORIES, 2, 200, "{\"items\":5}", 11);
	assert_int_equal(a->categories_load, LD_ERROR);
	close_app(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_portrait),
		cmocka_unit_test(test_layout_landscape),
		cmocka_unit_test(test_layout_small_and_4k),
		cmocka_unit_test(test_search_responses),
		cmocka_unit_test(test_detail_and_codes),
	};
	if (SDL_Init(SDL_INIT_EVENTS) < 0)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	SDL_Quit();
	return rc;
}
