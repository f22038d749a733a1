/*
 * Option parsing for `ews`: long options only ("--name VALUE" or
 * "--name=VALUE"), exact names (no abbreviations), positional arguments
 * anywhere, "--" ends the options. Numbers are parsed strictly: the whole
 * string must be a number that fits the field's C type. Whether the value
 * is acceptable (address 1-247, port 1-65535 …) is for libews to judge.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Options every verb takes. */
static const struct cli_opt_spec common_opts[] = {
	{ "help", 0, OPT_HELP },
	{ "site", 1, OPT_SITE },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec json_opt[] = {
	{ "json", 0, OPT_JSON },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec *
find_in(const struct cli_opt_spec *spec, const char *name, size_t len)
{
	for (; spec && spec->name; spec++) {
		if (strlen(spec->name) == len &&
		    strncmp(spec->name, name, len) == 0)
			return spec;
	}
	return NULL;
}

static const struct cli_opt_spec *
find_opt(const struct cli *c, const char *name, size_t len)
{
	const struct cli_opt_spec *s;

	s = find_in(common_opts, name, len);
	if (!s && (c->verb->flags & CLI_TAKES_JSON))
		s = find_in(json_opt, name, len);
	if (!s)
		s = find_in(c->verb->opts, name, len);
	return s;
}

/* A lone "-", or "-5": a positional argument, not an option. */
static int
is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0' &&
	       !isdigit((unsigned char)arg[1]);
}

/* Keep the first error; it is printed only if --help is not given. */
static void __attribute__((format(printf, 2, 3)))
set_error(struct cli_args *out, const char *fmt, ...)
{
	va_list ap;

	if (out->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

static void
record_opt(struct cli_args *out, const struct cli_opt_spec *s,
           const char *value)
{
	if (s->id == OPT_HELP) {
		out->help = 1;
		return;
	}
	if (s->id == OPT_JSON) {
		out->json = 1;
		return;
	}
	if (out->n_opt == CLI_OPTS_MAX) {
		set_error(out, "too many options");
		return;
	}
	out->opt[out->n_opt].id = s->id;
	out->opt[out->n_opt].name = s->name;
	out->opt[out->n_opt].value = value;
	out->n_opt++;
}

/* One "--name[=value]" at argv[*i]; *i advances past a separate value. */
static void
parse_long(const struct cli *c, int argc, char **argv, int *i,
           struct cli_args *out)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct cli_opt_spec *s = find_opt(c, arg, len);
	const char *value = NULL;

	if (!s) {
		set_error(out, "unknown option '--%.*s'", (int)len, arg);
		return;
	}
	if (s->has_arg) {
		if (eq) {
			value = eq + 1;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			set_error(out, "option '--%s' needs a value", s->name);
			return;
		}
	} else if (eq) {
		set_error(out, "option '--%s' takes no value", s->name);
		return;
	}
	record_opt(out, s, value);
}

/*
 * Parse the arguments after the verb. On --help anywhere, out->help is set
 * and errors are not reported (the help wins). Returns 0 or CLI_USAGE.
 */
int
cli_args_parse(const struct cli *c, int argc, char **argv, struct cli_args *out)
{
	int only_pos = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_pos && strcmp(arg, "--") == 0) {
			only_pos = 1;
		} else if (!only_pos && strcmp(arg, "-h") == 0) {
			out->help = 1;
		} else if (!only_pos && strncmp(arg, "--", 2) == 0) {
			parse_long(c, argc, argv, &i, out);
		} else if (!only_pos && is_option(arg)) {
			set_error(out, "unknown option '%s'", arg);
		} else if (out->n_pos < CLI_POS_MAX) {
			out->pos[out->n_pos++] = arg;
		} else {
			set_error(out, "unexpected argument '%s'", arg);
		}
	}
	if (out->help || !out->error[0])
		return CLI_OK;
	return cli_usage(c, "%s", out->error);
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

int
cli_parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
parse_ulong(const char *s, int base, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!isxdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end != '\0' || v > UINT_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int
cli_parse_uint(const char *s, unsigned int *out)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	return parse_ulong(s, 10, out);
}

/* A register address: "0x1A2B" (hex) or "6699" (decimal). */
int
cli_parse_reg(const char *s, unsigned int *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (s[0] == '\0' ||
		    strspn(s, "0123456789abcdefABCDEF") != strlen(s))
			return -1;
		return parse_ulong(s, 16, out);
	}
	return cli_parse_uint(s, out);
}

int
cli_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s[0] == '\0' || isspace((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* "A" or, for EMS remote addressing, "A-I" (address A, ems_interface I). */
int
cli_parse_address(const char *s, unsigned int *addr, unsigned int *intf)
{
	const char *dash = strchr(s, '-');
	char head[32];
	size_t len;

	if (!dash) {
		*intf = 0;
		return cli_parse_uint(s, addr);
	}
	len = (size_t)(dash - s);
	if (len == 0 || len >= sizeof(head))
		return -1;
	memcpy(head, s, len);
	head[len] = '\0';
	if (cli_parse_uint(head, addr) != 0)
		return -1;
	return cli_parse_uint(dash + 1, intf);
}

int
cli_opt_bad(const struct cli *c, const struct cli_opt *o, const char *what)
{
	return cli_usage(c, "--%s: '%s' is not %s", o->name, o->value, what);
}

int
cli_opt_id(const struct cli *c, const struct cli_opt *o, int64_t *out)
{
	if (cli_parse_id(o->value, out) == 0)
		return 0;
	return cli_opt_bad(c, o, "an id (a whole number, 0 for none)");
}

int
cli_opt_uint(const struct cli *c, const struct cli_opt *o, unsigned int *out)
{
	if (cli_parse_uint(o->value, out) == 0)
		return 0;
	return cli_opt_bad(c, o, "a non-negative whole number");
}

int
cli_opt_double(const struct cli *c, const struct cli_opt *o, double *out)
{
	if (cli_parse_double(o->value, out) == 0)
		return 0;
	return cli_opt_bad(c, o, "a number");
}

int
cli_copy(char *dst, size_t size, const char *src, const char *field)
{
	size_t len = strlen(src);

	if (len >= size)
		return cli_refuse("%s: longer than %zu bytes", field, size - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

int
cli_has_opt(const struct cli_args *a, int id)
{
	for (size_t i = 0; i < a->n_opt; i++) {
		if (a->opt[i].id == id)
			return 1;
	}
	return 0;
}

int64_t
cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
