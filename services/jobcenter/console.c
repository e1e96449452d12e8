#include "console.h"
#include "fleet.h"

#include <string.h>
#include <time.h>

#include "api.h"
#include "booking.h"
#include "kdate.h"
#include "log.h"
#include "schedule.h"
#include "webauth.h"
#include "webfmt.h"

#define MAX_FORM 64
#define COOKIE "jc_session"
#define PRE_COOKIE "jc_login"

static const char *const wd_ko[] = {"", "월", "화", "수", "목", "금", "토", "일"};

/* What one console request works with. */
struct cx {
	api_app *app;
	srv_req *req;
	srv_resp *resp;
	wa_user u;
	int authed;
	time_t now;
	int nform;
	srv_param form[MAX_FORM];
	buf formbuf;
	buf *o; /* the page being written (resp->body) */
};

/* ---- plumbing ---- */

static int weekday_of(int day)
{
	return (day % 7 + 7 + 3) % 7 + 1; /* 1970-01-01 was a Thursday */
}

static const char *qparam(const struct cx *c, const char *k)
{
	for (int i = 0; i < c->req->nparams; i++)
		if (strcmp(c->req->params[i].key, k) == 0)
			return c->req->params[i].value;
	return NULL;
}

static const char *field(const struct cx *c, const char *k)
{
	for (int i = 0; i < c->nform; i++)
		if (strcmp(c->form[i].key, k) == 0)
			return c->form[i].value;
	return NULL;
}

/* The value of cookie name from the Cookie header into out; 1 if found. */
static int cookie(const srv_req *req, const char *name, char *out, size_t n)
{
	const char *h = srv_req_header(req, "Cookie");
	size_t nl = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
			snprintf(out, n, "%.*s", (int)(len - nl - 1), h + nl + 1);
			return 1;
		}
		h = end;
	}
	out[0] = '\0';
	return 0;
}

static void set_cookie(struct cx *c, const char *name, const char *value, int max_age)
{
	char v[256];
	snprintf(v, sizeof(v), "%s=%s; Path=/console; HttpOnly; SameSite=Strict%s%s", name, value,
		 srv_req_is_https(c->req) ? "; Secure" : "", max_age == 0 ? "; Max-Age=0" : "");
	srv_resp_header(c->resp, "Set-Cookie", v);
}

static void security_headers(struct cx *c)
{
	srv_resp_header(c->resp, "Content-Security-Policy",
			"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
			" frame-ancestors 'none'; base-uri 'none'");
	srv_resp_header(c->resp, "X-Frame-Options", "DENY");
	srv_resp_header(c->resp, "Referrer-Policy", "no-referrer");
}

static void redirect(struct cx *c, const char *location)
{
	c->resp->status = 303;
	c->resp->content_type = "text/html; charset=utf-8";
	buf_reset(c->o);
	html_printf(c->o, "<!doctype html><title>이동</title><a href=\"%s\">%s</a>", location,
		    location);
	srv_resp_header(c->resp, "Location", location);
}

static int begin(struct cx *c, void *a, srv_req *req, srv_resp *resp)
{
	char tok[128];
	memset(c, 0, sizeof(*c));
	c->app = a;
	c->req = req;
	c->resp = resp;
	c->o = &resp->body;
	c->now = time(NULL);
	buf_init(&c->formbuf);
	resp->status = 200;
	resp->content_type = "text/html; charset=utf-8";
	resp->etag[0] = '\0';
	security_headers(c);
	if (cookie(req, COOKIE, tok, sizeof(tok))) {
		int rc = wa_session(req->db, tok, c->now, &c->u);
		if (rc < 0) {
			resp->status = 503;
			buf_adds(c->o, "<!doctype html><title>503</title><p>잠시 후 다시 시도해 주세요"
				       " (service unavailable)</p>");
			return -1;
		}
		c->authed = rc == 1;
	}
	return 0;
}

static void end(struct cx *c)
{
	buf_wipe(&c->formbuf);
	memset(&c->u, 0, sizeof(c->u));
}

static int is_admin(const struct cx *c)
{
	return strcmp(c->u.role, "admin") == 0;
}

/* The counsellor whose data a request may touch: their own for a counsellor; for
 * an admin the one asked for (NULL = everyone). */
static const char *scope(const struct cx *c, const char *asked)
{
	if (!is_admin(c))
		return c->u.counselor_id[0] ? c->u.counselor_id : "-none-";
	return asked && *asked ? asked : NULL;
}

/* ---- page shell ---- */

struct nav {
	const char *href, *label, *key;
	int admin;
};

static const struct nav navs[] = {
	{"/console/schedule", "일정 <span lang=\"en\">Schedule</span>", "schedule", 0},
	{"/console/availability", "상담 가능 시간 <span lang=\"en\">Availability</span>",
	 "availability", 0},
	{"/console/followups", "연락할 요청 <span lang=\"en\">Follow-ups</span>", "followups", 0},
	{"/console/export", "내보내기 <span lang=\"en\">Export</span>", "export", 0},
	{"/console/users", "계정 관리 <span lang=\"en\">Accounts</span>", "users", 1},
	{"/console/fleet", "키오스크 관리 <span lang=\"en\">Fleet</span>", "fleet", 1},
	{"/console/account", "내 계정 <span lang=\"en\">My account</span>", "account", 0},
};

static void page_begin(struct cx *c, const char *title, const char *active)
{
	buf *o = c->o;
	buf_reset(o);
	html_printf(o,
		    "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>%s · 상담 콘솔</title><link rel=\"stylesheet\" href=\"/console/console.css\">"
		    "</head><body><a class=\"skip\" href=\"#main\">본문으로 건너뛰기</a>",
		    title);
	if (c->authed) {
		html_printf(o, "<header><p class=\"brand\">청년일자리지원센터 상담 콘솔</p>"
			       "<nav aria-label=\"주 메뉴\"><ul>");
		for (size_t i = 0; i < ARRAY_LEN(navs); i++) {
			if (navs[i].admin && !is_admin(c))
				continue;
			/* labels are our own markup, not escaped */
			buf_printf(o, "<li><a href=\"%s\"%s>%s</a></li>", navs[i].href,
				   active && strcmp(active, navs[i].key) == 0
					   ? " aria-current=\"page\""
					   : "",
				   navs[i].label);
		}
		html_printf(o,
			    "</ul></nav><form method=\"post\" action=\"/console/logout\" class=\"who\">"
			    "<span>%s (%s)</span><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\">로그아웃</button></form></header>",
			    c->u.name, c->u.login, c->u.csrf);
	}
	html_printf(o, "<main id=\"main\"><h1>%s</h1>", title);
}

static void page_end(struct cx *c)
{
	buf_adds(c->o, "</main></body></html>");
}

static void csrf_input(struct cx *c)
{
	html_printf(c->o, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->u.csrf);
}

static void notice(struct cx *c, const char *cls, const char *msg)
{
	html_printf(c->o, "<p class=\"%s\" role=\"%s\">%s</p>", cls,
		    strcmp(cls, "error") == 0 ? "alert" : "status", msg);
}

/* Fixed messages for ?ok= after a redirect: never text taken from the URL. */
static void ok_notice(struct cx *c)
{
	static const char *const msgs[][2] = {
		{"saved", "저장했습니다. (Saved.)"},
		{"overlap", "저장했습니다. 이 시간에 잡힌 예약이 있습니다 — 아래 표의 '겹치는 예약'을 보고"
			    " 일정에서 취소하거나 예약자에게 연락하세요. (Saved; bookings fall in it.)"},
		{"attended", "참석으로 표시했습니다. (Marked attended.)"},
		{"no_show", "불참으로 표시했습니다. (Marked no-show.)"},
		{"cancelled", "예약을 취소했습니다. 예약자에게 연락해 주세요. (Cancelled — please call"
			      " the person.)"},
		{"deleted", "삭제했습니다. (Deleted.)"},
		{"done", "연락 완료로 표시했습니다. (Marked as called.)"},
		{"created", "계정을 만들었습니다. (Account created.)"},
		{"password", "비밀번호를 바꿨습니다. 다른 기기의 로그인은 끝났습니다. (Password changed.)"},
	};
	const char *k = qparam(c, "ok");
	for (size_t i = 0; k && i < ARRAY_LEN(msgs); i++)
		if (strcmp(k, msgs[i][0]) == 0)
			notice(c, "ok", msgs[i][1]);
}

static void hhmm(int min, char *out)
{
	unsigned m = min < 0 ? 0 : (unsigned)min;
	snprintf(out, 6, "%02u:%02u", (m / 60) % 25u, m % 60u);
}

/* "11월 23일 (월)" */
static void day_label(int day, char *out, size_t n)
{
	int y, m, d;
	kdate_to_ymd(day, &y, &m, &d);
	snprintf(out, n, "%d월 %d일 (%s)", m, d, wd_ko[weekday_of(day)]);
}

static const char *status_ko(const char *s)
{
	return strcmp(s, "booked") == 0	     ? "예약됨"
	       : strcmp(s, "attended") == 0  ? "참석"
	       : strcmp(s, "no_show") == 0   ? "불참"
	       : strcmp(s, "cancelled") == 0 ? "취소됨"
					     : s;
}


static void fail_page(struct cx *c, int status, const char *msg)
{
	c->resp->status = status;
	page_begin(c, status == 404 ? "찾을 수 없습니다" : "요청을 처리할 수 없습니다", NULL);
	notice(c, "error", msg);
	buf_adds(c->o, "<p><a href=\"/console/schedule\">일정으로 돌아가기</a></p>");
	page_end(c);
}

static void db_fail(struct cx *c, const char *what, const char *err)
{
	log_error("console", "op=%s detail=\"%s\"", what, err);
	fail_page(c, 503, "데이터베이스에 잠시 문제가 있습니다. 잠시 후 다시 시도해 주세요. (Database"
			  " unavailable.)");
	c->resp->retry_after = 5;
}

