#ifndef EWS_SERIES_H
#define EWS_SERIES_H
#include <stddef.h>
#include <stdint.h>

#include <ews/quantity.h>

#include "site-private.h"

/*
 * Samples are stored packed (schema 3): a series is one quantity (and
 * harmonic order) of one device; its samples live in blocks of at most
 * EWS__BLOCK_MAX, keyed by the time of their first sample. The last block
 * of a series (its tail) is in table sample_tail, the others in
 * sample_block. Inside a block
 * each sample is a time step and a value step, as varints, so an hourly
 * counter costs about 5 bytes a sample on disk.
 *
 * A value that is a whole number of thousandths of its unit (every
 * reading of a meter) is stored as such, as a step from the one before;
 * any other double is stored as its 8 bytes, so every value reads back
 * exactly as it was given. Consumption is computed in thousandths.
 */
enum { EWS__BLOCK_MAX = 64, EWS__BLOCK_BYTES = EWS__BLOCK_MAX * 24 };

/* Largest |value| a sample can hold, in units (values are stored ×1000). */
#define EWS__SAMPLE_VALUE_MAX 9.0e12

typedef struct ews__sample {
	int64_t t_ms;
	int64_t value_milli; /* the value in thousandths, saturated */
	double value;        /* the value as given */
} ews__sample;

/* value × 1000 rounded to an integer, saturated at ±EWS__SAMPLE_VALUE_MAX. */
int64_t ews__sample_milli(double value);

/* A growable sorted run of samples. */
typedef struct ews__sample_vec {
	ews__sample *v;
	size_t n, cap;
} ews__sample_vec;

ews_status ews__sample_vec_push(ews__sample_vec *vec, int64_t t_ms,
                                double value);
void ews__sample_vec_free(ews__sample_vec *vec);

/* Pure codec. encode: n <= EWS__BLOCK_MAX samples with rising times into
 * buf (EWS__BLOCK_BYTES), returns the bytes used. decode appends to vec;
 * EWS_EIO names a corrupt block. */
size_t ews__block_encode(const ews__sample *s, size_t n, uint8_t *buf);
ews_status ews__block_decode(const uint8_t *buf, size_t len, int64_t t0_ms,
                             ews__sample_vec *vec);

/* Varints shared with the rollup rows. */
size_t ews__varint_put(uint8_t *buf, uint64_t v);
size_t ews__varint_get(const uint8_t *buf, size_t len, uint64_t *v);
/* Signed values as varints: 0, -1, 1, -2 … as 0, 1, 2, 3 … */
uint64_t ews__zigzag(int64_t v);
int64_t ews__unzigzag(uint64_t v);

/* The id of a series; create: make it when missing (else EWS_ENOTFOUND). */
ews_status ews__series_id(ews_site *site, int64_t device_id,
                          ews_quantity quantity, unsigned int order, int create,
                          int64_t *out);

/* A series and its tail, as cached between sweeps (rollup-scope.c). */
typedef struct ews__tail_entry {
	int64_t device_id;
	ews_quantity quantity;
	unsigned int order;
	int64_t series;
	int has_tail;
	int64_t tail_key;
	size_t n;
	ews__sample tail[EWS__BLOCK_MAX];
} ews__tail_entry;

/* A contiguous run of blocks of one series, decoded. */
typedef struct ews__series_run {
	int64_t series;
	int64_t device_id; /* whose quantity (and order) it is */
	ews_quantity quantity;
	unsigned int order;
	ews__sample_vec samples;
	int64_t *keys; /* first-sample times of the blocks loaded */
	size_t nkeys;
	int has_tail; /* the run ends with the series' tail */
	int64_t tail_key;
} ews__series_run;

/*
 * Load the blocks of the series of a device's quantity (made when it does
 * not exist yet) that hold every sample in [from_ms, to_ms], plus the
 * sample just before from_ms and the one just after to_ms, if any.
 */
ews_status ews__series_open(ews_site *site, int64_t device_id,
                            ews_quantity quantity, unsigned int order,
                            int64_t from_ms, int64_t to_ms,
                            ews__series_run *run);
/* Write `merged` (the run's samples after a change) in place of the
 * run's blocks; blocks whose bytes did not change are not written. */
ews_status ews__series_store(ews_site *site, const ews__series_run *run,
                             const ews__sample_vec *merged);

void ews__series_run_free(ews__series_run *run);

/* Samples of a series with from_ms <= t < to_ms, appended to vec. */
ews_status ews__series_range(ews_site *site, int64_t series, int64_t from_ms,
                             int64_t to_ms, ews__sample_vec *vec);

/* The samples of the last block of a series (its last sample is last). */
ews_status ews__series_last(ews_site *site, int64_t series,
                            ews__sample_vec *vec);

#endif /* EWS_SERIES_H */
