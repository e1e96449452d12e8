/*
 * kiosk - the youth job kiosk's touch application.
 *
 * A young jobseeker at a library touches this. It searches job listings on the
 * Job Support Center API (docs/api/jobcenter-api-v1.md), and will book counselling
 * and play interview videos. How it fits together:
 *
 * One UI thread owns SDL. It sleeps in SDL_WaitEventTimeout until something
 * happens, so an untouched kiosk uses no CPU. Everything that waits runs on other
 * threads and comes back as SDL events: API requests (net.c, libcurl) and the
 * automation socket's commands (ctl.c). The application (app.c) keeps the session
 * and the screen state; on any change, screens.c rebuilds a tree of accessible
 * nodes (ui.c) from the state, render.c draws it, and the same tree answers the
 * automation socket, hit-tests touches and carries keypad focus. Input arrives as
 * SDL finger or mouse events, never both for one touch, and input.c turns them into
 * taps, drags, flings and long presses. Text goes through libhangul (hangul.c) and
 * SDL_ttf with a texture cache (text.c). The session (typed text, filters,
 * results) is wiped when idle, and all of it is zeroed.
 *
 * Modes: a window (development), fullscreen (KMSDRM in production), or --headless:
 * a software renderer drawing into memory, with identical behaviour, for tests.
 */
#include <SDL2/SDL.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "kconf.h"
#include "log.h"
#include "sdnotify.h"
#include "util.h"
#include "voice.h"
#include "wake.h"

static int fail(const char *msg, const char *detail)
{
	fprintf(stderr, "kiosk: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
	return 1;
}

int main(int argc, char **argv)
{
	kconf cfg;
	char err[512];
	SDL_Window *win = NULL;
	SDL_Renderer *ren = NULL;
	SDL_Surface *surf = NULL;
	clk *clock;
	wake *wk = NULL;
	app *a;
	int w, h, rc;
	uint32_t ev;

	/* before any thread starts (voice.h) */
	if (vc_prepare_locale() < 0)
		fprintf(stderr, "kiosk: no C.UTF-8 locale; voice guidance may be unsafe\n");

	kconf_init(&cfg);
	rc = kconf_parse(&cfg, argc - 1, argv + 1, err, sizeof(err));
	if (rc != 0) {
		kconf_release(&cfg);
		return rc > 0 ? 0 : fail(err, NULL) + 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Few threads, little memory: glibc's default of 8 arenas per core lets each
	 * worker keep its own heap's high-water mark. */
	mallopt(M_ARENA_MAX, 2);
	/* text textures (50-500 KB each) come and go: from mmap, so a freed one goes
	 * back to the system instead of fragmenting the heap */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	if (cfg.log_level) {
		enum log_level lv;
		if (log_parse_level(cfg.log_level, &lv) == 0)
			log_set_level(lv);
	}
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "0");

	if (cfg.headless) {
		/* No display at all: events and timers only, drawing into a surface. */
		if (SDL_Init(SDL_INIT_EVENTS | SDL_INIT_TIMER) < 0)
			return fail("SDL_Init", SDL_GetError());
		w = cfg.width ? cfg.width : 1080;
		h = cfg.height ? cfg.height : 1920;
		surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
		if (!surf || !(ren = SDL_CreateSoftwareRenderer(surf)))
			return fail("software renderer", SDL_GetError());
	} else {
		const char *drv;
		if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS | SDL_INIT_TIMER) < 0)
			return fail("no display (use --headless for tests)", SDL_GetError());
		drv = SDL_GetCurrentVideoDriver();
		/* SDL falls back to these silently when no display opens: a kiosk that
		 * draws to nowhere must not pretend to run. */
		if (!drv || strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0) {
			SDL_Quit();
			return fail("no display: SDL chose the video driver",
				    drv ? drv : "(none)");
		}
		SDL_DisplayMode dm;
		if (SDL_GetDesktopDisplayMode(0, &dm) < 0)
			dm.w = 1080, dm.h = 1920;
		w = cfg.width ? cfg.width : dm.w;
		h = cfg.height ? cfg.height : dm.h;
		win = SDL_CreateWindow("청년 일자리 키오스크", SDL_WINDOWPOS_CENTERED,
				       SDL_WINDOWPOS_CENTERED, w, h,
				       cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
		if (!win)
			return fail("window", SDL_GetError());
		ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
		if (!ren)
			ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
		if (!ren)
			return fail("renderer", SDL_GetError());
		SDL_GetRendererOutputSize(ren, &w, &h);
		if (cfg.fullscreen)
			SDL_ShowCursor(SDL_DISABLE);
		SDL_StartTextInput();
	}
	SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
	ev = SDL_RegisterEvents(2);
	if (ev == (uint32_t)-1)
		return fail("SDL_RegisterEvents", SDL_GetError());
	clock = clk_create(cfg.fake_clock, cfg.fake_clock ? cfg.now : 0);
	wk = cfg.headless ? wake_create() : NULL;
	a = app_create(&cfg, ren, w, h, clock, ev, wk ? (void (*)(void *))wake_signal : NULL, wk, err,
		       sizeof(err));
	if (!a) {
		rc = fail(err, NULL);
		goto out;
	}
	app_frame(a);
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		/* system-wide monotonic time, so a benchmark can subtract its exec time */
		log_info("first_frame", "mono_us=%lld", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	}
	sdn_notify("READY=1");
	/* systemd's watchdog: fed from this loop, so a wedged UI thread is restarted */
	double wd = sdn_watchdog_interval() * 1000 / 2, next_wd = 0;
	while (!app_should_quit(a)) {
		SDL_Event e;
		if (wd > 0 && util_now_ms() >= next_wd) {
			sdn_notify("WATCHDOG=1");
			next_wd = util_now_ms() + wd;
		}
		if (wk) {
			/* headless: SDL cannot block without a video driver; our pipe can */
			if (!SDL_PollEvent(&e)) {
				wake_wait(wk, app_timeout_ms(a));
				if (!SDL_PollEvent(&e))
					e.type = 0;
			}
			if (e.type) {
				app_event(a, &e);
				while (SDL_PollEvent(&e))
					app_event(a, &e);
			}
		} else if (SDL_WaitEventTimeout(&e, app_timeout_ms(a))) {
			app_event(a, &e);
			while (SDL_PollEvent(&e))
				app_event(a, &e);
		}
		app_tick(a);
		app_frame(a);
	}
	rc = 0;
out:
	app_destroy(a);
	wake_destroy(wk);
	clk_destroy(clock);
	SDL_DestroyRenderer(ren);
	if (surf)
		SDL_FreeSurface(surf);
	if (win)
		SDL_DestroyWindow(win);
	SDL_Quit();
	kconf_release(&cfg);
	return rc;
}
