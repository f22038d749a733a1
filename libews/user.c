#include <ctype.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <ews/user.h>

#include "error-private.h"
#include "site-private.h"

/*
 * Users and codes (user.h). A code's hash is "pbkdf2-sha256$ITER$SALT$KEY"
 * (hex); a PIN's index is HMAC-SHA256(site key, PIN) in hex, unique. The
 * site key lives beside site.db, not in it: a copy of the database alone
 * does not give a fast way to try PINs.
 */

enum {
	ITERATIONS = 600000,
	SALT_BYTES = 16,
	KEY_BYTES = 32,
	HASH_TEXT = 128,
	PIN_MIN = 5,
	PIN_MAX = 10,
	PUK_MIN = 10,
	PUK_MAX = 20
};

static const char *const page_names[] = { "server_config", "system_config",
	                                  "panel_board",   "consumption",
	                                  "greenup",       "reports",
	                                  "alarms" };

const char *
ews_page_name(ews_page page)
{
	for (size_t i = 0; i < sizeof(page_names) / sizeof(*page_names); i++)
		if ((unsigned)page == 1u << i)
			return page_names[i];
	return NULL;
}

ews_status
ews_page_from_name(const char *name, ews_page *out)
{
	for (size_t i = 0; i < sizeof(page_names) / sizeof(*page_names); i++)
		if (name && !strcmp(name, page_names[i])) {
			*out = (ews_page)(1u << i);
			return EWS_OK;
		}
	return ews__fail_field(EWS_EINVAL, "pages",
	                       "'%s' is not a page (server_config, "
	                       "system_config, panel_board, consumption, "
	                       "greenup, reports, alarms)",
	                       name ? name : "");
}

ews_status
ews_user_init(ews_user *u, unsigned int version)
{
	ews_status st =
	        ews__check_version(version, EWS_USER_VERSION, "ews_user");

	if (st != EWS_OK)
		return st;
	memset(u, 0, sizeof(*u));
	u->version = version;
	u->enabled = 1;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Codes                                                               */

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = 0;
}

/* A code without its spaces, checked: digits only, min..max of them. */
static ews_status
normalise(const char *code, const char *field, size_t min, size_t max,
          char *out)
{
	size_t n = 0;

	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (!isdigit((unsigned char)*p) || n == max)
			return ews__fail_field(EWS_EINVAL, field,
			                       "must be %zu to %zu digits", min,
			                       max);
		out[n++] = *p;
	}
	out[n] = 0;
	if (n < min)
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be %zu to %zu digits", min, max);
	return EWS_OK;
}

static ews_status
pbkdf2(const char *code, const unsigned char *salt, unsigned int iter,
       unsigned char *key)
{
	if (!PKCS5_PBKDF2_HMAC(code, (int)strlen(code), salt, SALT_BYTES,
	                       (int)iter, EVP_sha256(), KEY_BYTES, key))
		return ews__fail(EWS_ERROR, "PBKDF2 failed");
	return EWS_OK;
}

/* "pbkdf2-sha256$ITER$SALT$KEY" of a code with a new random salt. */
static ews_status
hash_code(const char *code, char *out)
{
	unsigned char salt[SALT_BYTES], key[KEY_BYTES];
	char salt_hex[2 * SALT_BYTES + 1], key_hex[2 * KEY_BYTES + 1];
	ews_status st;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return ews__fail(EWS_ERROR, "no random bytes for a salt");
	if ((st = pbkdf2(code, salt, ITERATIONS, key)) != EWS_OK)
		return st;
	hex(salt, sizeof(salt), salt_hex);
	hex(key, sizeof(key), key_hex);
	snprintf(out, HASH_TEXT, "pbkdf2-sha256$%d$%s$%s", ITERATIONS, salt_hex,
	         key_hex);
	return EWS_OK;
}

static int
unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return s[2 * n] == 0 || s[2 * n] == '$' ? 0 : -1;
}

