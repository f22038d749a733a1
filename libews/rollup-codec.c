#include <string.h>

#include "error-private.h"
#include "rollup.h"

/*
 * Rollup rows as bytes (rollup.h): the stored row, a change of a row, and
 * the SQL function that adds one to the other inside an UPSERT.
 */

void
ews__slot_add(ews__slot *to, const ews__slot *from)
{
	to->value_milli += from->value_milli;
	to->pieces += from->pieces;
	to->estimated += from->estimated;
}

void
ews__slots_add_sum(ews__slot *to, const ews__slot *from, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		ews__slot_add(to, &from[k]);
}

/* ------------------------------------------------------------------ */
/* Codec: per slot, pieces; then, if any, the value and the estimated.  */

size_t
ews__rollup_encode(const ews__slot *slots, size_t n, uint8_t *buf)
{
	size_t i, len = 0;

	while (n > 0 && slots[n - 1].pieces == 0)
		n--;
	for (i = 0; i < n; i++) {
		len += ews__varint_put(buf + len, (uint64_t)slots[i].pieces);
		if (slots[i].pieces == 0)
			continue;
		len += ews__varint_put(buf + len,
		                       (uint64_t)slots[i].value_milli);
		len += ews__varint_put(buf + len, (uint64_t)slots[i].estimated);
	}
	return len;
}

ews_status
ews__rollup_decode(const uint8_t *buf, size_t len, ews__slot *slots, size_t n)
{
	size_t i = 0, pos = 0, k;
	uint64_t v[3];

	memset(slots, 0, n * sizeof(*slots));
	while (pos < len) {
		int j, fields;

		if (i >= n)
			goto corrupt;
		for (j = 0, fields = 1; j < fields; j++) {
			if (!(k = ews__varint_get(buf + pos, len - pos,
			                          &v[j])) ||
			    v[j] > (uint64_t)INT64_MAX)
				goto corrupt;
			pos += k;
			if (j == 0 && v[0] > 0)
				fields = 3;
		}
		if (v[0] > 0) {
			slots[i].pieces = (int64_t)v[0];
			slots[i].value_milli = (int64_t)v[1];
			slots[i].estimated = (int64_t)v[2];
		}
		i++;
	}
	return EWS_OK;
corrupt:
	return ews__fail_field(EWS_EIO, "rollup",
	                       "a rollup row is corrupt (byte %zu of %zu)", pos,
	                       len);
}

/* The counts of a slot that some history can give. */
static int
slot_valid(const ews__slot *s)
{
	return s->pieces >= 0 && s->value_milli >= 0 && s->estimated >= 0 &&
	       s->estimated <= s->pieces &&
	       (s->pieces > 0 || s->value_milli == 0);
}

int
ews__slots_valid(const ews__slot *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!slot_valid(&s[k]))
			return 0;
	return 1;
}

/* A change of a row: for each slot that changes, its index, then the
 * zigzag changes of pieces, value and estimated (a sweep changes one). */
size_t
ews__rollup_encode_delta(const ews__slot *slots, size_t n, uint8_t *buf)
{
	size_t k, len = 0;

	for (k = 0; k < n; k++) {
		if (!slots[k].pieces && !slots[k].value_milli &&
		    !slots[k].estimated)
			continue;
		len += ews__varint_put(buf + len, k);
		len += ews__varint_put(buf + len, ews__zigzag(slots[k].pieces));
		len += ews__varint_put(buf + len,
		                       ews__zigzag(slots[k].value_milli));
		len += ews__varint_put(buf + len,
		                       ews__zigzag(slots[k].estimated));
	}
	return len;
}

static int
decode_delta(const uint8_t *buf, size_t len, ews__slot *slots, size_t n)
{
	size_t pos = 0, used;
	uint64_t v[4];
	int j;

	memset(slots, 0, n * sizeof(*slots));
	while (pos < len) {
		for (j = 0; j < 4; j++) {
			if (!(used = ews__varint_get(buf + pos, len - pos,
			                             &v[j])))
				return 0;
			pos += used;
		}
		if (v[0] >= n)
			return 0;
		slots[v[0]].pieces = ews__unzigzag(v[1]);
		slots[v[0]].value_milli = ews__unzigzag(v[2]);
		slots[v[0]].estimated = ews__unzigzag(v[3]);
	}
	return 1;
}

/*
 * SQL function ews_rollup_add(row, change, slots): the stored row (NULL
 * for none) with a change added, in one statement (an UPSERT) instead of
 * a read and a write. A result that no history can give (a negative
 * count, more estimated pieces than pieces) is an error: the transaction
 * rolls back rather than store it.
 */
static void
rollup_add_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	ews__slot stored[EWS__SLOTS], change[EWS__SLOTS];
	uint8_t buf[EWS__SLOTS * 30];
	int n = sqlite3_value_int(argv[2]);
	int k;

	(void)argc;
	if (n < 1 || n > EWS__SLOTS ||
	    ews__rollup_decode(sqlite3_value_blob(argv[0]),
	                       (size_t)sqlite3_value_bytes(argv[0]), stored,
	                       (size_t)n) != EWS_OK ||
	    !decode_delta(sqlite3_value_blob(argv[1]),
	                  (size_t)sqlite3_value_bytes(argv[1]), change,
	                  (size_t)n)) {
		sqlite3_result_error(ctx, "rollup: a row is corrupt", -1);
		return;
	}
	for (k = 0; k < n; k++) {
		ews__slot_add(&stored[k], &change[k]);
		if (!slot_valid(&stored[k])) {
			sqlite3_result_error(ctx,
			                     "rollup: a change would make a "
			                     "row inconsistent",
			                     -1);
			return;
		}
	}
	sqlite3_result_blob(ctx, buf,
	                    (int)ews__rollup_encode(stored, (size_t)n, buf),
	                    SQLITE_TRANSIENT);
}

int
ews__rollup_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(
	        db, "ews_rollup_add", 3,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
	        rollup_add_fn, NULL, NULL, NULL);
}
