#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error-private.h"
#include "rollup.h"
#include "series.h"

/* ------------------------------------------------------------------ */
/* Codec                                                               */

size_t
ews__varint_put(uint8_t *buf, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		buf[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (uint8_t)v;
	return n;
}

/* Bytes read, or 0 for a truncated or over-long varint. */
size_t
ews__varint_get(const uint8_t *buf, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		x |= (uint64_t)(buf[i] & 0x7f) << (7 * i);
		if (!(buf[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

uint64_t
ews__zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int64_t
ews__unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int64_t
ews__sample_milli(double value)
{
	double m = value * 1000.0;
	const double max = EWS__SAMPLE_VALUE_MAX * 1000.0;

	if (!(m < max)) /* also NaN */
		return m > 0 || m != m ? (int64_t)max : -(int64_t)max;
	if (m < -max)
		return -(int64_t)max;
	return llround(m);
}

/* The value is exactly its thousandths: the compact form holds it. */
static int
is_milli(double value, int64_t milli)
{
	double back = (double)milli / 1000.0;

	return memcmp(&back, &value, sizeof(back)) == 0;
}

/*
 * Sample i: the time step from sample i - 1 (0 for the first, whose time
 * is the block key), then the value. A time step in whole seconds is
 * stored as seconds, its low bit set, which keeps an hourly step in two
 * bytes. A value in thousandths is a zigzag step from the thousandths of
 * the sample before (the first: from 0), shifted left, low bit clear; any
 * other value is the low bit set and its 8 bytes, little-endian.
 */
size_t
ews__block_encode(const ews__sample *s, size_t n, uint8_t *buf)
{
	size_t i, len = 0;
	int64_t prev = 0;

	for (i = 0; i < n; i++) {
		uint64_t dt = i ? (uint64_t)(s[i].t_ms - s[i - 1].t_ms) : 0;
		uint64_t bits;
		int b;

		dt = dt % 1000 == 0 ? (dt / 1000) << 1 | 1 : dt << 1;
		len += ews__varint_put(buf + len, dt);
		if (is_milli(s[i].value, s[i].value_milli)) {
			len += ews__varint_put(
			        buf + len, ews__zigzag(s[i].value_milli - prev)
			                           << 1);
		} else {
			buf[len++] = 1;
			memcpy(&bits, &s[i].value, sizeof(bits));
			for (b = 0; b < 8; b++)
				buf[len++] = (uint8_t)(bits >> (8 * b));
		}
		prev = s[i].value_milli;
	}
	return len;
}

/* One value at buf[*pos]: thousandths after `prev`, or 8 raw bytes. */
static int
decode_value(const uint8_t *buf, size_t len, size_t *pos, int64_t prev,
             ews__sample *s)
{
	uint64_t v, bits = 0;
	size_t k;
	int b;

	if (!(k = ews__varint_get(buf + *pos, len - *pos, &v)))
		return 0;
	if (v & 1) {
		if (v != 1 || len - *pos < 9)
			return 0;
		for (b = 0; b < 8; b++)
			bits |= (uint64_t)buf[*pos + 1 + (size_t)b] << (8 * b);
		memcpy(&s->value, &bits, sizeof(bits));
		s->value_milli = ews__sample_milli(s->value);
		*pos += 9;
		return 1;
	}
	s->value_milli =
	        (int64_t)((uint64_t)prev + (uint64_t)ews__unzigzag(v >> 1));
	s->value = (double)s->value_milli / 1000.0;
	*pos += k;
	return 1;
}

ews_status
ews__block_decode(const uint8_t *buf, size_t len, int64_t t0_ms,
                  ews__sample_vec *vec)
{
	ews__sample s = { t0_ms, 0, 0 };
	size_t pos = 0, k, count = 0;
	uint64_t dt;
	ews_status st;

	while (pos < len) {
		if (!(k = ews__varint_get(buf + pos, len - pos, &dt)))
			goto corrupt;
		pos += k;
		dt = dt & 1 ? (dt >> 1) * 1000 : dt >> 1;
		if (count > 0 ? dt == 0 || dt > INT64_MAX / 2 : dt != 0)
			goto corrupt;
		/* A corrupt key or steps must not carry the time past
		 * INT64_MAX (signed overflow): times only ever rise. */
		if (s.t_ms > 0 && dt > (uint64_t)(INT64_MAX - s.t_ms))
			goto corrupt;
		if (++count > EWS__BLOCK_MAX)
			goto corrupt;
		s.t_ms += (int64_t)dt;
		if (!decode_value(buf, len, &pos, s.value_milli, &s))
			goto corrupt;
		if ((st = ews__sample_vec_push(vec, s.t_ms, s.value)) != EWS_OK)
			return st;
		vec->v[vec->n - 1].value_milli = s.value_milli;
	}
	if (count == 0)
		goto corrupt;
	return EWS_OK;
corrupt:
	return ews__fail_field(EWS_EIO, "sample_block",
	                       "block at %lld is corrupt (byte %zu of %zu)",
	                       (long long)t0_ms, pos, len);
}

ews_status
ews__sample_vec_push(ews__sample_vec *vec, int64_t t_ms, double value)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		ews__sample *v = ews__realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return EWS_ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n].t_ms = t_ms;
	vec->v[vec->n].value_milli = ews__sample_milli(value);
	vec->v[vec->n].value = value;
	vec->n++;
	return EWS_OK;
}

void
ews__sample_vec_free(ews__sample_vec *vec)
{
	free(vec->v);
	memset(vec, 0, sizeof(*vec));
}

/* ------------------------------------------------------------------ */
/* Storage                                                             */

ews_status
ews__series_id(ews_site *site, int64_t device_id, ews_quantity quantity,
               unsigned int order, int create, int64_t *out)
{
	sqlite3_stmt *sel;
	ews_status st;
	int rc;

	st = ews__site_cached(site, EWS__STMT_SERIES_ID,
	                      "SELECT id FROM series WHERE device_id = ?"
	                      " AND quantity = ? AND ord = ?",
	                      &sel);
	if (st != EWS_OK)
		return st;
	sqlite3_bind_int64(sel, 1, device_id);
	sqlite3_bind_int64(sel, 2, (int64_t)quantity);
	sqlite3_bind_int64(sel, 3, (int64_t)order);
	rc = sqlite3_step(sel);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	if (rc == SQLITE_ROW)
		return EWS_OK;
	if (rc != SQLITE_DONE)
		return ews__site_db_fail(site, rc);
	if (!create)
		return EWS_ENOTFOUND;
	st = ews__site_exec(site,
	                    "INSERT INTO series (device_id, quantity, ord)"
	                    " VALUES (?, ?, ?)",
	                    "iiu", device_id, (int64_t)quantity, order);
	if (st == EWS_OK)
		*out = sqlite3_last_insert_rowid(site->db);
	return st;
}

static ews_status
push_key(ews__series_run *run, int64_t key)
{
	int64_t *keys =
	        ews__realloc(run->keys, (run->nkeys + 1) * sizeof(*keys));

	if (!keys)
		return EWS_ENOMEM;
	run->keys = keys;
	run->keys[run->nkeys++] = key;
	return EWS_OK;
}

/* Decode the blocks a prepared statement returns (t0, data), in order. */
static ews_status
read_blocks(ews_site *site, sqlite3_stmt *st, ews__series_run *run,
            ews__sample_vec *vec)
{
	ews_status s = EWS_OK;
	int rc;

	while (s == EWS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t key = sqlite3_column_int64(st, 0);
		const uint8_t *data = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		s = ews__block_decode(data, len, key, vec);
		if (s == EWS_OK && run)
			s = push_key(run, key);
	}
	if (s == EWS_OK && rc != SQLITE_DONE)
		s = ews__site_db_fail(site, rc);
	sqlite3_reset(st);
	return s;
}

/* The tail of a series (its last block), appended to vec; *key its first
 * sample time; *found 0 when the series has no samples. */
static ews_status
read_tail(ews_site *site, int64_t series, ews__sample_vec *vec, int64_t *key,
          int *found)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	*found = 0;
	s = ews__site_cached(
	        site, EWS__STMT_TAIL_GET,
	        "SELECT t0, data FROM sample_tail WHERE series = ?", &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, series);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*key = sqlite3_column_int64(st, 0);
		s = ews__block_decode(sqlite3_column_blob(st, 1),
		                      (size_t)sqlite3_column_bytes(st, 1), *key,
		                      vec);
	} else if (rc != SQLITE_DONE) {
		s = ews__site_db_fail(site, rc);
	}
	sqlite3_reset(st);
	return s;
}

/* The run of [from_ms, to_ms] given the series' tail, already read. */
static ews_status
load_run(ews_site *site, int64_t from_ms, int64_t to_ms, ews__sample_vec *tail,
         int64_t tail_key, ews__series_run *run)
{
	sqlite3_stmt *st;
	ews_status s = EWS_OK;
	size_t i;

	if (tail_key >= from_ms) {
		/* From the last block starting before from_ms (it holds the
		 * sample before) to the first block starting after to_ms
		 * (the one after). */
		s = ews__site_cached(site, EWS__STMT_BLOCK_RUN,
		                     "SELECT t0, data FROM sample_block"
		                     " WHERE series = ?1 AND t0 >= coalesce("
		                     "  (SELECT max(t0) FROM sample_block"
		                     "   WHERE series = ?1 AND t0 < ?2),"
		                     "  -9223372036854775807)"
		                     " AND t0 <= coalesce("
		                     "  (SELECT min(t0) FROM sample_block"
		                     "   WHERE series = ?1 AND t0 > ?3), ?3)"
		                     " ORDER BY t0",
		                     &st);
		if (s != EWS_OK)
			return s;
		sqlite3_bind_int64(st, 1, run->series);
		sqlite3_bind_int64(st, 2, from_ms);
		sqlite3_bind_int64(st, 3, to_ms);
		s = read_blocks(site, st, run, &run->samples);
		/* A block after to_ms ends the run before the tail. */
		if (s != EWS_OK ||
		    (run->nkeys > 0 && run->keys[run->nkeys - 1] > to_ms))
			return s;
	}
	/* The tail is always the run's end: no block starts after it. */
	for (i = 0; s == EWS_OK && i < tail->n; i++)
		s = ews__sample_vec_push(&run->samples, tail->v[i].t_ms,
		                         tail->v[i].value);
	if (s == EWS_OK && (s = push_key(run, tail_key)) == EWS_OK) {
		run->has_tail = 1;
		run->tail_key = tail_key;
	}
	return s;
}

ews_status
ews__series_open(ews_site *site, int64_t device_id, ews_quantity quantity,
                 unsigned int order, int64_t from_ms, int64_t to_ms,
                 ews__series_run *run)
{
	const ews__tail_entry *hit;
	ews__sample_vec tail = { 0 };
	int64_t tail_key = 0;
	ews_status s = EWS_OK;
	sqlite3_stmt *st;
	int rc, found = 0;

	memset(run, 0, sizeof(*run));
	run->device_id = device_id;
	run->quantity = quantity;
	run->order = order;
	/* A sweep stores into every series: the last one's tail is kept. */
	if ((hit = ews__tail_cache_get(site, device_id, quantity, order))) {
		size_t i;

		run->series = hit->series;
		found = hit->has_tail;
		tail_key = hit->tail_key;
		for (i = 0; s == EWS_OK && i < hit->n; i++)
			s = ews__sample_vec_push(&tail, hit->tail[i].t_ms,
			                         hit->tail[i].value);
		goto loaded;
	}
	/* The series and its tail in one step. */
	s = ews__site_cached(site, EWS__STMT_SERIES_TAIL,
	                     "SELECT s.id, t.t0, t.data FROM series s"
	                     " LEFT JOIN sample_tail t ON t.series = s.id"
	                     " WHERE s.device_id = ? AND s.quantity = ?"
	                     " AND s.ord = ?",
	                     &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, (int64_t)quantity);
	sqlite3_bind_int64(st, 3, (int64_t)order);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		run->series = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			found = 1;
			tail_key = sqlite3_column_int64(st, 1);
			s = ews__block_decode(
			        sqlite3_column_blob(st, 2),
			        (size_t)sqlite3_column_bytes(st, 2), tail_key,
			        &tail);
		}
	} else if (rc != SQLITE_DONE) {
		s = ews__site_db_fail(site, rc);
	}
	sqlite3_reset(st);
	if (s == EWS_OK && rc == SQLITE_DONE)
		s = ews__series_id(site, device_id, quantity, order, 1,
		                   &run->series);
