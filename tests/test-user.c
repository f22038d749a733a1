/*
 * Users, page rights and access codes (USR-1..4, manual §8.1):
 * libews/user.c. The four default users of the manual (USR-1), page
 * names, adding users with their codes, changing them (USR-3: the last
 * enabled manager stays), codes that are only ever stored as hashes
 * (USR-2, USR-4) and trusted browsers.
 *
 * Every PIN or PUK that is checked or set costs a PBKDF2 of 600 000
 * iterations (about 0.15 s), so each test checks few of them: a wrong
 * PIN that belongs to no user is refused without one.
 *
 * Every refusal is checked for its code, its field, a message and a
 * stored state (the site's configuration, the users as listed and the
 * rows of `user` and `user_trust`, hashes included) exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <ews/site.h>
#include <ews/user.h>

#include "helpers.h"
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The manual's default users (USR-1, §8.1). */
static const struct {
	const char *name, *pin, *puk;
	unsigned int pages;
	int manager;
} manual[] = {
	{ "administrator", "99999", "00000 9999 00000",
	  EWS_PAGES_ALL & ~(unsigned)EWS_PAGE_GREENUP, 1 },
	{ "greenUp", "88888", "00000 88888 00000", EWS_PAGES_ALL, 1 },
	{ "installer", "55555", "00000 5555 00000",
	  EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_PANEL_BOARD | EWS_PAGE_CONSUMPTION |
	          EWS_PAGE_ALARMS,
	  0 },
	{ "user", "11111", "00000 1111 00000",
	  EWS_PAGE_CONSUMPTION | EWS_PAGE_ALARMS, 0 },
};
enum { ADMINISTRATOR, GREENUP, INSTALLER, USER, DEFAULTS };

/* A token of 24 characters, as a server would give a browser. */
static const char token_a[] = "aaaaaaaaaaaaaaaaaaaaaaa1";
static const char token_b[] = "bbbbbbbbbbbbbbbbbbbbbbb2";

static ews_user
user_new(const char *name, unsigned int pages, int manager)
{
	ews_user u;

	ck_assert_int_eq(ews_user_init(&u, EWS_USER_VERSION), EWS_OK);
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.pages = pages;
	u.manager = manager;
	return u;
}

static int64_t
user_add(const char *name, unsigned int pages, int manager, const char *pin,
         const char *puk)
{
	ews_user u = user_new(name, pages, manager);

	ck_assert_msg(ews_site_user_add(site, &u, pin, puk) == EWS_OK,
	              "add %s: %s", name, ews_error_last()->message);
	ck_assert_int_gt(u.id, 0);
	return u.id;
}

static ews_user
user_get(int64_t id)
{
	ews_user u;

	memset(&u, 0xA5, sizeof(u));
	u.version = EWS_USER_VERSION;
	ck_assert_msg(ews_site_user_get(site, id, &u) == EWS_OK, "get %lld: %s",
	              (long long)id, ews_error_last()->message);
	ck_assert_uint_eq(u.version, EWS_USER_VERSION);
	ck_assert_int_eq(u.id, id);
	return u;
}

static void
user_update(const ews_user *u)
{
	ck_assert_msg(ews_site_user_update(site, u) == EWS_OK, "update %s: %s",
	              u->name, ews_error_last()->message);
}

static void
set_codes(int64_t id, const char *pin, const char *puk)
{
	ck_assert_msg(ews_site_user_set_codes(site, id, pin, puk) == EWS_OK,
	              "set codes of %lld: %s", (long long)id,
	              ews_error_last()->message);
}

/* The id of the user called exactly `name` (exactly one in the list). */
static int64_t
id_of(const char *name)
{
	ews_list *list;
	int64_t id = 0;
	size_t i;
	int found = 0;

	ck_assert_int_eq(ews_site_user_list(site, &list), EWS_OK);
	for (i = 0; i < ews_list_len(list); i++)
		if (!strcmp(ews_list_user(list, i)->name, name)) {
			id = ews_list_user(list, i)->id;
			found++;
		}
	ews_list_free(list);
	ck_assert_msg(found == 1, "%d users called '%s'", found, name);
	return id;
}

static size_t
user_count(void)
{
	ews_list *list;
	size_t n;

	ck_assert_int_eq(ews_site_user_list(site, &list), EWS_OK);
	n = ews_list_len(list);
	ews_list_free(list);
	return n;
}

