/*
 * HTTPS: one SSL_CTX for --https. With --cert/--key those files are used;
 * without, SITE/tls/cert.pem and SITE/tls/key.pem, made at the first
 * start as an EC P-256 key and a self-signed certificate for this host
 * (10 years), and reused afterwards. The certificate's SHA-256
 * fingerprint is logged so that a user can check what the browser shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ewsd.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum { CERT_DAYS = 3653 }; /* 10 years, leap days included */

/* TLS 1.2 suites: forward secrecy and AEAD only (Mozilla "intermediate").
 * TLS 1.3 keeps OpenSSL's defaults, which are all good. */
static const char cipher_list[] =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
        "DHE-RSA-CHACHA20-POLY1305";

/* Log what failed with OpenSSL's first queued reason, and empty the queue. */
static void
log_ssl(const char *what, const char *path)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "unknown error";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	ewsd_log("tls: %s%s%s: %s", what, path ? " " : "", path ? path : "",
	         reason);
}

/* ------------------------------------------------------------------ */
/* The self-signed pair                                                */

/* This host's name if it is a plain DNS name, else "localhost". */
static void
host_name(char *out, size_t size)
{
	char h[256] = "";

	if (gethostname(h, sizeof(h) - 1) != 0 || !h[0] || strlen(h) > 63)
		goto local;
	for (const char *c = h; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
			goto local;
	snprintf(out, size, "%s", h);
	return;
local:
	snprintf(out, size, "localhost");
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A random positive 128-bit serial number. */
static int
set_serial(X509 *x)
{
	unsigned char raw[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 0;
	raw[0] &= 0x7f;
	raw[0] |= 0x01; /* never zero, always 16 bytes */
	if (!(bn = BN_bin2bn(raw, sizeof(raw), NULL)))
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

static X509 *
make_cert(EVP_PKEY *key, const char *host)
{
	X509 *x = X509_new();
	X509_NAME *name;
	char san[512];

	if (strcmp(host, "localhost"))
		snprintf(san, sizeof(san),
		         "DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1", host);
	else
		snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1,IP:::1");
	if (!x || !X509_set_version(x, 2) || !set_serial(x) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), CERT_DAYS, 0, NULL) ||
	    !X509_set_pubkey(x, key) || !(name = X509_get_subject_name(x)) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	                                (const unsigned char *)host, -1, -1,
	                                0) ||
	    !X509_set_issuer_name(x, name) ||
	    !add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(x, NID_subject_alt_name, san) ||
	    !add_ext(x, NID_subject_key_identifier, "hash") ||
	    !X509_sign(x, key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Write key or cert as PEM to path through a temporary file in the same
 * directory, renamed into place once complete and synced: a crash leaves
 * the old file or none, never half a file. */
static int
write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int fd, ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp))
		return -1;
	if ((fd = mkstemp(tmp)) < 0) { /* 0600 from the start */
		ewsd_log("tls: %s: %s", tmp, strerror(errno));
		return -1;
	}
	errno = 0;
	ok = fchmod(fd, mode) == 0 && (f = fdopen(fd, "w")) != NULL;
	if (ok)
		ok = key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
		                                NULL)
		         : PEM_write_X509(f, cert);
	ok = ok && fflush(f) == 0 && fsync(fd) == 0;
	if (f)
		ok = (fclose(f) == 0) && ok;
	else
		close(fd);
	if (!ok || rename(tmp, path) != 0) {
		ewsd_log("tls: cannot write %s: %s", path,
		         errno ? strerror(errno) : "OpenSSL error");
		ERR_clear_error();
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* "AB:CD:..." of the certificate's SHA-256 digest. */
static void
fingerprint(const X509 *x, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t at = 0;

	out[0] = 0;
	if (!X509_digest(x, EVP_sha256(), md, &n))
		return;
	for (unsigned int i = 0; i < n && at + 4 <= size; i++)
		at += (size_t)snprintf(out + at, size - at, "%s%02X",
		                       i ? ":" : "", md[i]);
}

static int
make_pair(const char *dir, const char *cert_path, const char *key_path)
{
	char host[64], fp[EVP_MAX_MD_SIZE * 3 + 1];
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	int rc = -1;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		ewsd_log("tls: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	host_name(host, sizeof(host));
	if (!(key = EVP_EC_gen("P-256")) || !(x = make_cert(key, host))) {
		log_ssl("cannot make a self-signed certificate", NULL);
		goto out;
	}
	/* the key first: a cert.pem on disk always has its key.pem */
	if (write_pem(key_path, 0600, key, NULL) ||
	    write_pem(cert_path, 0644, NULL, x))
		goto out;
	fingerprint(x, fp, sizeof(fp));
	ewsd_log("tls: made a self-signed certificate for %s in %s (valid %d "
	         "days), SHA-256 fingerprint %s",
	         host, cert_path, CERT_DAYS, fp);
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The context                                                         */

/* An encrypted key fails to load rather than prompting on a terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return 0;
}

static SSL_CTX *
new_ctx(const char *cert_path, const char *key_path)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, cipher_list)) {
		log_ssl("cannot set up TLS", NULL);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	                                 SSL_OP_NO_RENEGOTIATION |
	                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_dh_auto(ctx, 1);
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
		log_ssl("cannot load the certificate", cert_path);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) {
		log_ssl("cannot load the key", key_path);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		log_ssl("the key does not match the certificate", key_path);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static void
log_cert(SSL_CTX *ctx, const char *cert_path)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	char fp[EVP_MAX_MD_SIZE * 3 + 1];

	if (!x)
		return;
	fingerprint(x, fp, sizeof(fp));
	ewsd_log("tls: certificate %s, SHA-256 fingerprint %s", cert_path, fp);
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)
		ewsd_log("tls: warning: the certificate %s has expired",
		         cert_path);
}

int
ewsd_tls_init(struct ewsd *d)
{
	char dir[PATH_MAX - 16], cert[PATH_MAX], key[PATH_MAX];
	const char *cert_path = d->opts.cert, *key_path = d->opts.key;
	SSL_CTX *ctx;

	if (d->tls_ctx)
		return 0;
	if (!cert_path || !key_path) {
		if ((size_t)snprintf(dir, sizeof(dir), "%s/tls",
		                     d->opts.site_dir) >= sizeof(dir)) {
			ewsd_log("tls: the site path is too long");
			return -1;
		}
		snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
		snprintf(key, sizeof(key), "%s/key.pem", dir);
		cert_path = cert;
		key_path = key;
		if ((access(cert, F_OK) != 0 || access(key, F_OK) != 0) &&
		    make_pair(dir, cert, key))
			return -1;
	}
	if (!(ctx = new_ctx(cert_path, key_path)))
		return -1;
	log_cert(ctx, cert_path);
	d->tls_ctx = ctx;
	return 0;
}

void
ewsd_tls_free(struct ewsd *d)
{
	SSL_CTX_free(d->tls_ctx);
	d->tls_ctx = NULL;
}

/* evhttp sets the accepted socket on the bufferevent afterwards. Should
 * this fail (out of memory), evhttp would fall back to a plain socket,
 * which then only sees TLS handshakes it cannot parse and drops. */
struct bufferevent *
ewsd_tls_bev(struct event_base *base, void *arg)
{
	struct ewsd *d = arg;
	struct bufferevent *bev;
	SSL *ssl = SSL_new(d->tls_ctx);

	if (!ssl)
		return NULL;
	/* on failure, libevent frees ssl itself (BEV_OPT_CLOSE_ON_FREE) */
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	                                     BUFFEREVENT_SSL_ACCEPTING,
	                                     BEV_OPT_CLOSE_ON_FREE);
	if (bev)
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}
