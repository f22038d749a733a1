/*
 * Modbus TCP: one listening socket, one thread per client connection.
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
serve_client(struct server *srv, modbus_t *ctx, int fd)
{
	uint8_t req[ADU_MAX];
	enum sim_outcome out = SIM_REPLIED;
	int n;

	while (out == SIM_REPLIED || out == SIM_SILENT) {
		n = read_adu(fd, req);
		if (n <= 0)
			break;
		out = sim_handle(srv->sim, ctx, req, n, MBAP_LEN, 0);
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
		serve_client(srv, ctx, c->fd);
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
accept_client(struct server *srv, int lfd)
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
		*c = (struct client){ srv, slot, fd };
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

static int
write_port_file(const char *file, unsigned int port)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fp = fopen(tmp, "w");
	if (!fp || fprintf(fp, "%u\n", port) < 0 || fclose(fp) != 0 ||
	    rename(tmp, file) != 0) {
		sim_error("--port-file %s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_on(const struct sim_tcp_opts *o, unsigned int *port)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char service[8];
	int fd = -1, one = 1, rc;

	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", o->port);
	rc = getaddrinfo(o->listen, service, &hints, &res);
	if (rc != 0) {
		sim_error("--listen %s: %s", o->listen, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		sim_error("listen on %s port %u: %s", o->listen, o->port,
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

int
sim_serve_tcp(struct sim *sim, const struct sim_tcp_opts *o, int stop_fd)
{
	struct server srv = { .sim = sim, .live = 0 };
	struct pollfd p[2];
	unsigned int port = 0;
	int lfd, i;

	lfd = listen_on(o, &port);
	if (lfd < 0)
		return SIM_EXIT_IO;
	if (o->port_file && write_port_file(o->port_file, port) != 0) {
		close(lfd);
		return SIM_EXIT_IO;
	}
	sim_log(sim, "listening on %s port %u, %zu device(s)", o->listen, port,
	        sim->ndevs);
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	for (i = 0; i < CLIENTS_MAX; i++)
		srv.fds[i] = -1;
	p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			sim_error("poll: %s", strerror(errno));
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN)
			accept_client(&srv, lfd);
	}
	close(lfd);
	if (stop_clients(&srv) != 0) {
		sim->threads_left = 1; /* the caller must not free the sim */
		return SIM_EXIT_OK;
	}
	pthread_cond_destroy(&srv.idle);
	pthread_mutex_destroy(&srv.lock);
	return SIM_EXIT_OK;
}