/* Whether code matches a stored hash, in constant time. */
static int
code_matches(const char *code, const char *stored)
{
	unsigned char salt[SALT_BYTES], want[KEY_BYTES], got[KEY_BYTES];
	unsigned int iter;
	const char *s, *k;

	if (!stored || sscanf(stored, "pbkdf2-sha256$%u$", &iter) != 1 ||
	    iter < 1000 || iter > 100000000 ||
	    !(s = strchr(stored + 14, '$')) || !(k = strchr(s + 1, '$')) ||
	    unhex(s + 1, salt, SALT_BYTES) || unhex(k + 1, want, KEY_BYTES) ||
	    pbkdf2(code, salt, iter, got))
		return 0;
	return CRYPTO_memcmp(want, got, KEY_BYTES) == 0;
}

/* The site's key for PIN indexes: read, or made on first use. */
static ews_status
site_key(ews_site *site, unsigned char *key)
{
	char path[4096];
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/user.key", site->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (RAND_bytes(key, KEY_BYTES) != 1)
			return ews__fail(EWS_ERROR,
			                 "no random bytes for a key");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			n = write(fd, key, KEY_BYTES);
			if (n == KEY_BYTES && fsync(fd) != 0)
				n = -1;
			close(fd);
			if (n == KEY_BYTES)
				return EWS_OK;
			unlink(path);
		}
		return ews__fail(EWS_EIO, "%s: cannot write: %s", path,
		                 strerror(errno));
	}
	if (fd >= 0) {
		n = read(fd, key, KEY_BYTES);
		close(fd);
	}
	if (n != KEY_BYTES)
		return ews__fail(EWS_EIO, "%s: cannot read the key", path);
	return EWS_OK;
}

/* HMAC-SHA256(site key, pin) in hex. */
static ews_status
pin_index(ews_site *site, const char *pin, char *out)
{
	unsigned char key[KEY_BYTES], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	ews_status st = site_key(site, key);

	if (st != EWS_OK)
		return st;
	if (!HMAC(EVP_sha256(), key, KEY_BYTES, (const unsigned char *)pin,
	          strlen(pin), mac, &len))
		return ews__fail(EWS_ERROR, "HMAC failed");
	OPENSSL_cleanse(key, sizeof(key));
	hex(mac, len, out);
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* The default users (USR-1)                                           */

/* The manual's codes, public, hashed with a fixed salt (PBKDF2-SHA256,
 * 600 000 iterations, salt "ews:defaultcodes") so that a new site does
 * not spend seconds hashing them. */
#define DEFAULT_SALT "6577733a64656661756c74636f646573"
static const struct default_user {
	const char *name, *pin;
	unsigned int pages;
	int manager;
	const char *pin_key, *puk_key;
} defaults[] = {
	{ "administrator", "99999", EWS_PAGES_ALL & ~(unsigned)EWS_PAGE_GREENUP,
	  1, "0bf0ea9c652ca7e341c667693f4b2fe18f926d1dfe98e0acf50ff2f6919ce673",
	  "6b5959bbbf16f5cfbb1b8631e5e6c9ba9c98bb35b85ea518230a69daf22b03d4" },
	{ "greenUp", "88888", EWS_PAGES_ALL, 1,
	  "ca04489cafa7a30a78478cbb9fcacc4097c76f3855349ac590e565da2056d515",
	  "a13f7c632b6011b4f08903a1c79f9f9909b5a523f04e7351da5d248691462fe9" },
	{ "installer", "55555",
	  EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_PANEL_BOARD | EWS_PAGE_CONSUMPTION |
	          EWS_PAGE_ALARMS,
	  0, "7526a63e4fdbd0410fc756ab9ee1bf154fbc46610ba0b76228c7ab70adc1efeb",
	  "8f7eed26089d8509277c89591a53e6ac9dcbea589259e03808c4520f87742be2" },
	{ "user", "11111", EWS_PAGE_CONSUMPTION | EWS_PAGE_ALARMS, 0,
	  "57013584759e0d49b6b7ab4c9fc14b5c079d8223495eb64adf08867477200ff1",
	  "ee34dbfd58ce4dc8ae45e6b8a2fa37e64a3d21a23d5382648c05be5a3e708ca9" },
};

ews_status
ews__user_seed(ews_site *site)
{
	char index[2 * EVP_MAX_MD_SIZE + 1], pin_hash[HASH_TEXT],
	        puk_hash[HASH_TEXT];
	ews_status st = EWS_OK;

	for (size_t i = 0;
	     st == EWS_OK && i < sizeof(defaults) / sizeof(*defaults); i++) {
		const struct default_user *d = &defaults[i];

		snprintf(pin_hash, sizeof(pin_hash), "pbkdf2-sha256$%d$%s$%s",
		         ITERATIONS, DEFAULT_SALT, d->pin_key);
		snprintf(puk_hash, sizeof(puk_hash), "pbkdf2-sha256$%d$%s$%s",
		         ITERATIONS, DEFAULT_SALT, d->puk_key);
		if ((st = pin_index(site, d->pin, index)) == EWS_OK)
			st = ews__site_exec(
			        site,
			        "INSERT OR IGNORE INTO user (name, pages, "
			        "manager,"
			        " enabled, default_codes, pin_index, pin_hash,"
			        " puk_hash) VALUES (?, ?, ?, 1, 3, ?, ?, ?)",
			        "siisss", d->name, (int64_t)d->pages,
			        (int64_t)d->manager, index, pin_hash, puk_hash);
	}
	return st;
}

/* ------------------------------------------------------------------ */
/* Users                                                               */

#define USER_COLUMNS                                                           \
	"SELECT id, name, pages, manager, enabled, default_codes FROM user"

static ews_status
read_user(ews_site *site, sqlite3_stmt *q, void *item)
{
	ews_user *u = item;

	(void)site;
	ews_user_init(u, EWS_USER_VERSION);
	u->id = sqlite3_column_int64(q, 0);
	ews__site_column_text(q, 1, u->name, sizeof(u->name));
	u->pages = (unsigned int)sqlite3_column_int(q, 2);
	u->manager = sqlite3_column_int(q, 3);
	u->enabled = sqlite3_column_int(q, 4);
	u->default_codes = sqlite3_column_int(q, 5) != 0;
	return EWS_OK;
}

ews_status
ews_site_user_list(ews_site *site, ews_list **out)
{
	return ews__site_select(site, EWS__LIST_USER, sizeof(ews_user),
	                        read_user, out, USER_COLUMNS " ORDER BY id",
	                        "");
}

const ews_user *
ews_list_user(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_USER, i);
}

