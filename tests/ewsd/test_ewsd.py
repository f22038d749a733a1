"""Tests of ewsd, the Energy Web Server daemon, against the real running
daemon on a loopback port chosen at run time (STYLE.md: real parts, not
mocks). Each test class (or test) starts its own ewsd over a site made by
`ews init` in a temporary directory and stops it with SIGTERM, failing on
an exit code other than 0 or a sanitizer report.

    test_access.py   USR-1..4: login, default codes, users, brute force,
                     CSRF, rights
    test_consumption.py  CON-3..5, CON-8: splits and their costs; CON-4:
                     the overall view and the period before it
    test_api.py      errors, settings, system (SYS-3) and the database's
                     optimization, openapi.json
    test_datalogger.py  CON-9: the histogram as datalogger.csv (HIS-2)
    test_events.py   ACQ-4, NOT-4: the event log, its names, filters and
                     pages
    test_fields.py   refusals name the request's fields; gateway Test
                     outcomes (INS-5)
    test_rights.py   USR-4: every route as every default user
    test_serving.py  the UI's files, Chart.js, HTTPS, clean stop, SIGHUP

Environment: EWSD_BIN, EWS_BIN, EWS_SIM_BIN, EWS_CATALOG_DIR (set by
tests/meson.build). Run: meson test -C BUILD ewsd --print-errorlogs, or
one class: python3 tests/ewsd/test_ewsd.py TestLogin
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ewsdtest import EWS, EWSD, SIM  # noqa: E402
from test_access import *  # noqa: E402,F401,F403
from test_api import *  # noqa: E402,F401,F403
from test_consumption import *  # noqa: E402,F401,F403
from test_datalogger import *  # noqa: E402,F401,F403
from test_events import *  # noqa: E402,F401,F403
from test_fields import *  # noqa: E402,F401,F403
from test_rights import *  # noqa: E402,F401,F403
from test_serving import *  # noqa: E402,F401,F403

if __name__ == "__main__":
    for var, path in (("EWSD_BIN", EWSD), ("EWS_BIN", EWS),
                      ("EWS_SIM_BIN", SIM)):
        if not path or not os.access(path, os.X_OK):
            print("%s is not set to a built executable" % var)
            sys.exit(1)
    unittest.main(verbosity=2)