/* Session required: 1 to go on; otherwise the response is a redirect to log-in. */
static int need_login(struct cx *c)
{
	if (c->authed)
		return 1;
	redirect(c, "/console/login");
	return 0;
}

/* For POST: a session, a same-origin request and the session's CSRF token. */
static int need_post(struct cx *c)
{
	const char *origin = srv_req_header(c->req, "Origin"), *host = srv_req_header(c->req, "Host");
	if (!need_login(c))
		return 0;
	if (origin && strcmp(origin, "null") != 0) {
		const char *h = strstr(origin, "://");
		if (!host || !h || strcmp(h + 3, host) != 0) {
			fail_page(c, 403, "다른 사이트에서 보낸 요청은 받지 않습니다. (Cross-origin request"
					  " refused.)");
			return 0;
		}
	}
	c->nform = srv_form_parse(c->req->body, c->req->body_len, c->form, MAX_FORM, &c->formbuf);
	if (c->nform < 0) {
		c->nform = 0;
		fail_page(c, 400, "양식을 읽을 수 없습니다. (Malformed form.)");
		return 0;
	}
	if (!wa_csrf_ok(&c->u, field(c, "csrf"))) {
		log_warn("console_csrf_refused", "user=%lld", c->u.id);
		fail_page(c, 403, "보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
				  " (CSRF token missing or wrong.)");
		return 0;
	}
	return 1;
}

static int parse_hhmm(const char *s, int *min)
{
	long long h, m;
	char hh[3], mm[3];
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	memcpy(hh, s, 2);
	hh[2] = '\0';
	memcpy(mm, s + 3, 2);
	mm[2] = '\0';
	if (util_parse_long(hh, 0, 24, &h) < 0 || util_parse_long(mm, 0, 59, &m) < 0 ||
	    (h == 24 && m))
		return -1;
	*min = (int)(h * 60 + m);
	return 0;
}

static int parse_id(const char *s, long long *id)
{
	return s ? util_parse_long(s, 1, (1LL << 53), id) : -1;
}

/* ---- log-in and log-out ---- */

static void login_page(struct cx *c, const char *error, const char *login)
{
	char pre[WA_TOKEN_LEN];
	wa_random_token(pre);
	set_cookie(c, PRE_COOKIE, pre, -1);
	page_begin(c, "상담사 로그인", NULL);
	if (error)
		notice(c, "error", error);
	if (qparam(c, "bye"))
		notice(c, "ok", "로그아웃했습니다. (Logged out.)");
	html_printf(c->o,
		    "<form method=\"post\" action=\"/console/login\" class=\"card narrow\">"
		    "<input type=\"hidden\" name=\"pre\" value=\"%s\">"
		    "<p><label for=\"login\">아이디 <span lang=\"en\">Login</span></label>"
		    "<input id=\"login\" name=\"login\" autocomplete=\"username\" required"
		    " maxlength=\"32\" autocapitalize=\"none\" value=\"%s\"></p>"
		    "<p><label for=\"password\">비밀번호 <span lang=\"en\">Password</span></label>"
		    "<input id=\"password\" name=\"password\" type=\"password\""
		    " autocomplete=\"current-password\" required maxlength=\"128\"></p>"
		    "<p><button type=\"submit\" class=\"primary\">로그인</button></p></form>",
		    pre, login ? login : "");
	page_end(c);
}

static void h_login_get(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0) {
		if (c.authed)
			redirect(&c, "/console/schedule");
		else
			login_page(&c, NULL, NULL);
	}
	end(&c);
}

static void h_login_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char pre[128], ip[64], token[WA_TOKEN_LEN], err[256];
	const char *login, *pw, *sent;
	int retry, rc;

	if (begin(&c, a, req, resp) < 0)
		goto out;
	c.nform = srv_form_parse(req->body, req->body_len, c.form, MAX_FORM, &c.formbuf);
	if (c.nform < 0) {
		c.nform = 0;
		resp->status = 400;
		login_page(&c, "양식을 읽을 수 없습니다. (Malformed form.)", NULL);
		goto out;
	}
	login = field(&c, "login");
	pw = field(&c, "password");
	sent = field(&c, "pre");
	/* the pre-session token: a page of ours, in this browser, sent this form */
	if (!cookie(req, PRE_COOKIE, pre, sizeof(pre)) || !sent || strlen(pre) != WA_TOKEN_LEN - 1 ||
	    strcmp(pre, sent) != 0) {
		resp->status = 403;
		login_page(&c, "보안 토큰이 맞지 않습니다. 다시 로그인해 주세요. (Log-in form expired.)",
			   NULL);
		goto out;
	}
	if (!login || !pw || !*login || !*pw) {
		resp->status = 422;
		login_page(&c, "아이디와 비밀번호를 입력해 주세요. (Enter login and password.)", login);
		goto out;
	}
	srv_req_client_ip(req, ip, sizeof(ip));
	rc = wa_login(req->db, login, pw, ip, c.now, token, &retry, err, sizeof(err));
	if (rc == WA_OK) {
		log_info("console_login", "user=%.32s", login);
		set_cookie(&c, COOKIE, token, -1);
		set_cookie(&c, PRE_COOKIE, "", 0);
		util_wipe(token, sizeof(token));
		redirect(&c, "/console/schedule");
		goto out;
	}
	if (rc == WA_EDB) {
		db_fail(&c, "login", err);
		goto out;
	}
	log_warn("console_login_failed", "throttled=%d", rc == WA_ETHROTTLED);
	resp->status = rc == WA_ETHROTTLED ? 429 : 401;
	if (rc == WA_ETHROTTLED)
		resp->retry_after = retry;
	login_page(&c, err, login);
out:
	end(&c);
}

static void h_logout(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char tok[128];
	if (begin(&c, a, req, resp) == 0 && need_post(&c)) {
		if (cookie(req, COOKIE, tok, sizeof(tok)))
			wa_logout(req->db, tok);
		set_cookie(&c, COOKIE, "", 0);
		redirect(&c, "/console/login?bye=1");
	}
	end(&c);
}

static void h_root(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0)
		redirect(&c, c.authed ? "/console/schedule" : "/console/login");
	end(&c);
}

/* ---- schedule ---- */

/* A <select> of counsellors for admins (with "everyone" when all is set). */
static void counselor_select(struct cx *c, const char *selected, int all)
{
	json_object *o, *items;
	char err[128];
	if (!is_admin(c) || bk_counselors_json(c->req->db, &o, err, sizeof(err)) < 0)
		return;
	json_object_object_get_ex(o, "items", &items);
	buf_adds(c->o, "<p><label for=\"counselor\">상담사 <span lang=\"en\">Counsellor</span></label>"
		       "<select id=\"counselor\" name=\"counselor\">");
	if (all)
		html_printf(c->o, "<option value=\"\"%s>전체 (everyone)</option>",
			    selected && *selected ? "" : " selected");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		html_printf(c->o, "<option value=\"%s\"%s>%s (%s)</option>", sch_str(it, "id"),
			    selected && strcmp(selected, sch_str(it, "id")) == 0 ? " selected" : "",
			    sch_str(it, "name"), sch_str(it, "id"));
	}
	buf_adds(c->o, "</select></p>");
	json_object_put(o);
}

static void booking_row(struct cx *c, json_object *b, int show_counselor)
{
	char t0[6], t1[6];
	const char *st = sch_str(b, "status");
	hhmm(sch_int(b, "start_min"), t0);
	hhmm(sch_int(b, "end_min"), t1);
	html_printf(c->o, "<tr class=\"st-%s\"><td>%s–%s</td>", st, t0, t1);
	if (show_counselor)
		html_printf(c->o, "<td>%s</td>", sch_str(b, "counselor_name"));
	html_printf(c->o,
		    "<td>%s</td><td>%s</td><td><span class=\"badge %s\">%s</span></td>"
		    "<td><a href=\"/console/bookings/%lld\">자세히<span class=\"sr\"> — %s %s</span></a>"
		    "</td></tr>",
		    sch_str(b, "topic_name"), sch_str(b, "purged")[0] == 't' ? "(삭제됨)" : sch_str(b, "name"), st,
		    status_ko(st), (long long)sch_int(b, "id"), t0, sch_str(b, "name"));
}

static void day_view(struct cx *c, const char *who, int day)
{
	json_object *bk = NULL, *slots = NULL, *items = NULL;
	char err[256], label[48];
	int all = who == NULL;
	if (sch_bookings_json(c->req->db, who, day, day, &bk, err, sizeof(err)) < 0)
		return db_fail(c, "schedule", err);
	if (bk_slots_json(c->req->db, day, day, NULL, who, c->now, &slots, err, sizeof(err)) == 0)
		json_object_object_get_ex(slots, "items", &items);
	day_label(day, label, sizeof(label));
	html_printf(c->o, "<table><caption>%s 예약 <span lang=\"en\">bookings</span></caption>"
			  "<thead><tr><th scope=\"col\">시간</th>",
		    label);
	if (all)
		buf_adds(c->o, "<th scope=\"col\">상담사</th>");
	buf_adds(c->o, "<th scope=\"col\">분야</th><th scope=\"col\">예약자</th><th scope=\"col\">"
		       "상태</th><th scope=\"col\"><span class=\"sr\">자세히</span></th></tr></thead>"
		       "<tbody>");
	size_t nb = json_object_array_length(bk);
	for (size_t i = 0; i < nb; i++)
		booking_row(c, json_object_array_get_idx(bk, i), all);
	if (nb == 0)
		html_printf(c->o, "<tr><td colspan=\"%d\">이 날은 예약이 없습니다. (No bookings.)</td></tr>",
			    all ? 6 : 5);
	buf_adds(c->o, "</tbody></table>");
	/* free times left, so that a counsellor can tell a caller */
	int nfree = 0;
	for (size_t i = 0; items && i < json_object_array_length(items); i++) {
		json_object *s = json_object_array_get_idx(items, i), *v;
		json_object_object_get_ex(s, "available", &v);
		if (!json_object_get_boolean(v))
			continue;
		if (nfree++ == 0)
			buf_adds(c->o, "<h2>남은 예약 가능 시간 <span lang=\"en\">Free times</span></h2>"
				       "<ul class=\"chips\">");
		time_t t;
		if (kdate_parse_rfc3339(sch_str(s, "starts_at"), &t) == 0) {
			char hm[6];
			hhmm((int)(((long long)t + KDATE_SEOUL_OFFSET) % 86400 / 60), hm);
			html_printf(c->o, "<li>%s%s%s</li>", hm, all ? " · " : "",
				    all ? sch_str(s, "counselor_id") : "");
		}
	}
	if (nfree)
		buf_adds(c->o, "</ul>");
	else
		buf_adds(c->o, "<p>남은 예약 가능 시간이 없습니다. (No free times left.)</p>");
	json_object_put(bk);
	json_object_put(slots);
}

