#include <stdlib.h>
#include <string.h>

#include "acq-private.h"
#include "error-private.h"

/*
 * Fewer requests mean fewer round trips on a slow RS485 bus (a 300 ms
 * timeout is the default there), so neighbouring registers share one read.
 * Reading across a small hole is usually harmless; a device that refuses
 * it (exception 2) is re-read without merging by the caller.
 */

static int
compare_regs(const void *a, const void *b)
{
	const ews_register *x = *(const ews_register *const *)a;
	const ews_register *y = *(const ews_register *const *)b;

	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	return 0;
}

static unsigned int
limit_of(unsigned int function)
{
	return function <= 2 ? EWS__MAX_READ_BITS : EWS__MAX_READ_REGISTERS;
}

/* Registers (or bits) a register spans: one bit for FC 1/2. */
static unsigned int
span_of(const ews_register *r)
{
	return r->function <= 2 ? 1 : r->words;
}

/* Whether `r` can join request `q` (whose registers are sorted). */
static int
fits(const struct ews__request *q, const ews_register *r, int merge,
     unsigned int max_gap)
{
	unsigned int end = q->address + q->count;
	unsigned int r_end = r->address + span_of(r);

	if (!merge || r->function != q->function)
		return 0;
	if (r->address > end + max_gap)
		return 0;
	return (r_end > end ? r_end : end) - q->address <=
	       limit_of(q->function);
}

ews_status
ews__plan_build(const ews_register *const *regs, size_t n, int merge,
                unsigned int max_gap, struct ews__plan *out)
{
	struct ews__request *q = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->regs = ews__calloc(n, sizeof(*out->regs));
	out->requests = ews__calloc(n, sizeof(*out->requests));
	if (!out->regs || !out->requests) {
		ews__plan_free(out);
		return EWS_ENOMEM;
	}
	if (n > 0) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(out->regs, regs, n * sizeof(*regs));
	out->n_regs = n;
	qsort(out->regs, n, sizeof(*out->regs), compare_regs);
	for (i = 0; i < n; i++) {
		const ews_register *r = out->regs[i];
		unsigned int r_end = r->address + span_of(r);

		if (q && fits(q, r, merge, max_gap)) {
			if (r_end > q->address + q->count)
				q->count = r_end - q->address;
			q->n++;
			continue;
		}
		q = &out->requests[out->n_requests++];
		q->function = r->function;
		q->address = r->address;
		q->count = span_of(r);
		q->first = i;
		q->n = 1;
	}
	return EWS_OK;
}

void
ews__plan_free(struct ews__plan *plan)
{
	free(plan->regs);
	free(plan->requests);
	memset(plan, 0, sizeof(*plan));
}

const uint16_t *
ews__plan_words(const struct ews__request *req, const ews_register *reg,
                const uint16_t *data)
{
	return data + (reg->address - req->address);
}
