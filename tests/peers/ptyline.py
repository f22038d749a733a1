"""A serial line for Modbus RTU tests: two pseudo-terminal pairs whose
masters are joined by a relay thread (what `socat pty,raw,echo=0
pty,raw,echo=0` would do). Shared by tests/acq/test_rtu.py and
tests/sim/test_sim_rtu.py; stdlib only.

A pty moves bytes, not bits: it ignores the baud rate and clears PARENB,
so with uart_model the relay reads the settings each end has set and, when
they differ, passes the bytes through a model of a UART (see uart())."""
import os
import select
import termios
import threading
import time
import tty

SPEEDS = {getattr(termios, "B%d" % b): b
          for b in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)}


def line_settings(fd):
    """(baud, parity N/E/O, stop bits) as set on a pty by its user."""
    iflag, _, cflag, _, _, ospeed, _ = termios.tcgetattr(fd)
    parity = "N"
    if iflag & termios.INPCK:
        parity = "O" if cflag & termios.PARODD else "E"
    return (SPEEDS.get(ospeed, ospeed), parity,
            2 if cflag & termios.CSTOPB else 1)


def parity_bit(byte, parity):
    ones = bin(byte).count("1")
    return (ones + (1 if parity == "O" else 0)) % 2


def uart(data, tx, rx):
    """What a receiver set to rx reads of bytes sent back to back with tx."""
    if tx == rx:
        return data
    if tx[0] != rx[0]:
        return b""  # another speed: noise, nothing framed (a simplification)
    bits = []
    for b in data:
        bits += [0] + [(b >> i) & 1 for i in range(8)]
        if tx[1] != "N":
            bits.append(parity_bit(b, tx[1]))
        bits += [1] * tx[2]
    bits += [1] * 16  # the line idles high
    out, i = bytearray(), 0
    while i + 10 < len(bits):
        if bits[i]:
            i += 1
            continue
        b = sum(bit << k for k, bit in enumerate(bits[i + 1:i + 9]))
        i += 9
        good = True
        if rx[1] != "N":
            good = bits[i] == parity_bit(b, rx[1])
            i += 1
        good = good and bits[i] == 1  # only the first stop bit is checked
        if bits[i]:
            i += 1  # a 0 here may be the next start bit
        out.append(b if good else 0)
    return bytes(out)


class Line(threading.Thread):
    """Two pty pairs whose masters are joined: end 0 for ews-sim, end 1
    for ews. Records the settings of each end when bytes leave it."""

    def __init__(self, uart_model=True):
        super().__init__(daemon=True)
        self.uart_model = uart_model
        self.ends = []
        for _ in range(2):
            master, slave = os.openpty()
            tty.setraw(slave)
            self.ends.append((master, slave, os.ttyname(slave)))
        self.stopped = False
        self.corrupt = False  # flip a bit of each chunk ews-sim sends
        self.lock = threading.Lock()
        self.sent = {0: [], 1: []}  # settings of the sender, per chunk

    def path(self, i):
        return self.ends[i][2]

    def settings_seen(self, i):
        with self.lock:
            return set(self.sent[i])

    def forget(self):
        with self.lock:
            self.sent = {0: [], 1: []}

    def drain(self, i, wait=0.0):
        """Drop what waits to be read at end i, after `wait` seconds. The
        relay keeps each slave open, so, unlike a serial port at its last
        close, the pty keeps a late answer for the next process to open
        it."""
        time.sleep(wait)
        termios.tcflush(self.ends[i][1], termios.TCIFLUSH)

    def run(self):
        masters = [e[0] for e in self.ends]
        while not self.stopped:
            ready, _, _ = select.select(masters, [], [], 0.05)
            for fd in ready:
                src = masters.index(fd)
                try:
                    data = os.read(fd, 4096)
                    tx = line_settings(self.ends[src][1])
                    rx = line_settings(self.ends[1 - src][1])
                    with self.lock:
                        self.sent[src].append(tx)
                    if self.uart_model:
                        data = uart(data, tx, rx)
                    if src == 0 and self.corrupt and data:
                        data = data[:-1] + bytes([data[-1] ^ 0x10])
                    if data:
                        os.write(masters[1 - src], data)
                except OSError:
                    pass

    def close(self):
        self.stopped = True
        self.join(2)
        for master, slave, _ in self.ends:
            os.close(master)
            os.close(slave)
