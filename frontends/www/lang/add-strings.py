#!/usr/bin/env python3
"""Merge English strings into lang/en.json (a development aid, not a build
step): add-strings.py part.json [part.json ...]. Keys are flat and dotted;
a key already there with other text is reported and replaced. The file is
locked while it is rewritten, so several people can add strings at once."""
import fcntl, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "en.json")
with open(path + ".lock", "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    with open(path, encoding="utf-8") as f:
        strings = json.load(f)
    for part in sys.argv[1:]:
        with open(part, encoding="utf-8") as f:
            for key, text in json.load(f).items():
                if key in strings and strings[key] != text:
                    print(f"{key}: replaced {strings[key]!r}", file=sys.stderr)
                strings[key] = text
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(strings, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, path)
