/*
 * voice.c - spoken guidance through espeak-ng (voice.h).
 *
 * espeak-ng is not thread-safe and its synchronous mode runs in the caller: one
 * worker thread owns it. The synthesis callback hands samples to SDL's audio queue
 * and aborts when a newer text is waiting.
 */
#include <SDL2/SDL.h>
#include <espeak-ng/speak_lib.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>

#include "util.h"
#include "voice.h"

struct voice {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char pending[512], lang[4];
	int has_pending, quit, hushed;
	SDL_AudioDeviceID dev; /* 0: no playback */
	vc_stats st;
};

int vc_prepare_locale(void)
{
	/* the very string espeak-ng passes: glibc returns at once for the same name */
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

/* espeak calls this with each piece of audio; non-zero stops the synthesis. */
static int on_samples(short *wav, int n, espeak_EVENT *ev)
{
	voice *v = ev ? ev->user_data : NULL;
	int stop;
	if (!v)
		return 0;
	/* queued under the lock, so that vc_hush's clearing cannot come between the
	 * check and the queueing (the next person must not hear the last one's) */
	pthread_mutex_lock(&v->mu);
	stop = v->has_pending || v->quit || v->hushed;
	if (!stop && wav && n > 0) {
		v->st.samples += n;
		if (v->dev)
			SDL_QueueAudio(v->dev, wav, (Uint32)n * sizeof(short));
	}
	pthread_mutex_unlock(&v->mu);
	return stop;
}

static void *worker(void *arg)
{
	voice *v = arg;
	char text[512], lang[4] = "";
	int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100, NULL, 0);
	pthread_mutex_lock(&v->mu);
	v->st.failed = rate <= 0;
	pthread_mutex_unlock(&v->mu);
	if (rate <= 0) { /* no data: nothing to say, ever (the state tells) */
		pthread_mutex_lock(&v->mu);
		while (!v->quit)
			pthread_cond_wait(&v->cv, &v->mu);
		pthread_mutex_unlock(&v->mu);
		return NULL;
	}
	espeak_SetSynthCallback(on_samples);
	espeak_SetParameter(espeakRATE, 165, 0);
	for (;;) {
		pthread_mutex_lock(&v->mu);
		while (!v->has_pending && !v->quit)
			pthread_cond_wait(&v->cv, &v->mu);
		if (v->quit) {
			pthread_mutex_unlock(&v->mu);
			break;
		}
		memcpy(text, v->pending, sizeof(text));
		util_wipe(v->pending, sizeof(v->pending));
		v->has_pending = 0;
		v->hushed = 0;
		v->st.speaking = 1;
		snprintf(v->st.last, sizeof(v->st.last), "%s", text);
		int new_lang = strcmp(lang, v->lang) != 0;
		snprintf(lang, sizeof(lang), "%s", v->lang);
		pthread_mutex_unlock(&v->mu);
		if (new_lang)
			espeak_SetVoiceByName(lang);
		if (v->dev)
			SDL_ClearQueuedAudio(v->dev);
		espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, v);
		pthread_mutex_lock(&v->mu);
		v->st.utterances++;
		v->st.speaking = v->dev && SDL_GetQueuedAudioSize(v->dev) > 0;
		pthread_mutex_unlock(&v->mu);
	}
	espeak_Terminate();
	return NULL;
}

voice *vc_start(int audio, char *err, size_t errlen)
{
	const char *lc = setlocale(LC_CTYPE, NULL);
	if (!lc || strcmp(lc, "C.UTF-8") != 0) {
		snprintf(err, errlen, "voice: vc_prepare_locale() was not called at start");
		return NULL;
	}
	voice *v = xcalloc(1, sizeof(*v));
	pthread_mutex_init(&v->mu, NULL);
	pthread_cond_init(&v->cv, NULL);
	/* the device first: espeak-ng always speaks at 22050 Hz; it loads its data
	 * on the worker, so the caller never waits for the disk */
	if (audio && SDL_InitSubSystem(SDL_INIT_AUDIO) == 0) {
		SDL_AudioSpec want = {0}, have;
		want.freq = 22050;
		want.format = AUDIO_S16SYS;
		want.channels = 1;
		want.samples = 1024;
		v->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
		if (v->dev)
			SDL_PauseAudioDevice(v->dev, 0);
	}
	if (pthread_create(&v->th, NULL, worker, v) != 0) {
		snprintf(err, errlen, "voice: no thread");
		if (v->dev)
			SDL_CloseAudioDevice(v->dev);
		free(v);
		return NULL;
	}
	return v;
}

void vc_stop(voice *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	v->quit = 1;
	pthread_cond_broadcast(&v->cv);
	pthread_mutex_unlock(&v->mu);
	pthread_join(v->th, NULL);
	if (v->dev)
		SDL_CloseAudioDevice(v->dev);
	pthread_mutex_destroy(&v->mu);
	pthread_cond_destroy(&v->cv);
	util_wipe(v, sizeof(*v));
	free(v);
}

void vc_say(voice *v, const char *text, const char *lang)
{
	if (!v || !text || !*text)
		return;
	pthread_mutex_lock(&v->mu);
	snprintf(v->pending, sizeof(v->pending), "%s", text);
	snprintf(v->lang, sizeof(v->lang), "%s", lang && strcmp(lang, "en") == 0 ? "en" : "ko");
	v->has_pending = 1;
	pthread_cond_broadcast(&v->cv);
	pthread_mutex_unlock(&v->mu);
}

void vc_hush(voice *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	util_wipe(v->pending, sizeof(v->pending));
	v->has_pending = 0;
	v->hushed = 1;
	v->st.last[0] = '\0';
	if (v->dev)
		SDL_ClearQueuedAudio(v->dev);
	pthread_mutex_unlock(&v->mu);
}

void vc_get_stats(voice *v, vc_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	*out = v->st;
	if (v->dev)
		out->speaking |= SDL_GetQueuedAudioSize(v->dev) > 0;
	pthread_mutex_unlock(&v->mu);
}

int vc_speaking(voice *v)
{
	int on;
	if (!v)
		return 0;
	pthread_mutex_lock(&v->mu);
	on = v->st.speaking || v->has_pending || (v->dev && SDL_GetQueuedAudioSize(v->dev) > 0);
	pthread_mutex_unlock(&v->mu);
	return on;
}
