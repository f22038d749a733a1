#!/usr/bin/env python3
"""The web UI's files, without a browser (SYS-2, UI-1):

- every language of manual §4 has its catalogue, each with every key that
  English has, the same {placeholders}, and no key English has dropped;
- every literal key the pages pass to t() is in English;
- nothing is fetched from another host, no markup is built from strings
  (innerHTML), and index.html has no inline script or style, which the
  CSP would refuse anyway.

Usage: test_www.py WWW_DIR"""
import json
import os
import re
import sys
import unittest

WWW = os.environ.get("EWS_WWW_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def read(path):
    with open(os.path.join(WWW, path), encoding="utf-8") as f:
        return f.read()


def catalogue(code):
    with open(os.path.join(WWW, "lang", code + ".json"), encoding="utf-8") as f:
        return json.load(f)


def languages():
    """The codes the UI offers, read from i18n.js so the two cannot drift."""
    return re.findall(r"code: '([A-Za-z-]+)'", read("js/i18n.js"))


def scripts():
    for root, _, files in os.walk(os.path.join(WWW, "js")):
        for name in files:
            if name.endswith(".js"):
                path = os.path.join(root, name)
                yield os.path.relpath(path, WWW), read(os.path.relpath(path, WWW))


class Catalogues(unittest.TestCase):
    def test_thirteen_languages(self):
        codes = languages()
        self.assertEqual(len(codes), 13, codes)
        self.assertEqual(len(set(codes)), 13)
        self.assertIn("en", codes)

    def test_every_catalogue_has_every_english_key(self):
        english = catalogue("en")
        self.assertGreater(len(english), 50)
        for code in languages():
            with self.subTest(language=code):
                strings = catalogue(code)
                missing = sorted(set(english) - set(strings))
                self.assertEqual(missing, [], f"{code}.json lacks {len(missing)} keys")
                stale = sorted(set(strings) - set(english))
                self.assertEqual(stale, [], f"{code}.json has keys English dropped")
                for key, text in strings.items():
                    self.assertIsInstance(text, str, f"{code}: {key}")
                    self.assertTrue(text.strip(), f"{code}: {key} is empty")
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(text)),
                        sorted(PLACEHOLDER.findall(english[key])),
                        f"{code}: {key} has other placeholders than English",
                    )

    def test_keys_used_by_pages_exist(self):
        english = catalogue("en")
        call = re.compile(r"\bt\(\s*'([a-z0-9_.-]+)'")
        for path, text in scripts():
            for key in call.findall(text):
                with self.subTest(file=path, key=key):
                    self.assertTrue(key in english, f"{path}: t('{key}') is not in en.json")


class Files(unittest.TestCase):
    def test_nothing_from_another_host(self):
        # Chart.js comes from Debian through ewsd (/lib/chart.js/).
        remote = re.compile(r"""(?:src|href|import|from|fetch)\s*[=(]?\s*['"](?:https?:)?//""")
        for root, _, files in os.walk(WWW):
            for name in files:
                if name.endswith((".js", ".html", ".css")):
                    path = os.path.relpath(os.path.join(root, name), WWW)
                    with self.subTest(file=path):
                        self.assertIsNone(remote.search(read(path)))
                        self.assertNotIn("@import url(http", read(path))

    def test_no_markup_from_strings(self):
        for path, text in scripts():
            with self.subTest(file=path):
                self.assertNotRegex(text, r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write")

    def test_index_has_no_inline_script_or_style(self):
        html = read("index.html")
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
        self.assertNotRegex(html, r"<style\b|\sstyle=|\son\w+=")

    def test_catalogues_are_valid_json_objects(self):
        for name in os.listdir(os.path.join(WWW, "lang")):
            if name.endswith(".json"):
                with self.subTest(file=name):
                    self.assertIsInstance(catalogue(name[:-5]), dict)


if __name__ == "__main__":
    if not WWW or not os.path.isdir(WWW):
        sys.exit("usage: test_www.py WWW_DIR")
    unittest.main(argv=sys.argv[:1], verbosity=2)
