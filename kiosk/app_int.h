/*
 * app_int.h - the application's state, shared by app.c (events, automation,
 * timers) and screens.c (building the tree). Not for other modules.
 */
#ifndef K_APP_INT_H
#define K_APP_INT_H

#include <SDL2/SDL.h>

#include "app.h"
#include "clock.h"
#include "ctl.h"
#include "hinput.h"
#include "i18n.h"
#include "input.h"
#include "job.h"
#include "kconf.h"
#include "net.h"
#include "mcache.h"
#include "outbox.h"
#include "player.h"
#include "sphere.h"
#include "voice.h"
#include "vtt.h"
#include "sync.h"
#include "text.h"
#include "theme.h"
#include "ui.h"

enum screen { SCR_HOME, SCR_SEARCH, SCR_RESULTS, SCR_DETAIL, SCR_BOOKING, SCR_PRACTICE, SCR_A11Y,
	      SCR_PLAYER, SCR_COUNT };

enum bk_step { BK_TOPIC, BK_COUNSELOR, BK_DATE, BK_TIME, BK_PERSON, BK_CONSENT, BK_REVIEW,
	       BK_SENDING, BK_DONE, BK_LOOKUP, BK_LOOKED };

struct bk_topic {
	char id[32];
	char *ko, *en;
};
struct bk_cs {
	char id[32];
	char *name;
	char topics[160];
};
struct bk_slot {
	char id[96];
	char counselor[32];
	time_t start;
	int available;
};

enum action {
	A_NONE, A_BACK, A_HOME, A_GO_SEARCH, A_GO_BOOKING, A_GO_PRACTICE, A_LANG, A_GO_A11Y,
	A_A11Y_TOGGLE, A_FOCUS_QUERY, A_SUBMIT, A_KEY, A_KEY_BACKSPACE, A_KEY_SPACE,
	A_KEY_SHIFT, A_KEY_MODE, A_CLEAR_QUERY, A_OPEN_PICKER, A_PICK, A_CLOSE_PICKER,
	A_CLEAR_FILTERS, A_OPEN_JOB, A_RETRY, A_IDLE_CONTINUE, A_IDLE_END, A_EDIT_SEARCH,
	A_SCROLL_AREA, A_BK_TOPIC, A_BK_COUNSELOR, A_BK_DAY, A_BK_SLOT, A_BK_FIELD, A_BK_NEXT,
	A_BK_CONSENT, A_BK_CONFIRM, A_LK_OPEN, A_LK_FIELD, A_LK_FIND, A_LK_CANCEL,
	A_PR_OPEN, A_PL_PLAY, A_PL_BACK10, A_PL_FWD10, A_PL_SEEK, A_PL_VOL, A_PL_CAPTIONS,
	A_PL_ZOOM, A_PL_LOOK, A_PL_NEXT_Q, A_PL_REPLAY, A_PL_VIDEO
};

/* A practice interview from the catalogue (GET /v1/media). */
struct pq {
	double at_s;
	int answer_s;
	char *ko, *en;
};
struct media_item {
	char id[72];
	char *title_ko, *title_en;
	int vr360;
	double duration_s;
	struct pq *q;
	int nq;
};

enum picker { PK_NONE, PK_REGION, PK_CATEGORY, PK_EMPLOYMENT, PK_CAREER, PK_EDUCATION,
	      PK_CLOSING, PK_SORT, PK_COUNT };

enum load { LD_IDLE, LD_LOADING, LD_DONE, LD_ERROR };

enum kbd_mode { KB_KO, KB_EN, KB_NUM };

/* A code list from the API (regions or categories). */
typedef struct codeitem {
	char code[16];
	char *name_ko, *name_en;
	char parent[16];
	int level; /* 0 province, 1 district, 2 dong; categories 0 */
} codeitem;

