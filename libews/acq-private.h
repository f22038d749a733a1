#ifndef EWS_ACQ_PRIVATE_H
#define EWS_ACQ_PRIVATE_H
#include <ews/acq.h>
#include <ews/catalog.h>

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

#endif /* EWS_ACQ_PRIVATE_H */
