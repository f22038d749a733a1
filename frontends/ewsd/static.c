/*
 * The web UI's files, from --www (installed in share/ews/www), and the
 * libraries it uses from the system's packages: Chart.js under
 * /lib/chart.js/, from --chartjs (Debian's libjs-chart.js).
 *
 * A request path is percent-decoded, then refused (404, never saying why)
 * when it holds a NUL, a backslash or a segment beginning with a dot
 * ("." and ".." included). The file is resolved with realpath() and must
 * lie inside realpath(www): a symlink out of the directory is refused.
 * Only regular files are served. A path that names no file and has no
 * extension serves /index.html (the single-page app's routes), except
 * under /api/ and /lib/. The same rules hold for /lib/chart.js/, whose
 * files lie in their own directory (symlinks within it are followed).
 * A directory that is missing is logged once; its paths answer 404.
 *
 * Answers carry a strong ETag (size, mtime in ns, inode; "-gz" for the
 * gzip variant), Last-Modified and Cache-Control (no-cache for HTML).
 * If-None-Match (or an exact If-Modified-Since) gives 304. Text files over
 * 1 KiB go out gzip-compressed when the client accepts it: from a sibling
 * FILE.gz when there is one no older than FILE, else compressed here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <zlib.h>

#include "ewsd.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum {
	GZIP_MIN = 1024,      /* smaller files are sent as they are */
	READ_MAX = 8 << 20,   /* larger files are mapped, not compressed */
	TAG_SIZE = 3 * 16 + 8 /* "\"%llx-%llx-%llx-gz\"" */
};

struct file_type {
	const char *ext, *type;
	int compress;
};

static const struct file_type types[] = {
	{ "html", "text/html; charset=utf-8", 1 },
	{ "js", "text/javascript; charset=utf-8", 1 },
	{ "mjs", "text/javascript; charset=utf-8", 1 },
	{ "css", "text/css; charset=utf-8", 1 },
	{ "json", "application/json", 1 },
	{ "map", "application/json", 1 },
	{ "webmanifest", "application/manifest+json", 1 },
	{ "svg", "image/svg+xml", 1 },
	{ "txt", "text/plain; charset=utf-8", 1 },
	{ "png", "image/png", 0 },
	{ "jpg", "image/jpeg", 0 },
	{ "jpeg", "image/jpeg", 0 },
	{ "gif", "image/gif", 0 },
	{ "ico", "image/x-icon", 0 },
	{ "woff2", "font/woff2", 0 },
	{ "woff", "font/woff", 0 },
};

static const struct file_type octets = { "", "application/octet-stream", 0 };

/* A file opened for serving: its descriptor, status and real path. */
struct served {
	int fd;
	struct stat st;
	char path[PATH_MAX];
};

enum { FOUND = 0, MISSING = -1, REFUSED = -2 };

/* A directory served at a URL prefix. */
struct tree {
	const char *prefix; /* of the decoded path; "" for the UI */
	const char *what;   /* its option, for the log */
	int app;            /* the single-page app: /index.html fallback */
	int warned;         /* its missing directory was logged */
};

enum { TREE_WWW = 0, TREE_CHARTJS = 1 };

static struct tree trees[] = {
	[TREE_WWW] = { "", "www", 1, 0 },
	[TREE_CHARTJS] = { "/lib/chart.js", "chartjs", 0, 0 },
};

/* The extension of the last segment of path, or NULL (".x" has none). */
static const char *
extension(const char *path)
{
	const char *last = strrchr(path, '/');
	const char *dot;

	last = last ? last + 1 : path;
	dot = strrchr(last, '.');
	return dot && dot != last ? dot + 1 : NULL;
}

static const struct file_type *
type_of(const char *path)
{
	const char *ext = extension(path);

	for (size_t i = 0; ext && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(ext, types[i].ext))
			return &types[i];
	return &octets;
}

/* A short text/plain answer (no body for HEAD, as evhttp would send it). */
static void
send_text(struct evhttp_request *r, int code, const char *reason,
          const char *text)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r);
	struct evbuffer *b = evbuffer_new();
	char len[32];

	snprintf(len, sizeof(len), "%zu", strlen(text) + 1);
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Content-Length", len);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (b && evhttp_request_get_command(r) != EVHTTP_REQ_HEAD)
		evbuffer_add_printf(b, "%s\n", text);
	evhttp_send_reply(r, code, reason, b);
	if (b)
		evbuffer_free(b);
}

