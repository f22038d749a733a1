#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <modbus.h>

#include <ews/acq.h>

#include "acq-private.h"
#include "error-private.h"
#include "site-private.h"

/*
 * The only file that talks libmodbus (STYLE.md §11): gateways become
 * modbus_t contexts, libmodbus errno values become ews_status and outcomes.
 */

enum {
	TCP_TIMEOUT_MS = 1000, /* a LAN gateway answers well within this */
	MERGE_GAP = 16,        /* registers of a hole worth reading across */
	UNIT_OF_EMS = 10       /* slave = 10 × interface + device (EMS CX³) */
};

struct ews__link {
	modbus_t *mb;
	unsigned int timeout_ms;
	ews_gateway_kind kind;
	char ip[EWS_NAME_MAX];
	unsigned int port;
	int connected;
};

const char *
ews_outcome_name(ews_outcome outcome)
{
	switch (outcome) {
	case EWS_OUTCOME_OK:
		return "ok";
	case EWS_OUTCOME_TIMEOUT:
		return "timeout";
	case EWS_OUTCOME_EXCEPTION:
		return "exception";
	case EWS_OUTCOME_REFUSED:
		return "refused";
	case EWS_OUTCOME_NOMAP:
		return "no_map";
	case EWS_OUTCOME_IO:
		return "io";
	case EWS_OUTCOME_OFF:
		return "off";
	}
	return NULL;
}

static int64_t
monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static unsigned int
setting_uint(ews_site *site, const char *name, unsigned int fallback)
{
	char *text = NULL;
	unsigned int v = fallback;

	if (ews_site_setting_get(site, name, &text) == EWS_OK)
		v = (unsigned int)strtoul(text, NULL, 10);
	ews_free(text);
	return v;
}

/* The Local gateway is the host's RS485 port (ACQ-1, §7.8 defaults). */
static modbus_t *
new_rtu(ews_site *site, unsigned int *timeout_ms)
{
	char *port = NULL, *parity = NULL;
	modbus_t *mb = NULL;

	if (ews_site_setting_get(site, "rs485_port", &port) == EWS_OK &&
	    ews_site_setting_get(site, "rs485_parity", &parity) == EWS_OK)
		mb = modbus_new_rtu(
		        port, (int)setting_uint(site, "rs485_baud", 19200),
		        parity[0] == 'e'   ? 'E'
		        : parity[0] == 'o' ? 'O'
		                           : 'N',
		        8, (int)setting_uint(site, "rs485_stop_bits", 1));
	*timeout_ms = setting_uint(site, "rs485_timeout_ms", 300);
	ews_free(port);
	ews_free(parity);
	return mb;
}

ews_status
ews__link_new(ews_site *site, const ews_gateway *gw,
              unsigned int tcp_timeout_ms, struct ews__link **out)
{
	struct ews__link *link = ews__calloc(1, sizeof(*link));
	char port[8];

	*out = NULL;
	if (!link)
		return EWS_ENOMEM;
	link->kind = gw->kind;
	link->port = gw->port;
	snprintf(link->ip, sizeof(link->ip), "%s", gw->ip);
	link->timeout_ms = tcp_timeout_ms ? tcp_timeout_ms : TCP_TIMEOUT_MS;
	if (gw->kind == EWS_GATEWAY_LOCAL) {
		link->mb = new_rtu(site, &link->timeout_ms);
	} else {
		snprintf(port, sizeof(port), "%u", gw->port);
		link->mb = modbus_new_tcp_pi(gw->ip, port);
	}
	if (!link->mb) {
		free(link);
		return ews__fail(EWS_EIO, "gateway '%s': %s", gw->name,
		                 modbus_strerror(errno));
	}
	modbus_set_response_timeout(link->mb, link->timeout_ms / 1000,
	                            (link->timeout_ms % 1000) * 1000);
	*out = link;
	return EWS_OK;
}

void
ews__link_free(struct ews__link *link)
{
	if (!link)
		return;
	modbus_close(link->mb);
	modbus_free(link->mb);
	free(link);
}

int
ews__link_matches(const struct ews__link *link, const ews_gateway *gw)
{
	return link->kind == gw->kind && link->port == gw->port &&
	       strcmp(link->ip, gw->ip) == 0;
}