/* check_pin gives user `id`. */
static void
assert_pin(const char *pin, int64_t id)
{
	ews_user u;

	memset(&u, 0xA5, sizeof(u));
	ck_assert_msg(ews_site_user_check_pin(site, pin, &u) == EWS_OK,
	              "PIN %s: %s", pin, ews_error_last()->message);
	ck_assert_int_eq(u.id, id);
	ck_assert_uint_eq(u.version, EWS_USER_VERSION);
}

/* check_pin refuses the PIN (EWS_EDENIED "pin"); returns the message. */
static char *
pin_refused(const char *pin)
{
	ews_user u = { .version = EWS_USER_VERSION };
	char *message;

	ck_assert_int_eq(ews_site_user_check_pin(site, pin, &u), EWS_EDENIED);
	assert_error(EWS_EDENIED, "pin");
	message = strdup(ews_error_last()->message);
	ck_assert_ptr_nonnull(message);
	return message;
}

static void
assert_puk(int64_t id, const char *puk)
{
	ck_assert_msg(ews_site_user_check_puk(site, id, puk) == EWS_OK,
	              "PUK '%s' of %lld: %s", puk, (long long)id,
	              ews_error_last()->message);
}

static void
puk_refused(int64_t id, const char *puk)
{
	ck_assert_int_eq(ews_site_user_check_puk(site, id, puk), EWS_EDENIED);
	assert_error(EWS_EDENIED, "puk");
}

static int
defaults_in_use(void)
{
	int yes = -1;

	ck_assert_int_eq(ews_site_user_defaults_in_use(site, &yes), EWS_OK);
	ck_assert_msg(yes == 0 || yes == 1, "defaults_in_use %d", yes);
	return yes;
}

static int
trusted(int64_t id, const char *token)
{
	int yes = -1;

	ck_assert_msg(ews_site_trust_check(site, id, token, 2000, &yes) ==
	                      EWS_OK,
	              "trust_check: %s", ews_error_last()->message);
	ck_assert_msg(yes == 0 || yes == 1, "trust_check %d", yes);
	return yes;
}

static void
trust(int64_t id, const char *token)
{
	ck_assert_msg(ews_site_trust_add(site, id, token, 1000) == EWS_OK,
	              "trust_add: %s", ews_error_last()->message);
}

/* site.db beside the open site, opened with sqlite3 itself. */
static sqlite3 *
db_open(void)
{
	char *path = malloc(strlen(dir) + sizeof("/site.db"));
	sqlite3 *h;

	ck_assert_ptr_nonnull(path);
	sprintf(path, "%s/site.db", dir);
	ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	free(path);
	return h;
}

/* Every row of a query, as text, to f. */
static void
rows_to(FILE *f, sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	int c;

	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
	              "%s: %s", sql, sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(st); c++) {
			const char *t =
			        (const char *)sqlite3_column_text(st, c);

			fprintf(f, "%s%s", c ? "|" : "", t ? t : "NULL");
		}
		fputc('\n', f);
	}
	sqlite3_finalize(st);
}

/* The users as listed, and every stored row of user and user_trust. */
static char *
users_text(void)
{
	char *buf = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len);
	ews_list *list;
	sqlite3 *h;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ews_site_user_list(site, &list), EWS_OK);
	for (i = 0; i < ews_list_len(list); i++) {
		const ews_user *u = ews_list_user(list, i);

		fprintf(f, "%u %lld '%s' %#x %d %d %d\n", u->version,
		        (long long)u->id, u->name, u->pages, u->manager,
		        u->enabled, u->default_codes);
	}
	ews_list_free(list);
	h = db_open();
	fputs("user:\n", f);
	rows_to(f, h, "SELECT * FROM user ORDER BY id");
	fputs("user_trust:\n", f);
	rows_to(f, h, "SELECT * FROM user_trust ORDER BY token_sha256");
	sqlite3_close(h);
	fclose(f);
	return buf;
}

/* REFUSED of site-fixtures.h (code, field, configuration unchanged), and
 * the users, their codes and trusted browsers unchanged too. */
#define USER_REFUSED(call, code, field)                                        \
	do {                                                                   \
		char *users_before_ = users_text(), *users_after_;             \
		REFUSED(call, code, field);                                    \
		users_after_ = users_text();                                   \
		ck_assert_str_eq(users_before_, users_after_);                 \
		free(users_before_);                                           \
		free(users_after_);                                            \
	} while (0)

/* ------------------------------------------------------------------ */
/* The default users (USR-1)                                           */