/* A scrollable area with kinetic scrolling. */
typedef struct scroller {
	float pos, vel;	   /* pixels; pixels per ms */
	float max;	   /* content height - view height (>= 0) */
	int dragging;
	int64_t last_ms;   /* real time of the last animation step */
	ui_rect view;
} scroller;

#define RESULTS_MAX 2000
#define WAITS_MAX 8

struct pending_wait {
	int fd;
	int kind; /* 0 id, 1 label, 2 screen */
	char what[256];
	double deadline; /* real ms */
	ctl_cmd *cmd;
};

struct app {
	const kconf *cfg;
	SDL_Renderer *r;
	int w, h;
	clk *clock;
	uint32_t ev_net, ev_ctl;
	txt *text;
	theme th;
	ui_tree *tree;
	net *net;
	ctl *ctl;
	inp *input;
	int quit;
	int dirty;
	int lang; /* enum tr_lang */
	int a11y_contrast, a11y_large, a11y_low, a11y_voice;
	voice *voice;		  /* started the first time voice guidance is turned on */
	int vo_screen, vo_on;	  /* what was last announced: the screen, voice on */
	char vo_focus[64];	  /* ... and the focused node */
	char vo_heads[512];	  /* ... and the screen's headings */
	char vo_cursor[64];	  /* explore by touch: the control a first tap read out */
	char vo_cursor_said[64];  /* ... the one last announced */
	char swallow[8];	  /* the text SDL will send for a key that key() used
				   * up (the pad's digits, its *, Space): dropped once */

	/* navigation */
	int screen;
	int stack[16];
	int depth;
	char focus[UI_ID_MAX]; /* keypad / keyboard focus, by node id */

	/* the session: everything the person entered or opened */
	char session[24];	/* "" when none */
	hin *query;
	int kbd_mode, kbd_shift;
	char f_region[16], f_category[16];
	unsigned f_employment;
	int f_career, f_education, f_closing, f_sort;
	int picker;		/* enum picker, PK_NONE when closed */
	scroller picker_scroll;

	/* results */
	char *searched_q;	/* the query the results are for (session data) */
	job *results;
	int nresults;
	long long total;
	int page;
	int load;		/* enum load, for the first page */
	int more_loading;
	int error;		/* enum tr_id of the message */
	unsigned search_tag;
	scroller list;

	/* detail */
	job detail;
	int detail_index;
	int detail_load;
	int detail_error;
	unsigned detail_tag;
	SDL_Texture *qr;
	int qr_modules;
	scroller detail_scroll;
	scroller *active_scroll; /* the one being dragged */

	/* counselling booking (part of the session) */
	int bk_step;
	struct bk_topic *bk_topics;
	int bk_ntopics;
	struct bk_cs *bk_cs;
	int bk_ncs;
	struct bk_slot *bk_slots;
	int bk_nslots;
	int bk_load;		/* slots: enum load */
	int bk_topic, bk_counselor; /* indexes; counselor -1 = anyone */
	int bk_day, bk_slot;
	time_t bk_taken;		/* start of a slot lost to someone else, 0 for none */
	hin *bk_name, *bk_phone;
	int bk_consent;
	char bk_code[16];
	char bk_key[40];
	unsigned bk_tag, bk_topics_tag, bk_cs_tag, bk_slots_tag;
	int bk_error;		/* enum tr_id, 0 for none */
	int bk_queued;		/* the code shown is a queued request's reference */

	/* looking up or cancelling a booking (steps BK_LOOKUP, BK_LOOKED) */
	hin *lk_code, *lk_digits;
	unsigned lk_tag;
	int lk_busy;		/* a request is out */
	int lk_error;		/* enum tr_id, 0 for none */
	int lk_status;		/* enum tr_id of the booking's status */
	int lk_sure;		/* cancel was tapped once */
	int lk_done;		/* cancelled just now */
	time_t lk_start;
	char lk_counselor[64];
	char lk_topic[32];

