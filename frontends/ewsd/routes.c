/* Every route table of the API, in the order they are matched. */
#include "ewsd.h"

const struct ewsd_route *const ewsd_route_tables[] = {
	ewsd_auth_routes,    ewsd_users_routes,   ewsd_system_routes,
	ewsd_config_routes,  ewsd_devices_routes, ewsd_consumption_routes,
	ewsd_tariffs_routes, ewsd_evse_routes,    NULL,
};
