/*
 * voice.h - spoken guidance (KS X 9211 voice output): short Korean or English
 * texts synthesized by espeak-ng on a worker thread and played through an SDL
 * audio device, so the UI thread never waits for speech.
 *
 * A new text interrupts whatever is being said (a person moving on does not want
 * to hear the last screen out). Only labels and announcements are spoken: never
 * what a person types into the booking's name and phone fields or a look-up
 * (the words of a search are read back in the results heading, as the screen
 * shows them); nothing spoken is logged.
 *
 * Create, say and stop from the main thread; vc_stats from any.
 */
#ifndef K_VOICE_H
#define K_VOICE_H

#include <stddef.h>

typedef struct voice voice;

/* Call once at the start of main(), before any thread exists: espeak-ng sets
 * LC_CTYPE to C.UTF-8 when it starts, on our speech thread, and setlocale() is
 * not thread-safe (it frees locale data other threads may be reading). Setting
 * it first makes espeak-ng's call a no-op. Returns -1 when C.UTF-8 is missing. */
int vc_prepare_locale(void);

/* Starts the speech thread (espeak-ng loads its data there: this returns at
 * once). audio = 0 synthesizes without playing (headless tests still see what
 * would be said and that sound was made). Returns NULL with err when no thread
 * can be made or vc_prepare_locale() has not run; vc_stats.failed says when
 * espeak-ng could not start. */
voice *vc_start(int audio, char *err, size_t errlen);
void vc_stop(voice *v);

/* Says text (copied) in lang ("ko" or "en"), cutting off what was being said. */
void vc_say(voice *v, const char *text, const char *lang);
/* Stops speaking and forgets what was waiting (a session ends). */
void vc_hush(voice *v);

typedef struct vc_stats {
	char last[512];		/* the last text handed to the synthesizer */
	long long utterances;	/* texts synthesized completely or cut off */
	long long samples;	/* audio samples produced (16-bit mono) */
	int speaking;		/* synthesis or playback under way */
	int failed;		/* espeak-ng could not start (its data is missing) */
} vc_stats;
void vc_get_stats(voice *v, vc_stats *out);
/* 1 while a text waits, or synthesis or playback is under way (vc_stats.speaking
 * and the text not yet picked up, without the copy); 0 for NULL. */
int vc_speaking(voice *v);

#endif