static void week_view(struct cx *c, const char *who, int day)
{
	json_object *bk;
	char err[256], label[48];
	int monday = day - (weekday_of(day) - 1);
	if (sch_bookings_json(c->req->db, who, monday, monday + 6, &bk, err, sizeof(err)) < 0)
		return db_fail(c, "schedule", err);
	buf_adds(c->o, "<div class=\"week\">");
	for (int d = monday; d < monday + 7; d++) {
		int n = 0;
		day_label(d, label, sizeof(label));
		html_printf(c->o, "<section aria-labelledby=\"d%d\"><h2 id=\"d%d\">", d, d);
		char date[11];
		kdate_format(d, date);
		html_printf(c->o, "<a href=\"/console/schedule?view=day&amp;date=%s%s%s\">%s</a></h2><ul>",
			    date, who && is_admin(c) ? "&amp;counselor=" : "",
			    who && is_admin(c) ? who : "", label);
		for (size_t i = 0; i < json_object_array_length(bk); i++) {
			json_object *b = json_object_array_get_idx(bk, i);
			char t0[6];
			if (sch_int(b, "day") != d)
				continue;
			n++;
			hhmm(sch_int(b, "start_min"), t0);
			html_printf(c->o,
				    "<li class=\"st-%s\"><a href=\"/console/bookings/%lld\"><strong>%s</strong>"
				    " %s · %s%s%s <span class=\"badge %s\">%s</span></a></li>",
				    sch_str(b, "status"), (long long)sch_int(b, "id"), t0, sch_str(b, "topic_name"),
				    sch_str(b, "name"), who ? "" : " · ", who ? "" : sch_str(b, "counselor_name"),
				    sch_str(b, "status"), status_ko(sch_str(b, "status")));
		}
		if (!n)
			buf_adds(c->o, "<li class=\"none\">예약 없음</li>");
		buf_adds(c->o, "</ul></section>");
	}
	buf_adds(c->o, "</div>");
	json_object_put(bk);
}

static void h_schedule(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	const char *date, *view, *asked, *who;
	char d[11], prev[11], next[11], label[48];
	int day, week;
	if (begin(&c, a, req, resp) < 0 || !need_login(&c))
		goto out;
	date = qparam(&c, "date");
	view = qparam(&c, "view");
	asked = qparam(&c, "counselor");
	who = scope(&c, asked);
	week = view && strcmp(view, "week") == 0;
	day = kdate_seoul_day(c.now);
	if (date && *date && kdate_parse(date, &day) < 0) {
		fail_page(&c, 400, "날짜 형식은 YYYY-MM-DD입니다. (Date: YYYY-MM-DD.)");
		goto out;
	}
	kdate_format(day, d);
	kdate_format(day - (week ? 7 : 1), prev);
	kdate_format(day + (week ? 7 : 1), next);
	day_label(day, label, sizeof(label));
	page_begin(&c, week ? "주간 일정" : "일정", "schedule");
	ok_notice(&c);
	html_printf(c.o,
		    "<form method=\"get\" action=\"/console/schedule\" class=\"bar\">"
		    "<p><label for=\"date\">날짜 <span lang=\"en\">Date</span></label>"
		    "<input id=\"date\" name=\"date\" type=\"date\" value=\"%s\"></p>"
		    "<p><label for=\"view\">보기 <span lang=\"en\">View</span></label>"
		    "<select id=\"view\" name=\"view\"><option value=\"day\"%s>하루 (day)</option>"
		    "<option value=\"week\"%s>한 주 (week)</option></select></p>",
		    d, week ? "" : " selected", week ? " selected" : "");
	counselor_select(&c, asked, 1);
	buf_adds(c.o, "<p><button type=\"submit\">보기</button></p></form>");
	{
		buf q;
		buf_init(&q);
		if (is_admin(&c) && who)
			html_printf(&q, "&amp;counselor=%s", who);
		html_printf(c.o, "<p class=\"pager\"><a href=\"/console/schedule?view=%s&amp;date=%s",
			    week ? "week" : "day", prev);
		buf_add(c.o, q.data ? q.data : "", q.len);
		html_printf(c.o, "\">← %s</a> <strong>%s</strong> <a href=\"/console/schedule?view=%s"
				 "&amp;date=%s",
			    week ? "지난주" : "전날", label, week ? "week" : "day", next);
		buf_add(c.o, q.data ? q.data : "", q.len);
		html_printf(c.o, "\">%s →</a></p>", week ? "다음 주" : "다음날");
		buf_release(&q);
	}
	if (week)
		week_view(&c, who, day);
	else
		day_view(&c, who, day);
	if (resp->status == 200)
		page_end(&c);
out:
	end(&c);
}

/* ---- one booking ---- */

static void booking_page(struct cx *c, long long id, const char *error)
{
	json_object *b;
	char err[256], label[48], t0[6], t1[6];
	int rc = sch_booking_json(c->req->db, scope(c, NULL), id, &b, err, sizeof(err));
	if (rc == SCH_ENOTFOUND)
		return fail_page(c, 404, "없는 예약이거나 볼 수 없는 예약입니다. (No such booking.)");
	if (rc < 0)
		return db_fail(c, "booking", err);
	const char *st = sch_str(b, "status");
	int purged = sch_str(b, "purged")[0] == 't';
	day_label(sch_int(b, "day"), label, sizeof(label));
	hhmm(sch_int(b, "start_min"), t0);
	hhmm(sch_int(b, "end_min"), t1);
	page_begin(c, "예약", "schedule");
	if (error)
		notice(c, "error", error);
	ok_notice(c);
	html_printf(c->o,
		    "<dl class=\"card\"><dt>예약 번호</dt><dd class=\"code\">%s</dd>"
		    "<dt>일시</dt><dd>%s %s–%s</dd><dt>상담사</dt><dd>%s</dd>"
		    "<dt>분야</dt><dd>%s</dd><dt>상태</dt><dd><span class=\"badge %s\">%s</span>%s%s</dd>",
		    sch_str(b, "code"), label, t0, t1, sch_str(b, "counselor_name"), sch_str(b, "topic_name"), st,
		    status_ko(st), *sch_str(b, "cancel_reason") ? " — 사유: " : "", sch_str(b, "cancel_reason"));
	if (purged)
		buf_adds(c->o, "<dt>예약자</dt><dd>보관 기간이 지나 이름과 전화번호를 지웠습니다.</dd>");
	else {
		char ph[24];
		sch_format_phone(sch_str(b, "phone"), ph, sizeof(ph));
		html_printf(c->o,
			    "<dt>예약자</dt><dd>%s</dd><dt>전화</dt><dd><a href=\"tel:%s\">%s</a></dd>",
			    sch_str(b, "name"), sch_str(b, "phone"), ph);
	}
	html_printf(c->o, "<dt>접수 키오스크</dt><dd>%s</dd></dl>", sch_str(b, "kiosk_id"));
	if (strcmp(st, "cancelled") != 0) {
		html_printf(c->o, "<h2>결과 기록 <span lang=\"en\">Outcome</span></h2>"
				  "<div class=\"actions\"><form method=\"post\" action=\"/console/bookings/%lld\">",
			    id);
		csrf_input(c);
		buf_adds(c->o, "<input type=\"hidden\" name=\"action\" value=\"attended\">"
			       "<button type=\"submit\" class=\"primary\">참석 <span lang=\"en\">Attended</span>"
			       "</button></form>");
		html_printf(c->o, "<form method=\"post\" action=\"/console/bookings/%lld\">", id);
		csrf_input(c);
		buf_adds(c->o, "<input type=\"hidden\" name=\"action\" value=\"no_show\">"
			       "<button type=\"submit\">불참 <span lang=\"en\">No-show</span></button>"
			       "</form></div>");
	}
	if (strcmp(st, "booked") == 0) {
		html_printf(c->o, "<h2>예약 취소 <span lang=\"en\">Cancel</span></h2>"
				  "<form method=\"post\" action=\"/console/bookings/%lld\" class=\"card\">",
			    id);
		csrf_input(c);
		buf_adds(c->o, "<input type=\"hidden\" name=\"action\" value=\"cancel\">"
			       "<p><label for=\"reason\">취소 사유 (예약자에게 전할 내용)</label>"
			       "<textarea id=\"reason\" name=\"reason\" required maxlength=\"200\""
			       " rows=\"3\"></textarea></p><p><button type=\"submit\" class=\"danger\">"
			       "예약 취소</button></p></form>");
	}
	buf_adds(c->o, "<p><a href=\"/console/schedule\">← 일정으로</a></p>");
	page_end(c);
	json_object_put(b);
}

static void h_booking_get(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	long long id;
	if (begin(&c, a, req, resp) == 0 && need_login(&c)) {
		if (parse_id(req->path_arg, &id) < 0)
			fail_page(&c, 404, "없는 예약입니다. (No such booking.)");
		else
			booking_page(&c, id, NULL);
	}
	end(&c);
}