loaded:
	if (s == EWS_OK && found)
		s = load_run(site, from_ms, to_ms, &tail, tail_key, run);
	ews__sample_vec_free(&tail);
	if (s != EWS_OK)
		ews__series_run_free(run);
	return s;
}

ews_status
ews__series_range(ews_site *site, int64_t series, int64_t from_ms,
                  int64_t to_ms, ews__sample_vec *vec)
{
	ews__sample_vec all = { 0 };
	int64_t tail_key;
	sqlite3_stmt *st;
	ews_status s;
	int found;
	size_t i;

	s = ews__site_cached(site, EWS__STMT_BLOCK_RANGE,
	                     "SELECT t0, data FROM sample_block"
	                     " WHERE series = ?1 AND t0 >= coalesce("
	                     "  (SELECT max(t0) FROM sample_block"
	                     "   WHERE series = ?1 AND t0 <= ?2), ?2)"
	                     " AND t0 < ?3 ORDER BY t0",
	                     &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, series);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	s = read_blocks(site, st, NULL, &all);
	if (s == EWS_OK)
		s = read_tail(site, series, &all, &tail_key, &found);
	for (i = 0; s == EWS_OK && i < all.n; i++)
		if (all.v[i].t_ms >= from_ms && all.v[i].t_ms < to_ms)
			s = ews__sample_vec_push(vec, all.v[i].t_ms,
			                         all.v[i].value);
	ews__sample_vec_free(&all);
	return s;
}

