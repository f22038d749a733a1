"""A Modbus TCP server from pymodbus (Debian python3-pymodbus), an
independent peer for ews's acquisition tests.

    /usr/bin/python3 pymodbus_peer.py --config CONFIG.json --port-file FILE

CONFIG maps unit ids to register tables of raw 16-bit words (or 0/1 for
coils and discrete inputs), keyed by 0-based wire address:

    {"units": {"1": {"ir": {"0": 17254, "1": 0}, "hr": {}, "co": {}, "di": {}}},
     "delay_ms": 0}

Addresses not listed answer exception 2 (illegal data address). The port is
chosen by the system and written to FILE once the server listens.
"""
import argparse
import logging
import asyncio
import json

from pymodbus.datastore import (ModbusServerContext, ModbusSlaveContext,
                                ModbusSparseDataBlock)
from pymodbus.server.async_io import ModbusTcpServer


def block(table):
    values = {int(addr): int(v) for addr, v in (table or {}).items()}
    # An empty sparse block refuses every address, as a real device does
    # for a table it does not have.
    return ModbusSparseDataBlock(values) if values else \
        ModbusSparseDataBlock({65535: 0})


def context(config):
    slaves = {}
    for unit, tables in config["units"].items():
        slaves[int(unit)] = ModbusSlaveContext(
            di=block(tables.get("di")), co=block(tables.get("co")),
            hr=block(tables.get("hr")), ir=block(tables.get("ir")),
            zero_mode=True)
    return ModbusServerContext(slaves=slaves, single=False)


async def serve(config, port_file):
    delay = config.get("delay_ms", 0) / 1000.0

    def slow(response):
        if delay:
            import time
            time.sleep(delay)
        return response, False

    server = ModbusTcpServer(context(config), address=("127.0.0.1", 0),
                             response_manipulator=slow if delay else None)
    task = asyncio.ensure_future(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(port_file + ".tmp", port_file)
    await task


def main():
    logging.disable(logging.CRITICAL)  # pymodbus logs every exception it serves
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    asyncio.run(serve(config, args.port_file))


if __name__ == "__main__":
    main()