static void h_booking_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	long long id;
	char err[256], loc[96];
	const char *action, *status;
	int rc;
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	if (parse_id(req->path_arg, &id) < 0) {
		fail_page(&c, 404, "없는 예약입니다. (No such booking.)");
		goto out;
	}
	action = field(&c, "action");
	status = !action			   ? NULL
		 : strcmp(action, "attended") == 0 ? "attended"
		 : strcmp(action, "no_show") == 0  ? "no_show"
		 : strcmp(action, "cancel") == 0   ? "cancelled"
						   : NULL;
	if (!status) {
		fail_page(&c, 400, "알 수 없는 동작입니다. (Unknown action.)");
		goto out;
	}
	rc = sch_set_status(req->db, scope(&c, NULL), id, status, field(&c, "reason"), c.now, err,
			    sizeof(err));
	if (rc == SCH_OK) {
		log_info("console_booking", "status=%s booking=%lld user=%lld", status, id, c.u.id);
		snprintf(loc, sizeof(loc), "/console/bookings/%lld?ok=%s", id, status);
		redirect(&c, loc);
	} else if (rc == SCH_ENOTFOUND) {
		fail_page(&c, 404, "없는 예약이거나 볼 수 없는 예약입니다. (No such booking.)");
	} else if (rc == SCH_EINVAL) {
		resp->status = 422;
		booking_page(&c, id, err);
		resp->status = 422;
	} else {
		db_fail(&c, "booking_status", err);
	}
out:
	end(&c);
}

/* ---- availability ---- */

static void time_options(buf *o, const char *name, const char *id, int def)
{
	html_printf(o, "<select id=\"%s\" name=\"%s\">", id, name);
	for (int m = 6 * 60; m <= 22 * 60; m += 30) {
		char t[6];
		hhmm(m, t);
		html_printf(o, "<option value=\"%s\"%s>%s</option>", t, m == def ? " selected" : "", t);
	}
	buf_adds(o, "</select>");
}

static void availability_page(struct cx *c, const char *who, const char *error)
{
	json_object *rules = NULL, *exc = NULL;
	char err[256];
	int today = kdate_seoul_day(c->now);
	page_begin(c, "상담 가능 시간", "availability");
	if (error)
		notice(c, "error", error);
	ok_notice(c);
	if (is_admin(c)) {
		buf_adds(c->o, "<form method=\"get\" action=\"/console/availability\" class=\"bar\">");
		counselor_select(c, who, 0);
		buf_adds(c->o, "<p><button type=\"submit\">보기</button></p></form>");
	}
	if (!who) {
		buf_adds(c->o, "<p>상담사를 고르세요. (Choose a counsellor.)</p>");
		page_end(c);
		return;
	}
	if (sch_rules_json(c->req->db, who, &rules, err, sizeof(err)) < 0 ||
	    sch_exceptions_json(c->req->db, who, today, &exc, err, sizeof(err)) < 0) {
		json_object_put(rules);
		return db_fail(c, "availability", err);
	}
	buf_adds(c->o, "<h2>매주 <span lang=\"en\">Weekly</span></h2><table><caption>"
		       "매주 반복되는 상담 시간 (공휴일 제외)</caption><thead><tr><th scope=\"col\">요일</th>"
		       "<th scope=\"col\">시간</th><th scope=\"col\"><span class=\"sr\">삭제</span></th>"
		       "</tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i);
		char t0[6], t1[6];
		hhmm(sch_int(r, "start_min"), t0);
		hhmm(sch_int(r, "end_min"), t1);
		html_printf(c->o, "<tr><td>%s요일</td><td>%s–%s</td><td><form method=\"post\""
				  " action=\"/console/availability\">",
			    wd_ko[sch_int(r, "weekday") % 8], t0, t1);
		csrf_input(c);
		html_printf(c->o,
			    "<input type=\"hidden\" name=\"counselor\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"del_rule\">"
			    "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			    "<button type=\"submit\">삭제<span class=\"sr\"> %s요일 %s–%s</span></button>"
			    "</form></td></tr>",
			    who, (long long)sch_int(r, "id"), wd_ko[sch_int(r, "weekday") % 8], t0, t1);
	}
	if (json_object_array_length(rules) == 0)
		buf_adds(c->o, "<tr><td colspan=\"3\">아직 없습니다. (None yet.)</td></tr>");
	buf_adds(c->o, "</tbody></table><form method=\"post\" action=\"/console/availability\""
		       " class=\"card\"><h3>시간 추가 <span lang=\"en\">Add weekly time</span></h3>");
	csrf_input(c);
	html_printf(c->o, "<input type=\"hidden\" name=\"counselor\" value=\"%s\">"
			  "<input type=\"hidden\" name=\"action\" value=\"add_rule\">"
			  "<div class=\"row\"><p><label for=\"weekday\">요일</label><select id=\"weekday\""
			  " name=\"weekday\">",
		    who);
	for (int w = 1; w <= 7; w++)
		html_printf(c->o, "<option value=\"%d\">%s요일</option>", w, wd_ko[w]);
	buf_adds(c->o, "</select></p><p><label for=\"start\">시작</label>");
	time_options(c->o, "start", "start", 10 * 60);
	buf_adds(c->o, "</p><p><label for=\"end\">끝</label>");
	time_options(c->o, "end", "end", 12 * 60);
	buf_adds(c->o, "</p></div><p><button type=\"submit\" class=\"primary\">추가</button></p>"
		       "</form>");

	buf_adds(c->o, "<h2>휴가·예외 <span lang=\"en\">Leave and exceptions</span></h2><table>"
		       "<caption>오늘 이후의 예외</caption><thead><tr><th scope=\"col\">날짜</th>"
		       "<th scope=\"col\">시간</th><th scope=\"col\">사유</th><th scope=\"col\">겹치는 예약</th>"
		       "<th scope=\"col\"><span class=\"sr\">삭제</span></th></tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(exc); i++) {
		json_object *e = json_object_array_get_idx(exc, i);
		char label[48], t0[6], t1[6], when[24];
		day_label(sch_int(e, "day"), label, sizeof(label));
		if (sch_int(e, "start_min") < 0) {
			snprintf(when, sizeof(when), "하루 종일");
		} else {
			hhmm(sch_int(e, "start_min"), t0);
			hhmm(sch_int(e, "end_min"), t1);
			snprintf(when, sizeof(when), "%s–%s", t0, t1);
		}
		html_printf(c->o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%d건</td><td><form"
				  " method=\"post\" action=\"/console/availability\">",
			    label, when, sch_str(e, "reason"), sch_int(e, "bookings"));
		csrf_input(c);
		html_printf(c->o,
			    "<input type=\"hidden\" name=\"counselor\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"del_exc\">"
			    "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			    "<button type=\"submit\">삭제<span class=\"sr\"> %s</span></button></form></td></tr>",
			    who, (long long)sch_int(e, "id"), label);
	}
	if (json_object_array_length(exc) == 0)
		buf_adds(c->o, "<tr><td colspan=\"5\">없습니다. (None.)</td></tr>");
	buf_adds(c->o, "</tbody></table><form method=\"post\" action=\"/console/availability\""
		       " class=\"card\"><h3>휴가·예외 추가 <span lang=\"en\">Add leave</span></h3>");
	csrf_input(c);
	char d[11];
	kdate_format(today, d);
	html_printf(c->o,
		    "<input type=\"hidden\" name=\"counselor\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"action\" value=\"add_exc\">"
		    "<div class=\"row\"><p><label for=\"exc_day\">날짜</label><input id=\"exc_day\""
		    " name=\"day\" type=\"date\" required min=\"%s\" value=\"%s\"></p>"
		    "<p class=\"check\"><input id=\"whole\" name=\"whole\" type=\"checkbox\" value=\"1\""
		    " checked><label for=\"whole\">하루 종일</label></p>"
		    "<p><label for=\"exc_start\">시작 (하루 종일이 아닐 때)</label>",
		    who, d, d);
	time_options(c->o, "start", "exc_start", 10 * 60);
	buf_adds(c->o, "</p><p><label for=\"exc_end\">끝</label>");
	time_options(c->o, "end", "exc_end", 12 * 60);
	buf_adds(c->o, "</p></div><p><label for=\"exc_reason\">사유</label><input id=\"exc_reason\""
		       " name=\"reason\" maxlength=\"200\"></p><p><button type=\"submit\""
		       " class=\"primary\">추가</button></p></form>");
	page_end(c);
	json_object_put(rules);
	json_object_put(exc);
}

static void h_availability_get(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0 && need_login(&c))
		availability_page(&c, scope(&c, qparam(&c, "counselor")), NULL);
	end(&c);
}