static void
not_found(struct evhttp_request *r)
{
	send_text(r, 404, "Not Found", "not found");
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */

/* The decoded path (free it), or NULL when refused. */
static char *
decode_path(const char *path)
{
	size_t len = 0;
	char *p = evhttp_uridecode(path, 0, &len);

	if (!p)
		return NULL;
	if (strlen(p) != len || p[0] != '/' || strchr(p, '\\') ||
	    len >= PATH_MAX / 2)
		goto refuse;
	/* no segment starts with '.': refuses ".", ".." and hidden files */
	for (const char *s = p; (s = strchr(s, '/')); s++)
		if (s[1] == '.')
			goto refuse;
	return p;
refuse:
	free(p);
	return NULL;
}

/* Whether real path rp lies inside real directory root. */
static int
inside(const char *root, const char *rp)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(rp, root, n) && (rp[n] == '/' || rp[n] == 0);
}

/* Open full (root + a path) if its real path lies in root and it is a
 * regular file. */
static int
open_real(const char *root, const char *full, struct served *f)
{
	f->fd = -1;
	if (!realpath(full, f->path))
		return errno == ENOENT || errno == ENOTDIR ? MISSING : REFUSED;
	if (!inside(root, f->path))
		return REFUSED;
	f->fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0)
		return MISSING;
	if (fstat(f->fd, &f->st) != 0 || !S_ISREG(f->st.st_mode)) {
		close(f->fd);
		f->fd = -1;
		return MISSING;
	}
	return FOUND;
}

static int
open_under(const char *root, const char *rel, struct served *f)
{
	char full[PATH_MAX];

	f->fd = -1;
	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, rel) >=
	    sizeof(full))
		return REFUSED;
	return open_real(root, full, f);
}

/* Whether rel is `dir` or lies under it. */
static int
under(const char *rel, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(rel, dir, n) && (rel[n] == '/' || rel[n] == 0);
}

/* A route of the single-page app: no extension, not under /api/ or
 * /lib/. */
static int
app_route(const char *rel)
{
	return !extension(rel) && !under(rel, "/api") && !under(rel, "/lib");
}

/* The precompressed sibling f.gz, when it is no older than f. */
static int
open_gz(const char *root, const struct served *f, struct served *g)
{
	char full[PATH_MAX];
	const struct timespec *a = &f->st.st_mtim, *b;

	g->fd = -1;
	if ((size_t)snprintf(full, sizeof(full), "%s.gz", f->path) >=
	            sizeof(full) ||
	    open_real(root, full, g) != FOUND)
		return -1;
	b = &g->st.st_mtim;
	if (b->tv_sec > a->tv_sec ||
	    (b->tv_sec == a->tv_sec && b->tv_nsec >= a->tv_nsec))
		return 0;
	close(g->fd);
	g->fd = -1;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */

/* Whether Accept-Encoding's element [p, end) has a q above zero. */
static int
q_nonzero(const char *p, const char *end)
{
	while ((p = memchr(p, ';', (size_t)(end - p)))) {
		p++;
		p += strspn(p, " \t");
		if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
			for (p += 2; p < end && *p != ';'; p++)
				if (*p >= '1' && *p <= '9')
					return 1;
			return 0;
		}
	}
	return 1;
}

/* Whether Accept-Encoding takes gzip: listed (or "*") without q=0. */
static int
accepts_gzip(const char *ae)
{
	int gzip = -1, star = -1; /* -1: not listed */

	while (ae && *ae) {
		const char *end;
		size_t n;

		ae += strspn(ae, " \t,");
		n = strcspn(ae, ";, \t");
		end = ae + strcspn(ae, ",");
		if ((n == 4 && !strncasecmp(ae, "gzip", 4)) ||
		    (n == 6 && !strncasecmp(ae, "x-gzip", 6)))
			gzip = q_nonzero(ae + n, end);
		else if (n == 1 && *ae == '*')
			star = q_nonzero(ae + n, end);
		ae = end;
	}
	return gzip >= 0 ? gzip : star == 1;
}

/* If-None-Match: "*" or a list of (possibly weak) tags. */
static int
etag_matches(const char *inm, const char *tag)
{
	size_t n = strlen(tag);

	for (;;) {
		const char *end;

		inm += strspn(inm, " \t,");
		if (*inm == '*')
			return 1;
		if (!strncmp(inm, "W/", 2))
			inm += 2;
		if (*inm != '"' || !(end = strchr(inm + 1, '"')))
			return 0;
		if ((size_t)(end + 1 - inm) == n && !strncmp(inm, tag, n))
			return 1;
		inm = end + 1;
	}
}