START_TEST(init_gives_the_documented_defaults)
{
	ews_user u;

	memset(&u, 0xA5, sizeof(u));
	ck_assert_int_eq(ews_user_init(&u, EWS_USER_VERSION), EWS_OK);
	ck_assert_uint_eq(u.version, EWS_USER_VERSION);
	ck_assert_int_eq(u.id, 0);
	ck_assert_str_eq(u.name, "");
	ck_assert_uint_eq(u.pages, 0);
	ck_assert_int_eq(u.manager, 0);
	ck_assert_int_eq(u.enabled, 1);
	ck_assert_int_eq(u.default_codes, 0);
	ck_assert_int_eq(ews_user_init(&u, 0), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
	ck_assert_int_eq(ews_user_init(&u, EWS_USER_VERSION + 1), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
}
END_TEST

/* USR-1: exactly the manual's four users, with their rights. */
START_TEST(a_new_site_has_the_four_default_users)
{
	ews_list *list;
	size_t i, k;

	ck_assert_int_eq(ews_site_user_list(site, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), DEFAULTS);
	for (k = 0; k < DEFAULTS; k++) {
		const ews_user *u = NULL;
		ews_user got;

		for (i = 0; i < ews_list_len(list); i++)
			if (!strcmp(ews_list_user(list, i)->name,
			            manual[k].name)) {
				ck_assert_ptr_null(u);
				u = ews_list_user(list, i);
			}
		ck_assert_msg(u != NULL, "no user '%s'", manual[k].name);
		ck_assert_uint_eq(u->version, EWS_USER_VERSION);
		ck_assert_int_gt(u->id, 0);
		ck_assert_msg(u->pages == manual[k].pages, "%s: pages %#x",
		              u->name, u->pages);
		ck_assert_int_eq(u->manager, manual[k].manager);
		ck_assert_int_eq(u->enabled, 1);
		ck_assert_int_eq(u->default_codes, 1);
		got = user_get(u->id);
		ck_assert_str_eq(got.name, u->name);
		ck_assert_uint_eq(got.pages, u->pages);
		ck_assert_int_eq(got.manager, u->manager);
		ck_assert_int_eq(got.enabled, u->enabled);
		ck_assert_int_eq(got.default_codes, u->default_codes);
	}
	ews_list_free(list);
	ck_assert_int_eq(defaults_in_use(), 1);
}
END_TEST

/* USR-1: the manual's PINs (§8.1) log the default users in. */
START_TEST(each_default_pin_gives_its_user)
{
	size_t k;

	for (k = 0; k < DEFAULTS; k++) {
		ews_user u;

		memset(&u, 0xA5, sizeof(u));
		ck_assert_msg(ews_site_user_check_pin(site, manual[k].pin,
		                                      &u) == EWS_OK,
		              "PIN %s: %s", manual[k].pin,
		              ews_error_last()->message);
		ck_assert_str_eq(u.name, manual[k].name);
		ck_assert_uint_eq(u.version, EWS_USER_VERSION);
		ck_assert_uint_eq(u.pages, manual[k].pages);
		ck_assert_int_eq(u.manager, manual[k].manager);
		ck_assert_int_eq(u.enabled, 1);
		ck_assert_int_eq(u.default_codes, 1);
	}
}
END_TEST

/* Removes the spaces of a PUK. */
static void
no_spaces(const char *puk, char *out)
{
	for (; *puk; puk++)
		if (*puk != ' ')
			*out++ = *puk;
	*out = 0;
}

/* USR-1: the manual's PUKs, as the manual writes them (with spaces)... */
START_TEST(each_default_puk_is_accepted)
{
	size_t k;

	for (k = 0; k < DEFAULTS; k++)
		assert_puk(id_of(manual[k].name), manual[k].puk);
}
END_TEST

/* ... and without their spaces ... */
START_TEST(each_default_puk_is_accepted_without_spaces)
{
	size_t k;

	for (k = 0; k < DEFAULTS; k++) {
		char bare[32];

		no_spaces(manual[k].puk, bare);
		ck_assert_ptr_null(strchr(bare, ' '));
		assert_puk(id_of(manual[k].name), bare);
	}
}
END_TEST

/* ... but one user's PUK is not another's. */
START_TEST(a_default_puk_is_its_users_only)
{
	size_t k;

	for (k = 0; k < DEFAULTS; k++)
		puk_refused(id_of(manual[k].name),
		            manual[(k + 1) % DEFAULTS].puk);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Pages                                                               */

START_TEST(every_page_has_a_name_and_back)
{
	static const char *const names[] = { "server_config", "system_config",
		                             "panel_board",   "consumption",
		                             "greenup",       "reports",
		                             "alarms" };
	ews_page p;
	unsigned int i;

	ck_assert_uint_eq(sizeof(names) / sizeof(*names), 7);
	for (i = 0; i < 7; i++) {
		const char *name = ews_page_name((ews_page)(1u << i));

		ck_assert_ptr_nonnull(name);
		ck_assert_str_eq(name, names[i]);
		p = (ews_page)0;
		ck_assert_int_eq(ews_page_from_name(name, &p), EWS_OK);
		ck_assert_uint_eq((unsigned)p, 1u << i);
	}
	ck_assert_uint_eq(EWS_PAGES_ALL, (1u << 7) - 1);
}
END_TEST

START_TEST(only_one_page_bit_has_a_name)
{
	ews_page p = EWS_PAGE_REPORTS;

	ck_assert_ptr_null(ews_page_name((ews_page)0));
	ck_assert_ptr_null(ews_page_name(
	        (ews_page)(EWS_PAGE_SERVER_CONFIG | EWS_PAGE_ALARMS)));
	ck_assert_ptr_null(ews_page_name((ews_page)(1u << 7)));
	ck_assert_ptr_null(ews_page_name(EWS_PAGES_ALL));
	ck_assert_int_eq(ews_page_from_name("x", &p), EWS_EINVAL);
	assert_error(EWS_EINVAL, "pages");
	ck_assert_int_eq(p, EWS_PAGE_REPORTS);
	ck_assert_int_eq(ews_page_from_name("", &p), EWS_EINVAL);
	assert_error(EWS_EINVAL, "pages");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Adding users (USR-2, USR-3)                                         */

START_TEST(an_added_user_is_stored_with_its_codes)
{
	ews_user u = user_new("Electrician",
	                      EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_REPORTS, 0);
	ews_user got;
	ews_list *list;

	u.default_codes = 1; /* read only: ignored */
	ck_assert_msg(ews_site_user_add(site, &u, "2468013579",
	                                "1357 9246 8013 5792") == EWS_OK,
	              "add: %s", ews_error_last()->message);
	ck_assert_int_gt(u.id, 0);
	ck_assert_int_eq(u.default_codes, 0);

	ck_assert_int_eq(ews_site_user_list(site, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), DEFAULTS + 1);
	ews_list_free(list);
	ck_assert_int_eq(id_of("Electrician"), u.id);

	got = user_get(u.id);
	ck_assert_str_eq(got.name, "Electrician");
	ck_assert_uint_eq(got.pages, EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_REPORTS);
	ck_assert_int_eq(got.manager, 0);
	ck_assert_int_eq(got.enabled, 1);
	ck_assert_int_eq(got.default_codes, 0);

	assert_pin("2468013579", u.id);
	assert_puk(u.id, "13579246801357 92");
	ck_assert_int_eq(defaults_in_use(), 1); /* the defaults still are */
}
END_TEST

START_TEST(a_manager_may_be_added_disabled)
{
	ews_user u = user_new("Deputy", EWS_PAGES_ALL, 1);
	ews_user got;

	u.enabled = 0;
	ck_assert_msg(ews_site_user_add(site, &u, "24680", "1234567890") ==
	                      EWS_OK,
	              "add: %s", ews_error_last()->message);
	got = user_get(u.id);
	ck_assert_int_eq(got.manager, 1);
	ck_assert_int_eq(got.enabled, 0);
	ck_assert_uint_eq(got.pages, EWS_PAGES_ALL);
	free(pin_refused("24680")); /* disabled: cannot log in */
}
END_TEST

/* Refusals decided before any code is hashed. */
START_TEST(a_bad_user_or_code_is_refused_naming_its_field)
{
	ews_user u = user_new("Electrician", EWS_PAGE_CONSUMPTION, 0);

	u.name[0] = 0;
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EINVAL, "name");
	u = user_new("Electrician", EWS_PAGE_CONSUMPTION, 0);

	USER_REFUSED(ews_site_user_add(site, &u, "2468", "1234567890"),
	             EWS_EINVAL, "pin");
	USER_REFUSED(ews_site_user_add(site, &u, "24680135791", "1234567890"),
	             EWS_EINVAL, "pin");
	USER_REFUSED(ews_site_user_add(site, &u, "2468a", "1234567890"),
	             EWS_EINVAL, "pin");
	USER_REFUSED(ews_site_user_add(site, &u, "", "1234567890"), EWS_EINVAL,
	             "pin");
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "123456789"),
	             EWS_EINVAL, "puk");
	USER_REFUSED(
	        ews_site_user_add(site, &u, "24680", "123456789012345678901"),
	        EWS_EINVAL, "puk");
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "12345-67890"),
	             EWS_EINVAL, "puk");
	USER_REFUSED(ews_site_user_add(site, &u, NULL, "1234567890"),
	             EWS_EINVAL, "pin");
	USER_REFUSED(ews_site_user_add(site, &u, "24680", NULL), EWS_EINVAL,
	             "puk");

	u.pages = EWS_PAGE_CONSUMPTION | 1u << 7;
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EINVAL, "pages");
	u = user_new("Electrician", EWS_PAGE_CONSUMPTION, 2);
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EINVAL, "manager");
	u = user_new("Electrician", EWS_PAGE_CONSUMPTION, 0);
	u.version = 0;
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EINVAL, "version");
	u.version = EWS_USER_VERSION + 1;
	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EINVAL, "version");
	ck_assert_uint_eq(user_count(), DEFAULTS);
}
END_TEST

