#ifndef EWS_GREENUP_PRIVATE_H
#define EWS_GREENUP_PRIVATE_H
#include <ews/greenup.h>

/* A per-charge command as stored (evse-live.c). */
struct ews__evse_charge {
	int64_t device_id;
	int64_t connected_ms; /* the charge it was given for */
	ews_evse_hold hold;
	int priority_override; /* -1 none */
};

/* Every stored per-charge command, up to max. */
ews_status ews__evse_charges_load(ews_site *site, struct ews__evse_charge *out,
                                  size_t max, size_t *n);

/* Store the loop's status; only the station rows that differ from
 * `before` (NULL: all). A station whose vehicle left loses its charge's
 * commands. */
ews_status ews__evse_live_store(ews_site *site, const ews_evse_status *now,
                                const ews_evse_status *before);

#endif /* EWS_GREENUP_PRIVATE_H */