ews_status
ews_site_user_get(ews_site *site, int64_t id, ews_user *out)
{
	ews_status st =
	        ews__check_version(out->version, EWS_USER_VERSION, "ews_user");

	if (st != EWS_OK)
		return st;
	return ews__site_select_one(site, EWS__LIST_USER, sizeof(*out),
	                            read_user, out, "user",
	                            USER_COLUMNS " WHERE id = ?", id);
}

static ews_status
check_user(const ews_user *u)
{
	ews_status st =
	        ews__check_version(u->version, EWS_USER_VERSION, "ews_user");

	if (st != EWS_OK)
		return st;
	if (!u->name[0] || strnlen(u->name, EWS_NAME_MAX) == EWS_NAME_MAX)
		return ews__fail_field(EWS_EINVAL, "name", "is required");
	if (u->pages & ~(unsigned)EWS_PAGES_ALL)
		return ews__fail_field(EWS_EINVAL, "pages",
		                       "0x%x has bits that are no page",
		                       u->pages);
	if ((u->manager != 0 && u->manager != 1) ||
	    (u->enabled != 0 && u->enabled != 1))
		return ews__fail_field(EWS_EINVAL,
		                       u->manager != 0 && u->manager != 1
		                               ? "manager"
		                               : "enabled",
		                       "must be 0 or 1");
	return EWS_OK;
}

/* Name and PIN unique: EWS_EEXIST naming the field. */
static ews_status
check_unique(ews_site *site, int64_t id, const char *name, const char *index)
{
	int64_t other;
	ews_status st;

	st = ews__site_scalar(site, &other,
	                      "SELECT id FROM user WHERE name = ? AND id != ?",
	                      "si", name, id);
	if (st == EWS_OK)
		return ews__fail_field(EWS_EEXIST, "name",
		                       "a user is already called '%s'", name);
	if (st != EWS_ENOTFOUND || !index)
		return st == EWS_ENOTFOUND ? EWS_OK : st;
	st = ews__site_scalar(site, &other,
	                      "SELECT id FROM user WHERE pin_index = ?"
	                      " AND id != ?",
	                      "si", index, id);
	if (st == EWS_OK)
		return ews__fail_field(EWS_EEXIST, "pin",
		                       "another user has this PIN");
	return st == EWS_ENOTFOUND ? EWS_OK : st;
}

