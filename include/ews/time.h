#ifndef EWS_TIME_H
#define EWS_TIME_H
#include <ews/common.h>
EWS_BEGIN_DECLS

/**
 * @file ews/time.h
 * Instants as text: ISO 8601 / RFC 3339 date and time with a UTC offset.
 *
 * libews counts time in UTC milliseconds since 1970-01-01T00:00:00Z
 * (`t_ms`, leap seconds not counted). These two functions are the one
 * place that turns such an instant into text and back, for every
 * frontend and for the CSV import. Both are pure and locale-independent.
 */

/** Room for any text of ews_time_format(), the terminating NUL included. */
enum { EWS_TIME_TEXT_MAX = 32 };

/**
 * Parse `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM` or
 * `±HHMM`, e.g. "2024-10-27T02:30:00+01:00", into UTC milliseconds.
 *
 * The offset is required: a time without one names no instant. Every field
 * is checked: year 0000-9999, month 01-12, day within its month (leap years
 * included), hour 00-23, minute and second 00-59 (no leap second), offset
 * hours 00-23 and minutes 00-59. The fraction has 1 to 9 digits; digits
 * beyond the millisecond are dropped (the instant is rounded down). No
 * space, lower-case `t`/`z` or other text is accepted.
 * @param text  NUL-terminated text.
 * @param out   the instant, in UTC milliseconds since 1970.
 * @return EWS_OK; EWS_EINVAL (field "time"; *out is left unchanged).
 */
EWS_API ews_status ews_time_parse(const char *text, int64_t *out);

/**
 * Write instant t_ms as the wall time at utc_offset_s with that offset,
 * e.g. "2024-10-27T02:00:00+01:00", or with `Z` when utc_offset_s is 0
 * ("2024-10-27T01:00:00Z"). Milliseconds are written (".250") only when
 * they are not 0. The text is accepted by ews_time_parse(), which gives
 * t_ms back.
 * @param t_ms         UTC milliseconds since 1970.
 * @param utc_offset_s offset east of UTC in seconds, a whole number of
 *                     minutes within ±23:59 (ISO 8601 writes no seconds
 *                     of offset).
 * @param buf          receives the NUL-terminated text.
 * @param size         bytes at buf; EWS_TIME_TEXT_MAX always suffice.
 * @return EWS_OK; EWS_EINVAL (field "size" for a buffer too small, then
 *         buf holds "" when size > 0; "utc_offset_s"; "t_ms" for a local
 *         year outside 0000-9999).
 */
EWS_API ews_status ews_time_format(int64_t t_ms, int32_t utc_offset_s,
				   char *buf, size_t size);

EWS_END_DECLS
#endif /* EWS_TIME_H */
