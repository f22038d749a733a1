/*
 * The acquisition engine (ACQ-2, ACQ-4, ACQ-5): libews/engine.c, against
 * pymodbus's TCP server as the peer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ews/consumption.h>
#include <ews/engine.h>
#include <ews/store.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/* An SDM120 at unit 1 serving 230.5 V and 1234.5 kWh (f32, FC 4); its
 * other registers answer exception 2. */
static const char sdm120_config[] =
        "{\"units\": {\"1\": {\"ir\": {\"0\": 17254, \"1\": 32768,"
        " \"72\": 17562, \"73\": 20480}}}}";

static const int64_t T0 = 1790000000000; /* 2026-09-21T14:13:20Z */

static int64_t
gateway_at(const char *name, int port)
{
	ews_gateway gw = gw_new(name, "127.0.0.1");

	gw.port = (unsigned int)port;
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	return gw.id;
}

static int64_t
device_at(int64_t gw, const char *model, unsigned int unit, const char *name)
{
	ews_device d = dev_new(gw, model, unit);

	snprintf(d.name, sizeof(d.name), "%s", name);
	return dev_add(&d);
}

static ews_engine *
engine_new(unsigned int timeout_ms)
{
	ews_engine_opts opts;
	ews_engine *eng;

	ck_assert_int_eq(ews_engine_opts_init(&opts, EWS_ENGINE_OPTS_VERSION),
	                 EWS_OK);
	opts.tcp_timeout_ms = timeout_ms;
	ck_assert_int_eq(ews_engine_open(site, &opts, &eng), EWS_OK);
	return eng;
}

static double
sample_of(int64_t dev, ews_quantity q, int64_t t_ms, size_t *count)
{
	ews_sample_query query;
	ews_list *list;
	double v = -1;

	ck_assert_int_eq(
	        ews_sample_query_init(&query, EWS_SAMPLE_QUERY_VERSION),
	        EWS_OK);
	query.device_id = dev;
	query.quantity = q;
	ck_assert_int_eq(ews_site_sample_list(site, &query, &list), EWS_OK);
	*count = ews_list_len(list);
	if (*count > 0) {
		ck_assert_int_eq(ews_list_reading(list, 0)->t_ms, t_ms);
		v = ews_list_reading(list, 0)->value;
	}
	ews_list_free(list);
	return v;
}

static ews_device_status
status_of(int64_t dev)
{
	ews_device_status s;

	ck_assert_int_eq(ews_site_device_status(site, dev, &s), EWS_OK);
	return s;
}

/* ------------------------------------------------------------------ */
/* A gateway that answers no SYN, on loopback                          */

enum { SILENT_FDS = 17 };

