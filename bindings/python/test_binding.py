"""Tests of the Python binding (stdlib unittest only).

Run by meson (suite 'python') as
    PYTHONPATH=<builddir>/bindings/python EWS_CATALOG_DIR=libews/catalog \
        /usr/bin/python3 bindings/python/test_binding.py
The last line of output is "N passed, N failed".
"""

import glob
import os
import shutil
import sys
import tempfile
import unittest

# The source package next to this file has no built _ews module: import the
# one of the build directory (PYTHONPATH) instead.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

import ews  # noqa: E402
from ews import EwsError, ffi, lib  # noqa: E402

CATALOG_DIR = os.environ.get(
    "EWS_CATALOG_DIR",
    os.path.join(os.path.dirname(__file__), "..", "..", "libews", "catalog"),
)


class VersionTest(unittest.TestCase):
    def test_version_string_matches_number(self):
        major, minor, patch = (int(x) for x in ews.version().split("."))
        self.assertEqual(ews.version_number(), major * 10000 + minor * 100 + patch)

    def test_status_codes_are_exported(self):
        self.assertEqual(ews.EWS_OK, 0)
        self.assertEqual(ews.EWS_EINVAL, lib.EWS_EINVAL)
        self.assertEqual(ews.status_str(lib.EWS_EINVAL), "invalid argument")


class ErrorTest(unittest.TestCase):
    def test_check_passes_success_through(self):
        self.assertEqual(ews._check(lib.EWS_OK), 0)

    def test_unknown_options_version_raises_einval_with_message(self):
        opts = ffi.new("ews_catalog_opts *")
        with self.assertRaises(EwsError) as cm:
            ews._check(lib.ews_catalog_opts_init(opts, 99))
        self.assertEqual(cm.exception.code, lib.EWS_EINVAL)
        self.assertEqual(cm.exception.name, "EWS_EINVAL")
        self.assertTrue(cm.exception.message)
        self.assertIn(cm.exception.message, str(cm.exception))

    def test_load_with_bad_options_version_raises_einval(self):
        opts = ffi.new("ews_catalog_opts *")
        opts.version = 99
        out = ffi.new("ews_catalog **")
        with self.assertRaises(EwsError) as cm:
            ews._check(lib.ews_catalog_load(opts, out))
        self.assertEqual(cm.exception.code, lib.EWS_EINVAL)
        self.assertTrue(cm.exception.message)
        self.assertEqual(out[0], ffi.NULL)


class CatalogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cat = ews.Catalog.load(system_dir=CATALOG_DIR)

    def test_every_model_file_is_loaded(self):
        files = glob.glob(os.path.join(CATALOG_DIR, "*.json"))
        keys = sorted(os.path.basename(f)[: -len(".json")] for f in files)
        self.assertEqual(self.cat.problems(), [])
        self.assertEqual(sorted(m.key for m in self.cat.models()), keys)
        self.assertEqual(len(self.cat), len(keys))

    def test_find_returns_a_read_only_model(self):
        first = self.cat.models()[0]
        m = self.cat.find(first.key)
        self.assertEqual(m, first)
        self.assertTrue(m.name)
        self.assertTrue(m.family)
        with self.assertRaises(AttributeError):
            m.key = "other"

    def test_find_unknown_key_raises_enotfound(self):
        with self.assertRaises(EwsError) as cm:
            self.cat.find("no_such_model_anywhere")
        self.assertEqual(cm.exception.code, lib.EWS_ENOTFOUND)

    def test_missing_system_dir_raises(self):
        with self.assertRaises(EwsError) as cm:
            ews.Catalog.load(system_dir="/nonexistent/ews-catalog")
        self.assertLess(cm.exception.code, 0)
        self.assertTrue(cm.exception.message)


class SiteTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ews-py-")
        self.path = os.path.join(self.dir, "site")
        self.site = ews.Site.open(
            self.path, create=True, timezone="Europe/Rome", catalog_dir=CATALOG_DIR
        )

    def tearDown(self):
        self.site.close()
        shutil.rmtree(self.dir)

    def test_new_site_has_only_the_local_gateway(self):
        gws = self.site.gateways()
        self.assertEqual(len(gws), 1)
        self.assertEqual(gws[0].kind, lib.EWS_GATEWAY_LOCAL)
        self.assertEqual(self.site.devices(), [])

    def test_add_gateway_then_list(self):
        gw = self.site.add_gateway("panel", "192.168.1.20", port=1502)
        self.assertGreater(gw.id, 0)
        listed = [g for g in self.site.gateways() if g.id == gw.id]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0].name, "panel")
        self.assertEqual(listed[0].ip, "192.168.1.20")
        self.assertEqual(listed[0].port, 1502)

    def test_invalid_ip_raises_einval_naming_the_field(self):
        with self.assertRaises(EwsError) as cm:
            self.site.add_gateway("bad", "300.1.2.3")
        self.assertEqual(cm.exception.code, lib.EWS_EINVAL)
        self.assertEqual(cm.exception.field, "ip")
        self.assertIn("ip", cm.exception.message)
        self.assertEqual(len(self.site.gateways()), 1)

    def test_too_long_name_raises_einval(self):
        with self.assertRaises(EwsError) as cm:
            self.site.add_gateway("x" * 200, "10.0.0.1")
        self.assertEqual(cm.exception.code, lib.EWS_EINVAL)
        self.assertEqual(cm.exception.field, "name")

    def test_settings_round_trip(self):
        self.assertEqual(self.site.setting("timezone"), "Europe/Rome")
        self.site.set_setting("site_name", "Workshop")
        self.assertEqual(self.site.setting("site_name"), "Workshop")
        self.assertIn("site_name", ews.setting_names())

    def test_unknown_setting_raises_enotfound(self):
        with self.assertRaises(EwsError) as cm:
            self.site.setting("no_such_setting")
        self.assertEqual(cm.exception.code, lib.EWS_ENOTFOUND)

    def test_reopen_sees_stored_state(self):
        self.site.add_gateway("kept", "10.0.0.7")
        self.site.close()
        self.site = ews.Site.open(self.path, catalog_dir=CATALOG_DIR)
        self.assertIn("kept", [g.name for g in self.site.gateways()])

    def test_open_missing_site_without_create_raises_enotfound(self):
        with self.assertRaises(EwsError) as cm:
            ews.Site.open(os.path.join(self.dir, "absent"), catalog_dir=CATALOG_DIR)
        self.assertEqual(cm.exception.code, lib.EWS_ENOTFOUND)

    def test_closed_site_refuses_calls(self):
        self.site.close()
        with self.assertRaises(ValueError):
            self.site.gateways()


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses
    )
    passed = result.testsRun - failed - len(result.skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
