/*
 * bench_kiosk - the kiosk's speed and memory (issue [B]), headless against a local
 * jobcenter:
 *	- exec to the first complete frame of the home screen;
 *	- search tap to results on screen (cold and warm server cache);
 *	- frame times during scripted flings over 1,000 results at 1080x1920;
 *	- peak RSS, and RSS growth over 200 search sessions ended by idle resets.
 *
 *	bench_kiosk KIOSK JOBCENTER DATA_DIR
 *	bench_kiosk KIOSK JOBCENTER DATA_DIR --player MEDIA_DIR    (issue [E])
 *
 * The player mode plays the sample videos (scripts/make-media) without their
 * question pauses: time from the tap to the first frame on screen, CPU time of
 * the kiosk per frame shown, and frames dropped (decoded but never shown, or
 * dropped late by libvlc), for the flat 1080p30 clip and the 2880x1440 360 clip
 * viewed at 1080x1920.
 *
 * Not a test: prints figures for docs/benchmarks.md.
 */
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *kiosk_bin, *jc_bin, *data;
static char token[128], cfgpath[256], sockpath[256];
static int port;
static pid_t server;

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, int p)
{
	qsort(v, (size_t)n, sizeof(double), cmpd);
	return v[(n - 1) * p / 100];
}

static void start_server(void)
{
	int pfd[2];
	char line[256];
	FILE *f;
	if (pipe(pfd) < 0)
		exit(1);
	if ((server = fork()) == 0) {
		dup2(pfd[1], 1);
		execl(jc_bin, jc_bin, "serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level",
		      "warn", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!fgets(line, sizeof(line), f))
		exit(1);
	port = (int)strtol(strstr(line, "127.0.0.1:") + 10, NULL, 10);
	fclose(f);
}

struct k {
	pid_t pid;
	int fd;
	FILE *in;
};

static void kstart(struct k *k, int fake_clock)
{
	struct sockaddr_un sa = {0};
	unlink(sockpath);
	if ((k->pid = fork()) == 0) {
		char logp[300];
		snprintf(logp, sizeof(logp), "%s.log", sockpath);
		if (!freopen(logp, "a", stderr))
			_exit(126);
		if (fake_clock)
			execl(kiosk_bin, kiosk_bin, "--config", cfgpath, "--headless", "--size", "1080x1920",
			      "--control", sockpath, "--fake-clock", (char *)NULL);
		else
			execl(kiosk_bin, kiosk_bin, "--config", cfgpath, "--headless", "--size", "1080x1920",
			      "--control", sockpath, (char *)NULL);
		_exit(127);
	}
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sockpath, strlen(sockpath) + 1);
	for (int i = 0; i < 400; i++) {
		k->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(k->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(k->fd);
		k->fd = -1;
		usleep(10000);
	}
	if (k->fd < 0)
		exit(1);
	k->in = fdopen(dup(k->fd), "r");
}

static void kstop(struct k *k)
{
	fclose(k->in);
	close(k->fd);
	kill(k->pid, SIGTERM);
	waitpid(k->pid, NULL, 0);
}

static json_object *cmd(struct k *k, const char *fmt, ...)
{
	char line[2048], *resp = NULL;
	size_t cap = 0, n;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n] = '\n';
	if (write(k->fd, line, n + 1) != (ssize_t)(n + 1) || getline(&resp, &cap, k->in) <= 0) {
		fprintf(stderr, "bench_kiosk: kiosk went away\n");
		exit(1);
	}
	json_object *o = json_tokener_parse(resp);
	free(resp);
	return o;
}

static int okc(struct k *k, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	json_object *o, *v;
	int ok;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o = cmd(k, "%s", line);
	ok = json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v);
	if (!ok)
		fprintf(stderr, "bench_kiosk: %s -> %s\n", line, json_object_to_json_string(o));
	json_object_put(o);
	return ok;
}

static long rss_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtol(line + strlen(field) + 1, NULL, 10);
	fclose(f);
	return v;
}

