"""Protocol answers and injected faults of ews-sim."""
import concurrent.futures
import socket
import struct
import time

import simtest
from simtest import Closed, ModbusException

SDM630 = {"unit": 1, "model": "eastron_sdm630"}


def fault(unit, **faults):
    return {"unit": unit, "model": "eastron_sdm630", "faults": faults}


class TestProtocol(simtest.SimTestCase):
    def assert_exception(self, code, fn, *args):
        with self.assertRaises(ModbusException) as e:
            fn(*args)
        self.assertEqual(e.exception.code, code)

    def test_unknown_unit_gets_gateway_exception(self):
        c = self.raw(self.sim([SDM630]))
        self.assert_exception(0x0B, c.read, 9, 4, 0, 2)
        self.assert_exception(0x0B, c.read, 0, 4, 0, 2)
        self.assertEqual(len(c.read(1, 4, 0, 2)), 2)

    def test_unknown_unit_can_stay_silent(self):
        c = self.raw(self.sim([SDM630], ["--unknown-unit", "silent"]))
        pdu = struct.pack(">BHH", 4, 0, 2)
        self.assertIsNone(c.request(9, pdu, timeout=0.4))

    def test_addresses_outside_the_map(self):
        c = self.raw(self.sim([SDM630]))
        self.assert_exception(2, c.read, 1, 4, 0x164, 4)  # past the end
        self.assert_exception(2, c.read, 1, 4, 0x9000, 2)
        self.assert_exception(2, c.read, 1, 3, 0, 2)  # no holding regs
        self.assert_exception(2, c.read, 1, 1, 0, 1)  # no coils
        self.assert_exception(3, c.read, 1, 4, 0, 0)
        self.assert_exception(3, c.read, 1, 4, 0, 126)
        self.assert_exception(2, c.write, 1, 6, 0, [1])
        self.assertEqual(len(c.read(1, 4, 0x15A, 12)), 12)  # last block

    def test_unsupported_functions(self):
        c = self.raw(self.sim([SDM630]))
        self.assert_exception(1, c.call, 1, bytes([17]))  # report slave id
        self.assert_exception(1, c.call, 1, bytes([8, 0, 0, 0x12, 0x34]))
        self.assert_exception(1, c.call, 1, bytes([0x2B, 0x0E, 1, 0]))
        self.assertEqual(len(c.read(1, 4, 0, 2)), 2)  # framing intact

    def test_many_clients_at_once(self):
        s = self.sim([SDM630])

        def reads(_):
            c = simtest.Raw(s.port)
            try:
                return [c.read(1, 4, 0, 80) for _ in range(20)]
            finally:
                c.close()

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(reads, range(8)))
        first = results[0][0]
        self.assertTrue(all(r == first for rs in results for r in rs))

    def test_not_modbus_closes_the_connection(self):
        c = self.raw(self.sim([SDM630]))
        c.sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        c.sock.settimeout(2)
        try:
            self.assertEqual(c.sock.recv(10), b"")
        except ConnectionResetError:
            pass  # closed with our bytes unread: a reset


class TestFaults(simtest.SimTestCase):
    def test_latency_delays_only_its_client(self):
        s = self.sim([SDM630, fault(11, latency_ms=400)])
        slow, fast = self.raw(s), self.raw(s)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            t0 = time.monotonic()
            pending = pool.submit(slow.read, 11, 4, 0, 2)
            time.sleep(0.05)
            t1 = time.monotonic()
            fast.read(1, 4, 0, 2)
            self.assertLess(time.monotonic() - t1, 0.2)
            pending.result()
            self.assertGreaterEqual(time.monotonic() - t0, 0.38)

    def test_timeout_never_answers(self):
        c = self.raw(self.sim([SDM630, fault(12, timeout=True)]))
        pdu = struct.pack(">BHH", 4, 0, 2)
        self.assertIsNone(c.request(12, pdu, timeout=0.5))
        # the connection still serves the other units
        self.assertEqual(len(c.read(1, 4, 0, 2)), 2)

    def test_exception_code(self):
        c = self.raw(self.sim([fault(13, exception=6)]))
        for fc, addr in ((4, 0), (3, 0), (4, 0x9999)):
            with self.assertRaises(ModbusException) as e:
                c.read(13, fc, addr, 2)
            self.assertEqual(e.exception.code, 6)

    def test_counter_reset(self):
        s = self.sim([fault(14, reset_counter_at_s=1.0)])
        t0 = time.monotonic()
        c = self.raw(s)
        before = simtest.raw_value({"type": "f32"}, c.read(14, 4, 0x48, 2))
        self.assertGreater(before, 1000)  # kWh
        time.sleep(max(0, 1.2 - (time.monotonic() - t0)))
        after = simtest.raw_value({"type": "f32"}, c.read(14, 4, 0x48, 2))
        self.assertEqual(after, 0)
        self.assertEqual(c.read(14, 4, 0x15A, 2), [0, 0])  # per phase too

    def test_drop_every_third_request(self):
        s = self.sim([fault(15, drop_every_n=3)])
        for _ in range(2):
            c = self.raw(s)
            c.read(15, 4, 0, 2)
            c.read(15, 4, 0, 2)
            with self.assertRaises((Closed, ConnectionResetError)):
                c.read(15, 4, 0, 2)

    def test_sigterm_exits_cleanly_and_quietly(self):
        s = self.sim([SDM630, fault(12, timeout=True)])
        c = self.raw(s)
        c.request(12, struct.pack(">BHH", 4, 0, 2), timeout=0.1)
        t0 = time.monotonic()
        rc, out, err = s.stop()
        self.assertLess(time.monotonic() - t0, 3)
        self.assertEqual((rc, out, err), (0, "", ""))
        with self.assertRaises((Closed, ConnectionResetError,
                                socket.timeout)):
            c.read(1, 4, 0, 2, timeout=1)
