/*
 * Access (USR-1..4): PIN login, plus the PUK on a browser not yet
 * trusted; Logout (next login PIN only) and Lock (next login PIN + PUK);
 * sessions in memory with idle and absolute expiry; CSRF tokens; and
 * brute-force limits: after 5 wrong codes from an address each further
 * attempt waits twice as long (1 s, 2 s, 4 s … up to 15 min), and at
 * most 100 wrong codes an hour are tried in all (OWASP ASVS 2.2.1).
 *
 * Codes are hashed on a worker thread (ews_code_check_run) so the loop
 * keeps serving and Green'Up keeps its period; the request is answered
 * when the check comes back.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ewsd.h"

enum {
	TOKEN_BYTES = 32,
	TOKEN_TEXT = 2 * TOKEN_BYTES + 1,
	ADDRS_MAX = 1024,      /* addresses with failures remembered */
	FREE_TRIES = 5,        /* wrong codes before delays begin */
	HOUR_LIMIT = 100,      /* wrong codes an hour, in all */
	DELAY_MAX_MS = 900000, /* the longest delay */
	PIN_TEXT = 32,
	PUK_TEXT = 48
};

struct ewsd_session {
	char id[TOKEN_TEXT];
	char csrf[TOKEN_TEXT];
	ews_user user;
	int64_t created_ms, used_ms;
	struct ewsd_session *next;
};

/* Wrong codes from one address. */
struct failures {
	char addr[64];
	unsigned int count;
	int pending;              /* a login from there is being checked */
	int64_t last_ms, next_ms; /* next_ms: no attempt before */
};

/* A login between its request and its answer. */
struct login {
	struct ewsd *d;
	struct ewsd_later later;
	char puk[PUK_TEXT];
	char browser[TOKEN_TEXT]; /* the browser's trust cookie */
	int has_puk;
	ews_code_check *check;
	int checking_puk;
	ews_user user; /* after the PIN */
	struct login *next;
};

struct ewsd_auth {
	struct ewsd_session *sessions;
	struct failures addr[ADDRS_MAX];
	size_t n_addr;
	int64_t hour[HOUR_LIMIT]; /* times of the last wrong codes, a ring */
	size_t hour_next;
	uint64_t lockouts;
	/* the hashing worker */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct login *todo, *done; /* under mu */
	int quit;
	int pipe_rd, pipe_wr;
	struct event *done_ev;
};

static void
random_token(char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char b[TOKEN_BYTES];

	if (RAND_bytes(b, sizeof(b)) != 1)
		abort(); /* no randomness: no safe session can exist */
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * TOKEN_BYTES] = 0;
}