/* A socket bound to a free loopback port; *port is its port. */
static int
loopback_socket(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/*
 * A port whose listener (backlog 0) has its queue filled by connections
 * never accepted: Linux then drops every further SYN, so a connect to it
 * neither succeeds nor fails until its timeout, as to an address that
 * drops packets (192.0.2.10), without leaving the machine. Connections
 * are made until one does not complete within 200 ms: that one's SYN was
 * dropped, so the queue is full. fds[] (SILENT_FDS) holds the sockets
 * to close, -1 after the last.
 */
static int
silent_port(int *fds)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int port, n = 1;

	fds[0] = loopback_socket(&port);
	ck_assert_int_eq(listen(fds[0], 0), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	for (; n < SILENT_FDS - 1; n++) {
		struct pollfd p = { .events = POLLOUT };

		p.fd = fds[n] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(p.fd, 0);
		if (connect(p.fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			continue;
		ck_assert_int_eq(errno, EINPROGRESS);
		if (poll(&p, 1, 200) == 0)
			break; /* this SYN was dropped: the queue is full */
	}
	ck_assert_msg(n < SILENT_FDS - 1, "the listen queue never filled");
	fds[n + 1] = -1;
	return port;
}

static void
silent_close(const int *fds)
{
	for (size_t i = 0; i < SILENT_FDS && fds[i] >= 0; i++)
		close(fds[i]);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* INS-5: a connect that does not complete within the gateway's timeout
 * (1 s on TCP) is a timeout, not libmodbus's EINPROGRESS as an I/O
 * error; a refused one is refused. */
START_TEST(gateway_test_unanswered_connect_is_a_timeout)
{
	int fds[SILENT_FDS], closed_port;
	int64_t silent = gateway_at("silent", silent_port(fds));
	int64_t refusing;
	ews_test_result t = { .version = EWS_TEST_RESULT_VERSION };
	struct timespec t0;
	double took;

	close(loopback_socket(&closed_port)); /* nothing listens there */
	refusing = gateway_at("refusing", closed_port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(ews_site_gateway_test(site, silent, &t), EWS_OK);
	took = seconds_since(&t0);
	ck_assert_msg(t.outcome == EWS_OUTCOME_TIMEOUT, "outcome %s: %s",
	              ews_outcome_name(t.outcome), t.message);
	ck_assert_str_eq(t.message, "timeout after 1000 ms");
	ck_assert_msg(took >= 0.9 && took < 5, "took %.2f s", took);
	t.version = EWS_TEST_RESULT_VERSION;
	ck_assert_int_eq(ews_site_gateway_test(site, refusing, &t), EWS_OK);
	ck_assert_msg(t.outcome == EWS_OUTCOME_REFUSED, "outcome %s: %s",
	              ews_outcome_name(t.outcome), t.message);
	ck_assert_str_eq(t.message, "Connection refused");
	silent_close(fds);
}
END_TEST

/* ACQ-4: a device behind a gateway that never answers the connect is a
 * timeout, given up after one timeout: it is not retried as a dropped
 * connection would be. */
START_TEST(engine_unanswered_connect_is_one_timeout)
{
	int fds[SILENT_FDS];
	int64_t dev = device_at(gateway_at("silent", silent_port(fds)),
	                        "eastron_sdm120", 1, "Silent");
	ews_engine *eng = engine_new(1500);
	const ews_poll_result *r;
	ews_list *results;
	struct timespec t0;
	double took;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	took = seconds_since(&t0);
	ck_assert_uint_eq(ews_list_len(results), 1);
	r = ews_list_poll_result(results, 0);
	ck_assert_int_eq(r->device_id, dev);
	ck_assert_msg(r->outcome == EWS_OUTCOME_TIMEOUT, "outcome %s: %s",
	              ews_outcome_name(r->outcome), r->message);
	ck_assert_msg(took >= 1.4 && took < 2.9,
	              "took %.2f s: not one timeout of 1.5 s", took);
	ck_assert_int_eq(status_of(dev), EWS_DEVICE_COMM_ERROR);
	ews_list_free(results);
	ews_engine_close(eng);
	silent_close(fds);
}
END_TEST

START_TEST(engine_records_exactly_what_the_peer_serves)
{
	pid_t pid;
	int port = helper_peer_start(sdm120_config, &pid);
	int64_t gw = gateway_at("peer", port);
	int64_t dev = device_at(gw, "eastron_sdm120", 1, "Meter");
	ews_engine *eng = engine_new(1000);
	const ews_poll_result *r;
	ews_list *results;
	size_t n;

	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	ck_assert_uint_eq(ews_list_len(results), 1);
	r = ews_list_poll_result(results, 0);
	ck_assert_int_eq(r->device_id, dev);
	ck_assert_int_eq(r->outcome, EWS_OUTCOME_OK);
	ck_assert_uint_eq(r->readings, 1);
	ck_assert(sample_of(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, T0, &n) ==
	          1234500.0);
	ck_assert_uint_eq(n, 1);
	/* A refused register records nothing, never a 0. */
	sample_of(dev, EWS_Q_ACTIVE_ENERGY_EXPORT, T0, &n);
	ck_assert_uint_eq(n, 0);
	/* The cycle records counters; voltages are live values (ACQ-3). */
	sample_of(dev, EWS_Q_VOLTAGE_LN_L1, T0, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(status_of(dev), EWS_DEVICE_ON);
	ews_list_free(results);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

START_TEST(engine_dead_gateway_is_a_communication_error_others_record)
{
	pid_t pid;
	int port = helper_peer_start(sdm120_config, &pid);
	int64_t live = device_at(gateway_at("live", port), "eastron_sdm120", 1,
	                         "Live");
	/* A port nothing listens on: the peer's, once it is stopped. */
	pid_t pid2;
	int dead_port = helper_peer_start(sdm120_config, &pid2);
	int64_t dead = device_at(gateway_at("dead", dead_port),
	                         "eastron_sdm120", 1, "Dead");
	ews_engine *eng = engine_new(500);
	ews_list *results, *events;
	size_t n;

	helper_peer_stop(pid2);
	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	ck_assert_uint_eq(ews_list_len(results), 2);
	ck_assert_int_eq(ews_list_poll_result(results, 0)->outcome,
	                 EWS_OUTCOME_OK);
	ck_assert_int_eq(ews_list_poll_result(results, 1)->outcome,
	                 EWS_OUTCOME_REFUSED);
	ck_assert(sample_of(live, EWS_Q_ACTIVE_ENERGY_IMPORT, T0, &n) ==
	          1234500.0);
	sample_of(dead, EWS_Q_ACTIVE_ENERGY_IMPORT, T0, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(status_of(dead), EWS_DEVICE_COMM_ERROR);
	ck_assert_int_eq(status_of(live), EWS_DEVICE_ON);
	/* Each change is an event; the same status again is none. */
	ews_list_free(results);
	ck_assert_int_eq(ews_engine_poll_once(eng, T0 + 600000, &results),
	                 EWS_OK);
	ck_assert_int_eq(ews_site_event_list(site, 0, 0, &events), EWS_OK);
	ck_assert_uint_eq(ews_list_len(events), 2);
	for (size_t i = 0; i < 2; i++) {
		const ews_event *e = ews_list_event(events, i);

		ck_assert_int_eq(e->t_ms, T0);
		ck_assert_int_eq(e->old_status, EWS_DEVICE_UNKNOWN);
		ck_assert_int_eq(e->new_status, e->device_id == dead
		                                        ? EWS_DEVICE_COMM_ERROR
		                                        : EWS_DEVICE_ON);
	}
	ews_list_free(events);
	ews_list_free(results);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

START_TEST(engine_skips_off_devices_and_reports_unknown_maps)
{
	pid_t pid;
	int port = helper_peer_start(sdm120_config, &pid);
	int64_t gw = gateway_at("peer", port);
	int64_t off = device_at(gw, "eastron_sdm120", 1, "Off");
	int64_t nomap = device_at(gw, "btdin_f3n300", 2, "No map");
	ews_engine *eng = engine_new(1000);
	const ews_poll_result *r;
	ews_list *results;

	ck_assert_int_eq(ews_site_device_set_enabled(site, off, 0), EWS_OK);
	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	ck_assert_uint_eq(ews_list_len(results), 1);
	r = ews_list_poll_result(results, 0);
	ck_assert_int_eq(r->device_id, nomap);
	ck_assert_int_eq(r->outcome, EWS_OUTCOME_NOMAP);
	ck_assert_ptr_nonnull(strstr(r->message, "register map unknown"));
	ck_assert_int_eq(status_of(off), EWS_DEVICE_OFF);
	ck_assert_int_eq(status_of(nomap), EWS_DEVICE_UNKNOWN);
	ews_list_free(results);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

/* ACQ-4: an EV station whose pilot state is F reports a station failure;
 * one charging (state C) is ON. Heidelberg map: state at input register 5,
 * energy (VAh, u32) at 17. */
START_TEST(engine_ev_station_in_state_f_is_a_station_failure)
{
	static const char config[] =
	        "{\"units\": {\"1\": {\"ir\": {\"5\": 10, \"17\": 0, "
	        "\"18\": 500}}, \"2\": {\"ir\": {\"5\": 6, \"17\": 1, "
	        "\"18\": 0}}}}";
	pid_t pid;
	int port = helper_peer_start(config, &pid);
	int64_t gw = gateway_at("stations", port);
	int64_t faulty = device_at(gw, "heidelberg_energy_control", 1, "F");
	int64_t charging = device_at(gw, "heidelberg_energy_control", 2, "C");
	ews_engine *eng = engine_new(1000);
	ews_list *results;
	size_t n;

	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	ck_assert_int_eq(status_of(faulty), EWS_DEVICE_STATION_FAILURE);
	ck_assert_int_eq(status_of(charging), EWS_DEVICE_ON);
	ck_assert(sample_of(faulty, EWS_Q_CP_STATE, T0, &n) == EWS_CP_F);
	ck_assert(sample_of(charging, EWS_Q_APPARENT_ENERGY, T0, &n) ==
	          65536.0);
	ews_list_free(results);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

struct command_seen {
	int64_t id;
	ews_outcome outcome;
	int reads;
};

static void
note_command(const ews_poll_result *r, void *userdata)
{
	struct command_seen *c = userdata;

	if (r->command_id == c->id)
		c->outcome = r->outcome;
	else
		c->reads++;
}

/* ACQ-6: a command goes through its gateway's worker, ahead of reads, and
 * its result comes back through dispatch. */
START_TEST(engine_write_goes_through_the_gateway_worker)
{
	static const char config[] =
	        "{\"units\": {\"1\": {\"ir\": {\"5\": 6, \"17\": 0, "
	        "\"18\": 1}, \"hr\": {\"261\": 160}}}}";
	pid_t pid;
	int port = helper_peer_start(config, &pid);
	int64_t dev = device_at(gateway_at("station", port),
	                        "heidelberg_energy_control", 1, "EV");
	ews_engine *eng = engine_new(1000);
	struct command_seen seen = { 0, (ews_outcome)-1, 0 };
	struct pollfd pfd = { ews_engine_fd(eng), POLLIN, 0 };
	ews_list *readings;
	size_t i;
	int found = 0;

	ck_assert_int_eq(ews_engine_write(eng, dev, EWS_Q_SETPOINT_CURRENT,
	                                  10.5, &seen.id),
	                 EWS_OK);
	ck_assert_int_gt(seen.id, 0);
	ck_assert_uint_eq(ews_engine_commands_pending(eng), 1);
	ck_assert_int_eq(ews_engine_start_cycle(eng, T0), EWS_OK);
	while (ews_engine_busy(eng) || ews_engine_commands_pending(eng) > 0) {
		ck_assert_int_ge(poll(&pfd, 1, 5000), 0);
		ck_assert_int_eq(ews_engine_dispatch(eng, note_command, &seen),
		                 EWS_OK);
	}
	ck_assert_int_eq(seen.outcome, EWS_OUTCOME_OK);
	ck_assert_int_eq(seen.reads, 1);
	/* The station now serves the written setpoint. */
	ck_assert_int_eq(ews_site_device_read(site, dev, T0, &readings),
	                 EWS_OK);
	for (i = 0; i < ews_list_len(readings); i++)
		if (ews_list_reading(readings, i)->quantity ==
		    EWS_Q_SETPOINT_CURRENT) {
			ck_assert(ews_list_reading(readings, i)->value == 10.5);
			found = 1;
		}
	ck_assert(found);
	ews_list_free(readings);
	/* Refusals name the field; nothing is queued. */
	ck_assert_int_eq(
	        ews_engine_write(eng, dev, EWS_Q_VOLTAGE_LN_L1, 1, &seen.id),
	        EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "quantity");
	ck_assert_int_eq(ews_engine_write(eng, dev, EWS_Q_SETPOINT_CURRENT, 1e6,
	                                  &seen.id),
	                 EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "value");
	ck_assert_uint_eq(ews_engine_commands_pending(eng), 0);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

struct seen {
	int64_t fast_device;
	double fast_after_s;
	struct timespec start;
};

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
note_fast(const ews_poll_result *r, void *userdata)
{
	struct seen *s = userdata;

	if (r->device_id == s->fast_device)
		s->fast_after_s = since(&s->start);
}

/* ACQ-5: a gateway whose peer answers after 2 s delays no other. */
START_TEST(engine_slow_gateway_does_not_delay_the_others)
{
	pid_t slow_pid, fast_pid;
	char slow_config[256];
	int slow_port, fast_port;
	struct seen seen = { 0, -1, { 0, 0 } };
	struct pollfd pfd;
	ews_engine *eng;

	snprintf(slow_config, sizeof(slow_config),
	         "{\"delay_ms\": 2000, \"units\": %s",
	         strchr(sdm120_config, ':') + 2);
	slow_port = helper_peer_start(slow_config, &slow_pid);
	fast_port = helper_peer_start(sdm120_config, &fast_pid);
	device_at(gateway_at("slow", slow_port), "eastron_sdm120", 1, "Slow");
	seen.fast_device = device_at(gateway_at("fast", fast_port),
	                             "eastron_sdm120", 1, "Fast");
	eng = engine_new(5000);
	clock_gettime(CLOCK_MONOTONIC, &seen.start);
	ck_assert_int_eq(ews_engine_start_cycle(eng, T0), EWS_OK);
	ck_assert_int_eq(ews_engine_start_cycle(eng, T0), EWS_EBUSY);
	pfd.fd = ews_engine_fd(eng);
	pfd.events = POLLIN;
	while (ews_engine_busy(eng)) {
		ck_assert_int_ge(poll(&pfd, 1, 10000), 0);
		ck_assert_int_eq(ews_engine_dispatch(eng, note_fast, &seen),
		                 EWS_OK);
	}
	ck_assert_msg(seen.fast_after_s >= 0 && seen.fast_after_s < 1.0,
	              "the fast gateway's device reported after %.2f s",
	              seen.fast_after_s);
	ck_assert_msg(since(&seen.start) >= 2.0, "the slow peer was not slow");
	ews_engine_close(eng);
	helper_peer_stop(slow_pid);
	helper_peer_stop(fast_pid);
}
END_TEST

/* A float register in kWh is recorded in thousandths of a Wh: the binary
 * noise of kWh x 1000 is dropped (docs/consumption.md). */
START_TEST(engine_records_counters_in_thousandths)
{
	pid_t pid;
	int port =
	        helper_peer_start("{\"units\": {\"1\": {\"ir\": {\"72\": 17562,"
	                          " \"73\": 21029}}}}",
	                          &pid);
	int64_t dev = device_at(gateway_at("peer", port), "eastron_sdm120", 1,
	                        "Meter");
	ews_engine *eng = engine_new(1000);
	ews_list *results;
	size_t n;

	ck_assert_int_eq(ews_engine_poll_once(eng, T0, &results), EWS_OK);
	ews_list_free(results);
	/* float 1234.567 kWh is 1234567.0166015625 Wh */
	ck_assert(sample_of(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, T0, &n) ==
	          1234567.017);
	ck_assert_uint_eq(n, 1);
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

/* ACQ-2: a new sample rate changes when cycles are due, never what was
 * recorded; the recorded counter feeds the consumption rollups. */
START_TEST(engine_new_sample_rate_keeps_the_recorded_history)
{
	pid_t pid;
	int port = helper_peer_start(sdm120_config, &pid);
	int64_t dev = device_at(gateway_at("peer", port), "eastron_sdm120", 1,
	                        "Meter");
	ews_engine *eng = engine_new(1000);
	int64_t t1 = T0 - T0 % 600000, t2;
	ews_consumption_query q;
	ews_histogram h;
	ews_list *results;
	size_t n;

	ck_assert_int_eq(ews_engine_poll_once(eng, t1, &results), EWS_OK);
	ews_list_free(results);
	ck_assert_int_eq(ews_site_setting_set(site, "sample_rate_min", "5"),
	                 EWS_OK);
	t2 = ews_engine_next_due_ms(eng, t1);
	ck_assert_int_eq(t2, t1 + 5 * 60000);
	ck_assert_int_eq(ews_engine_poll_once(eng, t2, &results), EWS_OK);
	ews_list_free(results);
	ck_assert(sample_of(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, t1, &n) ==
	          1234500.0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(
	        ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION),
	        EWS_OK);
	q.scope = EWS_SCOPE_DEVICE;
	q.scope_id = dev;
	q.period = EWS_PERIOD_DECADE;
	q.year = 2020 + (int32_t)((t1 / 31556952000 + 1970) % 10);
	q.month = q.day = 1;
	ck_assert_msg(ews_site_consumption(site, &q, &h) == EWS_OK, "%s",
	              ews_error_last()->message);
	ck_assert_int_eq(h.total_milli, 0); /* the peer's counter stood still */
	for (n = 0; n < h.count && !h.buckets[n].recorded; n++)
		;
	ck_assert_msg(n < h.count, "the interval was not rolled up");
	ews_engine_close(eng);
	helper_peer_stop(pid);
}
END_TEST

START_TEST(engine_cycles_are_due_at_multiples_of_the_sample_rate)
{
	ews_engine *eng = engine_new(0);
	const int64_t minute = 60000;
	int64_t at = 1790000000000 - 1790000000000 % (10 * minute);

	ck_assert_int_eq(ews_engine_next_due_ms(eng, at), at + 10 * minute);
	ck_assert_int_eq(ews_engine_next_due_ms(eng, at + 3 * minute + 12345),
	                 at + 10 * minute);
	ck_assert_int_eq(ews_site_setting_set(site, "sample_rate_min", "15"),
	                 EWS_OK);
	ck_assert_int_eq(ews_engine_next_due_ms(eng, 0), 15 * minute);
	ck_assert_int_eq(ews_engine_next_due_ms(eng, -1), 0);
	ews_engine_close(eng);
	ews_engine_close(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase("engine");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, engine_records_exactly_what_the_peer_serves);
	tcase_add_test(
	        tc, engine_dead_gateway_is_a_communication_error_others_record);
	tcase_add_test(tc, engine_skips_off_devices_and_reports_unknown_maps);
	tcase_add_test(tc, engine_slow_gateway_does_not_delay_the_others);
	tcase_add_test(tc, engine_ev_station_in_state_f_is_a_station_failure);
	tcase_add_test(tc, engine_write_goes_through_the_gateway_worker);
	tcase_add_test(tc,
	               engine_cycles_are_due_at_multiples_of_the_sample_rate);
	tcase_add_test(tc, engine_new_sample_rate_keeps_the_recorded_history);
	tcase_add_test(tc, engine_records_counters_in_thousandths);
	tcase_add_test(tc, gateway_test_unanswered_connect_is_a_timeout);
	tcase_add_test(tc, engine_unanswered_connect_is_one_timeout);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
