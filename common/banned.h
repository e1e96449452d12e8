/*
 * banned.h - functions this project does not use, made into compile errors.
 *
 * Force-included into every translation unit of ours by CMake (-include), after the
 * system headers that declare them, so the declarations themselves are untouched.
 * Use the bounded replacements instead: snprintf / buf_printf for formatting,
 * memcpy with explicit lengths or xstrdup, strtol via util_parse_long, strtok_r.
 * After git's banned.h.
 */
#ifndef JK_BANNED_H
#define JK_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gets
#define gets(x) BANNED(gets)

#endif
