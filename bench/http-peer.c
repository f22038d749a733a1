/*
 * The peer of B3 (performance-anchors.md; issue 7): a bare evhttp server
 * answering fixed bytes, the "raw evhttp" of the anchors. bench/http.py
 * captures ewsd's answers once and gives them to it, so both servers
 * send the same status, headers and body; only Date differs.
 *
 *   http-peer [--listen ADDR:PORT] [--port-file FILE]
 *             URI HEADERS_FILE BODY_FILE [URI HEADERS_FILE BODY_FILE]...
 *
 * URI is the request target to answer, path and query as sent
 * ("/api/v1/consumption?scope=site&period=day&date=2024-06-12"); any
 * other gets a bare 404. HEADERS_FILE holds "Name: value" lines, added to
 * every answer in that order (evhttp adds Date and Content-Length, as it
 * does for ewsd); BODY_FILE the body, served by reference (no copy per
 * request). --listen defaults to 127.0.0.1:0 (any free port); the bound
 * port is written to --port-file once listening. SIGTERM and SIGINT stop
 * it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

enum { ROUTES_MAX = 16, HEADERS_MAX = 32 };

struct header {
	char *name, *value;
};

struct route {
	const char *uri;
	struct header headers[HEADERS_MAX];
	size_t n_headers;
	char *body;
	size_t body_len;
};

static struct route routes[ROUTES_MAX];
static size_t n_routes;

/* "http-peer: WHAT: ARG" and exit 1. */
static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "http-peer: %s: %s\n", what, arg);
	exit(1);
}

/* The whole file, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		die("cannot open", path);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* "Name: value" lines into r->headers (the text is kept, cut in place). */
static void
load_headers(struct route *r, const char *path)
{
	size_t len;
	char *text = slurp(path, &len), *line, *save = NULL;

	for (line = strtok_r(text, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon || colon == line)
			die("a line is not 'Name: value'", path);
		if (r->n_headers == HEADERS_MAX)
			die("too many headers", path);
		*colon++ = 0;
		while (*colon == ' ')
			colon++;
		r->headers[r->n_headers].name = line;
		r->headers[r->n_headers++].value = colon;
	}
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	const char *uri = evhttp_request_get_uri(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *body;
	const struct route *r = NULL;

	(void)arg;
	for (size_t i = 0; i < n_routes && !r; i++)
		if (!strcmp(routes[i].uri, uri))
			r = &routes[i];
	if (!r) {
		evhttp_send_error(req, 404, NULL);
		return;
	}
	for (size_t i = 0; i < r->n_headers; i++)
		evhttp_add_header(out, r->headers[i].name, r->headers[i].value);
	body = evhttp_request_get_output_buffer(req);
	evbuffer_add_reference(body, r->body, r->body_len, NULL, NULL);
	evhttp_send_reply(req, 200, NULL, NULL);
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void
write_port_file(const char *path, struct evhttp_bound_socket *bs)
{
	struct sockaddr_storage ss;
	ev_socklen_t len = sizeof(ss);
	unsigned int port = 0;
	char tmp[4096];
	FILE *f;

	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	                &len) == 0)
		port = ntohs(ss.ss_family == AF_INET6
		                     ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                     : ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")))
		die("cannot write", tmp);
	fprintf(f, "%u\n", port);
	fclose(f);
	if (rename(tmp, path))
		die("cannot rename to", path);
}

int
main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:0", *port_file = NULL, *colon;
	struct evhttp_bound_socket *bs;
	struct event_base *base;
	struct event *sigs[2];
	struct evhttp *http;
	char addr[256];
	int i = 1;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--listen"))
			listen = argv[i + 1];
		else if (!strcmp(argv[i], "--port-file"))
			port_file = argv[i + 1];
		else
			die("unknown option", argv[i]);
	}
	if (argc - i < 3 || (argc - i) % 3 || (argc - i) / 3 > ROUTES_MAX) {
		fprintf(stderr,
		        "usage: http-peer [--listen ADDR:PORT] [--port-file "
		        "FILE]\n"
		        "                 URI HEADERS_FILE BODY_FILE...\n");
		return 2;
	}
	for (; i < argc; i += 3) {
		struct route *r = &routes[n_routes++];

		r->uri = argv[i];
		load_headers(r, argv[i + 1]);
		r->body = slurp(argv[i + 2], &r->body_len);
	}
	if (!(colon = strrchr(listen, ':')) ||
	    (size_t)(colon - listen) >= sizeof(addr))
		die("not ADDR:PORT", listen);
	memcpy(addr, listen, (size_t)(colon - listen));
	addr[colon - listen] = 0;

	signal(SIGPIPE, SIG_IGN);
	if (!(base = event_base_new()) || !(http = evhttp_new(base)))
		die("libevent", "cannot start");
	evhttp_set_gencb(http, on_request, NULL);
	if (!(bs = evhttp_bind_socket_with_handle(
	              http, addr, (ev_uint16_t)atoi(colon + 1))))
		die("cannot listen on", listen);
	sigs[0] = evsignal_new(base, SIGTERM, on_stop, base);
	sigs[1] = evsignal_new(base, SIGINT, on_stop, base);
	event_add(sigs[0], NULL);
	event_add(sigs[1], NULL);
	if (port_file)
		write_port_file(port_file, bs);
	event_base_dispatch(base);

	event_free(sigs[0]);
	event_free(sigs[1]);
	evhttp_free(http);
	event_base_free(base);
	for (size_t r = 0; r < n_routes; r++)
		free(routes[r].body);
	return 0;
}
