/*
 * console.h - the counsellors' web console, served by the service under /console:
 * server-rendered HTML (no scripts at all), usable on a tablet and with a keyboard.
 *
 * Pages: log-in, the day and week schedule, one booking (attended, no-show,
 * cancel with a reason), weekly availability and exceptions, the follow-up list,
 * CSV export, the account (password, calendar feed), and for admins the accounts
 * page that creates counsellors. docs/console.md describes them.
 *
 * Security: webauth.h sessions in a cookie "jc_session" (HttpOnly, SameSite=Strict,
 * Path=/console, Secure when the request came over TLS); every POST carries the
 * session's CSRF token and, when the browser sends one, an Origin matching Host;
 * the log-in form has its own pre-session token (a double-submit cookie). Pages
 * are sent with a Content-Security-Policy that allows no script, no framing and
 * forms only to this origin, and with Cache-Control: no-store (they show names and
 * phone numbers). Counsellors see and change only their own bookings; admins see
 * everyone's. Log lines never carry form contents.
 */
#ifndef JC_CONSOLE_H
#define JC_CONSOLE_H

#include "server.h"

/* The console's routes (handlers take the api_app of api.h); *n receives the count. */
const srv_route *console_routes(size_t *n);

#endif