/* Map a libmodbus failure (errno) to an outcome, a status and a message. */
static ews_status
io_failure(int e, const struct ews__link *link, ews_test_result *res)
{
	ews_status st = EWS_EIO;

	/* Codes 1-11 are the device's exceptions; libmodbus's own codes
	 * above them (bad CRC, bad data, wrong slave …) are link failures. */
	if (e > MODBUS_ENOBASE && e <= EMBXGTAR) {
		res->outcome = EWS_OUTCOME_EXCEPTION;
		res->exception_code = (unsigned int)(e - MODBUS_ENOBASE);
	} else if (e == ETIMEDOUT) {
		res->outcome = EWS_OUTCOME_TIMEOUT;
		st = EWS_ETIMEDOUT;
	} else if (e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH) {
		res->outcome = EWS_OUTCOME_REFUSED;
	} else {
		res->outcome = EWS_OUTCOME_IO;
	}
	if (res->outcome == EWS_OUTCOME_TIMEOUT)
		snprintf(res->message, sizeof(res->message),
		         "timeout after %u ms", link->timeout_ms);
	else
		snprintf(res->message, sizeof(res->message), "%s",
		         modbus_strerror(e));
	return st;
}

/*
 * libmodbus 3.1.6 connects a TCP gateway on a non-blocking socket and
 * waits for it at most the response timeout (the gateway's). A connect
 * still pending then fails with connect()'s EINPROGRESS left in errno
 * ("Operation now in progress"): it is a timeout. A connect that ends in
 * a socket error is ECONNREFUSED whatever the error was.
 */
static ews_status
link_connect(struct ews__link *link, ews_test_result *res)
{
	int e;

	if (link->connected)
		return EWS_OK;
	if (modbus_connect(link->mb) != 0) {
		e = errno;
		return io_failure(e == EINPROGRESS ? ETIMEDOUT : e, link, res);
	}
	link->connected = 1;
	return EWS_OK;
}

static void
link_disconnect(struct ews__link *link)
{
	if (link->connected)
		modbus_flush(link->mb); /* no stale answer for the retry */
	modbus_close(link->mb);
	link->connected = 0;
}

/*
 * A TCP read, checked here: libmodbus 3.1.6 does not check the unit id of
 * a TCP answer (its PR #871 is open), and a gateway that answers for the
 * wrong unit must not have that unit's values recorded as this one's. The
 * request is still built, sent and received by libmodbus, which gives raw
 * requests transaction id 0; an answer arriving after its timeout cannot
 * be mistaken for the next one because a timeout resets the connection.
 */
static int
tcp_read(struct ews__link *link, unsigned int unit,
         const struct ews__request *q, uint16_t *data)
{
	uint8_t req[6] = { (uint8_t)unit,
		           (uint8_t)q->function,
		           (uint8_t)(q->address >> 8),
		           (uint8_t)q->address,
		           (uint8_t)(q->count >> 8),
		           (uint8_t)q->count };
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	unsigned int i,
	        nbytes = q->function <= 2 ? (q->count + 7) / 8 : q->count * 2;
	int n;

	if (modbus_send_raw_request(link->mb, req, sizeof(req)) < 0 ||
	    (n = modbus_receive_confirmation(link->mb, rsp)) < 0)
		return -1;
	errno = EMBBADDATA;
	if (n < 9 || rsp[0] != 0 || rsp[1] != 0)
		return -1;
	if (rsp[6] != unit)
		return errno = EMBBADSLAVE, -1;
	if (rsp[7] == (q->function | 0x80))
		return errno = rsp[8] >= 1 && rsp[8] <= 11
		                       ? MODBUS_ENOBASE + rsp[8]
		                       : EMBBADEXC,
		       -1;
	if (rsp[7] != q->function || rsp[8] != nbytes ||
	    (unsigned int)n != 9 + nbytes)
		return -1;
	for (i = 0; i < q->count; i++)
		data[i] = q->function <= 2 ? (rsp[9 + i / 8] >> (i % 8)) & 1
		                           : (uint16_t)(rsp[9 + 2 * i] << 8 |
		                                        rsp[10 + 2 * i]);
	return (int)q->count;
}

