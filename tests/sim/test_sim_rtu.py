"""Modbus RTU over a pseudo-terminal pair.

Two pty pairs joined by a relay thread stand for the serial line (what
`socat pty,raw,echo=0 pty,raw,echo=0` would do): ews-sim opens one slave
end, the client the other.
"""
import importlib.util
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
import tty

from pymodbus.client import ModbusSerialClient

import simtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "peers"))
from ptyline import Line  # noqa: E402

DEVICES = [{"unit": 1, "model": "eastron_sdm630"},
           {"unit": 7, "model": "heidelberg_energy_control",
            "vehicle": "present", "vehicle_max_a": 32, "response_s": 0},
           {"unit": 5, "model": "generic_modbus_meter", "read_code": 4,
            "register": "0x0048", "words": 2, "type": "f32",
            "multiplier": 1}]


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


class RawRtu:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)

    def close(self):
        os.close(self.fd)

    def request(self, frame, timeout=0.5, crc=True):
        """The reply frame (CRC checked and stripped), or None."""
        os.write(self.fd, frame + (crc16(frame) if crc else b"\0\0"))
        buf, deadline = b"", time.monotonic() + timeout
        while True:
            wait = deadline - time.monotonic() if not buf else 0.1
            ready, _, _ = select.select([self.fd], [], [], max(0, wait))
            if not ready:
                break
            buf += os.read(self.fd, 256)
        if not buf:
            return None
        assert crc16(buf[:-2]) == buf[-2:], buf
        return buf[:-2]


class TestRtu(simtest.SimTestCase):
    def start(self, extra=()):
        self.line = Line(uart_model=False)
        self.line.start()
        self.addCleanup(self.line.close)
        args = [simtest.SIM, "--rtu", self.line.path(0)] + \
            self.base_args(DEVICES) + list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.addCleanup(self.stop)
        self.wait_open(self.line.path(0))

    def wait_open(self, path):
        """Until ews-sim has the serial port open (and configured)."""
        fds = "/proc/%d/fd" % self.proc.pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.fail("ews-sim exited: %s" % self.proc.stderr.read())
            try:
                links = [os.readlink(os.path.join(fds, f))
                         for f in os.listdir(fds)]
            except OSError:
                links = []
            if path in links:
                time.sleep(0.1)  # modbus_connect() sets the line up
                return
            time.sleep(0.02)
        self.fail("ews-sim did not open %s" % path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=5)
        return self.proc.returncode, out, err

    def test_serves_every_unit_like_tcp(self):
        if importlib.util.find_spec("serial") is None:  # pymodbus needs it
            self.skipTest("python3-serial (pyserial) not installed")
        printed = self.values(DEVICES)
        # pyserial cannot set parity on a pty (EINVAL); the pty ignores it
        self.start(["--parity", "N", "--baud", "9600"])
        client = ModbusSerialClient(port=self.line.path(1), baudrate=9600,
                                    parity="N", stopbits=1, bytesize=8,
                                    timeout=1)
        self.assertTrue(client.connect())
        try:
            for unit, dev in printed.items():
                for reg in dev["registers"]:
                    fn = (client.read_input_registers if reg["function"] == 4
                          else client.read_holding_registers)
                    rsp = fn(reg["address"], len(reg["words"]), slave=unit)
                    self.assertFalse(rsp.isError(), (unit, reg, rsp))
                    self.assertEqual(rsp.registers, reg["words"])
            self.assertFalse(client.write_register(0x105, 100,
                                                   slave=7).isError())
            self.assertEqual(client.read_input_registers(6, 3, slave=7)
                             .registers, [95, 95, 95])  # 95 % of 10 A
        finally:
            client.close()
        self.assertEqual(self.stop()[0], 0)

    def test_silence_for_unknown_units_and_bad_frames(self):
        self.start()
        c = RawRtu(self.line.path(1))
        self.addCleanup(c.close)
        read = struct.pack(">BBHH", 1, 4, 0, 2)
        self.assertEqual(len(c.request(read)), 7)
        self.assertIsNone(c.request(struct.pack(">BBHH", 9, 4, 0, 2)))
        self.assertIsNone(c.request(struct.pack(">BBHH", 0, 4, 0, 2)))
        self.assertIsNone(c.request(read, crc=False))
        self.assertEqual(c.request(struct.pack(">BBHH", 1, 4, 0x9000, 2)),
                         bytes([1, 0x84, 2]))
        self.assertEqual(c.request(bytes([1, 17])), bytes([1, 0x91, 1]))
        rsp = c.request(struct.pack(">BBHHBH", 7, 16, 0x105, 1, 2, 100))
        self.assertEqual(rsp, bytes([7, 0x90, 2]))  # Heidelberg takes 6
        self.assertEqual(len(c.request(read)), 7)  # still in step

    def test_mbpoll_reads_over_rtu(self):
        mbpoll = shutil.which("mbpoll")
        if not mbpoll:
            self.skipTest("mbpoll not installed")
        self.start()
        p = subprocess.run([mbpoll, "-m", "rtu", "-b", "19200", "-P", "even",
                            "-a", "7", "-0", "-t", "3", "-r", "6", "-c", "3",
                            "-1", "-o", "1", self.line.path(1)],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("[6]: \t152", p.stdout)  # 95 % of 16 A
        self.assertIn("[8]: \t152", p.stdout)
