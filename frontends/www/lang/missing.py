#!/usr/bin/env python3
"""The English strings a catalogue lacks (a translator's aid):
missing.py CODE prints them as a JSON object; missing.py CODE FILE merges
FILE (a JSON object of translations) into CODE.json, keeps only English's
keys, and writes the catalogue in English's key order."""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))


def load(code):
    path = os.path.join(here, code + ".json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


english = load("en")
code = sys.argv[1]
strings = load(code)
if len(sys.argv) == 2:
    todo = {k: v for k, v in english.items() if k not in strings}
    json.dump(todo, sys.stdout, ensure_ascii=False, indent=2)
    print()
    sys.exit(0)
with open(sys.argv[2], encoding="utf-8") as f:
    strings.update(json.load(f))
out = {k: strings[k] for k in english if k in strings}
tmp = os.path.join(here, code + ".json.tmp")
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=2)
    f.write("\n")
os.replace(tmp, os.path.join(here, code + ".json"))
print(f"{code}: {len(out)} of {len(english)} strings", file=sys.stderr)
