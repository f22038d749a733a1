/*
 * ews poll --once (ACQ-2, ACQ-4): one acquisition cycle now, through the
 * engine, recorded like a scheduled one; prints each device's outcome and
 * the values recorded.
 */
#include <string.h>

#include "cli.h"

static void
rec_result(struct cli_rec *r, const void *obj)
{
	const ews_poll_result *p = obj;

	cli_rec_add(r, "device_id", "%lld", (long long)p->device_id);
	cli_rec_add(r, "gateway_id", "%lld", (long long)p->gateway_id);
	cli_rec_str(r, "outcome", ews_outcome_name(p->outcome));
	cli_rec_add(r, "readings", "%u", p->readings);
	cli_rec_add(r, "round_trip", "%.1f ms", p->round_trip_us / 1000.0);
	cli_rec_str(r, "message", p->message);
}

/* The values the cycle recorded: the samples stamped with its time. */
static ews_status
recorded(ews_site *site, int64_t t_ms, ews_list **out)
{
	ews_sample_query q;

	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	q.from_ms = t_ms;
	q.to_ms = t_ms + 1;
	return ews_site_sample_list(site, &q, out);
}

int
cli_run_poll(struct cli *c, const struct cli_args *a)
{
	ews_list *results = NULL, *samples = NULL;
	int64_t t_ms = cli_now_ms();
	ews_engine *eng;
	ews_status st;
	struct jw j;

	if (!cli_has_opt(a, OPT_ONCE))
		return cli_usage(c, "--once is required: `ews poll` runs one "
		                    "cycle; ewsd polls on schedule");
	if ((st = ews_engine_open(c->site, NULL, &eng)) != EWS_OK)
		return cli_fail(st);
	st = ews_engine_poll_once(eng, t_ms, &results);
	ews_engine_close(eng);
	if (st == EWS_OK)
		st = recorded(c->site, t_ms, &samples);
	if (st != EWS_OK) {
		ews_list_free(results);
		return cli_fail(st);
	}
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_poll(&j, t_ms, results, samples);
		jw_finish(&j);
	} else {
		cli_print_list(a, results, shape_at_poll_result,
		               shape_poll_result, rec_result);
		printf("%zu values recorded\n", ews_list_len(samples));
	}
	ews_list_free(results);
	ews_list_free(samples);
	return CLI_OK;
}

static const struct cli_opt_spec poll_opts[] = {
	{ "once", 0, OPT_ONCE },
	{ NULL, 0, 0 },
};

static const struct cli_verb poll_verbs[] = {
	{ NULL, cli_run_poll, poll_opts, 0, 0, CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--once [--json]",
	  "Read every ON device of every ON gateway now, one worker per\n"
	  "gateway, and record the values as a scheduled cycle would. Prints\n"
	  "each device's outcome (ok, timeout, exception, refused, no_map,\n"
	  "io) and the values recorded; statuses and status events are\n"
	  "updated.\n"
	  "\n"
	  "Options:\n"
	  "  --once              one cycle now (the scheduled polling is\n"
	  "                      the server's job)\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_poll = {
	"poll",
	"Read every device now and record the values.",
	poll_verbs,
	0,
};