	/* interview practice: the catalogue (not personal) and its files */
	struct media_item *media;
	int nmedia;
	int media_load;		/* enum load */
	unsigned media_tag;
	mcache *mc;
	int pr_msg;		/* enum tr_id of a note on the practice screen, 0 none */

	/* the player (part of the session); libvlc starts the first time someone
	 * opens the practice screen */
	ply *player;
	void (*notify)(void *);
	void *notify_ctx;
	int pl_index;		/* media open, -1 none */
	unsigned pl_tag;	/* of the verification asked for */
	int pl_checking;	/* the file is being verified */
	int pl_error;		/* enum tr_id, 0 none */
	vtt pl_vtt;
	int pl_captions;	/* captions shown */
	int pl_q;		/* questions asked so far */
	int pl_asking;		/* the question pl_q - 1 is on screen */
	int64_t pl_ask_since;	/* kiosk clock ms */
	sph_view pl_view;
	int pl_drag;		/* 1 turning the 360 view, 2 scrubbing the progress bar */
	ui_rect pl_video, pl_seek; /* where the picture and the progress bar are */
	int pl_vr;		/* the open video is 360 */

	/* the outbox of bookings made offline */
	outbox *obx;
	int outbox_pending;
	int64_t obx_next;	/* kiosk clock ms of the next delivery attempt */
	int64_t obx_backoff;

	/* code lists */
	codeitem *regions, *categories;
	int nregions, ncategories;
	int regions_load, categories_load;

	/* idle */
	int64_t last_input;	/* kiosk clock ms */
	int idle_dialog;
	int64_t idle_since;

	/* network state and the offline cache */
	int online;
	int64_t last_net_ok;
	syncer *sync;
	int64_t next_sync;	/* kiosk clock ms */
	int64_t sync_backoff;	/* ms, doubles on failure */
	int sync_running;
	int64_t disk_full_until;	/* kiosk clock ms: no probes until then (disk full) */
	double last_probe;	/* real ms of the last on-demand sync (connectivity probe) */
	double probe_due;	/* real ms when a held-back probe may run, 0 for none */
	time_t cache_time;	/* the cache's data is as of this wall time, 0 unknown */
	long long cache_jobs;

	/* automation */
	struct pending_wait waits[WAITS_MAX];
	int nwaits;
	ctl_cmd *queued[64];	/* commands held behind a wait of the same client */
	int nqueued;

	unsigned long frames;
	/* frame build+draw times in ms, for the stats command (benchmarks) */
	float frame_ms[4096];
	int nframe_ms;
};

/* screens.c */
void scr_build(app *a);
const char *scr_name(int screen);

/* app.c helpers screens use */
const char *app_code_name(const app *a, const codeitem *c);
void app_salary_text(const app *a, const job *j, char *out, size_t n);
void app_deadline_text(const app *a, const job *j, char *out, size_t n);
const char *app_enum_text(const app *a, int kind, int value);
int app_today(const app *a);
int app_bk_person_ok(app *a);
/* The typed look-up code as the service stores it (upper case, no spaces or
 * dashes) into out; 0 if it cannot be one. */
int app_lookup_code(app *a, char *out, size_t n);
/* The look-up form holds a possible code and four digits. */
int app_lookup_ok(app *a);
/* Goes to a screen (remembered for "back"). */
void app_go(app *a, int screen);

/* practice.c */
void prac_on_media(app *a, json_object *o);
void prac_open(app *a, int index);
void prac_on_verified(app *a, mc_verified *v);
void prac_close(app *a);
void prac_free(app *a);
int prac_tick(app *a);
int prac_playing(const app *a);
void prac_action(app *a, int action, int arg);
int prac_drag(app *a, int phase, float x, float y, float dx, float dy);
void prac_pinch(app *a, float ddist);
void prac_draw(app *a, SDL_Renderer *r, SDL_Rect dst);
json_object *prac_state_json(app *a);

#endif