static void
make_tag(const struct stat *st, int gz, char *out, size_t size)
{
	unsigned long long ns =
	        (unsigned long long)st->st_mtim.tv_sec * 1000000000ULL +
	        (unsigned long long)st->st_mtim.tv_nsec;

	snprintf(out, size, "\"%llx-%llx-%llx%s\"",
	         (unsigned long long)st->st_size, ns,
	         (unsigned long long)st->st_ino, gz ? "-gz" : "");
}

/* An IMF-fixdate, whatever the locale. */
static void
http_date(time_t t, char *out, size_t size)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed",
		                         "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
		                            "May", "Jun", "Jul", "Aug",
		                            "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	out[0] = 0;
	if (!gmtime_r(&t, &tm))
		return;
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	         days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* If-None-Match decides when present; else an If-Modified-Since equal to
 * Last-Modified. */
static int
not_modified(struct evhttp_request *r, const char *tag, const char *date)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r);
	const char *inm = evhttp_find_header(in, "If-None-Match");
	const char *ims = evhttp_find_header(in, "If-Modified-Since");

	if (inm)
		return etag_matches(inm, tag);
	return ims && date[0] && !strcmp(ims, date);
}

/* ------------------------------------------------------------------ */
/* Bodies                                                              */

static int
read_all(int fd, unsigned char *dst, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, dst + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* an error, or the file shrank */
		got += (size_t)n;
	}
	return 0;
}

/* The file's size bytes gzip-compressed into out. */
static int
gzip_into(int fd, size_t size, struct evbuffer *out)
{
	unsigned char *in = malloc(size ? size : 1);
	z_stream z = { 0 };
	struct evbuffer_iovec v;
	int rc = -1;

	if (!in || read_all(fd, in, size) ||
	    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
	            Z_OK) {
		free(in);
		return -1;
	}
	if (evbuffer_reserve_space(out, (ev_ssize_t)deflateBound(&z, size), &v,
	                           1) == 1) {
		z.next_in = in;
		z.avail_in = (uInt)size;
		z.next_out = v.iov_base;
		z.avail_out = (uInt)v.iov_len;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
			v.iov_len = z.total_out;
			rc = evbuffer_commit_space(out, &v, 1);
		}
	}
	deflateEnd(&z);
	free(in);
	return rc;
}

/* The file read whole into out: no mapping, so a file truncated while
 * it is sent cannot fault the daemon. */
static int
read_into(int fd, size_t size, struct evbuffer *out)
{
	struct evbuffer_iovec v;

	if (size == 0)
		return 0;
	if (evbuffer_reserve_space(out, (ev_ssize_t)size, &v, 1) != 1 ||
	    read_all(fd, v.iov_base, size))
		return -1;
	v.iov_len = size;
	return evbuffer_commit_space(out, &v, 1);
}

/* The body of s into b (left empty for HEAD but for a gzip made here,
 * whose length is needed) and its length. Takes s->fd. */
static int
load_body(struct served *s, int gz_here, int head, struct evbuffer *b,
          size_t *len)
{
	size_t size = (size_t)s->st.st_size;
	int fd = s->fd, rc = 0;

	s->fd = -1;
	if (gz_here)
		rc = gzip_into(fd, size, b);
	else if (!head && size <= READ_MAX)
		rc = read_into(fd, size, b);
	else if (!head) {
		/* evbuffer_add_file keeps fd on success (mapped) */
		if (evbuffer_add_file(b, fd, 0, s->st.st_size) == 0)
			fd = -1;
		else
			rc = -1;
	}
	if (fd >= 0)
		close(fd);
	*len = gz_here ? evbuffer_get_length(b) : size;
	if (head)
		evbuffer_drain(b, evbuffer_get_length(b));
	return rc;
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */

static void
cache_headers(struct evkeyvalq *h, const struct file_type *ft, const char *tag,
              int vary)
{
	evhttp_add_header(h, "ETag", tag);
	evhttp_add_header(h, "Cache-Control",
	                  strcmp(ft->ext, "html") ? "public, max-age=3600"
	                                          : "no-cache");
	if (vary)
		evhttp_add_header(h, "Vary", "Accept-Encoding");
}

/* 200 with the body, or 304. */
static void
answer(struct evhttp_request *r, const struct file_type *ft, struct served *s,
       int gz, int gz_here, int vary, time_t mtime)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r);
	int head = evhttp_request_get_command(r) == EVHTTP_REQ_HEAD;
	char tag[TAG_SIZE], date[40], len_text[32];
	struct evbuffer *b;
	size_t len = 0;

	make_tag(&s->st, gz, tag, sizeof(tag));
	http_date(mtime, date, sizeof(date));
	if (not_modified(r, tag, date)) {
		close(s->fd);
		s->fd = -1;
		cache_headers(h, ft, tag, vary);
		evhttp_send_reply(r, 304, "Not Modified", NULL);
		return;
	}
	if (!(b = evbuffer_new()) || load_body(s, gz_here, head, b, &len)) {
		ewsd_log("www: cannot read %s", s->path);
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		if (b)
			evbuffer_free(b);
		send_text(r, 500, "Internal Server Error", "cannot read");
		return;
	}
	snprintf(len_text, sizeof(len_text), "%zu", len);
	evhttp_add_header(h, "Content-Type", ft->type);
	evhttp_add_header(h, "Content-Length", len_text);
	if (gz)
		evhttp_add_header(h, "Content-Encoding", "gzip");
	if (date[0])
		evhttp_add_header(h, "Last-Modified", date);
	cache_headers(h, ft, tag, vary);
	evhttp_send_reply(r, 200, "OK", b);
	evbuffer_free(b);
}