ews_status
ews__series_last(ews_site *site, int64_t series, ews__sample_vec *vec)
{
	int64_t key;
	int found;

	return read_tail(site, series, vec, &key, &found);
}

void
ews__series_run_free(ews__series_run *run)
{
	ews__sample_vec_free(&run->samples);
	free(run->keys);
	memset(run, 0, sizeof(*run));
}

static int
has_key(const ews__series_run *run, int64_t key)
{
	size_t lo = 0, hi = run->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (run->keys[mid] == key)
			return 1;
		if (run->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Is block `key` of the run, as stored, equal to the new samples? */
static int
block_unchanged(const ews__series_run *run, const ews__sample *s, size_t n)
{
	const ews__sample *old = run->samples.v;
	size_t lo = 0, hi = run->samples.n, i;

	while (lo < hi) { /* first old sample at or after s[0] */
		size_t mid = lo + (hi - lo) / 2;

		if (old[mid].t_ms < s[0].t_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo + n > run->samples.n)
		return 0;
	/* the old block must also end where the new one does */
	if (lo + n < run->samples.n && has_key(run, old[lo + n].t_ms) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((i > 0 && has_key(run, old[lo + i].t_ms)) ||
		    old[lo + i].t_ms != s[i].t_ms ||
		    memcmp(&old[lo + i].value, &s[i].value, sizeof(double)))
			return 0;
	return 1;
}

static ews_status
write_block(ews_site *site, int64_t series, const ews__sample *s, size_t n,
            int tail)
{
	uint8_t buf[EWS__BLOCK_BYTES];
	size_t len = ews__block_encode(s, n, buf);
	sqlite3_stmt *st;
	ews_status r;
	int rc;

	r = tail ? ews__site_cached(site, EWS__STMT_TAIL_PUT,
	                            "INSERT OR REPLACE INTO sample_tail"
	                            " (series, t0, data) VALUES (?, ?, ?)",
	                            &st)
	         : ews__site_cached(site, EWS__STMT_BLOCK_PUT,
	                            "INSERT OR REPLACE INTO sample_block"
	                            " (series, t0, data) VALUES (?, ?, ?)",
	                            &st);
	if (r != EWS_OK)
		return r;
	sqlite3_bind_int64(st, 1, series);
	sqlite3_bind_int64(st, 2, s[0].t_ms);
	sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? EWS_OK : ews__site_db_fail(site, rc);
}

static ews_status
delete_block(ews_site *site, int64_t series, int64_t key)
{
	return ews__site_exec(site,
	                      "DELETE FROM sample_block WHERE series = ?"
	                      " AND t0 = ?",
	                      "ii", series, key);
}

/* The tail a series has now, for the next sweep (rollup-scope.c). */
static void
remember_tail(ews_site *site, const ews__series_run *run, const ews__sample *s,
              size_t n)
{
	ews__tail_entry e;

	e.device_id = run->device_id;
	e.quantity = run->quantity;
	e.order = run->order;
	e.series = run->series;
	e.has_tail = 1;
	e.tail_key = s[0].t_ms;
	e.n = n;
	memcpy(e.tail, s, n * sizeof(*s));
	ews__tail_cache_put(site, &e);
}

static int
written_has(const int64_t *keys, size_t n, int64_t key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keys[i] == key)
			return 1;
	return 0;
}

/*
 * Blocks are cut every EWS__BLOCK_MAX samples from the run's start, so that
 * appending rewrites only the last one. The last block of a series (its
 * tail) lives in table sample_tail: the tails of all series share a few
 * pages, so a sweep dirties those instead of one page per series.
 */
ews_status
ews__series_store(ews_site *site, const ews__series_run *run,
                  const ews__sample_vec *merged)
{
	ews_status st = EWS_OK;
	size_t i, k, n, nwritten = 0;
	int64_t *written;

	written = ews__malloc((merged->n / EWS__BLOCK_MAX + 1) *
	                      sizeof(*written));
	if (!written)
		return EWS_ENOMEM;
	for (i = 0; st == EWS_OK && i < merged->n; i += n) {
		int64_t key = merged->v[i].t_ms;
		int tail, same;

		n = merged->n - i < EWS__BLOCK_MAX ? merged->n - i
		                                   : EWS__BLOCK_MAX;
		/* the end of a run that reached the tail, or of a new series */
		tail = i + n == merged->n && (run->has_tail || run->nkeys == 0);
		same = has_key(run, key) &&
		       (key == run->tail_key && run->has_tail) == tail &&
		       block_unchanged(run, merged->v + i, n);
		if (!tail)
			written[nwritten++] = key;
		if (!same)
			st = write_block(site, run->series, merged->v + i, n,
			                 tail);
		if (st == EWS_OK && tail)
			remember_tail(site, run, merged->v + i, n);
	}
	/* Drop the old blocks whose first sample no longer starts one. */
	for (k = 0; st == EWS_OK && k < run->nkeys; k++)
		if (!(run->has_tail && run->keys[k] == run->tail_key) &&
		    !written_has(written, nwritten, run->keys[k]))
			st = delete_block(site, run->series, run->keys[k]);
	free(written);
	return st;
}
