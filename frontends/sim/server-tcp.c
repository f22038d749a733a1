/*
 * Modbus TCP: one listening socket per port, one thread per client
 * connection. Devices answer on the port their configuration gives
 * (`port`), the others on --port; a unit asked on another port is
 * unknown there, as on another gateway.
 *
 * Each thread reads whole ADUs itself (MBAP header, then the length it
 * announces, whatever the function) and answers through its own libmodbus
 * TCP context bound to the connection with modbus_set_socket(); libmodbus
 * contexts are not shared between threads. A thread that sleeps for a
 * latency fault or stays silent for a timeout fault delays only its own
 * client. The devices are shared under sim->lock.
 *
 * On stop, every connection is shut down and the threads are waited for
 * (at most STOP_WAIT_S: a long latency fault may outlive it).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim.h"

enum {
	LISTEN_MAX = 16, /* ports of one process */
	CLIENTS_MAX = 64,
	MBAP_LEN = 7,  /* transaction, protocol, length, unit */
	ADU_MAX = 260, /* MODBUS_TCP_MAX_ADU_LENGTH */
	STOP_WAIT_S = 2
};

struct server {
	struct sim *sim;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int fds[CLIENTS_MAX]; /* -1: free slot */
	int live;
};

struct client {
	struct server *srv;
	int slot;
	int fd;
	unsigned int port; /* the devices' port it came on; 0: --port */
};

/* One listening socket: the devices of `key` (0: those of --port). */
struct listener {
	unsigned int key;
	unsigned int port; /* bound */
	int fd;
};

/* n bytes, or 0 at the end of the stream, -1 on error. */
static int
recv_all(int fd, uint8_t *buf, int n)
{
	int got = 0;

	while (got < n) {
		ssize_t r = recv(fd, buf + got, (size_t)(n - got), 0);

		if (r == 0)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		got += (int)r;
	}
	return n;
}

/* One ADU: its length, 0 at the end of the stream, -1 on a bad frame. */
static int
read_adu(int fd, uint8_t *buf)
{
	unsigned int len;
	int rc = recv_all(fd, buf, MBAP_LEN);

	if (rc <= 0)
		return rc;
	len = (unsigned int)buf[4] << 8 | buf[5];
	if (buf[2] != 0 || buf[3] != 0 || len < 2 ||
	    MBAP_LEN - 1 + len > ADU_MAX)
		return -1; /* not Modbus: a real device hangs up too */
	rc = recv_all(fd, buf + MBAP_LEN, (int)len - 1);
	return rc <= 0 ? rc : MBAP_LEN - 1 + (int)len;
}

