#!/usr/bin/python3
"""Tests of `ews-sim`, the Modbus device simulator (issue 3, item 6).

Run by meson with EWS_SIM_BIN (the built simulator), EWS_CATALOG_DIR (the
catalogue of the source tree) and EWS_BIN (the built `ews`, for the site
tests). Clients: pymodbus (Debian python3-pymodbus), mbpoll, and a raw
socket / pty client for exact checks. Every test starts its own ews-sim on
a free port. The last line of output is "N passed, N failed"; the exit
status is non-zero when a test failed.
"""
import os
import sys

sys.dont_write_bytecode = True  # nothing in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import simtest  # noqa: E402
import test_sim_config  # noqa: E402
import test_sim_ev  # noqa: E402
import test_sim_feeds  # noqa: E402
import test_sim_faults  # noqa: E402
import test_sim_rtu  # noqa: E402
import test_sim_site  # noqa: E402
import test_sim_values  # noqa: E402

if __name__ == "__main__":
    sys.exit(simtest.main(test_sim_values, test_sim_ev, test_sim_feeds,
                          test_sim_faults, test_sim_config, test_sim_site,
                          test_sim_rtu))
