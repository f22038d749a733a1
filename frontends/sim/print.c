/*
 * --print-values: what the server would serve at the start time, as JSON,
 * so that a test can compare what it reads with what was meant:
 *
 *   {"time": "2024-03-05T10:00:00Z", "devices": [
 *     {"unit": 1, "model": "eastron_sdm630", "registers": [
 *       {"quantity": "voltage_ln_l1", "function": 4, "address": 0,
 *        "words": [17254, 33423], "value": 229.80..., "served": 229.80...}
 *     ]}]}
 *
 * "value" is the simulated canonical value, "words" the registers on the
 * wire and "served" what ews_register_decode() makes of them (the value
 * after the register's type and scale have rounded it). Harmonics add
 * "order". Keys and quantity names are plain [a-z0-9_] text.
 */
#include <math.h>
#include <time.h>

#include "sim.h"

static void
print_register(FILE *out, const ews_register *r, double value, int first)
{
	uint16_t w[4];
	double served;
	unsigned int k;

	sim_encode(r, value, w);
	fprintf(out, "%s\n      {\"quantity\": \"%s\", ", first ? "" : ",",
	        ews_quantity_name(r->quantity));
	if (r->order)
		fprintf(out, "\"order\": %u, ", r->order);
	fprintf(out, "\"function\": %u, \"address\": %u, \"words\": [",
	        r->function, r->address);
	for (k = 0; k < r->words; k++)
		fprintf(out, "%s%u", k ? ", " : "", w[k]);
	fprintf(out, "], \"value\": %.17g, \"served\": ", value);
	if (ews_register_decode(r, w, r->words, &served) == EWS_OK &&
	    isfinite(served))
		fprintf(out, "%.17g}", served);
	else
		fputs("null}", out);
}

void
sim_print_values(struct sim *sim, FILE *out)
{
	time_t t = (time_t)floor(sim->start_s);
	struct sim_values v;
	char when[32];
	struct tm tm;
	size_t i, j;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "{\"time\": \"%s\", \"devices\": [", when);
	for (i = 0; i < sim->ndevs; i++) {
		struct sim_device *d = &sim->devs[i];

		sim_device_values(sim, d, sim->start_s, &v);
		fprintf(out,
		        "%s\n  {\"unit\": %u, \"model\": \"%s\", "
		        "\"registers\": [",
		        i ? "," : "", d->cfg.unit, d->cfg.model);
		for (j = 0; j < d->nregs; j++) {
			const ews_register *r = d->regs[j];

			print_register(
			        out, r,
			        sim_values_get(&v, r->quantity, r->order),
			        j == 0);
		}
		fputs("\n  ]}", out);
	}
	fputs("\n]}\n", out);
}
