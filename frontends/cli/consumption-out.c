/*
 * The output of `ews consumption` and `ews consumption compare`: a
 * histogram (with its costs, by tariff, when asked), the totals of a
 * split and two histograms side by side, as text tables; their JSON is
 * shape_consumption() and shape_compare() (shapes.h). The options, the
 * queries and the verbs are in cmd-consumption.c.
 *
 * Amounts are the library's integer thousandths of the unit, printed as
 * exact decimals (jw_milli_text); money is millionths of the currency
 * (ews_money_format). Neither goes through floating point.
 */
#include "cli.h"

/* The consumption of the "no tariff" column (the last). */
static int64_t
unpriced(const ews_cost_histogram *ch, const int64_t *value_milli)
{
	return ch->columns ? value_milli[ch->columns - 1] : 0;
}

/* Thousandths and their unit: "12.5 Wh". */
static const char *
amount(int64_t milli, const char *unit, char *buf, size_t size)
{
	char v[32];

	snprintf(buf, size, "%s %s", jw_milli_text(milli, v, sizeof(v)),
	         unit ? unit : "");
	return buf;
}

static void
print_title(const ews_histogram *h)
{
	char sc[48];

	printf("%s, %s, %s of %04ld-%02u-%02u\n",
	       shape_scope_text(h->scope, h->scope_id, sc, sizeof(sc)),
	       cli_or_dash(ews_commodity_name(h->commodity)),
	       cli_or_dash(ews_period_name(h->period)), (long)h->year, h->month,
	       h->day);
}

static void
print_totals(const char *label, int64_t total, int has_previous,
             int64_t previous, const char *unit)
{
	char a[64], b[64];

	if (has_previous)
		printf("%s  %s (previous period: %s)\n", label,
		       amount(total, unit, a, sizeof(a)),
		       amount(previous, unit, b, sizeof(b)));
	else
		printf("%s  %s (previous period: no data)\n", label,
		       amount(total, unit, a, sizeof(a)));
}

static void
print_cost_totals(const char *label, const ews_cost_histogram *ch)
{
	char a[64], b[64];

	if (ch->has_previous)
		printf("%s  %s (previous period: %s)\n", label,
		       cli_money_text(ch->total_cost_micro, ch->currency, a,
		                      sizeof(a)),
		       cli_money_text(ch->previous_total_cost_micro,
		                      ch->currency, b, sizeof(b)));
	else
		printf("%s  %s (previous period: no data)\n", label,
		       cli_money_text(ch->total_cost_micro, ch->currency, a,
		                      sizeof(a)));
}