/* One request; the answer lands in `data` (bits one per word). */
static ews_status
link_read(struct ews__link *link, unsigned int unit,
          const struct ews__request *q, uint16_t *data, ews_test_result *res)
{
	uint8_t bits[EWS__MAX_READ_BITS];
	int64_t start = monotonic_us();
	int n = -1, i;

	modbus_set_slave(link->mb, (int)unit);
	if (link->kind != EWS_GATEWAY_LOCAL)
		n = tcp_read(link, unit, q, data);
	else if (q->function == 1) /* RTU: libmodbus checks slave and CRC */
		n = modbus_read_bits(link->mb, (int)q->address, (int)q->count,
		                     bits);
	else if (q->function == 2)
		n = modbus_read_input_bits(link->mb, (int)q->address,
		                           (int)q->count, bits);
	else if (q->function == 3)
		n = modbus_read_registers(link->mb, (int)q->address,
		                          (int)q->count, data);
	else if (q->function == 4)
		n = modbus_read_input_registers(link->mb, (int)q->address,
		                                (int)q->count, data);
	if (n < 0)
		return io_failure(errno, link, res);
	for (i = 0;
	     link->kind == EWS_GATEWAY_LOCAL && q->function <= 2 && i < n; i++)
		data[i] = bits[i];
	res->outcome = EWS_OUTCOME_OK;
	res->round_trip_us += (unsigned int)(monotonic_us() - start);
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Jobs: what a device is read with                                    */

static int
selected(enum ews__select what, ews_quantity q)
{
	switch (what) {
	case EWS__SELECT_COUNTERS:
		return ews_quantity_is_counter(q) || q == EWS_Q_CP_STATE;
	case EWS__SELECT_CURRENTS:
		return q == EWS_Q_CURRENT_L1 || q == EWS_Q_CURRENT_L2 ||
		       q == EWS_Q_CURRENT_L3;
	default:
		return 0;
	}
}

/* The registers a job reads: a selection (the counters and an EV
 * station's pilot state, which tells a station failure: ACQ-4; or the
 * phase currents), or all of them when the map has none of it. */
static size_t
select_registers(const ews_model *m, enum ews__select what,
                 const ews_register **out)
{
	size_t i, n = 0;

	for (i = 0; what != EWS__SELECT_ALL && i < m->register_count; i++) {
		const ews_register *r = ews_model_register(m, i);

		if (selected(what, r->quantity))
			out[n++] = r;
	}
	if (n > 0)
		return n;
	for (i = 0; i < m->register_count; i++)
		out[i] = ews_model_register(m, i);
	return m->register_count;
}

/* The Modbus slave of a device: EMS remote addressing "device-interface"
 * uses the EMS CX³ rule, slave = 10 × interface + device. */
unsigned int
ews__unit_of(const ews_device *dev)
{
	return dev->ems_interface
	               ? UNIT_OF_EMS * dev->ems_interface + dev->address
	               : dev->address;
}

ews_status
ews__job_prepare(ews_site *site, const ews_device *dev, enum ews__select what,
                 struct ews__job *job)
{
	const ews_model *m;

	memset(job, 0, sizeof(*job));
	job->device_id = dev->id;
	job->gateway_id = dev->gateway_id;
	snprintf(job->name, sizeof(job->name), "%s", dev->name);
	job->unit = ews__unit_of(dev);
	if (ews_catalog_find(site->catalog, dev->model, &m) != EWS_OK)
		return ews__fail_field(EWS_ENOMAP, "model",
		                       "register map unknown for %s: the model "
		                       "is no longer in the catalogue",
		                       dev->model);
	if (m->caps & EWS_CAP_GENERIC) {
		/* CAT-3: positive active energy, raw × multiplier = kWh. */
		ews_register *g = &job->generic;

		g->quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
		g->function = dev->read_code;
		g->address = dev->reg_address;
		g->words = dev->reg_words;
		g->type = dev->reg_type;
		g->word_order = dev->reg_word_order;
		g->scale = dev->multiplier;
		g->unit = "kWh";
		g->factor = dev->multiplier * 1000.0;
		job->one[0] = g;
		job->regs = job->one;
		job->n_regs = 1;
	} else if (!m->has_map || m->register_count == 0) {
		return ews__fail(EWS_ENOMAP, "register map unknown for %s",
		                 m->name);
	} else {
		job->regs = ews__calloc(m->register_count, sizeof(*job->regs));
		if (!job->regs)
			return EWS_ENOMEM;
		job->n_regs = select_registers(m, what, job->regs);
	}
	return ews__plan_build(job->regs, job->n_regs, 1, MERGE_GAP,
	                       &job->plan);
}

void
ews__job_free(struct ews__job *job)
{
	if (!job)
		return;
	ews__plan_free(&job->plan);
	if (job->regs != job->one)
		free(job->regs);
	job->regs = NULL;
}

static ews_status
add_readings(const struct ews__request *q, const struct ews__plan *plan,
             const uint16_t *data, const struct ews__job *job, int64_t now_ms,
             ews_list *list)
{
	ews_status st = EWS_OK;
	size_t i;

	for (i = q->first; st == EWS_OK && i < q->first + q->n; i++) {
		const ews_register *r = plan->regs[i];
		ews_reading rd = { job->device_id, r->quantity, r->order,
			           now_ms, 0 };

		/* A value that does not decode (NaN, unknown state code) is
		 * left out, never stored as 0. */
		if (ews_register_decode(r, ews__plan_words(q, r, data),
		                        r->function <= 2 ? 1 : r->words,
		                        &rd.value) == EWS_OK)
			st = ews__list_push(list, &rd);
	}
	return st;
}

static ews_status read_plan(struct ews__link *link, const struct ews__job *job,
                            const struct ews__plan *plan, int64_t now_ms,
                            ews_list *list, ews_test_result *res, int merged);

/* A merged request refused as a whole is retried register by register, so
 * one hole in a device's map costs only the quantities inside it. */
static ews_status
read_unmerged(struct ews__link *link, const struct ews__job *job,
              const struct ews__plan *plan, const struct ews__request *q,
              int64_t now_ms, ews_list *list, ews_test_result *res)
{
	struct ews__plan sub;
	ews_status st;

	st = ews__plan_build(plan->regs + q->first, q->n, 0, 0, &sub);
	if (st == EWS_OK)
		st = read_plan(link, job, &sub, now_ms, list, res, 0);
	ews__plan_free(&sub);
	return st;
}

static ews_status
read_plan(struct ews__link *link, const struct ews__job *job,
          const struct ews__plan *plan, int64_t now_ms, ews_list *list,
          ews_test_result *res, int merged)
{
	uint16_t data[EWS__MAX_READ_BITS];
	ews_status st = EWS_OK;
	size_t i;

	for (i = 0; st == EWS_OK && i < plan->n_requests; i++) {
		const struct ews__request *q = &plan->requests[i];

		st = link_read(link, job->unit, q, data, res);
		if (st == EWS_OK)
			st = add_readings(q, plan, data, job, now_ms, list);
		else if (res->outcome == EWS_OUTCOME_EXCEPTION)
			st = merged && q->n > 1
			             ? read_unmerged(link, job, plan, q, now_ms,
			                             list, res)
			             : EWS_OK;
	}
	return st;
}

ews_status
ews__job_read(struct ews__link *link, const struct ews__job *job,
              int64_t now_ms, ews_list *readings, ews_test_result *res)
{
	size_t before = ews_list_len(readings);
	ews_status st;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		ews__list_truncate(readings, before); /* a retry starts over */
		memset(res, 0, sizeof(*res));
		res->version = EWS_TEST_RESULT_VERSION;
		if ((st = link_connect(link, res)) == EWS_OK)
			st = read_plan(link, job, &job->plan, now_ms, readings,
			               res, 1);
		if (st == EWS_OK || res->outcome == EWS_OUTCOME_REFUSED)
			break;
		/* A late answer must not be taken for the next request's, and
		 * a dropped TCP connection is reopened once at once, so the
		 * scheduled sample is not lost. */
		link_disconnect(link);
		if (res->outcome == EWS_OUTCOME_TIMEOUT)
			break;
	}
	if (st == EWS_OK && ews_list_len(readings) == before &&
	    res->outcome == EWS_OUTCOME_EXCEPTION)
		snprintf(res->message, sizeof(res->message),
		         "exception %u on every register", res->exception_code);
	else if (st == EWS_OK)
		res->outcome = EWS_OUTCOME_OK;
	if (st != EWS_OK)
		return ews__fail(st, "device '%s' at %u: %s", job->name,
		                 job->unit, res->message);
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Blocking calls for one device or gateway                            */

/* The device and its gateway, refusing OFF ones with EWS_EDENIED. */
static ews_status
load_target(ews_site *site, int64_t id, ews_device *dev, ews_gateway *gw)
{
	ews_status st;

	dev->version = EWS_DEVICE_VERSION;
	gw->version = EWS_GATEWAY_VERSION;
	if ((st = ews_site_device_get(site, id, dev)) != EWS_OK ||
	    (st = ews_site_gateway_get(site, dev->gateway_id, gw)) != EWS_OK)
		return st;
	if (!gw->enabled)
		return ews__fail_field(EWS_EDENIED, "gateway", "'%s' is OFF",
		                       gw->name);
	if (!dev->enabled)
		return ews__fail_field(EWS_EDENIED, "device", "'%s' is OFF",
		                       dev->name);
	return EWS_OK;
}

ews_status
ews_site_device_read(ews_site *site, int64_t id, int64_t now_ms, ews_list **out)
{
	struct ews__link *link = NULL;
	ews_list *list = NULL;
	struct ews__job job;
	ews_test_result res;
	ews_device dev;
	ews_gateway gw;
	ews_status st;

	*out = NULL;
	memset(&job, 0, sizeof(job));
	if ((st = load_target(site, id, &dev, &gw)) == EWS_OK &&
	    (st = ews__job_prepare(site, &dev, EWS__SELECT_ALL, &job)) ==
	            EWS_OK &&
	    (st = ews__link_new(site, &gw, 0, &link)) == EWS_OK) {
		list = ews__list_new(EWS__LIST_READING, sizeof(ews_reading));
		st = list ? ews__job_read(link, &job, now_ms, list, &res)
		          : EWS_ENOMEM;
	}
	ews__link_free(link);
	ews__job_free(&job);
	if (st == EWS_OK)
		*out = list;
	else
		ews_list_free(list);
	return st;
}

const ews_reading *
ews_list_reading(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_READING, i);
}

