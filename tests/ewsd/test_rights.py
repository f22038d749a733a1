"""USR-4: the rights matrix. Every route of the server is walked as each
of the manual's four default users (USR-1, §8.1.1) and must answer 403
exactly when the user lacks the route's right.

RIGHTS below is the reviewed table of who may call what: "public",
"session" (any logged-in user), "manager" (USR-3: administrator and
greenUp) or the set of pages of which one suffices. A new route must be
added here on purpose: the test fails while the server has a route the
table does not know, or gives a route other rights than the table.
"""
import subprocess

from ewsdtest import DEFAULT_USERS, EWSD, EwsdCase, routes

SC, SV, PB, CO, GU, RE, AL = ("system_config", "server_config",
                              "panel_board", "consumption", "greenup",
                              "reports", "alarms")
SEEN = {SC, PB, CO}  # configuration a page shows: gateways, devices, …

RIGHTS = {
    ("POST", "/api/v1/login"): "public",
    ("POST", "/api/v1/logout"): "session",
    ("POST", "/api/v1/lock"): "session",
    ("GET", "/api/v1/session"): "session",
    ("PUT", "/api/v1/session/codes"): "session",
    ("GET", "/api/v1/users"): "manager",
    ("POST", "/api/v1/users"): "manager",
    ("GET", "/api/v1/users/{id}"): "manager",
    ("PUT", "/api/v1/users/{id}"): "manager",
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/api/v1/system"): {SV, SC},
    ("POST", "/api/v1/system/optimize"): {SV},
    ("GET", "/api/v1/settings"): "session",
    ("PUT", "/api/v1/settings"): {SV, SC},
    ("GET", "/api/v1/events"): {AL},
    ("GET", "/api/v1/catalog"): "session",
    ("GET", "/api/v1/catalog/model"): "session",
    ("GET", "/api/v1/catalog/problems"): "session",
    ("GET", "/api/v1/devices/{id}/live"): {SC, PB},
    ("POST", "/api/v1/devices/{id}/test"): {SC},
    ("POST", "/api/v1/devices/{id}/write"): {SC},
    ("POST", "/api/v1/gateways/{id}/test"): {SC},
    ("GET", "/api/v1/samples"): {PB, CO, RE},
    ("POST", "/api/v1/samples/import"): {SC},
    ("POST", "/api/v1/poll"): {SC},
    ("GET", "/api/v1/consumption"): {CO},
    ("GET", "/api/v1/consumption/datalogger.csv"): {CO},
    ("GET", "/api/v1/consumption/overall"): {CO},
    ("GET", "/api/v1/consumption/compare"): {CO},
    ("GET", "/api/v1/consumption/measures"): {PB, CO},
    ("GET", "/api/v1/tariffs/now"): {SC, CO},
    ("POST", "/api/v1/prices/flat"): {SC},
    ("GET", "/api/v1/prices"): {SC, CO},
    ("DELETE", "/api/v1/prices/{id}"): {SC},
    ("POST", "/api/v1/rules/{id}/move"): {SC},
    ("GET", "/api/v1/evse/config"): {SC, GU},
    ("PUT", "/api/v1/evse/config"): {SC},
    ("GET", "/api/v1/evse/status"): {SC, GU},
    ("GET", "/api/v1/evse/stations/{id}"): {SC, GU},
    ("PUT", "/api/v1/evse/stations/{id}"): {SC, GU},
    ("POST", "/api/v1/evse/stations/{id}/hold"): {GU},
    ("POST", "/api/v1/evse/stations/{id}/charge-priority"): {GU},
    ("POST", "/api/v1/evse/simulate"): {SC, GU},
}

# Collections whose configuration pages show them: read by what shows
# them, written by System configuration.
for _things, _readers in (("gateways", SEEN), ("loads", SEEN),
                          ("groups", SEEN), ("boards", SEEN),
                          ("devices", SEEN), ("tariffs", {SC, CO}),
                          ("rules", {SC, CO})):
    _base = "/api/v1/" + _things
    RIGHTS[("GET", _base)] = _readers
    RIGHTS[("POST", _base)] = {SC}
    RIGHTS[("GET", _base + "/{id}")] = _readers
    RIGHTS[("PUT", _base + "/{id}")] = {SC}
    RIGHTS[("DELETE", _base + "/{id}")] = {SC}
RIGHTS[("GET", "/api/v1/tariffs/{id}/prices")] = {SC, CO}
RIGHTS[("POST", "/api/v1/tariffs/{id}/prices")] = {SC}
RIGHTS[("GET", "/api/v1/devices/{id}/labels")] = SEEN
for _io in ("input", "output"):
    _p = "/api/v1/devices/{id}/labels/%s/{id}" % _io
    RIGHTS[("GET", _p)] = SEEN
    RIGHTS[("PUT", _p)] = {SC}

# Run last for each user: they end its session.
LAST = [("POST", "/api/v1/logout"), ("POST", "/api/v1/lock")]


def allowed(right, user):
    _, _, pages, manager = DEFAULT_USERS[user]
    if right in ("public", "session"):
        return True
    if right == "manager":
        return manager
    return bool(right & set(pages))


def server_rights():
    """{(METHOD, PATTERN): right} as `ewsd --rights` prints them."""
    out = subprocess.run([EWSD, "--rights"], capture_output=True,
                         timeout=60, check=True).stdout.decode()
    got = {}
    for line in out.splitlines():
        method, pattern, access, *pages = line.split()
        got[(method, pattern)] = set(pages) if access == "pages" else access
    return got


class TestRightsMatrix(EwsdCase):
    def test_the_table_knows_every_route_and_the_server_agrees(self):
        served = set(routes())
        self.assertEqual(sorted(served - set(RIGHTS)), [],
                         "routes without a reviewed right in RIGHTS")
        self.assertEqual(sorted(set(RIGHTS) - served), [],
                         "RIGHTS lists routes the server does not have")
        self.assertEqual(server_rights(), RIGHTS)

    def test_every_route_as_every_user(self):
        """403 exactly where the user lacks the right; never 401 with a
        session. Bodies are {} and ids 1: a request that is let through
        is refused further on (400, 404, 409, 422) or does nothing
        harmful, which is all this test needs."""
        d = self.daemon()
        order = [r for r in routes() if r not in LAST] + LAST
        for user in DEFAULT_USERS:
            b = self.login_as(d, user)
            for method, pattern in order:
                if (method, pattern) == LAST[1]:  # logged out just now
                    self.login_as(d, user, browser=b)
                right = RIGHTS[(method, pattern)]
                path = pattern.replace("{id}", "1")
                body = {} if method in ("POST", "PUT") else None
                r = b.request(method, path, body=body)
                with self.subTest(user=user, method=method, path=path):
                    if allowed(right, user):
                        self.assertNotIn(r.status, (401, 403), r)
                    else:
                        self.assert_error(r, 403, "forbidden")
