#ifndef EWS_STORE_PRIVATE_H
#define EWS_STORE_PRIVATE_H
#include <ews/acq.h>

#include "site-private.h"

/* Store readings (values checked) in the caller's transaction, rollups
 * included. known_devices: refuse a device that does not exist (else its
 * samples are kept, with no rollups). */
ews_status ews__samples_store(ews_site *site, const ews_reading *readings,
                              size_t count, int known_devices);

/* Schema 2 -> 3: the samples of table `sample` into blocks and rollups. */
ews_status ews__store_migrate_v3(ews_site *site);

#endif /* EWS_STORE_PRIVATE_H */
