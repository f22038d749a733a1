/* The routes of /api/v1/ for this area (being written). */
#include "ewsd.h"

const struct ewsd_route ewsd_consumption_routes[] = {
	{ NULL, NULL, NULL, 0, 0, NULL },
};