static void h_availability_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char err[256] = "", loc[128];
	const char *action, *who;
	long long id, wd;
	int rc = SCH_EINVAL, s = 0, e = 0, day, affected = 0;
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	action = field(&c, "action");
	who = scope(&c, field(&c, "counselor"));
	if (!who || !action) {
		fail_page(&c, 400, "상담사와 동작이 필요합니다. (Counsellor and action required.)");
		goto out;
	}
	if (strcmp(action, "add_rule") == 0) {
		if (!field(&c, "weekday") || util_parse_long(field(&c, "weekday"), 1, 7, &wd) < 0 ||
		    parse_hhmm(field(&c, "start"), &s) < 0 || parse_hhmm(field(&c, "end"), &e) < 0)
			snprintf(err, sizeof(err), "요일과 시간을 고르세요. (Choose a weekday and times.)");
		else
			rc = sch_rule_add(req->db, who, (int)wd, s, e, err, sizeof(err));
	} else if (strcmp(action, "del_rule") == 0 || strcmp(action, "del_exc") == 0) {
		if (parse_id(field(&c, "id"), &id) < 0)
			snprintf(err, sizeof(err), "없는 항목입니다. (No such item.)");
		else if (action[4] == 'r')
			rc = sch_rule_del(req->db, who, id, err, sizeof(err));
		else
			rc = sch_exception_del(req->db, who, id, err, sizeof(err));
		if (rc == SCH_ENOTFOUND) {
			rc = SCH_EINVAL;
			snprintf(err, sizeof(err), "이미 지워졌거나 없는 항목입니다. (No such item.)");
		}
	} else if (strcmp(action, "add_exc") == 0) {
		int whole = field(&c, "whole") != NULL;
		if (!field(&c, "day") || kdate_parse(field(&c, "day"), &day) < 0)
			snprintf(err, sizeof(err), "날짜를 고르세요. (Choose a date.)");
		else if (day < kdate_seoul_day(c.now))
			snprintf(err, sizeof(err), "지난 날짜입니다. (The date has passed.)");
		else if (!whole && (parse_hhmm(field(&c, "start"), &s) < 0 ||
				    parse_hhmm(field(&c, "end"), &e) < 0))
			snprintf(err, sizeof(err), "시간을 고르세요. (Choose times.)");
		else
			rc = sch_exception_add(req->db, who, day, whole ? -1 : s, e,
					       field(&c, "reason"), &affected, err, sizeof(err));
	} else {
		snprintf(err, sizeof(err), "알 수 없는 동작입니다. (Unknown action.)");
	}
	if (rc == SCH_OK) {
		/* a leave over booked sessions is saved; the counsellor decides about them */
		const char *ok = affected ? "overlap" : "saved";
		log_info("console_availability", "action=%s user=%lld", action, c.u.id);
		if (is_admin(&c))
			snprintf(loc, sizeof(loc), "/console/availability?counselor=%s&ok=%s", who, ok);
		else
			snprintf(loc, sizeof(loc), "/console/availability?ok=%s", ok);
		redirect(&c, loc);
	} else if (rc == SCH_EDB) {
		db_fail(&c, "availability", err);
	} else {
		availability_page(&c, who, err);
		resp->status = 422;
	}
out:
	end(&c);
}

/* ---- follow-ups ---- */

static void h_followups(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	json_object *f;
	char err[256];
	if (begin(&c, a, req, resp) < 0 || !need_login(&c))
		goto out;
	if (sch_followups_json(req->db, scope(&c, NULL), &f, err, sizeof(err)) < 0) {
		db_fail(&c, "followups", err);
		goto out;
	}
	page_begin(&c, "연락할 요청", "followups");
	ok_notice(&c);
	buf_adds(c.o, "<p>키오스크가 오프라인일 때 접수된 예약 중 그 사이 시간이 찼거나 지난 것입니다."
		      " 전화해서 다른 시간을 잡아 주세요. (Queued requests whose slot was gone: please"
		      " call.)</p><table><caption>연락할 요청</caption><thead><tr>"
		      "<th scope=\"col\">원한 시간</th><th scope=\"col\">상담사</th><th scope=\"col\">분야</th>"
		      "<th scope=\"col\">이름</th><th scope=\"col\">전화</th><th scope=\"col\">접수 번호</th>"
		      "<th scope=\"col\"><span class=\"sr\">처리</span></th></tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(f); i++) {
		json_object *b = json_object_array_get_idx(f, i);
		char label[48], t0[6], ph[24];
		day_label(sch_int(b, "day"), label, sizeof(label));
		hhmm(sch_int(b, "start_min"), t0);
		sch_format_phone(sch_str(b, "phone"), ph, sizeof(ph));
		html_printf(c.o,
			    "<tr><td>%s %s</td><td>%s</td><td>%s</td><td>%s</td><td><a href=\"tel:%s\">"
			    "%s</a></td><td>%s</td><td><form method=\"post\" action=\"/console/followups\">",
			    label, t0, sch_str(b, "counselor_name"), sch_str(b, "topic_name"), sch_str(b, "name"),
			    sch_str(b, "phone"), ph, sch_str(b, "reference"));
		csrf_input(&c);
		html_printf(c.o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button"
				 " type=\"submit\">연락 완료<span class=\"sr\"> %s</span></button></form></td></tr>",
			    (long long)sch_int(b, "id"), sch_str(b, "name"));
	}
	if (json_object_array_length(f) == 0)
		buf_adds(c.o, "<tr><td colspan=\"7\">연락할 요청이 없습니다. (Nothing to follow up.)</td></tr>");
	buf_adds(c.o, "</tbody></table>");
	page_end(&c);
	json_object_put(f);
out:
	end(&c);
}

static void h_followups_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	long long id;
	char err[256];
	int rc;
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	if (parse_id(field(&c, "id"), &id) < 0) {
		fail_page(&c, 400, "없는 요청입니다. (No such follow-up.)");
		goto out;
	}
	rc = sch_followup_done(req->db, scope(&c, NULL), id, c.now, err, sizeof(err));
	if (rc == SCH_OK)
		redirect(&c, "/console/followups?ok=done");
	else if (rc == SCH_ENOTFOUND)
		fail_page(&c, 404, "이미 처리했거나 없는 요청입니다. (No such follow-up.)");
	else
		db_fail(&c, "followup", err);
out:
	end(&c);
}

/* ---- export ---- */

static void h_export_page(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char d0[11], d1[11], feed[96];
	int today;
	if (begin(&c, a, req, resp) < 0 || !need_login(&c))
		goto out;
	today = kdate_seoul_day(c.now);
	kdate_format(today - (weekday_of(today) - 1), d0);
	kdate_format(today - (weekday_of(today) - 1) + 27, d1);
	page_begin(&c, "내보내기", "export");
	buf_adds(c.o, "<form method=\"get\" action=\"/console/export.csv\" class=\"card\">"
		      "<h2>CSV 파일 <span lang=\"en\">CSV (spreadsheet)</span></h2>");
	html_printf(c.o, "<div class=\"row\"><p><label for=\"from\">시작일</label><input id=\"from\""
			 " name=\"from\" type=\"date\" required value=\"%s\"></p><p><label for=\"to\">"
			 "종료일</label><input id=\"to\" name=\"to\" type=\"date\" required value=\"%s\">"
			 "</p></div>",
		    d0, d1);
	counselor_select(&c, NULL, 1);
	buf_adds(c.o, "<p>이름과 전화번호가 들어 있습니다. 센터 밖으로 보내지 마세요. (Holds names and"
		      " phone numbers.)</p><p><button type=\"submit\" class=\"primary\">CSV 내려받기"
		      "</button></p></form>");
	if (c.u.counselor_id[0] && wa_feed_token(req->db, c.u.id, feed, sizeof(feed)) == 0) {
		const char *host = srv_req_header(req, "Host");
		html_printf(c.o,
			    "<section class=\"card\"><h2>캘린더 구독 <span lang=\"en\">Calendar feed"
			    " (iCalendar)</span></h2><p>휴대폰이나 PC 캘린더에 아래 주소를 구독으로 추가하면"
			    " 내 상담 일정이 보입니다. 예약자 이름은 가려지고 전화번호는 들어가지 않습니다.</p>"
			    "<p><label for=\"feed\">구독 주소</label><input id=\"feed\" readonly"
			    " value=\"%s://%s/console/ical/%s.ics\"></p></section>",
			    srv_req_is_https(req) ? "https" : "http", host ? host : "", feed);
	}
	page_end(&c);
out:
	end(&c);
}

static void h_export_csv(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	const char *from, *to;
	char err[256], disp[128];
	int d0, d1;
	if (begin(&c, a, req, resp) < 0 || !need_login(&c))
		goto out;
	from = qparam(&c, "from");
	to = qparam(&c, "to");
	if (!from || !to || kdate_parse(from, &d0) < 0 || kdate_parse(to, &d1) < 0 || d1 < d0 ||
	    d1 - d0 > 366) {
		fail_page(&c, 400, "기간을 다시 고르세요: 시작일 ≤ 종료일, 1년 이내. (from ≤ to, at most"
				   " a year.)");
		goto out;
	}
	buf_reset(c.o);
	if (sch_export_csv(req->db, scope(&c, qparam(&c, "counselor")), d0, d1, c.o, err,
			   sizeof(err)) < 0) {
		db_fail(&c, "export", err);
		goto out;
	}
	resp->content_type = "text/csv; charset=utf-8";
	snprintf(disp, sizeof(disp), "attachment; filename=\"bookings-%s-%s.csv\"", from, to);
	srv_resp_header(resp, "Content-Disposition", disp);
	log_info("console_export", "user=%lld days=%d", c.u.id, d1 - d0 + 1);
out:
	end(&c);
}

static void h_ical(void *a, srv_req *req, srv_resp *resp)
{
	char tok[96], err[256];
	wa_user u;
	size_t n;
	int rc;
	(void)a;
	resp->etag[0] = '\0';
	n = req->path_arg ? strlen(req->path_arg) : 0;
	if (n < 5 || n >= sizeof(tok) || strcmp(req->path_arg + n - 4, ".ics") != 0) {
		srv_resp_error(resp, 404, "no such calendar");
		return;
	}
	snprintf(tok, sizeof(tok), "%.*s", (int)(n - 4), req->path_arg);
	rc = wa_feed_user(req->db, tok, &u);
	if (rc < 0) {
		srv_resp_error(resp, 503, "service temporarily unavailable");
		resp->retry_after = 5;
		return;
	}
	if (rc == 0 || !u.counselor_id[0]) {
		srv_resp_error(resp, 404, "no such calendar");
		return;
	}
	if (sch_ical(req->db, u.counselor_id, time(NULL), &resp->body, err, sizeof(err)) < 0) {
		log_error("console", "op=ical detail=\"%s\"", err);
		srv_resp_error(resp, 503, "service temporarily unavailable");
		resp->retry_after = 5;
		return;
	}
	resp->status = 200;
	resp->content_type = "text/calendar; charset=utf-8";
}

/* ---- accounts ---- */