static void first_frame(void)
{
	double t[15];
	for (int r = 0; r < 15; r++) {
		int pfd[2];
		char line[512];
		double t0;
		FILE *f;
		pid_t pid;
		if (pipe(pfd) < 0)
			exit(1);
		t0 = mono_ms();
		if ((pid = fork()) == 0) {
			dup2(pfd[1], 2);
			execl(kiosk_bin, kiosk_bin, "--config", cfgpath, "--headless", "--size",
			      "1080x1920", (char *)NULL);
			_exit(127);
		}
		close(pfd[1]);
		f = fdopen(pfd[0], "r");
		t[r] = -1;
		while (fgets(line, sizeof(line), f)) {
			char *p = strstr(line, "event=first_frame mono_us=");
			if (p) {
				t[r] = strtod(p + 26, NULL) / 1000.0 - t0;
				break;
			}
		}
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		fclose(f);
	}
	printf("exec to first frame (home, 1080x1920, software): p50 %.1f ms, max %.1f ms (15 runs)\n",
	       pct(t, 15, 50), pct(t, 15, 100));
}

static const char *const queries[] = {"간호", "사무", "물류", "조리", "바리스타", "요양보호사",
				      "간호조무사", "영업", "경비", "보조", "판매", "디자이너",
				      "개발자", "청소", "택배", "생산", "강사", "사회복지사",
				      "상하차", "포장"};