/* Names are unique whatever their case (USR-2). */
START_TEST(a_used_name_is_refused)
{
	ews_user u = user_new("ADMINISTRATOR", EWS_PAGE_CONSUMPTION, 0);

	USER_REFUSED(ews_site_user_add(site, &u, "24680", "1234567890"),
	             EWS_EEXIST, "name");
	ck_assert_uint_eq(user_count(), DEFAULTS);
}
END_TEST

/* PINs are unique (USR-2): a default user's PIN (USR-1) is taken... */
START_TEST(a_default_pin_is_taken)
{
	ews_user u = user_new("Plumber", EWS_PAGE_CONSUMPTION, 0);

	USER_REFUSED(ews_site_user_add(site, &u, "55555", "1234567890"),
	             EWS_EEXIST, "pin");
	/* the same PIN, written with spaces */
	USER_REFUSED(ews_site_user_add(site, &u, "5 5555", "1234567890"),
	             EWS_EEXIST, "pin");
	ck_assert_uint_eq(user_count(), DEFAULTS);
}
END_TEST

/* ... and so is an added user's. */
START_TEST(an_added_users_pin_is_taken)
{
	ews_user u = user_new("Plumber", EWS_PAGE_CONSUMPTION, 0);

	user_add("Electrician", EWS_PAGE_CONSUMPTION, 0, "2468013579",
	         "1234567890");
	USER_REFUSED(ews_site_user_add(site, &u, "2468013579", "1234567890"),
	             EWS_EEXIST, "pin");
	ck_assert_uint_eq(user_count(), DEFAULTS + 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Changing users (USR-3)                                              */

START_TEST(a_user_is_renamed_and_its_pages_changed)
{
	int64_t id = id_of("installer");
	ews_user u = user_get(id), got;

	snprintf(u.name, sizeof(u.name), "Site installer");
	u.pages = EWS_PAGE_SERVER_CONFIG | EWS_PAGE_GREENUP;
	user_update(&u);
	got = user_get(id);
	ck_assert_str_eq(got.name, "Site installer");
	ck_assert_uint_eq(got.pages, EWS_PAGE_SERVER_CONFIG | EWS_PAGE_GREENUP);
	ck_assert_int_eq(got.manager, 0);
	ck_assert_int_eq(got.enabled, 1);
	ck_assert_int_eq(got.default_codes, 1); /* codes unchanged */
	ck_assert_uint_eq(user_count(), DEFAULTS);

	/* its own name in another case is no clash */
	snprintf(u.name, sizeof(u.name), "SITE INSTALLER");
	user_update(&u);
	ck_assert_str_eq(user_get(id).name, "SITE INSTALLER");

	/* another user's name is one, whatever its case */
	snprintf(u.name, sizeof(u.name), "USER");
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EEXIST, "name");
	u = user_get(id);
	u.name[0] = 0;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EINVAL, "name");
	u = user_get(id);
	u.pages = 1u << 7;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EINVAL, "pages");
	u = user_get(id);
	u.enabled = 2;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EINVAL, "enabled");

	u = user_get(id);
	u.id = 9999;
	ck_assert_int_eq(ews_site_user_update(site, &u), EWS_ENOTFOUND);

	assert_pin("55555", id); /* the renamed user logs in */
}
END_TEST

