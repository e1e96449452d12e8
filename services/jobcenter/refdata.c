#include "refdata.h"

#include <pthread.h>
#include <string.h>

#include "jobdb.h"
#include "refdata_tsv.h" /* generated: static const char ref_tsv[] */

/* KECO (한국고용직업분류) 2018, middle classification, plus 99 for unmapped codes. */
static const ref_category categories[] = {
	{"01", "관리직", "Management"},
	{"02", "경영·사무", "Business & office"},
	{"03", "금융·보험", "Finance & insurance"},
	{"11", "인문·사회과학 연구", "Humanities & social science research"},
	{"12", "자연·생명과학 연구", "Natural & life science research"},
	{"13", "정보통신 연구개발·공학기술", "ICT development & engineering"},
	{"14", "건설·채굴 공학기술", "Construction engineering"},
	{"15", "제조 연구개발·공학기술", "Manufacturing engineering"},
	{"21", "교육", "Education"},
	{"22", "법률", "Legal"},
	{"23", "사회복지·종교", "Social welfare & religion"},
	{"24", "경찰·소방·교도", "Police, fire & corrections"},
	{"25", "군인", "Military"},
	{"30", "보건·의료", "Health & medical"},
	{"41", "예술·디자인·방송", "Arts, design & broadcasting"},
	{"42", "스포츠·레크리에이션", "Sports & recreation"},
	{"51", "미용·예식 서비스", "Beauty & wedding services"},
	{"52", "여행·숙박·오락 서비스", "Travel, lodging & leisure"},
	{"53", "음식 서비스", "Food service"},
	{"54", "경호·경비", "Security"},
	{"55", "돌봄 서비스", "Care services"},
	{"56", "청소·기타 개인서비스", "Cleaning & personal services"},
	{"61", "영업·판매", "Sales"},
	{"62", "운전·운송", "Driving & transport"},
	{"70", "건설·채굴", "Construction & mining"},
	{"81", "기계 설치·정비·생산", "Machinery production & repair"},
	{"82", "금속·재료 설치·정비·생산", "Metal & materials production"},
	{"83", "전기·전자 설치·정비·생산", "Electrical & electronics production"},
	{"84", "정보통신 설치·정비", "ICT installation & repair"},
	{"85", "화학·환경 설치·정비·생산", "Chemical & environmental production"},
	{"86", "섬유·의복 생산", "Textile & clothing production"},
	{"87", "식품 가공·생산", "Food processing"},
	{"88", "인쇄·목재·공예 생산", "Printing, wood & crafts production"},
	{"89", "제조 단순직", "Manufacturing labour"},
	{"90", "농림어업", "Agriculture, forestry & fishery"},
	{"99", "기타", "Other"},
};

#define REF_MAX_REGIONS 64

static pthread_once_t ref_once = PTHREAD_ONCE_INIT;
static ref_region ref_regions_tab[REF_MAX_REGIONS];
static size_t ref_n_regions;
static char *ref_tsv_copy;

/* The TSV gives 5-digit district codes and the 5-digit province code 29000; the API
 * names the province by its 2-digit code "29" so that codes nest by prefix. */
static void ref_parse(void)
{
	char *save = NULL, *line;

	ref_tsv_copy = xstrdup(ref_tsv);
	for (line = strtok_r(ref_tsv_copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		int k = 0;
		if (line[0] == '#' || !line[0])
			continue;
		for (char *t = strtok_r(line, "\t", &s2); t && k < 4; t = strtok_r(NULL, "\t", &s2))
			f[k++] = t;
		if (k != 4 || ref_n_regions == REF_MAX_REGIONS)
			die("refdata: malformed region table");
		ref_region *r = &ref_regions_tab[ref_n_regions++];
		r->name_ko = f[2];
		r->name_en = f[3];
		if (strcmp(f[0], "sido") == 0) {
			f[1][2] = '\0';
			r->code = f[1];
			r->parent = NULL;
			r->level = "province";
		} else if (strcmp(f[0], "sigungu") == 0) {
			r->code = f[1];
			r->parent = ref_regions_tab[0].code;
			r->level = "district";
		} else {
			r->code = f[1];
			/* A dong's district is its code's first five digits. */
			r->parent = NULL;
			for (size_t i = 0; i < ref_n_regions; i++)
				if (strlen(ref_regions_tab[i].code) == 5 &&
				    strncmp(ref_regions_tab[i].code, f[1], 5) == 0)
					r->parent = ref_regions_tab[i].code;
			r->level = "dong";
		}
	}
}

const ref_region *ref_regions(size_t *n)
{
	pthread_once(&ref_once, ref_parse);
	*n = ref_n_regions;
	return ref_regions_tab;
}

const ref_category *ref_categories(size_t *n)
{
	*n = ARRAY_LEN(categories);
	return categories;
}

const ref_region *ref_region_by_name(const char *name_ko, const char *level)
{
	size_t n;
	const ref_region *r = ref_regions(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].name_ko, name_ko) == 0 && (!level || strcmp(r[i].level, level) == 0))
			return &r[i];
	return NULL;
}

const ref_region *ref_region_by_code(const char *code)
{
	size_t n;
	const ref_region *r = ref_regions(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].code, code) == 0)
			return &r[i];
	return NULL;
}

const ref_category *ref_category_by_code(const char *code)
{
	for (size_t i = 0; i < ARRAY_LEN(categories); i++)
		if (strcmp(categories[i].code, code) == 0)
			return &categories[i];
	return NULL;
}

int ref_install(sqlite3 *db, char *err, size_t errlen)
{
	size_t n;
	const ref_region *r = ref_regions(&n);
	for (size_t i = 0; i < n; i++)
		if (jobdb_put_region(db, r[i].code, r[i].name_ko, r[i].name_en, r[i].parent,
				     r[i].level, (int)i, err, errlen) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_LEN(categories); i++)
		if (jobdb_put_category(db, categories[i].code, categories[i].name_ko,
				       categories[i].name_en, (int)i, err, errlen) < 0)
			return -1;
	return 0;
}
