#ifndef EWS_ACQ_PRIVATE_H
#define EWS_ACQ_PRIVATE_H
#include <ews/acq.h>
#include <ews/catalog.h>
#include <ews/site.h>

/*
 * Request planning: the registers of one device, grouped into as few Modbus
 * read requests as the protocol allows. Pure: no I/O, no clock.
 */

/* Modbus limits of one request (Modbus Application Protocol V1.1b3 §6). */
enum { EWS__MAX_READ_REGISTERS = 125, EWS__MAX_READ_BITS = 2000 };

struct ews__request {
	unsigned int function; /* 1-4 */
	unsigned int address;  /* first register or bit */
	unsigned int count;    /* registers (FC 3/4) or bits (FC 1/2) */
	size_t first;          /* plan->regs[first .. first + n) */
	size_t n;
};

struct ews__plan {
	const ews_register **regs; /* sorted by function, then address */
	size_t n_regs;
	struct ews__request *requests;
	size_t n_requests;
};

/*
 * Plan the reads of `regs`. With `merge`, registers of one function whose
 * spans lie within `max_gap` registers of each other share a request, up to
 * the protocol limit; without, each register is its own request.
 * Release with ews__plan_free().
 */
ews_status ews__plan_build(const ews_register *const *regs, size_t n, int merge,
                           unsigned int max_gap, struct ews__plan *out);
void ews__plan_free(struct ews__plan *plan);

/* The words of register `reg` inside the answer of `req` (`data` holds
 * req->count registers, or req->count bits one per word). */
const uint16_t *ews__plan_words(const struct ews__request *req,
                                const ews_register *reg, const uint16_t *data);

/*
 * Links and jobs: what a worker thread needs to read devices without the
 * site (which belongs to the caller's thread). Links and jobs are prepared
 * on the caller's thread and then used by one thread at a time.
 */
struct ews__link; /* a gateway's Modbus context (acq.c, libmodbus) */

ews_status ews__link_new(ews_site *site, const ews_gateway *gw,
                         unsigned int tcp_timeout_ms, struct ews__link **out);
void ews__link_free(struct ews__link *link);
/* Whether the link still describes gw (address, port, kind). */
int ews__link_matches(const struct ews__link *link, const ews_gateway *gw);

struct ews__job {
	int64_t device_id;
	int64_t gateway_id;
	char name[EWS_NAME_MAX];
	unsigned int unit;
	ews_register generic; /* a Generic Modbus meter's own register */
	const ews_register *one[1];
	const ews_register **regs;
	size_t n_regs;
	struct ews__plan plan;
};

/* Which registers of a map a job reads. */
enum ews__select {
	EWS__SELECT_ALL = 0,
	EWS__SELECT_COUNTERS = 1, /* the recording cycle's: counters and the
	                             pilot state */
	EWS__SELECT_CURRENTS = 2  /* the phase currents (Green'Up's meter) */
};

/* Prepare the read of a device: EWS_ENOMAP when its map is unknown. A
 * selection the map has nothing of reads the whole map. */
ews_status ews__job_prepare(ews_site *site, const ews_device *dev,
                            enum ews__select what, struct ews__job *job);
void ews__job_free(struct ews__job *job);

/*
 * Read a job's device over link, appending readings stamped now_ms to
 * `readings` (an EWS__LIST_READING list) and filling *res. Connects (and
 * reconnects once after a dropped connection) as needed. Thread-safe for
 * distinct links.
 */
ews_status ews__job_read(struct ews__link *link, const struct ews__job *job,
                         int64_t now_ms, ews_list *readings,
                         ews_test_result *res);

/* The model's writable register for a quantity (ACQ-6). */
ews_status ews__writable_register(ews_site *site, const ews_device *dev,
                                  ews_quantity q, const ews_register **out);

/* Write encoded words to a register of unit over link, connecting (and
 * reconnecting once after a dropped connection) as needed. */
ews_status ews__link_write(struct ews__link *link, unsigned int unit,
                           const ews_register *reg, const uint16_t *words,
                           ews_test_result *res);

/* The Modbus slave a device answers at. */
unsigned int ews__unit_of(const ews_device *dev);

#endif /* EWS_ACQ_PRIVATE_H */
