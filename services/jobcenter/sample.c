#include "sample.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jobdb.h"
#include "kdate.h"
#include "refdata.h"

/* splitmix64: tiny, fast, and stable across platforms (rand() is not). */
typedef struct rng {
	unsigned long long s;
} rng;

static unsigned long long rng_next(rng *r)
{
	unsigned long long z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rng_int(rng *r, int lo, int hi) /* inclusive */
{
	return lo + (int)(rng_next(r) % (unsigned long long)(hi - lo + 1));
}

#define PICK(r, arr) (arr)[rng_int((r), 0, (int)ARRAY_LEN(arr) - 1)]

/* Picks an index by integer weights. */
static int rng_weighted(rng *r, const int *w, int n)
{
	int total = 0, x;
	for (int i = 0; i < n; i++)
		total += w[i];
	x = rng_int(r, 0, total - 1);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

struct occupation {
	const char *category;
	const char *title;
	const char *duty; /* what the work is, one sentence */
	int weight;
};

static const struct occupation occupations[] = {
	{"02", "사무보조", "문서 작성과 자료 정리, 전화 응대 등 사무 업무 전반을 지원합니다.", 8},
	{"02", "경리 사무원", "전표 입력, 세금계산서 발행, 거래처 입금 확인 업무를 담당합니다.", 5},
	{"02", "총무 사무원", "비품 관리와 시설 관리, 각종 행사 지원 업무를 맡습니다.", 3},
	{"02", "인사 담당자", "채용 공고 관리와 근태 관리, 4대보험 업무를 담당합니다.", 2},
	{"02", "데이터 입력 사무원", "고객 정보와 주문 내역을 시스템에 정확하게 입력합니다.", 4},
	{"02", "고객지원 사무원", "고객 문의에 응대하고 접수 내역을 기록·관리합니다.", 4},
	{"03", "보험 사무원", "보험 계약 서류를 검토하고 고객 상담을 지원합니다.", 2},
	{"13", "웹 개발자", "회사 홈페이지와 관리자 화면을 개발하고 유지보수합니다.", 3},
	{"13", "앱 개발자", "안드로이드와 iOS 모바일 앱 기능을 개발합니다.", 2},
	{"13", "소프트웨어 테스터", "소프트웨어 기능을 시험하고 결함을 기록합니다.", 2},
	{"13", "IT 헬프데스크", "사내 PC와 네트워크 장애를 접수하고 해결합니다.", 2},
	{"15", "품질관리 기술자", "생산 제품의 품질 검사와 불량 원인 분석을 담당합니다.", 3},
	{"21", "방과후 강사", "초등학생 대상 방과후 프로그램을 운영합니다.", 2},
	{"21", "학원 강사", "중고등학생 대상 수학·영어 수업을 진행합니다.", 3},
	{"23", "사회복지사", "복지관 이용자 상담과 프로그램 기획·운영을 담당합니다.", 3},
	{"23", "청소년 지도사", "청소년수련관 프로그램을 운영하고 청소년을 지도합니다.", 2},
	{"30", "간호사", "병동 환자 간호와 투약, 활력징후 측정을 담당합니다.", 4},
	{"30", "간호조무사", "진료 보조와 환자 안내, 병동 간호 업무를 지원합니다.", 6},
	{"30", "물리치료사", "재활 환자의 물리치료와 운동치료를 시행합니다.", 2},
	{"30", "치과위생사", "스케일링과 진료 보조, 환자 구강 위생 교육을 합니다.", 2},
	{"30", "의료 코디네이터", "외래 환자 접수와 수납, 진료 예약을 안내합니다.", 2},
	{"41", "그래픽 디자이너", "홍보물과 상세페이지, SNS 콘텐츠를 디자인합니다.", 2},
	{"41", "영상 편집자", "유튜브와 홍보 영상을 촬영하고 편집합니다.", 2},
	{"52", "호텔 프런트 직원", "투숙객 체크인·체크아웃과 예약 관리를 담당합니다.", 2},
	{"53", "바리스타", "커피와 음료를 제조하고 매장을 관리합니다.", 5},
	{"53", "주방 보조", "식재료 손질과 주방 정리, 조리 보조 업무를 합니다.", 4},
	{"53", "조리사", "한식 메뉴를 조리하고 위생을 관리합니다.", 3},
	{"53", "홀 서빙 직원", "주문 접수와 음식 서빙, 매장 정리를 담당합니다.", 4},
	{"53", "제과제빵사", "빵과 케이크를 생산하고 진열합니다.", 2},
	{"54", "아파트 경비원", "아파트 단지 순찰과 출입 관리를 담당합니다.", 3},
	{"55", "요양보호사", "어르신의 식사와 이동, 위생 등 일상생활을 돕습니다.", 6},
	{"55", "보육교사", "어린이집 영유아 보육과 교육 활동을 담당합니다.", 3},
	{"56", "건물 청소원", "사무실과 공용 공간을 청소하고 정리합니다.", 3},
	{"61", "매장 판매원", "상품 진열과 계산, 고객 응대를 담당합니다.", 5},
	{"61", "편의점 스태프", "계산과 물품 입고, 매장 청결을 관리합니다.", 4},
	{"61", "텔레마케터", "전화로 상품을 안내하고 상담합니다.", 2},
	{"61", "영업 사원", "거래처를 관리하고 신규 고객을 발굴합니다.", 3},
	{"62", "택배 배송 기사", "지정 구역에 택배 물품을 배송합니다.", 3},
	{"62", "물류센터 상하차", "물류센터에서 화물 상하차와 분류 작업을 합니다.", 5},
	{"62", "지게차 운전원", "지게차로 자재와 제품을 운반·적재합니다.", 2},
	{"62", "물류 관리원", "입출고 관리와 재고 조사, 물류 전산 처리를 합니다.", 3},
	{"70", "건설 현장 보조", "건설 현장 자재 운반과 정리 작업을 합니다.", 2},
	{"81", "자동차 정비원", "차량 점검과 소모품 교환, 정비 업무를 합니다.", 3},
	{"83", "전자부품 조립원", "전자부품을 조립하고 검사합니다.", 3},
	{"83", "전기 설비 기사", "건물 전기 설비를 점검하고 유지보수합니다.", 2},
	{"87", "식품 생산직", "식품 생산 라인에서 제조와 포장을 담당합니다.", 3},
	{"89", "포장원", "완제품 포장과 라벨 부착, 출고 준비를 합니다.", 3},
};

struct en_title {
	const char *category;
	const char *title;
	const char *duty;
};

static const struct en_title en_titles[] = {
	{"21", "English Tutor", "Teach English conversation to middle and high school students."},
	{"52", "Hotel Front Desk Staff (English)",
	 "Check guests in and out and help international visitors in English."},
	{"13", "Junior Web Developer", "Build and maintain web pages and internal admin tools."},
	{"61", "Sales Assistant (English speaker)",
	 "Help customers in the store, including visitors who speak English."},
	{"53", "Barista (part-time)", "Prepare coffee and drinks and keep the cafe tidy."},
};

struct district {
	const char *code;
	const char *name;
	const char *streets[4];
	double lat, lon;
	int weight;
};

static const struct district districts[] = {
	{"29110", "동구", {"금남로", "충장로", "필문대로", "제봉로"}, 35.146, 126.923, 13},
	{"29140", "서구", {"상무중앙로", "무진대로", "화운로", "풍암대로"}, 35.152, 126.890, 35},
	{"29155", "남구", {"봉선로", "대남대로", "서문대로", "송암로"}, 35.133, 126.902, 12},
	{"29170", "북구", {"첨단과기로", "용봉로", "우치로", "서하로"}, 35.174, 126.912, 20},
	{"29200", "광산구", {"하남산단로", "첨단중앙로", "수완로", "임방울대로"}, 35.139, 126.794,
	 20},
};

static const char *const company_stems[] = {
	"빛고을", "무등", "상무", "금호", "풍암", "광천", "서창", "영산강", "호남", "남도",
	"첨단", "하남", "송정", "운암", "양동", "화정", "치평", "농성", "유덕", "동천"};

/* Company kinds that fit each category, in the same order as category codes. */
static const char *company_kind(const char *category, rng *r)
{
	static const char *const office[] = {"물산", "상사", "유통", "산업", "컨설팅"};
	static const char *const it[] = {"소프트", "테크", "정보통신", "시스템즈", "랩스"};
	static const char *const health[] = {"의원", "병원", "요양병원", "치과의원", "재활의학과의원"};
	static const char *const care[] = {"요양원", "주간보호센터", "어린이집", "복지관"};
	static const char *const food[] = {"카페", "식당", "베이커리", "푸드", "한식당"};
	static const char *const logistics[] = {"물류", "택배", "운송", "로지스"};
	static const char *const factory[] = {"정밀", "전자", "식품", "산업", "기계"};
	static const char *const edu[] = {"학원", "교육센터", "아카데미"};
	static const char *const misc[] = {"서비스", "관리", "디자인", "호텔", "마트"};
	int c = (category[0] - '0') * 10 + (category[1] - '0');
	switch (c) {
	case 2: case 3: return PICK(r, office);
	case 13: return PICK(r, it);
	case 30: return PICK(r, health);
	case 23: case 55: return PICK(r, care);
	case 53: return PICK(r, food);
	case 62: return PICK(r, logistics);
	case 15: case 81: case 83: case 87: case 89: return PICK(r, factory);
	case 21: return PICK(r, edu);
	default: return PICK(r, misc);
	}
}

static const char *const perks[] = {
	"4대보험 가입", "퇴직금 지급", "중식 제공", "주차 가능", "명절 상여금", "교육비 지원",
	"청년내일채움공제 연계", "연차 보장", "통근버스 운행", "자격증 수당"};

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	buf b;
	va_list ap;
	buf_init(&b);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

static long long round_to(long long v, long long unit)
{
	return (v + unit / 2) / unit * unit;
}

void sample_job(unsigned long long seed, long i, int today, job *j)
{
	static const int emp_w[] = {50, 20, 18, 6, 6};
	static const int career_w[] = {40, 25, 35};
	static const int edu_w[] = {40, 30, 15, 13, 2};
	rng r = {seed * 0x100000001b3ULL ^ (unsigned long long)i * 0x9e3779b97f4a7c15ULL};
	int ow[ARRAY_LEN(occupations)], dw[ARRAY_LEN(districts)];
	const struct district *d;
	const ref_region *dong = NULL;
	const ref_category *cat;
	const char *category, *title, *duty, *stem, *street;
	int english, posted, closes, street_no;
	char date[11], stamp[32];
	buf b;

	for (size_t k = 0; k < ARRAY_LEN(occupations); k++)
		ow[k] = occupations[k].weight;
	for (size_t k = 0; k < ARRAY_LEN(districts); k++)
		dw[k] = districts[k].weight;
	rng_next(&r);

	english = rng_int(&r, 0, 99) < 3;
	if (english) {
		const struct en_title *e = &PICK(&r, en_titles);
		category = e->category;
		title = e->title;
		duty = e->duty;
	} else {
		const struct occupation *o = &occupations[rng_weighted(&r, ow, (int)ARRAY_LEN(ow))];
		category = o->category;
		title = o->title;
		duty = o->duty;
	}
	cat = ref_category_by_code(category);
	d = &districts[rng_weighted(&r, dw, (int)ARRAY_LEN(dw))];
	if (strcmp(d->code, "29140") == 0 && rng_int(&r, 0, 3) > 0) {
		size_t n;
		const ref_region *all = ref_regions(&n);
		size_t ndong = 0;
		for (size_t k = 0; k < n; k++)
			ndong += strcmp(all[k].level, "dong") == 0;
		int pick = rng_int(&r, 0, (int)ndong - 1);
		for (size_t k = 0; k < n; k++)
			if (strcmp(all[k].level, "dong") == 0 && pick-- == 0)
				dong = &all[k];
	}

	j->id = fmt("S%07ld", i + 1);
	stem = PICK(&r, company_stems);
	if (english)
		j->company = fmt("%s %s Co., Ltd.", stem, "Global");
	else
		switch (rng_int(&r, 0, 3)) {
		case 0: j->company = fmt("(주)%s%s", stem, company_kind(category, &r)); break;
		case 1: j->company = fmt("%s%s 주식회사", stem, company_kind(category, &r)); break;
		default: j->company = fmt("%s%s", stem, company_kind(category, &r)); break;
		}
	if (!english && rng_int(&r, 0, 4) == 0)
		j->title = fmt("%s (청년 우대)", title);
	else if (!english && rng_int(&r, 0, 5) == 0)
		j->title = fmt("[%s] %s 모집", d->name, title);
	else
		j->title = xstrdup(title);

	if (dong) {
		j->region.code = xstrdup(dong->code);
		j->region.name_ko = xstrdup(dong->name_ko);
		j->region.name_en = xstrdup(dong->name_en);
	} else {
		const ref_region *rr = ref_region_by_code(d->code);
		j->region.code = xstrdup(rr->code);
		j->region.name_ko = xstrdup(rr->name_ko);
		j->region.name_en = xstrdup(rr->name_en);
	}
	j->category.code = xstrdup(cat->code);
	j->category.name_ko = xstrdup(cat->name_ko);
	j->category.name_en = xstrdup(cat->name_en);

	j->employment = rng_weighted(&r, emp_w, 5);
	if (strstr(title, "(part-time)"))
		j->employment = JOB_EMP_PART_TIME;
	j->career = rng_weighted(&r, career_w, 3);
	j->education = rng_weighted(&r, edu_w, 5);
	if (strcmp(category, "30") == 0 && strcmp(title, "간호사") == 0 && j->education < JOB_EDU_COLLEGE)
		j->education = JOB_EDU_COLLEGE;

	/* Wages: hourly at or above the 2026 minimum (10,320 KRW), others to match. */
	if (rng_int(&r, 0, 9) == 0) {
		j->salary_type = JOB_SAL_NEGOTIABLE;
	} else if (j->employment == JOB_EMP_PART_TIME) {
		j->salary_type = JOB_SAL_HOURLY;
		j->salary_min = round_to(rng_int(&r, 10320, 13500), 10);
		if (j->salary_min < 10320)
			j->salary_min = 10320;
	} else if (j->employment == JOB_EMP_DAILY) {
		j->salary_type = JOB_SAL_DAILY;
		j->salary_min = round_to(rng_int(&r, 100000, 180000), 5000);
	} else if (rng_int(&r, 0, 3) == 0) {
		j->salary_type = JOB_SAL_ANNUAL;
		j->salary_min = round_to(rng_int(&r, 27000000, 42000000), 1000000);
	} else {
		j->salary_type = JOB_SAL_MONTHLY;
		j->salary_min = round_to(rng_int(&r, 2160000, 3300000), 10000);
	}
	if (j->salary_type != JOB_SAL_NEGOTIABLE && rng_int(&r, 0, 9) < 6)
		j->salary_max = round_to(j->salary_min * rng_int(&r, 105, 135) / 100,
					 j->salary_type == JOB_SAL_HOURLY ? 10 : 10000);

	posted = today - rng_int(&r, 0, 30);
	kdate_format(posted, date);
	memcpy(j->posted_at, date, 11);
	if (rng_int(&r, 0, 4) == 0) {
		j->closes_at[0] = '\0';
	} else {
		closes = posted + rng_int(&r, 7, 45);
		kdate_format(closes, j->closes_at);
	}
	snprintf(stamp, sizeof(stamp), "%sT%02d:%02d:00+09:00", date, rng_int(&r, 8, 18),
		 rng_int(&r, 0, 59));
	j->updated_at = xstrdup(stamp);
	j->source = xstrdup("sample");

	buf_init(&b);
	if (english) {
		buf_printf(&b, "%s We welcome applicants who are new to the job. ", duty);
		buf_printf(&b, "Workplace: Gwangju %s.", ref_region_by_code(d->code)->name_en);
	} else {
		buf_printf(&b, "%s ", duty);
		buf_printf(&b, "%s에서 함께 일할 %s을(를) 모집합니다. ", j->company, title);
		if (j->career != JOB_CAREER_EXPERIENCED)
			buf_adds(&b, "신입도 지원 가능하며 입사 후 업무 교육을 제공합니다. ");
		else
			buf_adds(&b, "관련 경력자를 우대합니다. ");
		buf_printf(&b, "근무지는 광주광역시 %s입니다.", d->name);
	}
	j->description = buf_detach(&b, NULL);

	buf_init(&b);
	buf_printf(&b, "%s", j->career == JOB_CAREER_EXPERIENCED ? "관련 경력 1년 이상" : "경력 무관");
	if (j->education > JOB_EDU_ANY)
		buf_printf(&b, ", %s 이상",
			   (const char *[]){"", "고졸", "전문대졸", "대졸", "석사"}[j->education]);
	if (strcmp(category, "30") == 0)
		buf_adds(&b, ", 관련 면허 또는 자격증 소지자");
	else if (strcmp(category, "62") == 0 && strstr(title, "지게차"))
		buf_adds(&b, ", 지게차운전기능사 소지자");
	j->requirements = buf_detach(&b, NULL);

	buf_init(&b);
	int np = rng_int(&r, 2, 4), first = rng_int(&r, 0, (int)ARRAY_LEN(perks) - 1);
	for (int k = 0; k < np; k++)
		buf_printf(&b, "%s%s", k ? ", " : "", perks[(first + k * 3) % ARRAY_LEN(perks)]);
	j->benefits = buf_detach(&b, NULL);

	if (j->employment == JOB_EMP_PART_TIME)
		j->work_hours = fmt("주 %d일, %02d:00~%02d:00", rng_int(&r, 3, 5),
				    rng_int(&r, 9, 14), rng_int(&r, 17, 22));
	else
		j->work_hours = xstrdup(rng_int(&r, 0, 2) ? "주 5일, 09:00~18:00 (휴게 1시간)"
							  : "주 5일, 교대 근무 (협의)");
	street = d->streets[rng_int(&r, 0, 3)];
	street_no = rng_int(&r, 1, 420);
	if (dong)
		j->address = fmt("광주광역시 %s %s %d (%s)", d->name, street, street_no, dong->name_ko);
	else
		j->address = fmt("광주광역시 %s %s %d", d->name, street, street_no);
	j->contact_name = xstrdup(english ? "HR team" : "인사담당자");
	j->contact_phone = fmt("062-%03d-%04d", rng_int(&r, 200, 999), rng_int(&r, 0, 9999));
	j->apply_url = fmt("https://jobs.example.kr/apply/%s", j->id);
	j->has_geo = 1;
	j->lat = d->lat + (rng_int(&r, -200, 200) / 10000.0);
	j->lon = d->lon + (rng_int(&r, -200, 200) / 10000.0);
}

static const char counselling_sql[] =
	"INSERT INTO topics VALUES"
	" ('career', '진로 상담', 'Career planning', 50, 1),"
	" ('resume', '이력서·자기소개서 첨삭', 'CV and cover letter review', 50, 2),"
	" ('interview', '면접 코칭', 'Interview coaching', 50, 3),"
	" ('startup', '창업 상담', 'Starting a business', 50, 4),"
	" ('support', '청년 지원제도 안내', 'Youth support programmes', 30, 5)"
	" ON CONFLICT(id) DO UPDATE SET name_ko=excluded.name_ko, name_en=excluded.name_en,"
	" duration_min=excluded.duration_min, ord=excluded.ord;"
	"INSERT INTO counselors VALUES"
	" ('c-01', '김하늘', 'career,resume', 'ko,en'),"
	" ('c-02', '이도윤', 'interview,resume', 'ko'),"
	" ('c-03', '박서연', 'career,startup', 'ko'),"
	" ('c-04', '최민준', 'support,career,interview', 'ko,en')"
	" ON CONFLICT(id) DO UPDATE SET name=excluded.name, topics=excluded.topics,"
	" languages=excluded.languages;"
	"DELETE FROM availability;"
	/* weekday 1 = Monday; minutes after midnight, Asia/Seoul wall clock */
	"INSERT INTO availability VALUES"
	" ('c-01',1,600,720),('c-01',1,840,1020),('c-01',3,600,720),('c-01',3,840,1020),"
	" ('c-01',5,600,720),('c-02',2,600,1020),('c-02',4,600,1020),('c-03',1,840,1080),"
	" ('c-03',2,840,1080),('c-03',3,840,1080),('c-04',4,600,720),('c-04',5,600,1020),"
	" ('c-04',6,600,720);";

int sample_fill(sqlite3 *db, unsigned long long seed, long n, int today, time_t now,
		long *upserts, long *deletes, char *err, size_t errlen)
{
	return sample_fill_revised(db, seed, n, 0, today, now, upserts, deletes, err, errlen);
}

int sample_fill_revised(sqlite3 *db, unsigned long long seed, long n, long revise, int today,
			time_t now, long *upserts, long *deletes, char *err, size_t errlen)
{
	long stride = revise > 0 && revise <= n ? n / revise : 0;
	sqlite3_stmt *st = NULL;
	char last[16];
	int rc, changed;

	*upserts = *deletes = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "begin: %s", sqlite3_errmsg(db));
		return -1;
	}
	for (long i = 0; i < n; i++) {
		job j;
		job_init(&j);
		sample_job(seed, i, today, &j);
		if (stride && i % stride == 0 && i / stride < revise) {
			/* re-posted: a new title and a better wage */
			char *t = j.title;
			size_t tl = strlen(t) + 16;
			j.title = xmalloc(tl);
			snprintf(j.title, tl, "%s (재공고)", t);
			free(t);
			if (j.salary_min > 0)
				j.salary_min += j.salary_type == JOB_SAL_HOURLY ? 500 : 100000;
		}
		rc = jobdb_upsert(db, &j, now, &changed, err, errlen);
		job_release(&j);
		if (rc < 0)
			goto fail;
		*upserts += changed;
	}
	/* Sample listings beyond n go, through the change log. */
	snprintf(last, sizeof(last), "S%07ld", n);
	if (sqlite3_prepare_v2(db, "SELECT id FROM jobs WHERE source = 'sample' AND id > ?", -1,
			       &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_text(st, 1, last, -1, SQLITE_STATIC);
	{
		char **ids = NULL;
		size_t nids = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			ids = xrealloc(ids, (nids + 1) * sizeof(char *));
			ids[nids++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
		st = NULL;
		for (size_t k = 0; k < nids; k++) {
			if (rc == SQLITE_DONE && jobdb_delete(db, ids[k], now, err, errlen) == 0)
				(*deletes)++;
			free(ids[k]);
		}
		free(ids);
		if (rc != SQLITE_DONE)
			goto dbfail;
	}
	if (sqlite3_exec(db, counselling_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	return 0;
dbfail:
	snprintf(err, errlen, "sample: %s", sqlite3_errmsg(db));
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