static void users_page(struct cx *c, const char *error)
{
	json_object *users, *cs, *items, *topics, *titems;
	char err[256];
	if (wa_users_json(c->req->db, &users, err, sizeof(err)) < 0)
		return db_fail(c, "users", err);
	if (bk_counselors_json(c->req->db, &cs, err, sizeof(err)) < 0) {
		json_object_put(users);
		return db_fail(c, "users", err);
	}
	if (bk_topics_json(c->req->db, &topics, err, sizeof(err)) < 0) {
		json_object_put(users);
		json_object_put(cs);
		return db_fail(c, "users", err);
	}
	json_object_object_get_ex(cs, "items", &items);
	json_object_object_get_ex(topics, "items", &titems);
	page_begin(c, "계정 관리", "users");
	if (error)
		notice(c, "error", error);
	ok_notice(c);
	buf_adds(c->o, "<table><caption>계정</caption><thead><tr><th scope=\"col\">아이디</th>"
		       "<th scope=\"col\">이름</th><th scope=\"col\">역할</th><th scope=\"col\">상담사 ID</th>"
		       "<th scope=\"col\">상태</th><th scope=\"col\"><span class=\"sr\">변경</span></th>"
		       "</tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(users); i++) {
		json_object *u = json_object_array_get_idx(users, i), *v;
		json_object_object_get_ex(u, "disabled", &v);
		int dis = json_object_get_boolean(v);
		long long id = (long long)sch_int(u, "id");
		html_printf(c->o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
			    sch_str(u, "login"), sch_str(u, "name"),
			    strcmp(sch_str(u, "role"), "admin") == 0 ? "관리자" : "상담사",
			    sch_str(u, "counselor_id"), dis ? "사용 중지" : "사용 중");
		if (id != c->u.id) {
			buf_adds(c->o, "<form method=\"post\" action=\"/console/users\">");
			csrf_input(c);
			html_printf(c->o,
				    "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input"
				    " type=\"hidden\" name=\"action\" value=\"%s\"><button type=\"submit\">"
				    "%s<span class=\"sr\"> %s</span></button></form>",
				    id, dis ? "enable" : "disable", dis ? "다시 사용" : "사용 중지",
				    sch_str(u, "login"));
		}
		buf_adds(c->o, "</td></tr>");
	}
	buf_adds(c->o, "</tbody></table><form method=\"post\" action=\"/console/users\""
		       " class=\"card\"><h2>계정 만들기 <span lang=\"en\">New account</span></h2>");
	csrf_input(c);
	buf_adds(c->o,
		 "<input type=\"hidden\" name=\"action\" value=\"add\"><div class=\"row\">"
		 "<p><label for=\"u_login\">아이디 (영문 소문자·숫자)</label><input id=\"u_login\""
		 " name=\"login\" required minlength=\"3\" maxlength=\"32\" autocapitalize=\"none\""
		 " autocomplete=\"off\"></p><p><label for=\"u_name\">이름</label><input id=\"u_name\""
		 " name=\"name\" required maxlength=\"30\"></p></div><div class=\"row\">"
		 "<p><label for=\"u_pw\">처음 비밀번호 (10자 이상)</label><input id=\"u_pw\" name=\"password\""
		 " type=\"password\" required minlength=\"10\" maxlength=\"128\""
		 " autocomplete=\"new-password\"></p><p><label for=\"u_role\">역할</label><select"
		 " id=\"u_role\" name=\"role\"><option value=\"counselor\">상담사</option><option"
		 " value=\"admin\">관리자</option></select></p></div><p><label for=\"u_c\">상담사"
		 " (상담사 역할일 때)</label><select id=\"u_c\" name=\"counselor\"><option value=\"new\">"
		 "새 상담사로 등록 (new counsellor)</option>");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		html_printf(c->o, "<option value=\"%s\">%s (%s)</option>", sch_str(it, "id"), sch_str(it, "name"),
			    sch_str(it, "id"));
	}
	buf_adds(c->o, "</select></p><fieldset><legend>새 상담사의 상담 분야</legend>");
	for (size_t i = 0; i < json_object_array_length(titems); i++) {
		json_object *t = json_object_array_get_idx(titems, i);
		html_printf(c->o, "<p class=\"check\"><input type=\"checkbox\" id=\"t_%s\" name=\"topic\""
				  " value=\"%s\"><label for=\"t_%s\">%s</label></p>",
			    sch_str(t, "id"), sch_str(t, "id"), sch_str(t, "id"), sch_str(t, "name_ko"));
	}
	buf_adds(c->o, "</fieldset><p><button type=\"submit\" class=\"primary\">만들기</button></p>"
		       "</form>");
	page_end(c);
	json_object_put(users);
	json_object_put(cs);
	json_object_put(topics);
}

/* ---- the fleet (IT staff): devices, rollout, recent errors ---- */

/* A rollout's state (fleet.h) in Korean. */
static const char *rollout_state_ko(const char *state)
{
	return strcmp(state, "active") == 0	   ? "진행 중"
	       : strcmp(state, "paused") == 0	   ? "일시 중지됨"
	       : strcmp(state, "done") == 0	   ? "완료"
	       : strcmp(state, "rolled_back") == 0 ? "취소됨 (이전 릴리스로)"
						   : state;
}

/* A kiosk's status (fleet.h) as a badge: Korean words, a colour, the English
 * word for people and tools. */
static void status_badge(buf *o, const char *status)
{
	static const struct {
		const char *status, *ko, *cls;
	} map[] = {{"ok", "정상", "attended"},
		   {"updating", "업데이트 예정", "booked"},
		   {"waiting", "설치 대기", "booked"},
		   {"error", "오류", "no_show"},
		   {"rolled_back", "되돌림", "no_show"},
		   {"failed", "실패", "cancelled"},
		   {"stale", "메타데이터 만료", "cancelled"},
		   {"kiosk_error", "키오스크 응답 없음", "cancelled"},
		   {"offline", "연락 없음", "cancelled"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strcmp(map[i].status, status) == 0) {
			html_printf(o, "<span class=\"badge %s\" title=\"%s\">%s</span>", map[i].cls, status,
				    map[i].ko);
			return;
		}
	html_printf(o, "<span class=\"badge\">%s</span>", status);
}

static void fleet_page(struct cx *c, const char *error)
{
	json_object *o, *devs, *ro = NULL;
	char err[256];
	if (fl_status_json(c->req->db, time(NULL), &o, err, sizeof(err)) < 0)
		return db_fail(c, "fleet", err);
	json_object_object_get_ex(o, "devices", &devs);
	json_object_object_get_ex(o, "rollout", &ro);
	page_begin(c, "키오스크 관리", "fleet");
	if (error)
		notice(c, "error", error);
	ok_notice(c);
	if (ro) {
		int total = sch_int(ro, "kiosks"), done = sch_int(ro, "succeeded");
		const char *grp = sch_str(ro, "group"); /* NULL for json null */
		html_printf(c->o,
			    "<section class=\"card\" aria-labelledby=\"ro\"><h2 id=\"ro\">배포 "
			    "<span lang=\"en\">Rollout</span> #%lld</h2><dl><dt>릴리스</dt><dd>%lld</dd>"
			    "<dt>대상</dt><dd>%s</dd>"
			    "<dt>단계</dt><dd>%d%% (%d대 중 %d대)</dd><dt>상태</dt><dd><span class=\"badge\" title=\"%s\">%s</span>"
			    "</dd><dt>결과</dt><dd>성공 %d · 실패 %d · 대기 %d</dd></dl>"
			    "<p><label for=\"ro-progress\">업데이트 완료 %d / %d</label> "
			    "<progress id=\"ro-progress\" max=\"%d\" value=\"%d\"></progress></p>"
			    "<div class=\"actions\">",
			    (long long)sch_int(ro, "id"), (long long)sch_int(ro, "version"),
			    grp && *grp ? grp : "모든 키오스크",
			    sch_int(ro, "stage_percent"), total, sch_int(ro, "in_stage"), sch_str(ro, "state"),
			    rollout_state_ko(sch_str(ro, "state")), done, sch_int(ro, "failed"), sch_int(ro, "deferred"), done, total,
			    total > 0 ? total : 1, done);
		static const char *const acts[][2] = {{"pause", "일시 중지"}, {"resume", "재개"},
						      {"rollback", "배포 취소"}};
		for (int i = 0; i < 3; i++) {
			buf_adds(c->o, "<form method=\"post\" action=\"/console/fleet\">");
			csrf_input(c);
			html_printf(c->o, "<input type=\"hidden\" name=\"action\" value=\"%s\">"
					  "<button type=\"submit\"%s>%s</button></form>",
				    acts[i][0], i == 2 ? " class=\"danger\"" : "", acts[i][1]);
		}
		buf_adds(c->o, "</div></section>");
	} else {
		buf_adds(c->o, "<p>진행 중인 배포가 없습니다. (No rollout.) <code>jobcenter fleet rollout</code>"
			       "으로 시작합니다.</p>");
	}
	buf_adds(c->o, "<table><caption>키오스크 <span lang=\"en\">Kiosks</span></caption><thead><tr>"
		       "<th scope=\"col\">ID</th><th scope=\"col\">상태</th><th scope=\"col\">그룹</th>"
		       "<th scope=\"col\">릴리스</th>"
		       "<th scope=\"col\">마지막 연락</th><th scope=\"col\">정보 기준</th>"
		       "<th scope=\"col\">미전송 예약</th><th scope=\"col\">여유 공간</th>"
		       "<th scope=\"col\">최근 업데이트</th>"
		       "<th scope=\"col\">최근 오류</th></tr></thead><tbody>");
	time_t now = time(NULL);
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *v;
		long long seen = 0;
		char ago[48];
		if (json_object_object_get_ex(d, "last_seen", &v))
			seen = json_object_get_int64(v);
		long long mins = seen ? (long long)(now - seen) / 60 : -1;
		if (mins < 0)
			snprintf(ago, sizeof(ago), "없음");
		else if (mins < 60)
			snprintf(ago, sizeof(ago), "%lld분 전", mins);
		else
			snprintf(ago, sizeof(ago), "%lld시간 전", mins / 60);
		char age[48], disk[32];
		long long cage = json_object_object_get_ex(d, "cache_age_s", &v) && v
					 ? json_object_get_int64(v) : -1;
		if (cage < 0)
			snprintf(age, sizeof(age), "모름");
		else if (cage < 3600)
			snprintf(age, sizeof(age), "%lld분 전", cage / 60);
		else if (cage < 2 * 86400)
			snprintf(age, sizeof(age), "%lld시간 전", cage / 3600);
		else
			snprintf(age, sizeof(age), "%lld일 전", cage / 86400);
		long long free_b = json_object_object_get_ex(d, "disk_free", &v) ? json_object_get_int64(v) : 0;
		snprintf(disk, sizeof(disk), "%.1f\xc2\xa0GB", (double)free_b / 1e9); /* no break */
		long long outbox = sch_int(d, "outbox");
		html_printf(c->o, "<tr%s><td><a href=\"/console/fleet/%s\">%s</a></td><td>",
			    mins > 60 || mins < 0 ? " class=\"st-cancelled\"" : "", sch_str(d, "kiosk_id"),
			    sch_str(d, "kiosk_id"));
		status_badge(c->o, sch_str(d, "status"));
		html_printf(c->o, "</td><td>%s</td><td>%lld</td>"
				  "<td>%s</td><td>%s</td><td%s>%lld</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			    sch_str(d, "group"), (long long)sch_int(d, "version"), ago, age,
			    outbox > 0 ? " class=\"warn\"" : "", outbox, disk,
			    sch_str(d, "last_attempt"), sch_str(d, "last_error"));
	}
	if (json_object_array_length(devs) == 0)
		buf_adds(c->o, "<tr><td colspan=\"10\">등록된 키오스크가 없습니다.</td></tr>");
	buf_adds(c->o, "</tbody></table>");
	page_end(c);
	json_object_put(o);
}

