#ifndef EWS_EWS_H
#define EWS_EWS_H

/**
 * @file ews/ews.h
 * Umbrella header: the whole public API of libews.
 */
#include <ews/common.h>
#if !defined(EWS_CDEF)
#include <ews/version.h>
#endif
#include <ews/time.h>
#include <ews/quantity.h>
#include <ews/catalog.h>
#include <ews/site.h>
#include <ews/acq.h>
#include <ews/store.h>
#include <ews/consumption.h>
#include <ews/tariff.h>
#include <ews/evse.h>
#include <ews/engine.h>
#include <ews/greenup.h>
#include <ews/user.h>

#endif /* EWS_EWS_H */
