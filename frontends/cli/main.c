/*
 * ews — command-line frontend of libews.
 *
 *   ews [--site DIR] <noun> <verb> [options]
 *
 * This file holds the global options, the dispatch to nouns and verbs, the
 * help texts' frame, the exit codes and the printing of errors.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_noun *const nouns[] = {
	&cli_noun_init,    &cli_noun_gateway,  &cli_noun_device,
	&cli_noun_load,    &cli_noun_group,    &cli_noun_board,
	&cli_noun_catalog, &cli_noun_settings, &cli_noun_samples,
	&cli_noun_events,  &cli_noun_poll,     &cli_noun_consumption,
	&cli_noun_tariff,  &cli_noun_price,    &cli_noun_rule,
	&cli_noun_evse,
};
enum { N_NOUNS = sizeof(nouns) / sizeof(nouns[0]) };

static const char main_help[] =
        "Usage: ews [--site DIR] <noun> <verb> [options]\n"
        "       ews --help | --version\n"
        "\n"
        "Configure an ews site (one installation) from the command line.\n"
        "\n"
        "Commands:\n"
        "%s"
        "\n"
        "Global options:\n"
        "  --site DIR   the site directory (default: $EWS_SITE); also\n"
        "               accepted after the verb\n"
        "  --help       this text; also `ews <noun> --help` and\n"
        "               `ews <noun> <verb> --help`\n"
        "  --version    print the version of ews and libews\n"
        "\n"
        "Environment:\n"
        "  EWS_SITE         site directory when --site is not given\n"
        "  EWS_CATALOG_DIR  device catalogue directory (default: the\n"
        "                   installed catalogue)\n"
        "\n"
        "Output:\n"
        "  list and show print aligned tables, add prints the new id.\n"
        "  With --json, list prints an array of objects and show one object;\n"
        "  field names are those of the structs of <ews/site.h> and\n"
        "  <ews/catalog.h>, ids are numbers, enumerations their stable names.\n"
        "  None is written as null for a reference to another object\n"
        "  (board_id, eq_device_id, load_id) and for an enumeration without a\n"
        "  value (supply, reg_type); as 0 for other numbers; as \"\" for\n"
        "  strings. Flags (enabled, exclude_totals …) are true/false.\n"
        "\n"
        "Exit status:\n"
        "  0 done; 1 usage error; 2 refused by validation (the message names\n"
        "  the field and the reason); 3 I/O or database error, or no site.\n";

/* ------------------------------------------------------------------ */
/* Reporting                                                           */

static void
hint(const struct cli *c)
{
	fputs("Try 'ews", stderr);
	if (c && c->noun)
		fprintf(stderr, " %s", c->noun->name);
	if (c && c->verb && c->verb->name)
		fprintf(stderr, " %s", c->verb->name);
	fputs(" --help'.\n", stderr);
}

/* "ews: <message>" on stderr. */
static void __attribute__((format(printf, 1, 0)))
say(const char *fmt, va_list ap)
{
	fputs("ews: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_usage(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	hint(c);
	return CLI_USAGE;
}

int
cli_refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return CLI_REFUSED;
}

/* Print the library's last error and map its status to an exit code. */
int
cli_fail(ews_status st)
{
	const ews_error *e = ews_error_last();
	const char *msg = e->code == st && e->message && *e->message
	                          ? e->message
	                          : ews_status_str(st);

	fprintf(stderr, "ews: %s\n", msg);
	switch (st) {
	case EWS_EINVAL:
	case EWS_ENOTFOUND:
	case EWS_EEXIST:
	case EWS_ELIMIT:
	case EWS_EDENIED:
	case EWS_EINUSE:
	case EWS_ENOMAP:
		return CLI_REFUSED;
	default:
		return CLI_IO;
	}
}

int
cli_done(ews_status st)
{
	return st == EWS_OK ? CLI_OK : cli_fail(st);
}

int
cli_done_id(ews_status st, int64_t id)
{
	if (st != EWS_OK)
		return cli_fail(st);
	printf("%lld\n", (long long)id);
	return CLI_OK;
}

