#ifndef EWS_ACQ_H
#define EWS_ACQ_H
#include <ews/common.h>
#include <ews/quantity.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/acq.h
 * Acquisition over Modbus (ACQ-1, ACQ-3, INS-5): one round trip to a
 * gateway or a device now (Test), and live values of a device read on
 * demand. These calls block the caller for at most the configured timeouts;
 * the periodic, per-gateway threaded engine builds on the same reads.
 *
 * A device's registers are read in as few requests as Modbus allows (up to
 * 125 registers or 2000 bits each) and decoded through the catalogue map,
 * or through the register a Generic Modbus meter was configured with.
 */

/** Outcome of a Test (INS-5). */
typedef enum ews_outcome {
	EWS_OUTCOME_OK = 0,
	EWS_OUTCOME_TIMEOUT = 1,   /* no answer in time */
	EWS_OUTCOME_EXCEPTION = 2, /* Modbus exception: see exception_code */
	EWS_OUTCOME_REFUSED = 3,   /* connection refused or unreachable */
	EWS_OUTCOME_NOMAP = 4,     /* register map unknown for the model */
	EWS_OUTCOME_IO = 5,        /* any other I/O or protocol failure */
	EWS_OUTCOME_OFF = 6        /* the gateway or device is switched OFF */
} ews_outcome;

enum { EWS_TEST_RESULT_VERSION = 1 };

typedef struct ews_test_result {
	unsigned int version; /* EWS_TEST_RESULT_VERSION */
	ews_outcome outcome;
	unsigned int exception_code; /* with EWS_OUTCOME_EXCEPTION */
	unsigned int round_trip_us;  /* of the request, when one was answered */
	char message[EWS_TEXT_MAX];  /* one line, e.g. "timeout after 300 ms" */
} ews_test_result;

/**
 * Test a gateway: open its connection (TCP, or the serial port of the Local
 * gateway) and time it.
 * @return EWS_OK with the outcome in *out (a failed round trip is an
 *         outcome, not an error); EWS_ENOTFOUND; EWS_EINVAL for a bad
 *         struct version.
 */
EWS_API ews_status ews_site_gateway_test(ews_site *site, int64_t id,
					 ews_test_result *out);

/**
 * Test a device: one read request of its first mapped register.
 * @return as ews_site_gateway_test().
 */
EWS_API ews_status ews_site_device_test(ews_site *site, int64_t id,
					ews_test_result *out);

/** One value read from a device, in the canonical unit of its quantity. */
typedef struct ews_reading {
	int64_t device_id;
	ews_quantity quantity;
	unsigned int order; /* harmonic order; 0 otherwise */
	int64_t t_ms;       /* UTC milliseconds of the read */
	double value;
} ews_reading;

/**
 * Read every quantity of a device's map now (ACQ-3). A quantity whose
 * register is refused by the device (exception) is left out; nothing is
 * ever reported as 0 in its place.
 * @param now_ms the time stamped on the readings.
 * @return EWS_OK; EWS_ENOMAP; EWS_ETIMEDOUT; EWS_EIO; EWS_EDENIED when the
 *         device or its gateway is OFF; EWS_ENOTFOUND.
 *         Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_device_read(ews_site *site, int64_t id,
					int64_t now_ms, ews_list **out);

/** Reading i of a reading list, or NULL. */
EWS_API const ews_reading *ews_list_reading(const ews_list *list, size_t i);

/**
 * Command (ACQ-6): write a value, in the canonical unit of its quantity,
 * to the device's writable register for that quantity, e.g. an EV
 * station's setpoint_current (A) or charge_enable (0/1). *out tells the
 * outcome and round trip, as for a Test.
 * @return EWS_OK once the device acknowledged; EWS_EINVAL (the model has
 *         no writable register for the quantity, or the value does not fit
 *         it: field "quantity" or "value"); EWS_ENOMAP; EWS_EDENIED (OFF);
 *         EWS_ENOTFOUND; EWS_ETIMEDOUT or EWS_EIO when the write failed
 *         (*out says how).
 */
EWS_API ews_status ews_site_device_write(ews_site *site, int64_t id,
					 ews_quantity quantity, double value,
					 ews_test_result *out);

/** Stable names: "ok", "timeout", "exception", "refused", "no_map",
 * "io", "off". NULL if unknown. */
EWS_API const char *ews_outcome_name(ews_outcome outcome);

EWS_END_DECLS
#endif /* EWS_ACQ_H */