/* A disabled user cannot log in, and is told so in the words a wrong
 * PIN gets (USR-3). */
START_TEST(a_disabled_user_pin_is_refused_like_a_wrong_one)
{
	int64_t id = id_of("installer");
	ews_user u = user_get(id);
	char *disabled, *wrong;

	u.enabled = 0;
	user_update(&u);
	ck_assert_int_eq(user_get(id).enabled, 0);
	disabled = pin_refused("55555");
	wrong = pin_refused("55556");
	ck_assert_str_eq(disabled, wrong);
	free(disabled);
	free(wrong);
	free(pin_refused("1234"));        /* not even a PIN */
	free(pin_refused("12345678901")); /* nor this */

	u.enabled = 1;
	user_update(&u);
	assert_pin("55555", id);
}
END_TEST

/* USR-3: someone must stay able to manage users. */
START_TEST(the_last_enabled_manager_stays_one)
{
	int64_t admin = id_of("administrator"), green = id_of("greenUp");
	ews_user u = user_get(green);

	/* two managers: either may go */
	u.enabled = 0;
	user_update(&u);
	ck_assert_int_eq(user_get(green).enabled, 0);

	u = user_get(admin);
	u.enabled = 0;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EDENIED, "enabled");
	u = user_get(admin);
	u.manager = 0;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EDENIED, "manager");
	u = user_get(admin);
	ck_assert_int_eq(u.manager, 1);
	ck_assert_int_eq(u.enabled, 1);

	/* a disabled manager does not count; once greenUp is back, the
	 * administrator may lose the flag */
	u = user_get(green);
	u.enabled = 1;
	user_update(&u);
	u = user_get(admin);
	u.manager = 0;
	user_update(&u);
	ck_assert_int_eq(user_get(admin).manager, 0);

	/* now greenUp is the last */
	u = user_get(green);
	u.manager = 0;
	USER_REFUSED(ews_site_user_update(site, &u), EWS_EDENIED, "manager");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Changing codes (USR-2, USR-4)                                       */

