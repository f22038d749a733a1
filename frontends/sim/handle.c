/*
 * One Modbus request, whatever the transport: find the unit, apply its
 * faults, check the function and the addresses against its map, then let
 * libmodbus build the reply from the device's freshly encoded mapping.
 *
 * Answers:
 * - unknown unit, or a unit asked on a TCP port it does not answer on:
 *   exception 0x0B (gateway target failed to respond) on TCP, or no reply
 *   with --unknown-unit silent; never a reply on RTU;
 * - function other than 1-6 and 16: exception 1 (illegal function);
 * - quantity out of the protocol's range: exception 3 (illegal value);
 * - a read reaching outside the span of the map's registers for that
 *   function, or a write to a register that is not writable with that
 *   function: exception 2 (illegal data address). Gaps inside the span
 *   read as 0, as on most meters (clients read blocks).
 */
#include <errno.h>
#include <time.h>

#include "sim.h"

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum sim_outcome
exception(modbus_t *ctx, const uint8_t *req, unsigned int code)
{
	return modbus_reply_exception(ctx, req, code) < 0 ? SIM_FAILED
	                                                  : SIM_REPLIED;
}

static unsigned int
word_at(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static int
check_read(const struct sim_device *d, unsigned int fc, unsigned int addr,
           unsigned int nb)
{
	unsigned int max =
	        fc <= 2 ? MODBUS_MAX_READ_BITS : MODBUS_MAX_READ_REGISTERS;

	if (nb < 1 || nb > max)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (!d->count[fc] || addr < d->lo[fc] ||
	    addr + nb > d->lo[fc] + d->count[fc])
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	return 0;
}

/* Every address of [addr, addr + nb) in a register that `wf` writes. */
static int
check_write(const struct sim_device *d, unsigned int read_fc, unsigned int wf,
            unsigned int addr, unsigned int nb)
{
	unsigned int a = addr;

	while (a < addr + nb) {
		const ews_register *r = sim_device_reg_at(d, read_fc, a);

		if (!r || r->write_function != wf)
			return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
		a = r->address + r->words;
	}
	return 0;
}

/* 0, or the exception the request earns. pdu[0] is the function. */
static int
check_request(const struct sim_device *d, const uint8_t *pdu, int n)
{
	unsigned int fc = pdu[0], addr, nb;

	if (fc < 1 || (fc > 6 && fc != 16))
		return MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
	if (n < 5)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	addr = word_at(pdu + 1);
	nb = word_at(pdu + 3);
	if (fc <= 4)
		return check_read(d, fc, addr, nb);
	if (fc == 5)
		return nb != 0xff00 && nb != 0
		               ? MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE
		               : check_write(d, 1, 5, addr, 1);
	if (fc == 6)
		return check_write(d, 3, 6, addr, 1);
	if (nb < 1 || nb > MODBUS_MAX_WRITE_REGISTERS || n < 6 ||
	    pdu[5] != 2 * nb || n < 6 + 2 * (int)nb)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	return check_write(d, 3, 16, addr, nb);
}

/* A write was accepted into the mapping: read the written registers back
 * and let the device act on them. */
static void
apply_write(struct sim_device *d, unsigned int fc, unsigned int addr,
            unsigned int nb)
{
	unsigned int a = addr, read_fc = fc == 5 ? 1 : 3, k;
	uint16_t w[4];
	double v;

	while (a < addr + nb) {
		const ews_register *r = sim_device_reg_at(d, read_fc, a);
		unsigned int at = r->address - d->lo[read_fc];

		for (k = 0; k < r->words; k++)
			w[k] = read_fc == 1 ? d->map->tab_bits[at]
			                    : d->map->tab_registers[at + k];
		if (ews_register_decode(r, w, r->words, &v) == EWS_OK) {
			if (r->quantity == EWS_Q_SETPOINT_CURRENT)
				sim_state_set_setpoint(&d->st, v);
			else if (r->quantity == EWS_Q_CHARGE_ENABLE)
				sim_state_set_enable(&d->st, v != 0);
		}
		a = r->address + r->words;
	}
}

static enum sim_outcome
reply(struct sim *sim, struct sim_device *d, modbus_t *ctx, const uint8_t *req,
      int len, int header)
{
	const uint8_t *pdu = req + header;
	unsigned int fc = pdu[0];
	int rc;

	pthread_mutex_lock(&sim->lock);
	sim_device_refresh(sim, d, sim_now_s(sim));
	modbus_set_slave(ctx, (int)d->cfg.unit);
	rc = modbus_reply(ctx, req, len, d->map);
	if (rc >= 0 && fc >= 5)
		apply_write(d, fc, word_at(pdu + 1),
		            fc == 16 ? word_at(pdu + 3) : 1);
	pthread_mutex_unlock(&sim->lock);
	return rc < 0 ? SIM_FAILED : SIM_REPLIED;
}

enum sim_outcome
sim_handle(struct sim *sim, modbus_t *ctx, const uint8_t *req, int len,
           int header, int rtu, unsigned int port)
{
	unsigned int unit = req[header - 1];
	struct sim_device *d = unit ? sim_find(sim, unit) : NULL;
	struct sim_faults fl;
	unsigned long n;
	int exc;

	sim_log(sim, "unit %u: function %u, %d bytes", unit, req[header], len);
	if (d && d->cfg.port != port)
		d = NULL; /* it answers on another port */
	if (!d)
		return rtu || sim->unknown_silent
		               ? SIM_SILENT
		               : exception(ctx, req,
		                           MODBUS_EXCEPTION_GATEWAY_TARGET);
	pthread_mutex_lock(&sim->lock);
	n = ++d->requests;
	fl = d->cfg.faults;
	pthread_mutex_unlock(&sim->lock);
	if (fl.drop_every_n && n % fl.drop_every_n == 0)
		return SIM_DROP;
	if (fl.timeout)
		return SIM_SILENT;
	if (fl.latency_ms)
		sleep_ms(fl.latency_ms);
	if (fl.exception)
		return exception(ctx, req, fl.exception);
	exc = check_request(d, req + header, len - header - (rtu ? 2 : 0));
	if (exc)
		return exception(ctx, req, (unsigned int)exc);
	return reply(sim, d, ctx, req, len, header);
}