static void h_fleet(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0 && need_login(&c)) {
		if (!is_admin(&c))
			fail_page(&c, 403, "관리자만 볼 수 있습니다. (Admins only.)");
		else
			fleet_page(&c, NULL);
	}
	end(&c);
}

/* Seoul wall time of a Unix time, "2026-11-23 14:05". */
static void seoul_time(long long t, char out[24])
{
	char iso[32];
	kdate_format_rfc3339((time_t)t, iso);
	snprintf(out, 24, "%.10s %.5s", iso, iso + 11);
}

/* One kiosk: what it last said, its update attempts and its recent errors. */
static void h_fleet_kiosk(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char err[256], when[24];
	json_object *d = NULL, *v;
	if (begin(&c, a, req, resp) < 0 || !need_login(&c))
		goto out;
	if (!is_admin(&c)) {
		fail_page(&c, 403, "관리자만 볼 수 있습니다. (Admins only.)");
		goto out;
	}
	if (!req->path_arg || fl_device_json(req->db, req->path_arg, time(NULL), &d, err, sizeof(err)) < 0 || !d) {
		fail_page(&c, 404, "그런 키오스크가 없습니다. (No such kiosk.)");
		goto out;
	}
	page_begin(&c, "키오스크", "fleet");
	html_printf(c.o, "<p><a href=\"/console/fleet\">← 키오스크 관리</a></p><h2>%s</h2><dl>"
			 "<dt>상태</dt><dd>",
		    sch_str(d, "kiosk_id"));
	status_badge(c.o, sch_str(d, "status"));
	buf_adds(c.o, "</dd>");
	seoul_time(json_object_object_get_ex(d, "last_seen", &v) ? json_object_get_int64(v) : 0, when);
	long long up = json_object_object_get_ex(d, "uptime_s", &v) ? json_object_get_int64(v) : 0;
	long long disk = json_object_object_get_ex(d, "disk_free", &v) ? json_object_get_int64(v) : 0;
	long long age = json_object_object_get_ex(d, "cache_age_s", &v) && v ? json_object_get_int64(v) : -1;
	char gb[32];
	snprintf(gb, sizeof(gb), "%.1f\xc2\xa0GB", (double)disk / 1e9); /* html_printf: no %f */
	html_printf(c.o, "<dt>그룹</dt><dd>%s</dd><dt>릴리스</dt><dd>%lld</dd><dt>마지막 연락</dt><dd>%s</dd>"
			 "<dt>켜진 지</dt><dd>%lld시간 %lld분</dd><dt>여유 공간</dt><dd>%s</dd>",
		    sch_str(d, "group"), (long long)sch_int(d, "version"), when, up / 3600, up % 3600 / 60,
		    gb);
	if (age >= 0)
		html_printf(c.o, "<dt>정보 기준</dt><dd>%lld분 전</dd>", age / 60);
	html_printf(c.o, "<dt>미전송 예약</dt><dd>%lld</dd></dl>", (long long)sch_int(d, "outbox"));
	json_object *arr;
	json_object_object_get_ex(d, "attempts", &arr);
	buf_adds(c.o, "<table><caption>업데이트 <span lang=\"en\">Updates</span></caption><thead><tr>"
		       "<th scope=\"col\">시각</th><th scope=\"col\">릴리스</th><th scope=\"col\">결과</th>"
		       "<th scope=\"col\">이유</th></tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		seoul_time(json_object_object_get_ex(r, "at", &v) ? json_object_get_int64(v) : 0, when);
		html_printf(c.o, "<tr><td>%s</td><td>%lld</td><td>%s</td><td>%s</td></tr>", when,
			    (long long)sch_int(r, "version"), sch_str(r, "outcome"), sch_str(r, "reason"));
	}
	if (json_object_array_length(arr) == 0)
		buf_adds(c.o, "<tr><td colspan=\"4\">아직 없습니다.</td></tr>");
	buf_adds(c.o, "</tbody></table>");
	json_object_object_get_ex(d, "errors", &arr);
	buf_adds(c.o, "<table><caption>최근 오류 <span lang=\"en\">Recent errors</span></caption><thead><tr>"
		       "<th scope=\"col\">시각</th><th scope=\"col\">오류</th></tr></thead><tbody>");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		seoul_time(json_object_object_get_ex(r, "at", &v) ? json_object_get_int64(v) : 0, when);
		html_printf(c.o, "<tr><td>%s</td><td>%s</td></tr>", when, sch_str(r, "message"));
	}
	if (json_object_array_length(arr) == 0)
		buf_adds(c.o, "<tr><td colspan=\"2\">오류가 없습니다.</td></tr>");
	buf_adds(c.o, "</tbody></table>");
	page_end(&c);
out:
	json_object_put(d);
	end(&c);
}

static void h_fleet_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char err[256];
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	if (!is_admin(&c)) {
		fail_page(&c, 403, "관리자만 할 수 있습니다. (Admins only.)");
		goto out;
	}
	const char *action = field(&c, "action");
	if (!action || fl_rollout_control(req->db, action, err, sizeof(err)) < 0) {
		resp->status = 422;
		fleet_page(&c, action ? err : "알 수 없는 동작입니다. (Unknown action.)");
		resp->status = 422;
		goto out;
	}
	log_info("console_fleet", "action=%s by=%lld", action, c.u.id);
	redirect(&c, "/console/fleet?ok=saved");
out:
	end(&c);
}

static void h_users(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0 && need_login(&c)) {
		if (!is_admin(&c))
			fail_page(&c, 403, "관리자만 볼 수 있습니다. (Admins only.)");
		else
			users_page(&c, NULL);
	}
	end(&c);
}

/* The next free counsellor id: c-01, c-02, ... */
static void next_counselor_id(sqlite3 *db, char *out, size_t n)
{
	sqlite3_stmt *st;
	long long max = 0;
	if (sqlite3_prepare_v2(db, "SELECT id FROM counselors", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			long long v;
			const char *id = (const char *)sqlite3_column_text(st, 0);
			if (strncmp(id, "c-", 2) == 0 && util_parse_long(id + 2, 0, 99999, &v) == 0 &&
			    v > max)
				max = v;
		}
		sqlite3_finalize(st);
	}
	snprintf(out, n, "c-%02lld", max + 1);
}