static void search_latency(struct k *k)
{
	double cold[20], warm[20];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 20; i++) {
			double t0;
			okc(k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
			okc(k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
			okc(k, "{\"cmd\": \"tap\", \"id\": \"search.clear\"}");
			okc(k, "{\"cmd\": \"type\", \"text\": \"%s\"}", queries[i]);
			t0 = mono_ms();
			okc(k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
			/* the title shows with the first page, also for no results */
			okc(k, "{\"cmd\": \"wait\", \"id\": \"results.title\", \"timeout_ms\": 10000}");
			(round ? warm : cold)[i] = mono_ms() - t0;
		}
	}
	printf("search tap to results on screen, 100k jobs: first time p50 %.1f ms p95 %.1f ms; "
	       "repeated p50 %.1f ms p95 %.1f ms (20 queries)\n",
	       pct(cold, 20, 50), pct(cold, 20, 95), pct(warm, 20, 50), pct(warm, 20, 95));
}

static void fling(struct k *k)
{
	json_object *o, *v;
	int results = 0, swipes = 0;
	okc(k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	okc(k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	okc(k, "{\"cmd\": \"tap\", \"id\": \"search.clear\"}");
	okc(k, "{\"cmd\": \"type\", \"text\": \"사\"}");
	okc(k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	okc(k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 10000}");
	o = cmd(k, "{\"cmd\": \"stats\", \"reset\": true}");
	json_object_put(o);
	while (results < 1000 && swipes < 400) {
		okc(k, "{\"cmd\": \"swipe\", \"from\": [540, 1600], \"to\": [540, 500], \"ms\": 120}");
		usleep(400000);
		swipes++;
		o = cmd(k, "{\"cmd\": \"stats\"}");
		json_object_object_get_ex(o, "results", &v);
		results = json_object_get_int(v);
		json_object_put(o);
	}
	o = cmd(k, "{\"cmd\": \"stats\"}");
	printf("flings over %d results (%d swipes), 1080x1920 software renderer: ", results, swipes);
	json_object_object_get_ex(o, "frames", &v);
	printf("%d frames, ", json_object_get_int(v));
	json_object_object_get_ex(o, "frame_ms_p50", &v);
	printf("frame p50 %.2f ms, ", json_object_get_double(v));
	json_object_object_get_ex(o, "frame_ms_p99", &v);
	printf("p99 %.2f ms, ", json_object_get_double(v));
	json_object_object_get_ex(o, "frame_ms_max", &v);
	printf("max %.2f ms\n", json_object_get_double(v));
	json_object_put(o);
}

static void sessions(void)
{
	struct k k;
	long at10 = 0;
	kstart(&k, 1);
	for (int s = 1; s <= 200; s++) {
		okc(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
		okc(&k, "{\"cmd\": \"type\", \"text\": \"%s\"}", queries[s % 20]);
		okc(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
		okc(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 10000}");
		okc(&k, "{\"cmd\": \"tap\", \"id\": \"results.item.0\"}");
		okc(&k, "{\"cmd\": \"wait\", \"id\": \"detail.company\", \"timeout_ms\": 10000}");
		okc(&k, "{\"cmd\": \"advance\", \"ms\": 91000}"); /* the warning */
		okc(&k, "{\"cmd\": \"advance\", \"ms\": 20000}"); /* its countdown */
		okc(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 2000}");
		if (s == 10)
			at10 = rss_kb(k.pid, "VmRSS:");
	}
	long at200 = rss_kb(k.pid, "VmRSS:");
	printf("RSS after 10 sessions %ld KiB, after 200 %ld KiB: growth %ld KiB; peak (VmHWM) %ld "
	       "KiB\n",
	       at10, at200, at200 - at10, rss_kb(k.pid, "VmHWM:"));
	kstop(&k);
}

static double cpu_ms(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		char *p = strrchr(buf, ')'); /* fields after the command name */
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
			ut = st = 0;
	}
	fclose(f);
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double pnum(json_object *p, const char *k)
{
	json_object *v;
	return p && json_object_object_get_ex(p, k, &v) ? json_object_get_double(v) : 0;
}

/* The player's state object, or NULL (you own *st). */
static json_object *pstate(struct k *k, json_object **st)
{
	json_object *p;
	*st = cmd(k, "{\"cmd\": \"state\"}");
	return json_object_object_get_ex(*st, "player", &p) && json_object_get_type(p) == json_type_object
		       ? p
		       : NULL;
}

static int item_ready(struct k *k, int i)
{
	json_object *t = cmd(k, "{\"cmd\": \"tree\"}"), *nodes, *v;
	char id[32];
	int ready = 0;
	snprintf(id, sizeof(id), "practice.item.%d", i);
	json_object_object_get_ex(t, "nodes", &nodes);
	for (size_t n = 0; n < json_object_array_length(nodes); n++) {
		json_object *nd = json_object_array_get_idx(nodes, n);
		if (json_object_object_get_ex(nd, "id", &v) && strcmp(json_object_get_string(v), id) == 0 &&
		    json_object_object_get_ex(nd, "label", &v))
			ready = strstr(json_object_get_string(v), "바로 볼 수") != NULL;
	}
	json_object_put(t);
	return ready;
}

static void player_bench(const char *media_src)
{
	struct k k;
	char path[512], line[1024];
	FILE *f;
	static const char *const files[] = {"int-basic-01.mp4", "int-vr-01.mp4"};
	char abs[PATH_MAX];
	if (!realpath(media_src, abs)) {
		fprintf(stderr, "bench_kiosk: %s: no such folder (scripts/make-media)\n", media_src);
		exit(1);
	}
	media_src = abs;
	/* the sample videos, served without their question pauses */
	snprintf(path, sizeof(path), "%s/media", data);
	mkdir(path, 0755);
	for (int i = 0; i < 2; i++) {
		char src[PATH_MAX + 64], dst[PATH_MAX + 64];
		snprintf(src, sizeof(src), "%s/%s", media_src, files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", path, files[i]);
		unlink(dst);
		if (symlink(src, dst) < 0)
			exit(1);
	}
	snprintf(line, sizeof(line), "%s/media.json", path);
	f = fopen(line, "w");
	fprintf(f, "{\"items\": [{\"id\": \"flat\", \"title_ko\": \"평면\", \"title_en\": \"flat\","
		   " \"kind\": \"flat\", \"file\": \"%s\", \"duration_s\": 20},"
		   " {\"id\": \"vr\", \"title_ko\": \"360\", \"title_en\": \"360\", \"kind\": \"vr360\","
		   " \"file\": \"%s\", \"duration_s\": 12}]}\n", files[0], files[1]);
	fclose(f);
	kstart(&k, 0);
	okc(&k, "{\"cmd\": \"tap\", \"id\": \"home.practice\"}");
	for (int t = 0; !(item_ready(&k, 0) && item_ready(&k, 1)); t++) {
		if (t == 600) {
			fprintf(stderr, "bench_kiosk: the videos never reached the kiosk\n");
			exit(1);
		}
		usleep(100000);
	}
	for (int item = 0; item < 2; item++) {
		enum { R = 5 };
		double first[R], cpu[R], drop[R], fps[R];
		for (int r = 0; r < R; r++) {
			json_object *st, *p;
			double t0 = mono_ms(), tf = 0, c0 = 0, f0 = 0, d0 = 0, l0 = 0;
			okc(&k, "{\"cmd\": \"tap\", \"id\": \"practice.item.%d\"}", item);
			for (;;) { /* the first frame on screen */
				p = pstate(&k, &st);
				double shown = pnum(p, "frames_shown");
				json_object_put(st);
				if (shown >= 1) {
					tf = mono_ms();
					break;
				}
				if (mono_ms() - t0 > 5000)
					break;
				usleep(1000);
			}
			if (!tf) {
				fprintf(stderr, "bench_kiosk: no frame within 5 s\n");
				exit(1);
			}
			first[r] = tf - t0;
			usleep(500000); /* steady state */
			p = pstate(&k, &st);
			c0 = cpu_ms(k.pid);
			f0 = pnum(p, "frames_shown");
			d0 = pnum(p, "frames_decoded");
			l0 = pnum(p, "frames_lost");
			json_object_put(st);
			double tstart = mono_ms();
			usleep(item ? 8000000 : 12000000);
			p = pstate(&k, &st);
			double f1 = pnum(p, "frames_shown") - f0, d1 = pnum(p, "frames_decoded") - d0;
			double l1 = pnum(p, "frames_lost") - l0;
			cpu[r] = f1 > 0 ? (cpu_ms(k.pid) - c0) / f1 : 0;
			drop[r] = d1 > 0 ? 100.0 * ((d1 - f1 > 0 ? d1 - f1 : 0) + l1) / (d1 + l1) : 100;
			fps[r] = f1 * 1000.0 / (mono_ms() - tstart);
			json_object_put(st);
			okc(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
			okc(&k, "{\"cmd\": \"wait\", \"screen\": \"practice\", \"timeout_ms\": 5000}");
			usleep(300000);
		}
		printf("player %s: tap->first frame p50 %.0f ms (max %.0f); CPU per frame p50 %.2f ms;"
		       " dropped p50 %.2f%% (max %.2f%%); shown %.1f fps\n",
		       item ? "360 2880x1440 at 1080x1920" : "flat 1920x1080p30", pct(first, R, 50),
		       pct(first, R, 100), pct(cpu, R, 50), pct(drop, R, 50), pct(drop, R, 100),
		       pct(fps, R, 50));
	}
	kstop(&k);
}

int main(int argc, char **argv)
{
	struct k k;
	char line[256];
	FILE *p;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4 && !(argc == 6 && strcmp(argv[4], "--player") == 0)) {
		fprintf(stderr, "usage: bench_kiosk KIOSK JOBCENTER DATA_DIR [--player MEDIA_DIR]\n");
		return 2;
	}
	kiosk_bin = argv[1];
	jc_bin = argv[2];
	data = argv[3];
	snprintf(line, sizeof(line), "%s token issue --data %s --kiosk bench-kiosk", jc_bin, data);
	if (!(p = popen(line, "r")) || !fgets(token, sizeof(token), p))
		return 1;
	pclose(p);
	token[strcspn(token, "\n")] = '\0';
	start_server();
	snprintf(cfgpath, sizeof(cfgpath), "/tmp/bench-kiosk-%d.json", (int)getpid());
	snprintf(sockpath, sizeof(sockpath), "/tmp/bench-kiosk-%d.sock", (int)getpid());
	FILE *f = fopen(cfgpath, "w");
	/* the kiosk as deployed: with its offline cache, synced from the 100k service
	 * before the measurements start */
	char cachedir[128];
	snprintf(cachedir, sizeof(cachedir), "/tmp/bench-kiosk-cache-%d", (int)getpid());
	fprintf(f, "{\"api_url\": \"http://127.0.0.1:%d/\", \"device_token\": \"%s\", "
		   "\"cache_dir\": \"%s\"}\n",
		port, token, cachedir);
	fclose(f);

	if (argc == 6) {
		player_bench(argv[5]);
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
		return 0;
	}
	first_frame();
	kstart(&k, 0);
	/* the first full sync of the offline cache */
	{
		double t0 = mono_ms();
		for (int i = 0; i < 600; i++) {
			json_object *st = cmd(&k, "{\"cmd\": \"state\"}"), *v;
			int ready = json_object_object_get_ex(st, "cache_updated_at", &v) &&
				    json_object_get_type(v) == json_type_string;
			json_object_put(st);
			if (ready)
				break;
			usleep(250000);
		}
		char logp[300], sl[512], cmdl[400];
		snprintf(logp, sizeof(logp), "%s.log", sockpath);
		snprintf(cmdl, sizeof(cmdl), "grep 'event=sync ok=1' %s | head -1", logp);
		FILE *lp = popen(cmdl, "r");
		sl[0] = 0;
		if (lp && fgets(sl, sizeof(sl), lp))
			sl[strcspn(sl, "\n")] = 0;
		if (lp)
			pclose(lp);
		printf("full sync of the offline cache: ready after %.1f s; %s\n",
		       (mono_ms() - t0) / 1000, strstr(sl, "upserts") ? strstr(sl, "upserts") : sl);
	}
	search_latency(&k);
	fling(&k);
	printf("peak RSS (VmHWM) after searches and flings: %ld KiB\n", rss_kb(k.pid, "VmHWM:"));
	kstop(&k);
	sessions();
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	unlink(cfgpath);
	return 0;
}