/* A code's index and hashes; NULL codes stay NULL. */
struct codes {
	char pin[PIN_MAX + 1], puk[PUK_MAX + 1];
	char index[2 * EVP_MAX_MD_SIZE + 1];
	char pin_hash[HASH_TEXT], puk_hash[HASH_TEXT];
	int has_pin, has_puk;
};

static ews_status
prepare_codes(ews_site *site, const char *pin, const char *puk, struct codes *c)
{
	ews_status st = EWS_OK;

	memset(c, 0, sizeof(*c));
	c->has_pin = pin != NULL;
	c->has_puk = puk != NULL;
	if (pin && (st = normalise(pin, "pin", PIN_MIN, PIN_MAX, c->pin)))
		return st;
	if (puk && (st = normalise(puk, "puk", PUK_MIN, PUK_MAX, c->puk)))
		return st;
	if (pin && ((st = pin_index(site, c->pin, c->index)) ||
	            (st = hash_code(c->pin, c->pin_hash))))
		return st;
	if (puk)
		st = hash_code(c->puk, c->puk_hash);
	return st;
}

static void
forget_codes(struct codes *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

ews_status
ews_site_user_add(ews_site *site, ews_user *u, const char *pin, const char *puk)
{
	int64_t id;
	struct codes c;
	ews_status st;

	if ((st = check_user(u)) != EWS_OK)
		return st;
	if (!pin || !puk)
		return ews__fail_field(EWS_EINVAL, pin ? "puk" : "pin",
		                       "is required");
	if ((st = prepare_codes(site, pin, puk, &c)) != EWS_OK ||
	    (st = ews__site_begin(site)) != EWS_OK) {
		forget_codes(&c);
		return st;
	}
	if ((st = check_unique(site, 0, u->name, c.index)) == EWS_OK)
		st = ews__site_exec(site,
		                    "INSERT INTO user (name, pages, manager,"
		                    " enabled, default_codes, pin_index,"
		                    " pin_hash, puk_hash)"
		                    " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
		                    "siiisss", u->name, (int64_t)u->pages,
		                    (int64_t)u->manager, (int64_t)u->enabled,
		                    c.index, c.pin_hash, c.puk_hash);
	forget_codes(&c);
	id = st == EWS_OK ? sqlite3_last_insert_rowid(site->db) : 0;
	if ((st = ews__site_end(site, st)) == EWS_OK) {
		u->id = id;
		u->default_codes = 0;
	}
	return st;
}

/* Someone must stay able to manage users. */
static ews_status
check_managers(ews_site *site, const ews_user *u)
{
	int64_t others;
	ews_status st;

	if (u->manager && u->enabled)
		return EWS_OK;
	st = ews__site_scalar(site, &others,
	                      "SELECT count(*) FROM user WHERE manager = 1"
	                      " AND enabled = 1 AND id != ?",
	                      "i", u->id);
	if (st == EWS_OK && others == 0)
		return ews__fail_field(EWS_EDENIED,
		                       u->enabled ? "manager" : "enabled",
		                       "'%s' is the last enabled manager: "
		                       "someone must be able to manage users",
		                       u->name);
	return st;
}

ews_status
ews_site_user_update(ews_site *site, const ews_user *u)
{
	ews_user old = { .version = EWS_USER_VERSION };
	ews_status st;

	if ((st = check_user(u)) != EWS_OK ||
	    (st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = ews_site_user_get(site, u->id, &old)) == EWS_OK &&
	    (st = check_unique(site, u->id, u->name, NULL)) == EWS_OK &&
	    (st = check_managers(site, u)) == EWS_OK)
		st = ews__site_exec(site,
		                    "UPDATE user SET name = ?, pages = ?,"
		                    " manager = ?, enabled = ? WHERE id = ?",
		                    "siiii", u->name, (int64_t)u->pages,
		                    (int64_t)u->manager, (int64_t)u->enabled,
		                    u->id);
	return ews__site_end(site, st);
}

ews_status
ews_site_user_set_codes(ews_site *site, int64_t id, const char *pin,
                        const char *puk)
{
	ews_user u = { .version = EWS_USER_VERSION };
	struct codes c;
	ews_status st;

	if ((st = prepare_codes(site, pin, puk, &c)) != EWS_OK ||
	    (st = ews__site_begin(site)) != EWS_OK) {
		forget_codes(&c);
		return st;
	}
	if ((st = ews_site_user_get(site, id, &u)) == EWS_OK && c.has_pin)
		st = check_unique(site, id, u.name, c.index);
	if (st == EWS_OK && c.has_pin)
		st = ews__site_exec(
		        site,
		        "UPDATE user SET pin_index = ?, pin_hash = ?,"
		        " default_codes = 0 WHERE id = ?",
		        "ssi", c.index, c.pin_hash, id);
	if (st == EWS_OK && c.has_puk)
		st = ews__site_exec(site,
		                    "UPDATE user SET puk_hash = ?,"
		                    " default_codes = default_codes & ~2"
		                    " WHERE id = ?;",
		                    "si", c.puk_hash, id);
	if (st == EWS_OK && c.has_puk)
		st = ews__site_exec(site,
		                    "DELETE FROM user_trust WHERE user_id = ?",
		                    "i", id);
	forget_codes(&c);
	return ews__site_end(site, st);
}

/* ------------------------------------------------------------------ */
/* Checking codes                                                      */

static ews_status
denied(const char *field)
{
	return ews__fail_field(EWS_EDENIED, field, "wrong code");
}

/* A well-formed hash that no code matches in practice. */
static const char dummy_hash[] =
        "pbkdf2-sha256$600000$" DEFAULT_SALT
        "$0000000000000000000000000000000000000000000000000000000000000000";

/* A code check between its begin (the site's thread) and its end. */
struct ews_code_check {
	char code[PUK_MAX + 1];
	char stored[HASH_TEXT];
	const char *field; /* "pin" or "puk" */
	int64_t user_id;   /* 0: no such user (still hashed: same time) */
	int done, matches;
};

/* The stored hash of the one row of `sql` (id, hash; one parameter). */
static ews_status
load_hash(ews_site *site, struct ews_code_check *c, const char *sql,
          const char *text, int64_t id)
{
	sqlite3_stmt *q;
	ews_status st = ews__site_prepare(site, sql, &q);

	if (st != EWS_OK)
		return st;
	if (text)
		sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		c->user_id = sqlite3_column_int64(q, 0);
		ews__site_column_text(q, 1, c->stored, sizeof(c->stored));
	}
	sqlite3_finalize(q);
	return EWS_OK;
}