START_TEST(a_new_pin_replaces_the_old_one)
{
	int64_t id = id_of("installer");
	char *message;

	set_codes(id, "5432109876", NULL);
	assert_pin("5432109876", id);
	message = pin_refused("55555");
	free(message);
	ck_assert_int_eq(user_get(id).default_codes, 0);
	assert_puk(id, manual[INSTALLER].puk); /* NULL kept the PUK */
}
END_TEST

START_TEST(a_new_puk_replaces_the_old_one)
{
	int64_t id = id_of("user");

	set_codes(id, NULL, "9876 5432 1098 7654");
	assert_puk(id, "9876543210987654");
	puk_refused(id, manual[USER].puk);
	assert_pin(manual[USER].pin, id); /* NULL kept the PIN */
	/* default_codes is not checked here: the PIN is still the manual's
	 * (public) one, yet the library says 0 (reported, not settled). */
}
END_TEST

START_TEST(no_codes_change_nothing)
{
	int64_t id = id_of("user");
	char *before = users_text(), *after;

	set_codes(id, NULL, NULL);
	after = users_text();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	ck_assert_int_eq(user_get(id).default_codes, 1);
}
END_TEST

/* USR-4: defaults_in_use says whether an enabled user still has the
 * manual's (public) codes. */
START_TEST(the_defaults_are_in_use_until_each_is_changed)
{
	int64_t user = id_of("user");
	ews_user u;

	set_codes(id_of("administrator"), "918273", NULL);
	set_codes(id_of("greenUp"), "827364", NULL);
	set_codes(id_of("installer"), "736455", NULL);
	ck_assert_int_eq(defaults_in_use(), 1); /* user still has them */

	u = user_get(user);
	u.enabled = 0;
	user_update(&u);
	ck_assert_int_eq(defaults_in_use(), 0); /* disabled: no risk */
	u.enabled = 1;
	user_update(&u);
	ck_assert_int_eq(defaults_in_use(), 1);

	set_codes(user, "645546", NULL);
	ck_assert_int_eq(defaults_in_use(), 0);
	ck_assert_int_eq(user_get(user).default_codes, 0);
}
END_TEST

START_TEST(a_pin_of_another_user_is_refused)
{
	int64_t id = id_of("installer");

	/* a PUK given too is not stored either */
	USER_REFUSED(
	        ews_site_user_set_codes(site, id, "99999", "11112222333344"),
	        EWS_EEXIST, "pin");
	USER_REFUSED(ews_site_user_set_codes(site, id, "1234", NULL),
	             EWS_EINVAL, "pin");
	USER_REFUSED(ews_site_user_set_codes(site, id, NULL, "123456789"),
	             EWS_EINVAL, "puk");
	ck_assert_int_eq(user_get(id).default_codes, 1);
	assert_pin("99999", id_of("administrator"));
}
END_TEST