/* The period's consumption and cost per tariff, the columns with any. */
static void
print_by_tariff(const ews_cost_histogram *ch, const char *unit)
{
	static const char *const headers[] = { "tariff", "consumption",
		                               "cost" };
	struct cli_table *t = NULL;
	char a[64];

	for (size_t c = 0; c < ch->columns && c < EWS_COST_COLUMNS; c++) {
		if (ch->total_value_milli[c] == 0 &&
		    ch->total_cost_micro_by[c] == 0)
			continue;
		if (!t)
			t = cli_table_new(3, headers);
		cli_table_cell(t, "%s", ch->tariff_name[c]);
		cli_table_cell(
		        t, "%s",
		        amount(ch->total_value_milli[c], unit, a, sizeof(a)));
		if (ch->tariff_id[c])
			cli_table_cell(
			        t, "%s",
			        cli_money_text(ch->total_cost_micro_by[c],
			                       ch->currency, a, sizeof(a)));
		else
			cli_table_cell(t, "-");
	}
	if (t) {
		putchar('\n');
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
}

/* A bucket's value as a table cell: "-" when nothing was recorded, a
 * trailing " *" when estimated. */
static void
bucket_cell(struct cli_table *t, const ews_bucket *b, const char *unit)
{
	char a[64];

	if (!b->recorded)
		cli_table_cell(t, "-");
	else
		cli_table_cell(t, "%s%s",
		               amount(b->value_milli, unit, a, sizeof(a)),
		               b->estimated ? " *" : "");
}

/* Bucket i's cost as a table cell, "-" when nothing was recorded. */
static void
cost_cell(struct cli_table *t, const ews_bucket *b,
          const ews_cost_histogram *ch, size_t i)
{
	char a[64];

	if (!b->recorded || i >= ch->count)
		cli_table_cell(t, "-");
	else
		cli_table_cell(t, "%s",
		               cli_money_text(ch->buckets[i].cost_micro,
		                              ch->currency, a, sizeof(a)));
}

/* Bucket i's consumption under no tariff as a cell, "" for none. */
static void
unpriced_cell(struct cli_table *t, const ews_cost_histogram *ch, size_t i,
              const char *unit)
{
	int64_t none =
	        i < ch->count ? unpriced(ch, ch->buckets[i].value_milli) : 0;
	char a[64];

	cli_table_cell(t, "%s", none ? amount(none, unit, a, sizeof(a)) : "");
}

/* The histogram, with the costs of ch unless it is NULL. */
void
cli_print_histogram(const ews_histogram *h, const ews_cost_histogram *ch)
{
	static const char *const headers[] = { "start", "value", "cost",
		                               "no tariff" };
	const char *unit = ews_commodity_unit(h->commodity);
	struct cli_table *t = cli_table_new(ch ? 4 : 2, headers);
	char s[EWS_TIME_TEXT_MAX];

	print_title(h);
	for (size_t i = 0; i < h->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = &h->buckets[i];

		cli_table_cell(
		        t, "%s",
		        shape_time_text(b->start_ms, b->utc_offset_s, s));
		bucket_cell(t, b, unit);
		if (ch) {
			cost_cell(t, b, ch, i);
			unpriced_cell(t, ch, i, unit);
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	print_totals("total", h->total_milli, h->has_previous,
	             h->previous_total_milli, unit);
	if (ch)
		print_cost_totals("cost", ch);
	if (h->estimated)
		puts("* estimated: spread over a gap in the samples");
	if (ch)
		print_by_tariff(ch, unit);
}

/* costs: the cost of each item (ews_site_cost_split()), or NULL. */
void
cli_print_split(const ews_list *split, const char *unit, const ews_list *costs,
                const char *currency)
{
	static const char *const headers[] = { "id", "name", "total",
		                               "previous", "cost" };
	struct cli_table *t = cli_table_new(costs ? 5 : 4, headers);
	char a[64];

	putchar('\n');
	for (size_t i = 0; i < ews_list_len(split); i++) {
		const ews_scope_total *s = ews_list_scope_total(split, i);

		cli_table_cell(t, "%lld", (long long)s->scope_id);
		cli_table_cell(t, "%s", s->name);
		cli_table_cell(t, "%s%s",
		               amount(s->total_milli, unit, a, sizeof(a)),
		               s->estimated ? " *" : "");
		if (s->has_previous)
			cli_table_cell(t, "%s",
			               amount(s->previous_total_milli, unit, a,
			                      sizeof(a)));
		else
			cli_table_cell(t, "-");
		if (costs && ews_list_scope_cost(costs, i))
			cli_table_cell(
			        t, "%s",
			        cli_money_text(ews_list_scope_cost(costs, i)
			                               ->total_cost_micro,
			                       currency, a, sizeof(a)));
		else if (costs)
			cli_table_cell(t, "-");
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

/* The two histograms side by side; with costs (ca, cb not NULL), the
 * costs too, and for a pair of different commodities the costs only. */
void
cli_print_compare(const ews_histogram *ha, const ews_histogram *hb,
                  const ews_cost_histogram *ca, const ews_cost_histogram *cb)
{
	static const char *const plain[] = { "start", "a", "b" };
	static const char *const both[] = { "start", "a", "a cost", "b",
		                            "b cost" };
	static const char *const by_cost[] = { "start", "a cost", "b cost" };
	const char *ua = ews_commodity_unit(ha->commodity);
	const char *ub = ews_commodity_unit(hb->commodity);
	int values = ha->commodity == hb->commodity;
	struct cli_table *t;
	char sa[48], sb[48], s[EWS_TIME_TEXT_MAX], label[64];

	printf("a: ");
	print_title(ha);
	printf("b: ");
	print_title(hb);
	if (!ca)
		t = cli_table_new(3, plain);
	else if (values)
		t = cli_table_new(5, both);
	else
		t = cli_table_new(3, by_cost);
	for (size_t i = 0; i < ha->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = i < hb->count ? &hb->buckets[i] : NULL;

		cli_table_cell(t, "%s",
		               shape_time_text(ha->buckets[i].start_ms,
		                               ha->buckets[i].utc_offset_s, s));
		if (values)
			bucket_cell(t, &ha->buckets[i], ua);
		if (ca)
			cost_cell(t, &ha->buckets[i], ca, i);
		if (values && b)
			bucket_cell(t, b, ub);
		else if (values)
			cli_table_cell(t, "-");
		if (cb && b)
			cost_cell(t, b, cb, i);
		else if (cb)
			cli_table_cell(t, "-");
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	shape_scope_text(ha->scope, ha->scope_id, sa, sizeof(sa));
	shape_scope_text(hb->scope, hb->scope_id, sb, sizeof(sb));
	print_totals(sa, ha->total_milli, ha->has_previous,
	             ha->previous_total_milli, ua);
	print_totals(sb, hb->total_milli, hb->has_previous,
	             hb->previous_total_milli, ub);
	if (ca) {
		snprintf(label, sizeof(label), "%s cost", sa);
		print_cost_totals(label, ca);
		snprintf(label, sizeof(label), "%s cost", sb);
		print_cost_totals(label, cb);
	}
	if (ha->estimated || hb->estimated)
		puts("* estimated: spread over a gap in the samples");
}