/* ------------------------------------------------------------------ */
/* Test (INS-5)                                                        */

static ews_status
test_init(ews_test_result *out)
{
	ews_status st = ews__check_version(
	        out->version, EWS_TEST_RESULT_VERSION, "ews_test_result");

	if (st != EWS_OK)
		return st;
	memset(out, 0, sizeof(*out));
	out->version = EWS_TEST_RESULT_VERSION;
	return EWS_OK;
}

/* An OFF target or an unknown map is an outcome of the test. */
static ews_status
test_refusal(ews_status st, ews_test_result *out)
{
	if (st != EWS_EDENIED && st != EWS_ENOMAP)
		return st;
	out->outcome = st == EWS_EDENIED ? EWS_OUTCOME_OFF : EWS_OUTCOME_NOMAP;
	snprintf(out->message, sizeof(out->message), "%s",
	         ews_error_last()->message);
	ews_error_clear();
	return EWS_OK;
}

ews_status
ews_site_gateway_test(ews_site *site, int64_t id, ews_test_result *out)
{
	struct ews__link *link;
	ews_gateway gw;
	int64_t start;
	ews_status st;

	if ((st = test_init(out)) != EWS_OK)
		return st;
	gw.version = EWS_GATEWAY_VERSION;
	if ((st = ews_site_gateway_get(site, id, &gw)) != EWS_OK)
		return st;
	if (!gw.enabled)
		return test_refusal(ews__fail_field(EWS_EDENIED, "gateway",
		                                    "'%s' is OFF", gw.name),
		                    out);
	if ((st = ews__link_new(site, &gw, 0, &link)) != EWS_OK)
		return st;
	start = monotonic_us();
	if (link_connect(link, out) == EWS_OK) {
		out->outcome = EWS_OUTCOME_OK;
		out->round_trip_us = (unsigned int)(monotonic_us() - start);
		snprintf(out->message, sizeof(out->message), "connected");
	}
	ews__link_free(link);
	ews_error_clear();
	return EWS_OK;
}

