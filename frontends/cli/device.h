#ifndef EWS_CLI_DEVICE_H
#define EWS_CLI_DEVICE_H

/* Shared between cmd-device.c and device-opts.c. */
#include "cli.h"

/* Apply the options of add/set to *dev; returns an exit code. */
int device_apply(struct cli *c, const struct cli_args *a, ews_device *dev);

/* Option tables and help texts (device-opts.c). */
extern const struct cli_opt_spec device_add_opts[];
extern const struct cli_opt_spec device_set_opts[];
extern const struct cli_opt_spec device_list_opts[];
extern const char device_add_synopsis[];
extern const char device_add_help[];
extern const char device_set_synopsis[];
extern const char device_set_help[];

#endif /* EWS_CLI_DEVICE_H */