/* Equal texts, compared in constant time for equal lengths. */
static int
same_text(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* ------------------------------------------------------------------ */
/* Cookies                                                             */

/* The value of cookie `name` in the request, copied to out. */
static int
cookie(struct evhttp_request *r, const char *name, char *out, size_t size)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(r),
	                                   "Cookie");
	size_t n = strlen(name);

	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, name, n) && p[n] == '=') {
			size_t len = strcspn(p + n + 1, ";");

			if (len >= size)
				return -1;
			memcpy(out, p + n + 1, len);
			out[len] = 0;
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

static void
set_cookie(struct evhttp_request *r, int https, const char *name,
           const char *value, long max_age)
{
	char h[256];

	snprintf(h, sizeof(h), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	         name, value, https ? "; Secure" : "",
	         max_age < 0 ? "; Max-Age=0"
	         : max_age   ? "; Max-Age=31536000"
	                     : "");
	evhttp_add_header(evhttp_request_get_output_headers(r), "Set-Cookie",
	                  h);
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */

static void
drop_session(struct ewsd_auth *a, struct ewsd_session *s)
{
	for (struct ewsd_session **p = &a->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			OPENSSL_cleanse(s, sizeof(*s));
			free(s);
			return;
		}
}

void
ewsd_auth_session(struct ewsd_req *q)
{
	struct ewsd_auth *a = q->d->auth;
	const struct ewsd_opts *o = &q->d->opts;
	char id[TOKEN_TEXT];
	struct ewsd_session *s;

	q->session = NULL;
	q->user = NULL;
	if (cookie(q->r, "ews_session", id, sizeof(id)))
		return;
	for (s = a->sessions; s; s = s->next)
		if (same_text(s->id, id))
			break;
	if (!s)
		return;
	if (q->now_ms - s->used_ms > o->idle_ms ||
	    q->now_ms - s->created_ms > o->absolute_ms) {
		drop_session(a, s);
		return;
	}
	s->used_ms = q->now_ms;
	q->session = s;
	q->user = &s->user;
}

int
ewsd_auth_csrf_ok(struct ewsd_req *q)
{
	const char *h = evhttp_find_header(
	        evhttp_request_get_input_headers(q->r), "X-CSRF-Token");

	return q->session && h && same_text(q->session->csrf, h);
}

static struct ewsd_session *
new_session(struct ewsd_auth *a, const ews_user *u, int64_t now_ms)
{
	struct ewsd_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	random_token(s->id);
	random_token(s->csrf);
	s->user = *u;
	s->created_ms = s->used_ms = now_ms;
	s->next = a->sessions;
	a->sessions = s;
	return s;
}

/* Sessions of a user see its new rights or disabling at once; with
 * `keep`, every other session of the user ends (its codes changed). */
void
ewsd_auth_user_changed(struct ewsd *d, const ews_user *u,
                       const struct ewsd_session *keep)
{
	struct ewsd_session **p = &d->auth->sessions;

	while (*p) {
		struct ewsd_session *s = *p;

		if (s->user.id == u->id &&
		    (!u->enabled || (keep && s != keep))) {
			*p = s->next;
			OPENSSL_cleanse(s, sizeof(*s));
			free(s);
			continue;
		}
		if (s->user.id == u->id)
			s->user = *u;
		p = &s->next;
	}
}

int
ewsd_auth_defaults_in_use(struct ewsd *d)
{
	int yes = 0;

	if (ews_site_user_defaults_in_use(d->site, &yes) != EWS_OK)
		ews_error_clear();
	return yes;
}

/* ------------------------------------------------------------------ */
/* Brute force                                                         */

/* The key failures are counted under: the address, or an IPv6
 * address's /64 (a host gets a whole /64: rotating inside it must not
 * escape the delays). */
static void
failure_key(const char *addr, char *key, size_t size)
{
	struct in6_addr v6;

	if (inet_pton(AF_INET6, addr, &v6) == 1 && !IN6_IS_ADDR_V4MAPPED(&v6)) {
		memset(&v6.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &v6, key, (socklen_t)size);
		return;
	}
	snprintf(key, size, "%s", addr);
}

static struct failures *
failures_of(struct ewsd_auth *a, const char *peer, int add)
{
	size_t i, oldest = 0;
	char addr[64];

	failure_key(peer, addr, sizeof(addr));

	for (i = 0; i < a->n_addr; i++) {
		if (!strcmp(a->addr[i].addr, addr))
			return &a->addr[i];
		if (a->addr[i].last_ms < a->addr[oldest].last_ms)
			oldest = i;
	}
	if (!add)
		return NULL;
	i = a->n_addr < ADDRS_MAX ? a->n_addr++ : oldest;
	memset(&a->addr[i], 0, sizeof(a->addr[i]));
	snprintf(a->addr[i].addr, sizeof(a->addr[i].addr), "%s", addr);
	return &a->addr[i];
}

/* Wrong codes in the last hour, in all. */
static size_t
hour_failures(const struct ewsd_auth *a, int64_t now_ms)
{
	size_t n = 0;

	for (size_t i = 0; i < HOUR_LIMIT; i++)
		n += a->hour[i] && now_ms - a->hour[i] < 3600000;
	return n;
}

/* 0, or the ms to wait before the next attempt. */
static int64_t
wait_ms(struct ewsd_auth *a, const char *addr, int64_t now_ms)
{
	struct failures *f = failures_of(a, addr, 0);
	int64_t oldest = now_ms;

	if (hour_failures(a, now_ms) >= HOUR_LIMIT) {
		for (size_t i = 0; i < HOUR_LIMIT; i++)
			if (a->hour[i] && a->hour[i] < oldest)
				oldest = a->hour[i];
		return oldest + 3600000 - now_ms;
	}
	if (f && f->pending)
		return 1000; /* one login at a time from an address */
	return f && f->next_ms > now_ms ? f->next_ms - now_ms : 0;
}

static void
count_failure(struct ewsd *d, const char *addr, int64_t now_ms)
{
	struct ewsd_auth *a = d->auth;
	struct failures *f = failures_of(a, addr, 1);
	int64_t delay;

	a->hour[a->hour_next] = now_ms;
	a->hour_next = (a->hour_next + 1) % HOUR_LIMIT;
	if (now_ms - f->last_ms > 3600000)
		f->count = 0; /* an hour without a wrong code: start again */
	f->count++;
	f->last_ms = now_ms;
	if (f->count < FREE_TRIES)
		return;
	delay = f->count - FREE_TRIES >= 20
	                ? DELAY_MAX_MS
	                : (int64_t)1000 << (f->count - FREE_TRIES);
	f->next_ms = now_ms + (delay < DELAY_MAX_MS ? delay : DELAY_MAX_MS);
	a->lockouts++;
	ewsd_log("event: login locked out for %s after %u wrong codes: "
	         "next attempt in %lld s",
	         addr, f->count, (long long)((f->next_ms - now_ms) / 1000));
	if (hour_failures(a, now_ms) >= HOUR_LIMIT)
		ewsd_log("event: %d wrong codes in the last hour: every login "
		         "is refused until the oldest is an hour old",
		         HOUR_LIMIT);
}

int
ewsd_auth_throttled(struct ewsd_req *q)
{
	int64_t wait = wait_ms(q->d->auth, q->peer, q->now_ms);
	char s[32];

	if (wait <= 0)
		return 0;
	snprintf(s, sizeof(s), "%lld", (long long)(wait + 999) / 1000);
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	                  "Retry-After", s);
	ewsd_reply_error(q, 429, "too_many_attempts", NULL,
	                 "too many wrong codes: try again in %s s", s);
	return 1;
}

void
ewsd_auth_count_failure(struct ewsd_req *q)
{
	count_failure(q->d, q->peer, q->now_ms);
}

/* Loopback and private ranges (RFC 1918, RFC 4193, link-local). */
static int
is_local_address(const char *addr)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (inet_pton(AF_INET, addr, &v4) == 1) {
		uint32_t a = ntohl(v4.s_addr);

		return (a >> 24) == 127 || (a >> 24) == 10 ||
		       (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8 ||
		       (a >> 16) == 0xa9fe;
	}
	if (inet_pton(AF_INET6, addr, &v6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&v6)) {
			char v4text[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &v6.s6_addr[12], v4text,
			          sizeof(v4text));
			return is_local_address(v4text);
		}
		return IN6_IS_ADDR_LOOPBACK(&v6) ||
		       IN6_IS_ADDR_LINKLOCAL(&v6) ||
		       (v6.s6_addr[0] & 0xfe) == 0xfc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The hashing worker                                                  */

static void *
worker_main(void *arg)
{
	struct ewsd_auth *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		struct login *l;

		while (!a->quit && !a->todo)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit)
			break;
		l = a->todo;
		a->todo = l->next;
		pthread_mutex_unlock(&a->mu);
		ews_code_check_run(l->check);
		pthread_mutex_lock(&a->mu);
		l->next = a->done;
		a->done = l;
		if (write(a->pipe_wr, "x", 1) < 0) {
			/* a full pipe is readable already */
		}
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static void
submit(struct ewsd_auth *a, struct login *l)
{
	pthread_mutex_lock(&a->mu);
	l->next = a->todo;
	a->todo = l;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void
free_login(struct login *l)
{
	struct failures *f =
	        l->d->auth ? failures_of(l->d->auth, l->later.peer, 0) : NULL;

	if (f)
		f->pending = 0;
	ews_code_check_free(l->check);
	OPENSSL_cleanse(l, sizeof(*l));
	free(l);
}

static void
login_succeeds(struct login *l, struct ewsd_req *q)
{
	struct ewsd_auth *a = l->d->auth;
	struct failures *f = failures_of(a, l->later.peer, 0);
	struct ewsd_session *s = new_session(a, &l->user, q->now_ms);
	struct jw *j;

	/* A right code does not clear the count: alternating guesses with
	 * one's own logins must not escape the delays. It decays instead. */
	(void)f;
	if (!s) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	set_cookie(q->r, q->https, "ews_session", s->id, 0);
	ewsd_log("login: '%s' from %s", s->user.name, l->later.peer);
	j = ewsd_reply_begin(q);
	jw_object_begin(j);
	jw_key(j, "user");
	ewsd_json_user(j, &s->user);
	jw_field_str(j, "csrf_token", s->csrf);
	jw_field_bool(j, "default_codes_in_use",
	              ewsd_auth_defaults_in_use(l->d));
	jw_object_end(j);
	ewsd_reply_end(q, 200);
}

/* After the PIN: the default-code rule, then a trusted browser or the
 * PUK. 1 when l goes on to the worker again. */
static int
after_pin(struct login *l, struct ewsd_req *q)
{
	int trusted = 0;

	if (l->user.default_codes && !is_local_address(l->later.peer)) {
		ewsd_reply_error(q, 403, "default_codes", NULL,
		                 "the manual's default codes are accepted only "
		                 "from this network: change them first");
		return 0;
	}
	if (l->browser[0] &&
	    ews_site_trust_check(l->d->site, l->user.id, l->browser, q->now_ms,
	                         &trusted) != EWS_OK)
		ews_error_clear();
	if (trusted) {
		login_succeeds(l, q);
		return 0;
	}
	if (!l->has_puk) {
		ewsd_reply_error(q, 401, "puk_required", "puk",
		                 "this browser is not trusted yet: give the "
		                 "PUK too");
		return 0;
	}
	if (ews_site_puk_check_begin(l->d->site, l->user.id, l->puk,
	                             &l->check) != EWS_OK) {
		ewsd_reply_status(q, ews_error_last()->code);
		return 0;
	}
	l->checking_puk = 1;
	submit(l->d->auth, l);
	return 1;
}

/* After the PUK: trust this browser from now on. */
static void
after_puk(struct login *l, struct ewsd_req *q)
{
	char token[TOKEN_TEXT];

	random_token(token);
	if (ews_site_trust_add(l->d->site, l->user.id, token, q->now_ms) ==
	    EWS_OK)
		set_cookie(q->r, q->https, "ews_browser", token, 1);
	else
		ews_error_clear();
	login_succeeds(l, q);
}

/* A check came back: the next step of its login. */
static void
check_done(struct login *l)
{
	struct ewsd_req q;
	ews_status st;
	ews_code_check *c = l->check;

	l->check = NULL;
	ewsd_later_req(&l->later, &q);
	st = ews_site_code_check_end(l->d->site, c,
	                             l->checking_puk ? NULL : &l->user);
	if (st == EWS_EDENIED) {
		count_failure(l->d, l->later.peer, q.now_ms);
		ewsd_reply_error(&q, 401, "wrong_code",
		                 l->checking_puk ? "puk" : "pin", "wrong %s",
		                 l->checking_puk ? "PUK" : "PIN");
	} else if (st != EWS_OK) {
		ewsd_reply_status(&q, st);
	} else if (!l->checking_puk) {
		if (after_pin(l, &q))
			return; /* on to the PUK */
	} else {
		after_puk(l, &q);
	}
	free_login(l);
}

static void
on_checks_done(evutil_socket_t fd, short what, void *arg)
{
	struct ewsd_auth *a = arg;
	struct login *done;
	char drain[64];

	(void)what;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&a->mu);
	done = a->done;
	a->done = NULL;
	pthread_mutex_unlock(&a->mu);
	while (done) {
		struct login *next = done->next;

		check_done(done);
		done = next;
	}
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */

static void
post_login(struct ewsd_req *q)
{
	static const char *const known[] = { "pin", "puk", NULL };
	struct ewsd_auth *a = q->d->auth;
	char pin[PIN_TEXT] = "";
	struct login *l;

	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "pin", 1, pin, sizeof(pin)))
		return;
	if (ewsd_auth_throttled(q))
		return;
	if (!(l = calloc(1, sizeof(*l)))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	l->d = q->d;
	l->has_puk = ewsd_body_get(q, "puk") != NULL;
	if (ewsd_body_str(q, "puk", 0, l->puk, sizeof(l->puk)) ||
	    ews_site_pin_check_begin(q->d->site, pin, &l->check) != EWS_OK) {
		if (!q->replied)
			ewsd_reply_status(q, ews_error_last()->code);
		free_login(l);
		OPENSSL_cleanse(pin, sizeof(pin));
		return;
	}
	OPENSSL_cleanse(pin, sizeof(pin));
	snprintf(l->later.peer, sizeof(l->later.peer), "%s", q->peer);
	if (cookie(q->r, "ews_browser", l->browser, sizeof(l->browser)))
		l->browser[0] = 0;
	ewsd_later_keep(q, &l->later); /* answered when the check is back */
	failures_of(a, l->later.peer, 1)->pending = 1;
	submit(a, l);
}

static void
post_logout(struct ewsd_req *q)
{
	ewsd_log("logout: '%s'", q->user->name);
	drop_session(q->d->auth, q->session);
	set_cookie(q->r, q->https, "ews_session", "", -1);
	ewsd_reply_empty(q, 204);
}

/* Lock: this browser is no longer trusted, so the next login needs the
 * PUK again (USR-2). */
static void
post_lock(struct ewsd_req *q)
{
	char token[TOKEN_TEXT];

	if (!cookie(q->r, "ews_browser", token, sizeof(token)) &&
	    ews_site_trust_revoke(q->d->site, token) != EWS_OK)
		ews_error_clear();
	ewsd_log("lock: '%s'", q->user->name);
	drop_session(q->d->auth, q->session);
	set_cookie(q->r, q->https, "ews_session", "", -1);
	set_cookie(q->r, q->https, "ews_browser", "", -1);
	ewsd_reply_empty(q, 204);
}

static void
get_session(struct ewsd_req *q)
{
	struct jw *j = ewsd_reply_begin(q);

	jw_object_begin(j);
	jw_key(j, "user");
	ewsd_json_user(j, q->user);
	jw_field_str(j, "csrf_token", q->session->csrf);
	jw_field_bool(j, "default_codes_in_use",
	              ewsd_auth_defaults_in_use(q->d));
	jw_object_end(j);
	ewsd_reply_end(q, 200);
}

const struct ewsd_route ewsd_auth_routes[] = {
	{ "POST", "/api/v1/login", post_login, EWSD_PUBLIC, 0,
	  "Log in: {pin, puk?}; the PUK is needed on a browser not yet "
	  "trusted" },
	{ "POST", "/api/v1/logout", post_logout, EWSD_SESSION, 0,
	  "Log out: the next login needs the PIN only" },
	{ "POST", "/api/v1/lock", post_lock, EWSD_SESSION, 0,
	  "Lock: the next login needs the PIN and the PUK" },
	{ "GET", "/api/v1/session", get_session, EWSD_SESSION, 0,
	  "The logged-in user, its rights and the CSRF token" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};

/* ------------------------------------------------------------------ */
/* Lifetime                                                            */

int
ewsd_auth_new(struct ewsd *d)
{
	struct ewsd_auth *a = calloc(1, sizeof(*a));
	int fds[2];

	if (!a || pipe2(fds, O_NONBLOCK | O_CLOEXEC)) {
		free(a);
		return -1;
	}
	a->pipe_rd = fds[0];
	a->pipe_wr = fds[1];
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->done_ev = event_new(d->base, a->pipe_rd, EV_READ | EV_PERSIST,
	                       on_checks_done, a);
	if (!a->done_ev || event_add(a->done_ev, NULL) ||
	    pthread_create(&a->thread, NULL, worker_main, a)) {
		if (a->done_ev)
			event_free(a->done_ev);
		close(fds[0]);
		close(fds[1]);
		free(a);
		return -1;
	}
	d->auth = a;
	return 0;
}

void
ewsd_auth_free(struct ewsd *d)
{
	struct ewsd_auth *a = d->auth;
	struct login *l;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	for (int pass = 0; pass < 2; pass++)
		while ((l = pass ? a->done : a->todo)) {
			*(pass ? &a->done : &a->todo) = l->next;
			evhttp_send_error(l->later.r, 503, "stopping");
			free_login(l);
		}
	while (a->sessions)
		drop_session(a, a->sessions);
	event_free(a->done_ev);
	close(a->pipe_rd);
	close(a->pipe_wr);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	d->auth = NULL;
}

/* For GET /api/v1/system: lockouts since start. */
uint64_t
ewsd_auth_lockouts(const struct ewsd *d)
{
	return d->auth ? d->auth->lockouts : 0;
}