/* Choose the variant of f (as is, FILE.gz, or gzip made here) and answer.
 * Takes f->fd. */
static void
serve_file(struct evhttp_request *r, const char *root, struct served *f,
           const char *name)
{
	const struct file_type *ft = type_of(name);
	int vary = ft->compress && f->st.st_size > GZIP_MIN;
	struct evkeyvalq *in = evhttp_request_get_input_headers(r);
	struct served *g = NULL;
	time_t mtime = f->st.st_mtim.tv_sec;

	if (vary && accepts_gzip(evhttp_find_header(in, "Accept-Encoding"))) {
		if ((g = malloc(sizeof(*g))) && open_gz(root, f, g) == 0) {
			close(f->fd);
			f->fd = -1;
			answer(r, ft, g, 1, 0, vary, mtime);
			free(g);
			return;
		}
		free(g);
		if (f->st.st_size <= READ_MAX) {
			answer(r, ft, f, 1, 1, vary, mtime);
			return;
		}
	}
	answer(r, ft, f, 0, 0, vary, mtime);
}

static const char *
tree_dir(const struct ewsd *d, size_t t)
{
	return t == TREE_CHARTJS ? d->opts.chartjs_dir : d->opts.www_dir;
}

/* The real path of a tree's directory into root; a missing one is logged
 * once (ewsd goes on: its paths answer 404). */
static int
tree_root(const struct ewsd *d, size_t t, char *root)
{
	const char *dir = tree_dir(d, t);

	if (dir && realpath(dir, root))
		return 0;
	if (!trees[t].warned) {
		trees[t].warned = 1;
		ewsd_log("%s: %s: %s: its files answer 404", trees[t].what,
		         dir ? dir : "(none)", dir ? strerror(errno) : "unset");
	}
	return -1;
}

void
ewsd_static_check(const struct ewsd *d)
{
	char root[PATH_MAX];

	for (size_t t = 0; t < sizeof(trees) / sizeof(trees[0]); t++)
		tree_root(d, t, root);
}

void
ewsd_static_serve(struct ewsd *d, struct evhttp_request *r, const char *path)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(r);
	char root[PATH_MAX], *rel = NULL;
	const char *name = NULL, *sub;
	struct served *f = NULL;
	int rc = REFUSED;
	size_t t = TREE_WWW;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(r), "Allow",
		                  "GET, HEAD");
		send_text(r, 405, "Method Not Allowed", "method not allowed");
		return;
	}
	if (!(rel = decode_path(path))) {
		not_found(r);
		return;
	}
	if (under(rel, trees[TREE_CHARTJS].prefix))
		t = TREE_CHARTJS;
	sub = rel + strlen(trees[t].prefix);
	if (!*sub || tree_root(d, t, root)) {
		not_found(r);
		free(rel);
		return;
	}
	if ((f = malloc(sizeof(*f)))) {
		name = trees[t].app && !strcmp(sub, "/") ? "/index.html" : sub;
		rc = open_under(root, name, f);
		if (rc == MISSING && trees[t].app && app_route(sub)) {
			name = "/index.html";
			rc = open_under(root, name, f);
		}
	}
	if (rc == FOUND)
		serve_file(r, root, f, name);
	else
		not_found(r);
	free(f);
	free(rel);
}