static ews_status
check_begin(const char *code, const char *field, size_t min, size_t max,
            struct ews_code_check **out)
{
	struct ews_code_check *c = ews__calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return EWS_ENOMEM;
	c->field = field;
	if (normalise(code, field, min, max, c->code) != EWS_OK) {
		ews_error_clear();
		c->code[0] = 0; /* never matches; refused at the end */
	}
	*out = c;
	return EWS_OK;
}

ews_status
ews_site_pin_check_begin(ews_site *site, const char *pin, ews_code_check **out)
{
	char index[2 * EVP_MAX_MD_SIZE + 1];
	ews_status st = check_begin(pin, "pin", PIN_MIN, PIN_MAX, out);

	if (st == EWS_OK && (*out)->code[0] &&
	    ((st = pin_index(site, (*out)->code, index)) ||
	     (st = load_hash(site, *out,
	                     "SELECT id, pin_hash FROM user"
	                     " WHERE pin_index = ? AND enabled = 1",
	                     index, 0)))) {
		ews_code_check_free(*out);
		*out = NULL;
	}
	return st;
}

ews_status
ews_site_puk_check_begin(ews_site *site, int64_t user_id, const char *puk,
                         ews_code_check **out)
{
	ews_status st = check_begin(puk, "puk", PUK_MIN, PUK_MAX, out);

	if (st == EWS_OK && (*out)->code[0] &&
	    (st = load_hash(site, *out,
	                    "SELECT id, puk_hash FROM user WHERE id = ?"
	                    " AND enabled = 1",
	                    NULL, user_id))) {
		ews_code_check_free(*out);
		*out = NULL;
	}
	return st;
}