ews_status
ews_site_device_test(ews_site *site, int64_t id, ews_test_result *out)
{
	struct ews__link *link = NULL;
	uint16_t data[EWS__MAX_READ_BITS];
	struct ews__plan first = { 0 };
	struct ews__job job;
	ews_device dev;
	ews_gateway gw;
	ews_status st;

	if ((st = test_init(out)) != EWS_OK)
		return st;
	memset(&job, 0, sizeof(job));
	if ((st = load_target(site, id, &dev, &gw)) != EWS_OK ||
	    (st = ews__job_prepare(site, &dev, EWS__SELECT_ALL, &job)) !=
	            EWS_OK) {
		ews__job_free(&job);
		return test_refusal(st, out);
	}
	/* One request: the first register alone. */
	if ((st = ews__plan_build(job.plan.regs, 1, 0, 0, &first)) == EWS_OK &&
	    (st = ews__link_new(site, &gw, 0, &link)) == EWS_OK &&
	    link_connect(link, out) == EWS_OK &&
	    link_read(link, job.unit, &first.requests[0], data, out) == EWS_OK)
		snprintf(out->message, sizeof(out->message), "answered");
	ews__link_free(link);
	ews__plan_free(&first);
	ews__job_free(&job);
	ews_error_clear();
	return st == EWS_ENOMEM ? st : EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Commands (ACQ-6)                                                    */

/* The register a quantity is written through. */
ews_status
ews__writable_register(ews_site *site, const ews_device *dev, ews_quantity q,
                       const ews_register **out)
{
	const ews_model *m;
	size_t i;

	if (ews_catalog_find(site->catalog, dev->model, &m) != EWS_OK ||
	    !m->has_map)
		return ews__fail(EWS_ENOMAP, "register map unknown for %s",
		                 dev->model);
	for (i = 0; i < m->register_count; i++) {
		const ews_register *r = ews_model_register(m, i);

		if (r->quantity == q && r->write_function) {
			*out = r;
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_EINVAL, "quantity",
	                       "%s has no writable register for %s", m->name,
	                       ews_quantity_name(q) ? ews_quantity_name(q)
	                                            : "that quantity");
}

static ews_status
link_write(struct ews__link *link, unsigned int unit, const ews_register *r,
           const uint16_t *words, ews_test_result *res)
{
	int64_t start = monotonic_us();
	int n = -1;

	modbus_set_slave(link->mb, (int)unit);
	if (r->write_function == 5)
		n = modbus_write_bit(link->mb, (int)r->address, words[0] != 0);
	else if (r->write_function == 6)
		n = modbus_write_register(link->mb, (int)r->address, words[0]);
	else if (r->write_function == 16)
		n = modbus_write_registers(link->mb, (int)r->address,
		                           (int)r->words, words);
	if (n < 0)
		return io_failure(errno, link, res);
	res->outcome = EWS_OUTCOME_OK;
	res->round_trip_us = (unsigned int)(monotonic_us() - start);
	snprintf(res->message, sizeof(res->message), "written");
	return EWS_OK;
}

ews_status
ews_site_device_write(ews_site *site, int64_t id, ews_quantity quantity,
                      double value, ews_test_result *out)
{
	struct ews__link *link = NULL;
	const ews_register *reg = NULL;
	uint16_t words[4];
	ews_device dev;
	ews_gateway gw;
	ews_status st;

	if ((st = test_init(out)) != EWS_OK ||
	    (st = load_target(site, id, &dev, &gw)) != EWS_OK ||
	    (st = ews__writable_register(site, &dev, quantity, &reg)) !=
	            EWS_OK ||
	    (st = ews_register_encode(reg, value, words, 4)) != EWS_OK ||
	    (st = ews__link_new(site, &gw, 0, &link)) != EWS_OK)
		return st;
	st = ews__link_write(link, ews__unit_of(&dev), reg, words, out);
	ews__link_free(link);
	if (st != EWS_OK)
		return ews__fail(st, "device '%s': %s", dev.name, out->message);
	return EWS_OK;
}

ews_status
ews__link_write(struct ews__link *link, unsigned int unit,
                const ews_register *reg, const uint16_t *words,
                ews_test_result *res)
{
	ews_status st = EWS_OK;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if ((st = link_connect(link, res)) == EWS_OK &&
		    (st = link_write(link, unit, reg, words, res)) == EWS_OK)
			return EWS_OK;
		if (res->outcome == EWS_OUTCOME_REFUSED ||
		    res->outcome == EWS_OUTCOME_EXCEPTION)
			return st;
		/* as for reads: reset after a timeout, reopen a dropped link */
		link_disconnect(link);
		if (res->outcome == EWS_OUTCOME_TIMEOUT)
			return st;
	}
	return st;
}
