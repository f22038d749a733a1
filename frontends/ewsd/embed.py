#!/usr/bin/env python3
"""Embed a file as a C string: embed.py NAME IN.json OUT.c"""
import sys

name, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w") as f:
    f.write("/* Generated from %s by embed.py: do not edit. */\n"
            "#include <stddef.h>\n\nconst char %s[] =\n" % (src.split("/")[-1], name))
    for i in range(0, len(data), 64):
        chunk = data[i:i + 64]
        f.write('\t"%s"\n' % "".join("\\x%02x" % b for b in chunk))
    f.write(";\nconst size_t %s_len = %d;\n" % (name, len(data)))
