#ifndef EWS_COMMON_H
#define EWS_COMMON_H

/**
 * @file ews/common.h
 * Definitions every libews header shares: visibility, the status type,
 * the thread-local last error, memory release and the run-time version.
 *
 * Under EWS_CDEF (preprocessing for the Python cffi cdef) the standard
 * includes, attributes and C++ guards are left out so that the output is
 * pure declarations.
 */

#if !defined(EWS_CDEF)
#include <stddef.h>
#include <stdint.h>
#endif

#if defined(EWS_CDEF)
#define EWS_API
#elif defined(__GNUC__)
#define EWS_API __attribute__((visibility("default")))
#else
#define EWS_API
#endif

#if defined(__cplusplus) && !defined(EWS_CDEF)
#define EWS_BEGIN_DECLS extern "C" {
#define EWS_END_DECLS }
#else
#define EWS_BEGIN_DECLS
#define EWS_END_DECLS
#endif

EWS_BEGIN_DECLS

/**
 * Outcome of every call that can fail: 0 for success, negative for failure.
 * Numbers are never reused or renumbered; new codes are appended.
 */
typedef enum ews_status {
	EWS_OK = 0,
	EWS_ERROR = -1,     /* unexpected; see ews_error_last() */
	EWS_EINVAL = -2,    /* bad argument, bad value or unknown version */
	EWS_ENOTFOUND = -3, /* gateway, device, model, row … does not exist */
	EWS_EBUSY = -4,     /* database locked or bus in use: retry */
	EWS_ETIMEDOUT = -5, /* device did not answer in time */
	EWS_EIO = -6,       /* Modbus, serial, file or database I/O failed */
	EWS_ENOMEM = -7,    /* out of memory */
	EWS_EEXIST = -8,    /* name or address already used */
	EWS_ELIMIT = -9,    /* a configured maximum would be exceeded */
	EWS_EDENIED = -10,  /* not permitted on this object (e.g. Local) */
	EWS_EINUSE = -11,   /* object still referenced (gateway has devices) */
	EWS_ENOMAP = -12    /* register map unknown for the device's model */
	/* append only */
} ews_status;

/** Largest name, in bytes including the terminating NUL. */
enum { EWS_NAME_MAX = 64, EWS_TEXT_MAX = 256 };

/**
 * Detail of the last failure on the calling thread.
 *
 * `message` is one line that names the field and the reason, e.g.
 * "address: 0 is outside 1-247". `field` is the name of the offending field
 * ("address") or "" when the failure is not about one field.
 */
typedef struct ews_error {
	ews_status code;
	const char *message;
	const char *field;
} ews_error;

/**
 * Static English text for a status code ("invalid argument", …).
 * @return never NULL; "unknown status" for codes this library does not know.
 */
EWS_API const char *ews_status_str(ews_status code);

/**
 * Last error recorded on this thread by a libews call.
 * @return never NULL; code EWS_OK and message "" when nothing failed.
 * Borrowed: valid until the next libews call on this thread.
 */
EWS_API const ews_error *ews_error_last(void);

/** Forget the last error of this thread. */
EWS_API void ews_error_clear(void);

/** Release memory that libews handed out (strings returned through out). */
EWS_API void ews_free(void *p);

/**
 * Run-time version as MAJOR * 10000 + MINOR * 100 + PATCH, the same value as
 * EWS_VERSION_NUMBER of the headers the caller compiled against when both
 * come from one release.
 */
EWS_API unsigned int ews_version(void);

/** Run-time version as text, e.g. "0.1.0". Static. */
EWS_API const char *ews_version_string(void);

EWS_END_DECLS

#endif /* EWS_COMMON_H */
