"""What ews records of a counter it read (include/ews/engine.h): the
value rounded to thousandths of its unit, half away from zero, as C's
round(v * 1000) / 1000 computes it."""

import math


def recorded_counter(value):
    x = value * 1000.0
    r = math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)
    return r / 1000.0