/* Open c->site_dir; with `create`, make a new site (refused if one is). */
int
cli_open_site(struct cli *c, int create, const char *timezone)
{
	ews_site_opts opts;
	ews_status st;

	if (!c->site_dir || !*c->site_dir)
		return cli_usage(c, "no site: give --site DIR or set "
		                    "EWS_SITE");
	ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION);
	opts.flags = create ? EWS_SITE_CREATE | EWS_SITE_EXCL : 0;
	opts.timezone = timezone;
	opts.catalog_dir = c->catalog_dir;
	st = ews_site_open(c->site_dir, &opts, &c->site);
	if (!create && st == EWS_ENOTFOUND) {
		fprintf(stderr, "ews: no site at %s: run `ews init`\n",
		        c->site_dir);
		return CLI_IO;
	}
	if (st != EWS_OK)
		return cli_fail(st);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Help                                                                */

static void
print_verb_synopsis(FILE *f, const struct cli_noun *n, const struct cli_verb *v)
{
	fprintf(f, "ews %s", n->name);
	if (v->name)
		fprintf(f, " %s", v->name);
	if (v->synopsis && *v->synopsis)
		fprintf(f, " %s", v->synopsis);
	fputc('\n', f);
}

static void
print_commands(FILE *f)
{
	for (size_t i = 0; i < N_NOUNS; i++) {
		const struct cli_verb *v = nouns[i]->verbs;

		fprintf(f, "  %-9s%s", nouns[i]->name,
		        strlen(nouns[i]->name) >= 9 ? " " : "");
		for (size_t k = 0; v[k].run; k++)
			fprintf(f, "%s%s", k ? "|" : "",
			        v[k].name ? v[k].name : v[k].synopsis);
		fputc('\n', f);
	}
}

static void
print_main_help(FILE *f)
{
	char *cmds = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&cmds, &len);

	if (m) {
		print_commands(m);
		fclose(m);
	}
	fprintf(f, main_help, cmds ? cmds : "");
	free(cmds);
}

static void
print_noun_help(const struct cli_noun *n)
{
	printf("%s\n\nUsage:\n", n->summary);
	for (const struct cli_verb *v = n->verbs; v->run; v++) {
		fputs("  ", stdout);
		print_verb_synopsis(stdout, n, v);
	}
	printf("\nSee `ews %s <verb> --help` for each verb.\n", n->name);
}

