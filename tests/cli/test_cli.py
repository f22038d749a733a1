#!/usr/bin/python3
"""Tests of `ews`, the command-line frontend of libews (issue 2, item 5).

Run by meson with EWS_BIN (the built binary) and EWS_CATALOG_DIR (the
catalogue of the source tree). Standard library only; every test makes its
own site in a temporary directory. The last line of output is
"N passed, N failed"; the exit status is non-zero when a test failed.
"""
import sys

sys.dont_write_bytecode = True  # nothing in the source tree

import clitest  # noqa: E402
import test_cli_consumption  # noqa: E402
import test_cli_evse  # noqa: E402
import test_cli_evse_config  # noqa: E402
import test_cli_input  # noqa: E402
import test_cli_samples  # noqa: E402
import test_cli_site  # noqa: E402
import test_cli_tariff  # noqa: E402

if __name__ == "__main__":
    sys.exit(clitest.main(test_cli_input, test_cli_site,
                          test_cli_samples, test_cli_consumption,
                          test_cli_tariff, test_cli_evse,
                          test_cli_evse_config))
