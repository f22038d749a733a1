"""Write the C source of the _ews extension module.

    build_ews.py <ews_cdef.h> <_ews.c>

<ews_cdef.h> is include/ews/ews.h preprocessed with -DEWS_CDEF (pure
declarations, see include/ews/common.h). meson compiles the output against
libews (bindings/python/ews/meson.build), so cffi's own compiler driver is
not used: ffibuilder.emit_c_code() is cffi's route for larger build systems.
"""

import sys

import cffi


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: build_ews.py <ews_cdef.h> <_ews.c>\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        cdef = f.read()
    ffibuilder = cffi.FFI()
    ffibuilder.cdef(cdef)
    ffibuilder.set_source("ews._ews", "#include <ews/ews.h>\n")
    ffibuilder.emit_c_code(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