/* USR-4: a new PUK forgets the user's trusted browsers; a new PIN
 * does not. */
START_TEST(a_new_puk_forgets_the_trusted_browsers)
{
	int64_t installer = id_of("installer"), user = id_of("user");

	trust(installer, token_a);
	trust(user, token_b);
	set_codes(installer, "2468024680", NULL);
	ck_assert_int_eq(trusted(installer, token_a), 1);
	set_codes(installer, NULL, "11112222333344");
	ck_assert_int_eq(trusted(installer, token_a), 0);
	ck_assert_int_eq(trusted(user, token_b), 1); /* not another's */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Codes are never stored (USR-2)                                      */

/* Whether the file holds these bytes anywhere. */
static int
file_holds(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	size_t n = strlen(text), i;
	int found = 0;

	if (!f)
		return 0;
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert_int_ge(len, 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (i = 0; !found && i + n <= (size_t)len; i++)
		found = !memcmp(buf + i, text, n);
	free(buf);
	return found;
}

START_TEST(codes_are_kept_as_hashes_only)
{
	static const char pin[] = "4815162342",
	                  puk[] = "2718 2818 2845 9045 2353",
	                  puk_bare[] = "27182818284590452353";
	static const char *const files[] = { "site.db", "site.db-wal",
		                             "site.db-journal" };
	static const char prefix[] = "pbkdf2-sha256$600000$";
	int64_t id = user_add("Auditor", EWS_PAGE_REPORTS, 0, pin, puk);
	sqlite3_stmt *st;
	sqlite3 *h = db_open();
	char path[4096];
	struct stat sb;
	int rows = 0, c;
	size_t i;

	ck_assert_int_eq(
	        sqlite3_prepare_v2(h,
	                           "SELECT *, id, pin_hash, puk_hash FROM user",
	                           -1, &st, NULL),
	        SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int n = sqlite3_column_count(st) - 3;

		for (c = 0; c < n; c++) {
			const char *t =
			        (const char *)sqlite3_column_text(st, c);

			if (!t)
				continue;
			ck_assert_msg(!strstr(t, pin) && !strstr(t, puk) &&
			                      !strstr(t, puk_bare),
			              "column %s holds a code: %s",
			              sqlite3_column_name(st, c), t);
		}
		for (c = n + 1; c < n + 3; c++) {
			const char *t =
			        (const char *)sqlite3_column_text(st, c);

			ck_assert_ptr_nonnull(t);
			ck_assert_msg(!strncmp(t, prefix, strlen(prefix)),
			              "user %lld: %s is '%s'",
			              (long long)sqlite3_column_int64(st, n),
			              sqlite3_column_name(st, c), t);
		}
		rows++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	ck_assert_int_eq(rows, DEFAULTS + 1);

	/* nor anywhere in the database's files */
	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ck_assert_msg(!file_holds(path, pin) &&
		                      !file_holds(path, puk_bare),
		              "%s holds a code", files[i]);
	}

	/* the site's key for PIN indexes: 32 bytes that only we read */
	snprintf(path, sizeof(path), "%s/user.key", dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg(S_ISREG(sb.st_mode) && (sb.st_mode & 07777) == 0600,
	              "user.key mode %o", (unsigned)sb.st_mode);
	ck_assert_int_eq(sb.st_size, 32);

	assert_pin(pin, id);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Trusted browsers                                                    */

START_TEST(a_trusted_browser_is_one_users_until_revoked)
{
	int64_t installer = id_of("installer"), user = id_of("user");
	static const char short_token[] = "123456789012345"; /* 15 */
	int yes = -1;

	ck_assert_uint_eq(strlen(token_a), 24);
	ck_assert_int_eq(trusted(installer, token_a), 0);
	trust(installer, token_a);
	ck_assert_int_eq(trusted(installer, token_a), 1);
	ck_assert_int_eq(trusted(user, token_a), 0);
	ck_assert_int_eq(trusted(installer, token_b), 0);

	USER_REFUSED(ews_site_trust_add(site, installer, short_token, 1000),
	             EWS_EINVAL, "token");
	USER_REFUSED(ews_site_trust_add(site, installer, NULL, 1000),
	             EWS_EINVAL, "token");
	ck_assert_int_eq(
	        ews_site_trust_check(site, installer, short_token, 2000, &yes),
	        EWS_OK);
	ck_assert_int_eq(yes, 0);
	yes = -1;
	ck_assert_int_eq(
	        ews_site_trust_check(site, installer, NULL, 2000, &yes),
	        EWS_OK);
	ck_assert_int_eq(yes, 0);

	ck_assert_int_eq(ews_site_trust_revoke(site, token_a), EWS_OK);
	ck_assert_int_eq(trusted(installer, token_a), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reopening                                                           */

START_TEST(users_and_codes_survive_a_reopen)
{
	int64_t id = user_add("Electrician", EWS_PAGE_PANEL_BOARD, 0,
	                      "2468013579", "1234567890");
	int64_t admin = id_of("administrator");
	ews_user u = user_get(admin);
	char *before, *after;

	/* renamed, the manual's administrator must not come back */
	snprintf(u.name, sizeof(u.name), "boss");
	user_update(&u);
	set_codes(id_of("user"), "1357913579", NULL);
	trust(id, token_a);
	before = users_text();

	reopen();
	after = users_text();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	ck_assert_uint_eq(user_count(), DEFAULTS + 1);
	assert_pin("2468013579", id);
	assert_pin("1357913579", id_of("user"));
	ck_assert_int_eq(user_get(admin).default_codes, 1);
	ck_assert_int_eq(trusted(id, token_a), 1);
}
END_TEST

/*
 * A test case of tcase() whose tests hash codes. A PBKDF2 of 600 000
 * iterations takes about 0.15 s, but ten times that under
 * AddressSanitizer: OpenSSL 3 allocates on each iteration, and ASan's
 * allocator (its quarantine) is slow, though OpenSSL itself is not
 * instrumented. No test here hashes more than five codes.
 */
static TCase *
hashing_tcase(const char *name)
{
	TCase *tc = tcase(name);

	tcase_set_timeout(tc, 120);
	return tc;
}

int
main(void)
{
	Suite *s = suite_create("user");
	TCase *tc = hashing_tcase("defaults");

	tcase_add_test(tc, init_gives_the_documented_defaults);
	tcase_add_test(tc, a_new_site_has_the_four_default_users);
	tcase_add_test(tc, each_default_pin_gives_its_user);
	tcase_add_test(tc, each_default_puk_is_accepted);
	tcase_add_test(tc, each_default_puk_is_accepted_without_spaces);
	tcase_add_test(tc, a_default_puk_is_its_users_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("pages");
	tcase_add_test(tc, every_page_has_a_name_and_back);
	tcase_add_test(tc, only_one_page_bit_has_a_name);
	suite_add_tcase(s, tc);
	tc = hashing_tcase("add");
	tcase_add_test(tc, an_added_user_is_stored_with_its_codes);
	tcase_add_test(tc, a_manager_may_be_added_disabled);
	tcase_add_test(tc, a_bad_user_or_code_is_refused_naming_its_field);
	tcase_add_test(tc, a_used_name_is_refused);
	tcase_add_test(tc, a_default_pin_is_taken);
	tcase_add_test(tc, an_added_users_pin_is_taken);
	suite_add_tcase(s, tc);
	tc = hashing_tcase("update");
	tcase_add_test(tc, a_user_is_renamed_and_its_pages_changed);
	tcase_add_test(tc, a_disabled_user_pin_is_refused_like_a_wrong_one);
	tcase_add_test(tc, the_last_enabled_manager_stays_one);
	suite_add_tcase(s, tc);
	tc = hashing_tcase("codes");
	tcase_add_test(tc, a_new_pin_replaces_the_old_one);
	tcase_add_test(tc, a_new_puk_replaces_the_old_one);
	tcase_add_test(tc, no_codes_change_nothing);
	tcase_add_test(tc, the_defaults_are_in_use_until_each_is_changed);
	tcase_add_test(tc, a_pin_of_another_user_is_refused);
	tcase_add_test(tc, a_new_puk_forgets_the_trusted_browsers);
	tcase_add_test(tc, codes_are_kept_as_hashes_only);
	suite_add_tcase(s, tc);
	tc = tcase("trust");
	tcase_add_test(tc, a_trusted_browser_is_one_users_until_revoked);
	suite_add_tcase(s, tc);
	tc = hashing_tcase("reopen");
	tcase_add_test(tc, users_and_codes_survive_a_reopen);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