void
ews_code_check_run(ews_code_check *c)
{
	/* no such user: hash anyway, so that the time tells nothing */
	int m = code_matches(c->code[0] ? c->code : "0",
	                     c->user_id ? c->stored : dummy_hash);

	c->matches = c->user_id && c->code[0] && m;
	OPENSSL_cleanse(c->code, sizeof(c->code));
	c->done = 1;
}

void
ews_code_check_free(ews_code_check *c)
{
	if (c) {
		OPENSSL_cleanse(c, sizeof(*c));
		free(c);
	}
}

ews_status
ews_site_code_check_end(ews_site *site, ews_code_check *c, ews_user *out)
{
	int64_t id;
	const char *field;
	int ok;

	if (!c->done)
		ews_code_check_run(c);
	ok = c->matches;
	id = c->user_id;
	field = c->field;
	ews_code_check_free(c);
	if (!ok)
		return denied(field);
	if (!out)
		return EWS_OK;
	out->version = EWS_USER_VERSION;
	return ews_site_user_get(site, id, out);
}

ews_status
ews_site_user_check_pin(ews_site *site, const char *pin, ews_user *out)
{
	ews_code_check *c;
	ews_status st = ews_site_pin_check_begin(site, pin, &c);

	return st ? st : ews_site_code_check_end(site, c, out);
}

ews_status
ews_site_user_check_puk(ews_site *site, int64_t id, const char *puk)
{
	ews_code_check *c;
	ews_status st = ews_site_puk_check_begin(site, id, puk, &c);

	return st ? st : ews_site_code_check_end(site, c, NULL);
}

ews_status
ews_site_user_defaults_in_use(ews_site *site, int *yes)
{
	int64_t n = 0;
	ews_status st = ews__site_scalar(site, &n,
	                                 "SELECT count(*) FROM user WHERE"
	                                 " default_codes != 0 AND enabled = 1",
	                                 "");

	*yes = st == EWS_OK && n > 0;
	return st;
}

/* ------------------------------------------------------------------ */
/* Trusted browsers                                                    */

static ews_status
token_sha256(const char *token, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!token || strlen(token) < 16)
		return ews__fail_field(EWS_EINVAL, "token",
		                       "must be at least 16 characters");
	if (!EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL))
		return ews__fail(EWS_ERROR, "SHA-256 failed");
	hex(md, len, out);
	return EWS_OK;
}

ews_status
ews_site_trust_add(ews_site *site, int64_t user_id, const char *token,
                   int64_t now_ms)
{
	char h[2 * EVP_MAX_MD_SIZE + 1];
	ews_status st = token_sha256(token, h);

	if (st != EWS_OK)
		return st;
	return ews__site_exec(site,
	                      "INSERT OR REPLACE INTO user_trust (token_sha256,"
	                      " user_id, created_ms, used_ms)"
	                      " VALUES (?, ?, ?, ?)",
	                      "siii", h, user_id, now_ms, now_ms);
}

ews_status
ews_site_trust_check(ews_site *site, int64_t user_id, const char *token,
                     int64_t now_ms, int *yes)
{
	char h[2 * EVP_MAX_MD_SIZE + 1];
	int64_t one;
	ews_status st;

	*yes = 0;
	if (!token || strlen(token) < 16)
		return EWS_OK; /* no token: not trusted */
	if ((st = token_sha256(token, h)) != EWS_OK)
		return st;
	st = ews__site_scalar(site, &one,
	                      "SELECT 1 FROM user_trust WHERE token_sha256 = ?"
	                      " AND user_id = ?",
	                      "si", h, user_id);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st == EWS_OK)
		*yes = 1;
	return st ? st
	          : ews__site_exec(site,
	                           "UPDATE user_trust SET used_ms = ?"
	                           " WHERE token_sha256 = ?",
	                           "is", now_ms, h);
}

ews_status
ews_site_trust_revoke(ews_site *site, const char *token)
{
	char h[2 * EVP_MAX_MD_SIZE + 1];
	ews_status st = token_sha256(token, h);

	if (st != EWS_OK)
		return st;
	return ews__site_exec(site,
	                      "DELETE FROM user_trust WHERE"
	                      " token_sha256 = ?",
	                      "s", h);
}
