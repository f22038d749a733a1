#ifndef EWS_TZ_H
#define EWS_TZ_H
#include <ews/common.h>

/*
 * IANA time zones read straight from the zoneinfo database (TZif files,
 * RFC 8536 / RFC 9636), so that libews can put UTC instants into the local
 * hours, days and months of a site without touching the process
 * environment (no setenv("TZ"), no localtime()). A loaded zone is
 * immutable: it may be shared by threads without locking.
 *
 * Instants are seconds since 1970-01-01T00:00:00Z (leap seconds not
 * counted). A "local" time is civil time encoded as if it were UTC:
 * seconds since 1970-01-01T00:00 of the zone's wall clock.
 */

typedef struct ews__tz ews__tz;

/*
 * Load zone `name` (e.g. "Europe/Rome") from $TZDIR or /usr/share/zoneinfo.
 * The name follows the rules of ews__check_timezone(): 1-63 bytes of
 * letters, digits, '_', '-', '+' and '/', no leading '/', no "..". "UTC" is
 * built in and needs no file.
 * Fails with EWS_EINVAL naming the field "timezone" for a bad or unknown name
 * or a malformed file, EWS_EIO when the file cannot be read, EWS_ENOMEM.
 * Owned: release *out with ews__tz_close(); *out is NULL on failure.
 */
ews_status ews__tz_open(const char *name, ews__tz **out);

/* Release a zone; NULL is a no-op. */
void ews__tz_close(ews__tz *tz);

/* Offset east of UTC, in seconds, in force at instant utc_s. */
int32_t ews__tz_offset(const ews__tz *tz, int64_t utc_s);

/*
 * The instant at which the wall clock shows local_s. A wall time skipped by
 * a forward jump maps to the instant of the jump (the first valid instant
 * after it); a wall time that occurs twice maps to the earlier occurrence.
 * E.g. the length of a local day is
 * to_utc(next midnight) - to_utc(midnight): 23 h or 25 h on DST days.
 */
int64_t ews__tz_to_utc(const ews__tz *tz, int64_t local_s);

/*
 * Proleptic Gregorian calendar (Howard Hinnant's algorithms). Days count
 * from 1970-01-01 (day 0); months are 1-12, days 1-31. Pure functions.
 * ews__civil_from_days() saturates at the years INT32_MIN and INT32_MAX;
 * ews__days_in_month() is 0 for a month outside 1-12.
 */
int64_t ews__days_from_civil(int32_t y, unsigned m, unsigned d);
void ews__civil_from_days(int64_t days, int32_t *y, unsigned *m, unsigned *d);
unsigned ews__days_in_month(int32_t y, unsigned m);

#endif /* EWS_TZ_H */
