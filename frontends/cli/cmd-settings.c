/*
 * ews init [--timezone ZONE]
 * ews settings show [KEY] | set KEY VALUE
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int
run_init(struct cli *c, const struct cli_args *a)
{
	const char *tz = NULL;
	int rc;

	for (size_t i = 0; i < a->n_opt; i++) {
		if (a->opt[i].id == OPT_TIMEZONE)
			tz = a->opt[i].value;
	}
	rc = cli_open_site(c, 1, tz);
	if (rc)
		return rc;
	printf("created site at %s\n", c->site_dir);
	return CLI_OK;
}

static const struct cli_opt_spec init_opts[] = {
	{ "timezone", 1, OPT_TIMEZONE },
	{ NULL, 0, 0 },
};

static const struct cli_verb init_verbs[] = {
	{ NULL, run_init, init_opts, 0, 0, 0, "[--timezone ZONE]",
	  "Create a new site in the site directory (--site or $EWS_SITE):\n"
	  "the Local gateway, the predefined loads, \"Others\" and the\n"
	  "default settings. Refused if the directory already holds a site.\n"
	  "\n"
	  "Options:\n"
	  "  --timezone ZONE     IANA time zone of the site (default UTC)\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_init = {
	"init",
	"Create a site.",
	init_verbs,
	0,
};

/* ------------------------------------------------------------------ */

/* Value of one setting; *out is owned (ews_free). */
static int
get_setting(struct cli *c, const char *name, char **out)
{
	return cli_done(ews_site_setting_get(c->site, name, out));
}

static int
show_one(struct cli *c, const char *name, int json)
{
	char *value = NULL;
	int rc = get_setting(c, name, &value);
	const char *v = value;
	struct jw j;

	if (rc)
		return rc;
	if (json) {
		jw_init_file(&j, stdout);
		shape_settings(&j, &name, &v, 1);
		jw_finish(&j);
	} else {
		printf("%s\n", value);
	}
	ews_free(value);
	return CLI_OK;
}

/* The name and value of every setting, in the library's order; each
 * values[i] is owned (ews_free). */
static int
get_all(struct cli *c, const char **names, char **values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc;

		names[i] = ews_setting_name(i);
		if ((rc = get_setting(c, names[i], &values[i])))
			return rc;
	}
	return CLI_OK;
}

static void
print_table(const char *const *names, char *const *values, size_t n)
{
	static const char *const head[] = { "SETTING", "VALUE" };
	struct cli_table *t = cli_table_new(2, head);

	for (size_t i = 0; i < n; i++) {
		cli_table_cell(t, "%s", names[i]);
		cli_table_cell(t, "%s", values[i]);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static int
show_all(struct cli *c, int json)
{
	size_t n = ews_setting_count();
	const char **names = calloc(n + 1, sizeof(*names));
	char **values = calloc(n + 1, sizeof(*values));
	struct jw j;
	int rc = names && values ? get_all(c, names, values, n)
	                         : cli_fail(EWS_ENOMEM);

	if (rc == CLI_OK && json) {
		jw_init_file(&j, stdout);
		shape_settings(&j, names, (const char *const *)values, n);
		jw_finish(&j);
	} else if (rc == CLI_OK) {
		print_table(names, values, n);
	}
	for (size_t i = 0; values && i < n; i++)
		ews_free(values[i]);
	free(names);
	free(values);
	return rc;
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	if (a->n_pos == 1)
		return show_one(c, a->pos[0], a->json);
	return show_all(c, a->json);
}

static int
run_set(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_setting_set(c->site, a->pos[0], a->pos[1]));
}

static const struct cli_verb settings_verbs[] = {
	{ "show", run_show, NULL, 0, 1, CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "[KEY] [--json]",
	  "Print every setting of the site, or the value of KEY alone.\n"
	  "With --json: one object, setting name -> value (a string).\n"
	  "Settings: site_name, timezone, sample_rate_min, currency,\n"
	  "gas_factor_kwh_per_m3, csv_decimal, csv_separator, language,\n"
	  "rs485_port, rs485_baud, rs485_parity, rs485_stop_bits,\n"
	  "rs485_timeout_ms.\n"
	  "\n"
	  "Options:\n" },
	{ "set", run_set, NULL, 2, 2, CLI_NEEDS_SITE, "KEY VALUE",
	  "Validate and store one setting; refused (exit 2) for an unknown\n"
	  "KEY or a bad VALUE.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_settings = {
	"settings",
	"Show and change the settings of a site.",
	settings_verbs,
	0,
};
