#!/usr/bin/python3
"""list-catalog.py: print the models of the device catalogue (Python).

The same program as list-catalog.c, through the cffi binding:

    PYTHONPATH=build/bindings/python python3 examples/list-catalog.py [DIR]

Failures raise ews.EwsError(code, message, field).
"""

import sys

import ews


def main(argv):
    try:
        cat = ews.Catalog.load(system_dir=argv[1] if len(argv) > 1 else None)
    except ews.EwsError as e:
        print("list-catalog: loading the catalogue: %s" % e, file=sys.stderr)
        return 1
    models = cat.models()
    for m in models:
        print(
            "%-32s %-18s %-11s %s"
            % (m.key, m.family, "map" if m.has_map else "map unknown", m.name)
        )
    for problem in cat.problems():
        print("refused: %s" % problem, file=sys.stderr)
    print("%d models, %d files refused" % (len(models), len(cat.problems())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
