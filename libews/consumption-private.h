#ifndef EWS_CONSUMPTION_PRIVATE_H
#define EWS_CONSUMPTION_PRIVATE_H
#include <ews/consumption.h>

#include "rollup.h"

/* What the consumption and cost queries share. */

/* A period resolved: its first local day, the row level and keys that
 * hold it, and its bucket edges in UTC. */
typedef struct ews__span {
	ews_period period;
	int32_t year;
	unsigned int month, day;
	int level;
	int64_t first_key, nkeys; /* rows first_key .. first_key + nkeys - 1 */
	size_t count;
	int64_t edge[EWS_HISTOGRAM_MAX + 1];
} ews__span;

/* The span of `period` that holds local date y-m-d, shifted by `back`
 * periods into the past. */
void ews__span_of(const ews__tz *tz, ews_period period, int32_t y,
                  unsigned int m, unsigned int d, int back, ews__span *s);

/* Check a query's fields. */
ews_status ews__query_check(const ews_consumption_query *q);

/* The rollup key of the query's scope, and its commodity. */
ews_status ews__query_scope(ews_site *site, const ews_consumption_query *q,
                            ews_commodity *commodity, int64_t *key);

/* A split of the site (ews_site_consumption_split(), ews_site_cost_split()):
 * check the query and `by` (the field named: "scope", "by"); its
 * commodity (the query's, else electricity). */
ews_status ews__split_check(const ews_consumption_query *q, ews_scope_kind by,
                            ews_commodity *commodity);

/* The rollup key of one item of a split of the site: a load's devices not
 * excluded from totals (CON-3), a group's every device (CON-5). Both the
 * totals and the costs of a split read it, so each item's cost is that of
 * exactly the devices its total counts. */
int64_t ews__split_key(ews_scope_kind by, int64_t id, ews_commodity commodity);

#endif /* EWS_CONSUMPTION_PRIVATE_H */