/* A verb's help; "@" in the text stands for the noun (load, group …). */
static void
print_verb_help(const struct cli_noun *n, const struct cli_verb *v)
{
	fputs("Usage: ", stdout);
	print_verb_synopsis(stdout, n, v);
	fputc('\n', stdout);
	for (const char *p = v->help; *p; p++) {
		if (*p == '@')
			fputs(n->name, stdout);
		else
			fputc(*p, stdout);
	}
	if (v->flags & CLI_TAKES_JSON)
		puts("  --json              print JSON (see `ews --help`, "
		     "Output)");
	puts("  --site DIR          the site directory (default: $EWS_SITE)");
	puts("  --help              print this help");
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static const struct cli_noun *
find_noun(const char *name)
{
	for (size_t i = 0; i < N_NOUNS; i++) {
		if (strcmp(nouns[i]->name, name) == 0)
			return nouns[i];
	}
	return NULL;
}

static const struct cli_verb *
find_verb(const struct cli_noun *n, const char *name)
{
	for (const struct cli_verb *v = n->verbs; v->run; v++) {
		if (v->name && strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

/* Run verb c->verb with the arguments that follow it. */
static int
run_verb(struct cli *c, int argc, char **argv)
{
	const struct cli_verb *v = c->verb;
	struct cli_args a;
	int rc = cli_args_parse(c, argc, argv, &a);

	if (a.help) {
		print_verb_help(c->noun, v);
		return CLI_OK;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < a.n_opt; i++) {
		if (a.opt[i].id == OPT_SITE)
			c->site_dir = a.opt[i].value;
	}
	if (a.n_pos < v->min_pos)
		return cli_usage(c, "missing argument: %s", v->synopsis);
	if (a.n_pos > v->max_pos)
		return cli_usage(c, "unexpected argument '%s'",
		                 a.pos[v->max_pos]);
	if ((v->flags & CLI_TAKES_ID) && cli_parse_id(a.pos[0], &c->id) != 0)
		return cli_usage(c, "'%s' is not an id (a whole number)",
		                 a.pos[0]);
	if (v->flags & CLI_NEEDS_SITE) {
		rc = cli_open_site(c, 0, NULL);
		if (rc)
			return rc;
	}
	rc = v->run(c, &a);
	if (fflush(stdout) != 0 && rc == CLI_OK) {
		perror("ews: stdout");
		rc = CLI_IO;
	}
	return rc;
}

static int
dispatch(struct cli *c, int argc, char **argv)
{
	const char *verb;

	c->noun = find_noun(argv[0]);
	if (!c->noun)
		return cli_usage(NULL, "unknown noun '%s'", argv[0]);
	if (!c->noun->verbs[0].name) { /* the noun is the command: init */
		/* ... unless a named verb follows (consumption overall). */
		c->verb = argc > 1 ? find_verb(c->noun, argv[1]) : NULL;
		if (c->verb)
			return run_verb(c, argc - 2, argv + 2);
		c->verb = &c->noun->verbs[0];
		return run_verb(c, argc - 1, argv + 1);
	}
	verb = argc > 1 ? argv[1] : NULL;
	if (verb && (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 ||
	             strcmp(verb, "help") == 0)) {
		print_noun_help(c->noun);
		return CLI_OK;
	}
	if (!verb)
		return cli_usage(c, "missing verb after '%s'", c->noun->name);
	c->verb = find_verb(c->noun, verb);
	if (!c->verb)
		return cli_usage(c, "unknown verb '%s' for '%s'", verb,
		                 c->noun->name);
	return run_verb(c, argc - 2, argv + 2);
}

/* "--site DIR" / "--site=DIR" before the noun; returns args consumed. */
static int
global_site(struct cli *c, int argc, char **argv, int i)
{
	if (strncmp(argv[i], "--site=", 7) == 0) {
		c->site_dir = argv[i] + 7;
		return 1;
	}
	if (i + 1 >= argc)
		return -1;
	c->site_dir = argv[i + 1];
	return 2;
}

int
main(int argc, char **argv)
{
	struct cli c = { 0 };
	const char *env = getenv("EWS_SITE");
	int i = 1, rc;

	c.site_dir = env && *env ? env : NULL;
	env = getenv("EWS_CATALOG_DIR");
	c.catalog_dir = env && *env ? env : NULL;
	while (i < argc && argv[i][0] == '-') {
		const char *arg = argv[i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_main_help(stdout);
			return CLI_OK;
		}
		if (strcmp(arg, "--version") == 0) {
			printf("ews %d.%d.%d (libews %s)\n", EWS_VERSION_MAJOR,
			       EWS_VERSION_MINOR, EWS_VERSION_PATCH,
			       ews_version_string());
			return CLI_OK;
		}
		if (strcmp(arg, "--site") == 0 ||
		    strncmp(arg, "--site=", 7) == 0) {
			int n = global_site(&c, argc, argv, i);

			if (n < 0)
				return cli_usage(NULL, "option '--site' needs "
				                       "a value");
			i += n;
			continue;
		}
		return cli_usage(NULL, "unknown option '%s'", arg);
	}
	if (i >= argc) {
		print_main_help(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 >= argc) {
			print_main_help(stdout);
			return CLI_OK;
		}
		static char help_opt[] = "--help";

		argv[i] = help_opt; /* ews help NOUN [VERB] -> NOUN [VERB]
		                       --help */
		for (int k = i; k + 1 < argc; k++) {
			char *t = argv[k];
			argv[k] = argv[k + 1];
			argv[k + 1] = t;
		}
	}
	rc = dispatch(&c, argc - i, argv + i);
	ews_site_close(c.site);
	return rc;
}
