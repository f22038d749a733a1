/*
 * ews device read|test, ews gateway test (ACQ-3, INS-5): one round trip
 * now, printed as the library reports it.
 */

#include "cli.h"

static void
rec_reading(struct cli_rec *r, const void *obj)
{
	const ews_reading *rd = obj;

	cli_rec_str(r, "quantity", ews_quantity_name(rd->quantity));
	cli_rec_uint(r, "order", rd->order);
	cli_rec_add(r, "value", "%.10g", rd->value);
	cli_rec_str(r, "unit", ews_quantity_unit(rd->quantity));
}

int
cli_run_device_read(struct cli *c, const struct cli_args *a)
{
	ews_list *list = NULL;
	ews_status st =
	        ews_site_device_read(c->site, c->id, cli_now_ms(), &list);

	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, shape_at_reading, shape_reading, rec_reading);
	ews_list_free(list);
	return CLI_OK;
}

static void
rec_test(struct cli_rec *r, const void *obj)
{
	const ews_test_result *t = obj;

	cli_rec_str(r, "outcome", ews_outcome_name(t->outcome));
	if (t->outcome == EWS_OUTCOME_EXCEPTION)
		cli_rec_add(r, "exception_code", "%u", t->exception_code);
	if (t->outcome == EWS_OUTCOME_OK)
		cli_rec_add(r, "round_trip", "%.1f ms",
		            t->round_trip_us / 1000.0);
	cli_rec_str(r, "message", t->message);
}

/* A test that ran reports its outcome; the exit code tells scripts: 0 ok,
 * 2 not testable as configured (OFF, no map), 3 the round trip failed. */
static int
print_test(const struct cli_args *a, ews_status st, const ews_test_result *t)
{
	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_one(a, t, shape_test_result, rec_test);
	if (t->outcome == EWS_OUTCOME_OK)
		return CLI_OK;
	if (t->outcome == EWS_OUTCOME_OFF || t->outcome == EWS_OUTCOME_NOMAP)
		return CLI_REFUSED;
	return CLI_IO;
}

int
cli_run_device_test(struct cli *c, const struct cli_args *a)
{
	ews_test_result t;

	t.version = EWS_TEST_RESULT_VERSION;
	return print_test(a, ews_site_device_test(c->site, c->id, &t), &t);
}

int
cli_run_gateway_test(struct cli *c, const struct cli_args *a)
{
	ews_test_result t;

	t.version = EWS_TEST_RESULT_VERSION;
	return print_test(a, ews_site_gateway_test(c->site, c->id, &t), &t);
}

const struct cli_opt_spec cli_write_opts[] = {
	{ "quantity", 1, OPT_QUANTITY },
	{ "value", 1, OPT_VALUE },
	{ NULL, 0, 0 },
};

int
cli_run_device_write(struct cli *c, const struct cli_args *a)
{
	ews_quantity q = EWS_Q_NONE;
	int has_value = 0;
	ews_test_result t;
	double value = 0;
	ews_status st;
	size_t i;

	for (i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];

		if (o->id == OPT_VALUE) {
			if (cli_opt_double(c, o, &value) != CLI_OK)
				return CLI_USAGE;
			has_value = 1;
		} else if (ews_quantity_from_name(o->value, &q) != EWS_OK) {
			return cli_usage(c,
			                 "--quantity: '%s' is not a quantity "
			                 "(e.g. setpoint_current)",
			                 o->value);
		}
	}
	if (q == EWS_Q_NONE || !has_value)
		return cli_usage(c, "--quantity Q and --value V are required");
	t.version = EWS_TEST_RESULT_VERSION;
	st = ews_site_device_write(c->site, c->id, q, value, &t);
	if (st == EWS_ETIMEDOUT || st == EWS_EIO || st == EWS_OK) {
		cli_print_one(a, &t, shape_test_result, rec_test);
		return st == EWS_OK ? CLI_OK : CLI_IO;
	}
	return cli_fail(st);
}