static void
serve_client(struct server *srv, modbus_t *ctx, int fd, unsigned int port)
{
	uint8_t req[ADU_MAX];
	enum sim_outcome out = SIM_REPLIED;
	int n;

	while (out == SIM_REPLIED || out == SIM_SILENT) {
		n = read_adu(fd, req);
		if (n <= 0)
			break;
		out = sim_handle(srv->sim, ctx, req, n, MBAP_LEN, 0, port);
	}
	if (out == SIM_DROP)
		sim_log(srv->sim, "connection dropped (fault)");
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	struct server *srv = c->srv;
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", MODBUS_TCP_DEFAULT_PORT);

	if (ctx && modbus_set_socket(ctx, c->fd) == 0)
		serve_client(srv, ctx, c->fd, c->port);
	pthread_mutex_lock(&srv->lock);
	srv->fds[c->slot] = -1;
	srv->live--;
	pthread_cond_signal(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
	close(c->fd);
	modbus_free(ctx);
	free(c);
	return NULL;
}

static void
accept_client(struct server *srv, int lfd, unsigned int port)
{
	struct client *c;
	pthread_t th;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), one = 1, slot;

	if (fd < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	pthread_mutex_lock(&srv->lock);
	for (slot = 0; slot < CLIENTS_MAX && srv->fds[slot] >= 0; slot++)
		;
	c = slot < CLIENTS_MAX ? malloc(sizeof(*c)) : NULL;
	if (c) {
		*c = (struct client){ srv, slot, fd, port };
		srv->fds[slot] = fd;
		srv->live++;
		if (pthread_create(&th, NULL, client_main, c) == 0) {
			pthread_detach(th);
			c = NULL;
			fd = -1;
		} else {
			srv->fds[slot] = -1;
			srv->live--;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	free(c);
	if (fd >= 0) {
		sim_log(srv->sim, "connection refused: too many clients");
		close(fd);
	}
}

/* ------------------------------------------------------------------ */
/* Listening                                                           */

/* The bound ports, space-separated, on one line. */
static int
write_port_file(const char *file, const struct listener *l, size_t n)
{
	char tmp[4096];
	FILE *fp;
	size_t i;
	int bad;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fp = fopen(tmp, "w");
	bad = !fp;
	for (i = 0; !bad && i < n; i++)
		bad = fprintf(fp, "%s%u", i ? " " : "", l[i].port) < 0;
	if (!bad)
		bad = fputc('\n', fp) == EOF;
	if (fp && fclose(fp) != 0)
		bad = 1;
	if (bad || rename(tmp, file) != 0) {
		sim_error("--port-file %s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_on(const char *addr, unsigned int want, unsigned int *port)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char service[8];
	int fd = -1, one = 1, rc;

	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", want);
	rc = getaddrinfo(addr, service, &hints, &res);
	if (rc != 0) {
		sim_error("--listen %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		sim_error("listen on %s port %u: %s", addr, want,
		          strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	} else {
		*port = ntohs(sa.ss_family == AF_INET6
		                      ? ((struct sockaddr_in6 *)&sa)->sin6_port
		                      : ((struct sockaddr_in *)&sa)->sin_port);
	}
	freeaddrinfo(res);
	return fd;
}

/* Shut every connection down and wait for the threads; 0 when they all
 * ended in time. */
static int
stop_clients(struct server *srv)
{
	struct timespec until;
	int i, rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += STOP_WAIT_S;
	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < CLIENTS_MAX; i++)
		if (srv->fds[i] >= 0)
			shutdown(srv->fds[i], SHUT_RDWR);
	while (srv->live > 0 && rc == 0)
		rc = pthread_cond_timedwait(&srv->idle, &srv->lock, &until);
	rc = srv->live;
	pthread_mutex_unlock(&srv->lock);
	return rc == 0 ? 0 : -1;
}

/* The ports to listen on: --port's for the devices without one (a
 * device whose port is --port's joins them), then each other port. */
static size_t
plan_listeners(struct sim *sim, const struct sim_tcp_opts *o,
               struct listener *l)
{
	size_t i, k, n = 0;

	l[0] = (struct listener){ 0, 0, -1 };
	if (sim->ndevs == 0)
		return 1; /* a gateway with nothing behind it */
	for (i = 0; i < sim->ndevs; i++)
		if (sim->devs[i].cfg.port == o->port)
			sim->devs[i].cfg.port = 0;
	for (i = 0; i < sim->ndevs; i++) {
		unsigned int key = sim->devs[i].cfg.port;

		for (k = 0; k < n && l[k].key != key; k++)
			;
		if (k < n)
			continue;
		if (n == LISTEN_MAX)
			return 0;
		l[n++] = (struct listener){ key, 0, -1 };
	}
	for (k = 0; k < n && l[k].key != 0; k++)
		;
	if (k < n) { /* --port's first, the others in the file's order */
		memmove(l + 1, l, k * sizeof(*l));
		l[0] = (struct listener){ 0, 0, -1 };
	}
	return n;
}

static void
close_listeners(struct listener *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].fd >= 0)
			close(l[i].fd);
}

/* Bind every listener and write the port file; -1 when one failed. */
static int
open_listeners(struct sim *sim, const struct sim_tcp_opts *o,
               struct listener *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		l[i].fd = listen_on(o->listen, l[i].key ? l[i].key : o->port,
		                    &l[i].port);
		if (l[i].fd < 0)
			return -1;
		sim_log(sim, "listening on %s port %u", o->listen, l[i].port);
	}
	if (o->port_file && write_port_file(o->port_file, l, n) != 0)
		return -1;
	return 0;
}

static void
serve_loop(struct server *srv, const struct listener *l, size_t n, int stop_fd)
{
	struct pollfd p[LISTEN_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = l[i].fd, .events = POLLIN };
	p[n] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, n + 1, -1) < 0 && errno != EINTR) {
			sim_error("poll: %s", strerror(errno));
			break;
		}
		if (p[n].revents)
			break;
		for (i = 0; i < n; i++)
			if (p[i].revents & POLLIN)
				accept_client(srv, l[i].fd, l[i].key);
	}
}

int
sim_serve_tcp(struct sim *sim, const struct sim_tcp_opts *o, int stop_fd)
{
	struct server srv = { .sim = sim, .live = 0 };
	struct listener l[LISTEN_MAX];
	size_t n = plan_listeners(sim, o, l);
	int i;

	if (n == 0) {
		sim_error("more than %d ports", LISTEN_MAX);
		return SIM_EXIT_REFUSED;
	}
	if (open_listeners(sim, o, l, n) != 0) {
		close_listeners(l, n);
		return SIM_EXIT_IO;
	}
	sim_log(sim, "%zu device(s) on %zu port(s)", sim->ndevs, n);
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	for (i = 0; i < CLIENTS_MAX; i++)
		srv.fds[i] = -1;
	serve_loop(&srv, l, n, stop_fd);
	close_listeners(l, n);
	if (stop_clients(&srv) != 0) {
		sim->threads_left = 1; /* the caller must not free the sim */
		return SIM_EXIT_OK;
	}
	pthread_cond_destroy(&srv.idle);
	pthread_mutex_destroy(&srv.lock);
	return SIM_EXIT_OK;
}
