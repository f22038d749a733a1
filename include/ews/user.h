#ifndef EWS_USER_H
#define EWS_USER_H
#include <ews/common.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/user.h
 * Users and their access codes (USR-1..4, manual §8.1).
 *
 * A user logs in with a PIN; on a browser not yet trusted, also with the
 * PUK (the server decides what a trusted browser is: ews_site_trust_*).
 * Each user sees the pages it has rights to; managers (the default
 * administrator and greenUp) add users, change rights and disable users.
 *
 * Codes are never stored: a PIN and a PUK are kept as PBKDF2-HMAC-SHA256
 * hashes (600 000 iterations, a random salt each), and a PIN also as an
 * HMAC-SHA256 under the site's own key (`<site>/user.key`, mode 0600) so
 * that the user a PIN belongs to is found without trying every hash. PINs
 * are therefore unique. Back up user.key with site.db: without it no PIN
 * matches any more. The four default users of the manual start with
 * the manual's codes (public, so their hashes are precomputed); until a
 * user's codes are changed, ews_user.default_codes says so.
 */

/** Page rights (§8.1.1): bits of ews_user.pages. */
typedef enum ews_page {
	EWS_PAGE_SERVER_CONFIG = 1 << 0, /* Web Server configuration */
	EWS_PAGE_SYSTEM_CONFIG = 1 << 1, /* System configuration */
	EWS_PAGE_PANEL_BOARD = 1 << 2,   /* My panel board */
	EWS_PAGE_CONSUMPTION = 1 << 3,   /* Consumption: data & diagrams */
	EWS_PAGE_GREENUP = 1 << 4,       /* Green'Up */
	EWS_PAGE_REPORTS = 1 << 5,       /* Reports & data download */
	EWS_PAGE_ALARMS = 1 << 6,        /* Reports: alarms */
	EWS_PAGES_ALL = (1 << 7) - 1
} ews_page;

/** "server_config", "system_config", "panel_board", "consumption",
 * "greenup", "reports", "alarms"; NULL for anything but one page bit. */
EWS_API const char *ews_page_name(ews_page page);

/** The page of a name. EWS_OK; EWS_EINVAL (field "pages"). */
EWS_API ews_status ews_page_from_name(const char *name, ews_page *out);

enum { EWS_USER_VERSION = 1 };

typedef struct ews_user {
	unsigned int version;    /* EWS_USER_VERSION */
	int64_t id;              /* set by the library */
	char name[EWS_NAME_MAX]; /* unique, case-insensitive; required */
	unsigned int pages;      /* ews_page bits */
	int manager;             /* may add users and change rights (USR-3) */
	int enabled;       /* a disabled user cannot log in; new users are ON */
	int default_codes; /* read only: the manual's PIN or PUK is still in
	                      use (until both are changed) */
} ews_user;

/** Defaults: enabled, no pages, not a manager. */
EWS_API ews_status ews_user_init(ews_user *u, unsigned int version);

/** Every user, by id. Owned: ews_list_free(). */
EWS_API ews_status ews_site_user_list(ews_site *site, ews_list **out);
EWS_API const ews_user *ews_list_user(const ews_list *list, size_t i);

/** User `id`; the caller sets out->version. EWS_OK; EWS_ENOTFOUND. */
EWS_API ews_status ews_site_user_get(ews_site *site, int64_t id, ews_user *out);

/**
 * Add a user with its codes: a PIN of 5 to 10 digits, unused by any
 * other user, and a PUK of 10 to 20 digits (spaces are ignored in both,
 * so "00000 9999 00000" is the PUK 00000999900000).
 * @return EWS_OK with u->id; EWS_EINVAL naming the field ("name",
 *         "pages", "pin", "puk"); EWS_EEXIST ("name" or "pin").
 */
EWS_API ews_status ews_site_user_add(ews_site *site, ews_user *u,
                                     const char *pin, const char *puk);

/**
 * Change a user's name, pages, manager flag and ON/OFF. The last enabled
 * manager cannot be disabled or lose the flag (EWS_EDENIED "enabled" or
 * "manager"): someone must be able to manage users.
 */
EWS_API ews_status ews_site_user_update(ews_site *site, const ews_user *u);

/**
 * Change a user's codes; NULL keeps one. Rules as for add. Every trusted
 * browser of the user is forgotten when its PUK changes.
 */
EWS_API ews_status ews_site_user_set_codes(ews_site *site, int64_t id,
                                           const char *pin, const char *puk);

/**
 * The enabled user whose PIN this is (slow: a PBKDF2 hash).
 * @return EWS_OK with *out; EWS_EDENIED for a wrong PIN or a disabled
 *         user (the same answer, field "pin").
 */
EWS_API ews_status ews_site_user_check_pin(ews_site *site, const char *pin,
                                           ews_user *out);

/** Whether puk is user id's PUK (slow). EWS_OK; EWS_EDENIED ("puk"). */
EWS_API ews_status ews_site_user_check_puk(ews_site *site, int64_t id,
                                           const char *puk);

/*
 * The same checks in three parts, so that a server keeps its event loop
 * running while a code is hashed: begin (fast, the site's thread), run
 * (slow, any thread, touches no site), end (the site's thread; frees the
 * check). A wrong code takes as long as a right one.
 */
typedef struct ews_code_check ews_code_check;

/** Begin checking a PIN. EWS_OK with *out; EWS_ENOMEM; EWS_EIO. */
EWS_API ews_status ews_site_pin_check_begin(ews_site *site, const char *pin,
                                            ews_code_check **out);
/** Begin checking user_id's PUK. */
EWS_API ews_status ews_site_puk_check_begin(ews_site *site, int64_t user_id,
                                            const char *puk,
                                            ews_code_check **out);
/** Hash the code and compare (slow). Thread-safe for distinct checks. */
EWS_API void ews_code_check_run(ews_code_check *c);
/**
 * The outcome, and free c: EWS_OK with the user in *out (NULL: not
 * wanted); EWS_EDENIED naming "pin" or "puk" as the check functions.
 */
EWS_API ews_status ews_site_code_check_end(ews_site *site, ews_code_check *c,
                                           ews_user *out);
/** Free a check that will not be ended. NULL is a no-op. */
EWS_API void ews_code_check_free(ews_code_check *c);

/** Whether any enabled user still has the manual's default codes. */
EWS_API ews_status ews_site_user_defaults_in_use(ews_site *site, int *yes);

/* ------------------------------------------------------------------ */
/* Trusted browsers                                                    */

/**
 * Trust a browser for a user after a PIN + PUK login: `token` is a
 * secret the server gave the browser (at least 16 bytes of text); only
 * its SHA-256 is stored. At now_ms.
 */
EWS_API ews_status ews_site_trust_add(ews_site *site, int64_t user_id,
                                      const char *token, int64_t now_ms);

/** Whether token is trusted for user_id (its last use becomes now_ms).
 * *yes 0 or 1. */
EWS_API ews_status ews_site_trust_check(ews_site *site, int64_t user_id,
                                        const char *token, int64_t now_ms,
                                        int *yes);

/** Forget a browser (Lock: the next login needs the PUK again). */
EWS_API ews_status ews_site_trust_revoke(ews_site *site, const char *token);

EWS_END_DECLS
#endif /* EWS_USER_H */