static void h_users_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char err[256] = "", cid[32] = "", topics[160] = "";
	const char *action;
	long long id;
	int rc = WA_EINVAL;
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	if (!is_admin(&c)) {
		fail_page(&c, 403, "관리자만 할 수 있습니다. (Admins only.)");
		goto out;
	}
	action = field(&c, "action");
	if (action && (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0)) {
		if (parse_id(field(&c, "id"), &id) < 0 || id == c.u.id) {
			fail_page(&c, 400, "바꿀 수 없는 계정입니다. (Not this account.)");
			goto out;
		}
		if (wa_set_disabled(req->db, id, action[0] == 'd', err, sizeof(err)) < 0) {
			db_fail(&c, "users", err);
			goto out;
		}
		redirect(&c, "/console/users?ok=saved");
		goto out;
	}
	if (!action || strcmp(action, "add") != 0) {
		fail_page(&c, 400, "알 수 없는 동작입니다. (Unknown action.)");
		goto out;
	}
	const char *role = field(&c, "role") ? field(&c, "role") : "";
	const char *name = field(&c, "name") ? field(&c, "name") : "";
	const char *login = field(&c, "login") ? field(&c, "login") : "";
	const char *pw = field(&c, "password") ? field(&c, "password") : "";
	const char *which = field(&c, "counselor");
	if (sqlite3_exec(req->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(&c, "users", sqlite3_errmsg(req->db));
		goto out;
	}
	rc = WA_OK;
	if (strcmp(role, "counselor") == 0) {
		if (!which || strcmp(which, "new") == 0) {
			for (int i = 0; i < c.nform; i++) {
				if (strcmp(c.form[i].key, "topic") != 0)
					continue;
				size_t l = strlen(topics);
				snprintf(topics + l, sizeof(topics) - l, "%s%s", l ? "," : "",
					 c.form[i].value);
			}
			next_counselor_id(req->db, cid, sizeof(cid));
			/* undone with the account when that fails (one transaction) */
			rc = sch_counselor_add(req->db, cid, name, topics, "ko", err, sizeof(err));
		} else {
			snprintf(cid, sizeof(cid), "%s", which);
		}
	}
	if (rc == WA_OK)
		rc = wa_user_add(req->db, login, pw, name, role, cid, err, sizeof(err));
	sqlite3_exec(req->db, rc == WA_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (rc == WA_OK) {
		log_info("console_user_created", "role=%s by=%lld", role, c.u.id);
		redirect(&c, "/console/users?ok=created");
	} else if (rc == WA_EDB) {
		db_fail(&c, "users", err);
	} else {
		users_page(&c, err);
		resp->status = 422;
	}
out:
	end(&c);
}

static void account_page(struct cx *c, const char *error)
{
	page_begin(c, "내 계정", "account");
	if (error)
		notice(c, "error", error);
	ok_notice(c);
	html_printf(c->o, "<dl class=\"card\"><dt>아이디</dt><dd>%s</dd><dt>이름</dt><dd>%s</dd>"
			  "<dt>역할</dt><dd>%s</dd></dl><form method=\"post\" action=\"/console/account\""
			  " class=\"card narrow\"><h2>비밀번호 바꾸기 <span lang=\"en\">Change"
			  " password</span></h2>",
		    c->u.login, c->u.name, is_admin(c) ? "관리자" : "상담사");
	csrf_input(c);
	buf_adds(c->o, "<p><label for=\"cur\">지금 비밀번호</label><input id=\"cur\" name=\"current\""
		       " type=\"password\" required autocomplete=\"current-password\"></p><p><label"
		       " for=\"new\">새 비밀번호 (10자 이상)</label><input id=\"new\" name=\"password\""
		       " type=\"password\" required minlength=\"10\" maxlength=\"128\""
		       " autocomplete=\"new-password\"></p><p><label for=\"again\">새 비밀번호 다시</label>"
		       "<input id=\"again\" name=\"again\" type=\"password\" required minlength=\"10\""
		       " maxlength=\"128\" autocomplete=\"new-password\"></p><p><button type=\"submit\""
		       " class=\"primary\">바꾸기</button></p></form>");
	page_end(c);
}

static void h_account(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	if (begin(&c, a, req, resp) == 0 && need_login(&c))
		account_page(&c, NULL);
	end(&c);
}

static void h_account_post(void *a, srv_req *req, srv_resp *resp)
{
	struct cx c;
	char err[256], ip[64], tok[WA_TOKEN_LEN];
	const char *cur, *pw, *again;
	int retry, rc;
	if (begin(&c, a, req, resp) < 0 || !need_post(&c))
		goto out;
	cur = field(&c, "current");
	pw = field(&c, "password");
	again = field(&c, "again");
	if (!cur || !pw || !again || strcmp(pw, again) != 0) {
		resp->status = 422;
		account_page(&c, "새 비밀번호 두 칸이 같아야 합니다. (The new passwords differ.)");
		goto out;
	}
	/* the current password, through the same throttled check as a log-in */
	srv_req_client_ip(req, ip, sizeof(ip));
	rc = wa_login(req->db, c.u.login, cur, ip, c.now, tok, &retry, err, sizeof(err));
	if (rc == WA_OK) {
		wa_logout(req->db, tok);
		rc = wa_set_password(req->db, c.u.id, pw, err, sizeof(err));
	}
	util_wipe(tok, sizeof(tok));
	if (rc == WA_OK) {
		/* every session ended, this one too: start a fresh one */
		set_cookie(&c, COOKIE, "", 0);
		redirect(&c, "/console/login?ok=password");
	} else if (rc == WA_EDB) {
		db_fail(&c, "account", err);
	} else {
		resp->status = rc == WA_ETHROTTLED ? 429 : 422;
		account_page(&c, err);
	}
out:
	end(&c);
}

/* ---- style ---- */

static const char css[] =
	":root{--fg:#1a1a1a;--bg:#fff;--mute:#595959;--line:#c8c8c8;--acc:#0b57a4;--bad:#a40e26;"
	"--ok:#1d6b2f;--warn:#7a4b00}"
	"*{box-sizing:border-box}"
	"body{margin:0;font:18px/1.5 'Noto Sans CJK KR','NanumGothic',system-ui,sans-serif;"
	"color:var(--fg);background:var(--bg)}"
	".skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;"
	"z-index:9}"
	".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	"header{background:#12355b;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;"
	"align-items:center;gap:8px 24px}"
	"header .brand{margin:0;font-weight:700}"
	"header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}"
	"header nav a{color:#fff;display:inline-block;padding:10px 12px;min-height:44px;"
	"text-decoration:none;border-radius:6px}"
	"header nav a[aria-current]{background:#fff;color:#12355b;font-weight:700}"
	"header nav a:hover{text-decoration:underline}"
	".who{margin-left:auto;display:flex;gap:8px;align-items:center}"
	"main{padding:16px;max-width:1200px;margin:0 auto}"
	"h1{font-size:1.6em;margin:.4em 0}h2{font-size:1.3em}"
	"a{color:var(--acc)}"
	":focus-visible{outline:3px solid #f2a900;outline-offset:2px}"
	"label{display:block;font-weight:700;margin-bottom:4px}"
	".check{display:flex;align-items:center;gap:8px}.check label{display:inline;font-weight:400}"
	"input,select,textarea{font:inherit;padding:8px 10px;min-height:44px;border:2px solid #6b6b6b;"
	"border-radius:6px;max-width:100%;background:#fff;color:var(--fg)}"
	"input[type=checkbox]{width:28px;height:28px;min-height:0}"
	"textarea{width:100%}"
	"#feed{width:100%}"
	"button{font:inherit;min-height:44px;min-width:44px;padding:8px 16px;border-radius:6px;"
	"border:2px solid var(--acc);background:#fff;color:var(--acc);cursor:pointer}"
	"button.primary{background:var(--acc);color:#fff}"
	"button.danger{border-color:var(--bad);background:var(--bad);color:#fff}"
	"header button{border-color:#fff;background:transparent;color:#fff}"
	".card{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:16px 0}"
	".narrow{max-width:480px}"
	".row{display:flex;flex-wrap:wrap;gap:0 16px}"
	".bar{display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-end}"
	".actions{display:flex;gap:12px;flex-wrap:wrap}"
	"table{border-collapse:collapse;width:100%;margin:8px 0 16px}"
	"caption{text-align:left;font-weight:700;padding:4px 0}"
	"th,td{border-bottom:1px solid var(--line);padding:10px 8px;text-align:left;vertical-align:middle;word-break:keep-all}"
	"td a{display:inline-block;min-height:44px;padding:10px 0}"
	".badge{display:inline-block;padding:2px 10px;border-radius:12px;font-size:.9em;"
	"border:1px solid currentColor}"
	".badge.booked{color:var(--acc)}.badge.attended{color:var(--ok)}"
	".badge.no_show{color:var(--warn)}.badge.cancelled{color:var(--bad)}"
	"tr.st-cancelled td{color:var(--mute)}"
	".error{border-left:6px solid var(--bad);background:#fdecee;padding:10px 14px}"
	".ok{border-left:6px solid var(--ok);background:#e9f5ec;padding:10px 14px}"
	".warn{border-left:6px solid var(--warn);background:#fff4e0;padding:10px 14px}"
	".code{font-size:1.6em;font-weight:700;letter-spacing:.1em}"
	"dl.card,section.card dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}"
	"dl dt{font-weight:700}"
	"dl dd{margin:0}"
	".pager{display:flex;gap:16px;align-items:center}.pager a{padding:10px 0;min-height:44px}"
	".week{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}"
	".week section{border:1px solid var(--line);border-radius:8px;padding:0 12px 8px}"
	".week h2{font-size:1.05em}.week ul{list-style:none;padding:0;margin:0}"
	".week li{border-top:1px solid var(--line)}.week li a{display:block;padding:8px 0;"
	"min-height:44px;text-decoration:none;color:var(--fg)}"
	".week li.none{color:var(--mute);padding:8px 0}"
	".chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px}"
	".chips li{border:1px solid var(--line);border-radius:16px;padding:4px 12px}"
	"fieldset{border:1px solid var(--line);border-radius:6px;margin:8px 0}"
	"@media (max-width:700px){body{font-size:17px}th,td{padding:8px 4px}}";

static void h_css(void *a, srv_req *req, srv_resp *resp)
{
	(void)a;
	(void)req;
	resp->status = 200;
	resp->content_type = "text/css; charset=utf-8";
	buf_add(&resp->body, css, sizeof(css) - 1);
	http_etag(resp->body.data, resp->body.len, resp->etag);
}

static const srv_route routes[] = {
	{"GET", "/console", 0, h_root},
	{"GET", "/console/", 0, h_root},
	{"GET", "/console/console.css", 0, h_css},
	{"GET", "/console/login", 0, h_login_get},
	{"POST", "/console/login", 0, h_login_post},
	{"POST", "/console/logout", 0, h_logout},
	{"GET", "/console/schedule", 0, h_schedule},
	{"GET", "/console/bookings/*", 0, h_booking_get},
	{"POST", "/console/bookings/*", 0, h_booking_post},
	{"GET", "/console/availability", 0, h_availability_get},
	{"POST", "/console/availability", 0, h_availability_post},
	{"GET", "/console/followups", 0, h_followups},
	{"POST", "/console/followups", 0, h_followups_post},
	{"GET", "/console/export", 0, h_export_page},
	{"GET", "/console/export.csv", 0, h_export_csv},
	{"GET", "/console/ical/*", 0, h_ical},
	{"GET", "/console/users", 0, h_users},
	{"POST", "/console/users", 0, h_users_post},
	{"GET", "/console/account", 0, h_account},
	{"GET", "/console/fleet", 0, h_fleet},
	{"POST", "/console/fleet", 0, h_fleet_post},
	{"GET", "/console/fleet/*", 0, h_fleet_kiosk},
	{"POST", "/console/account", 0, h_account_post},
};

const srv_route *console_routes(size_t *n)
{
	*n = ARRAY_LEN(routes);
	return routes;
}
