"""An 8-input RS-485 digital-input module as Debian's python3-pymodbus (3.0.x API) serves it.

Discrete inputs 0-7 (FC2) only, like boards/rs485-di-module.yaml describes: no holding or input
registers and no coils, so reading them is answered with exception 2 (illegal data address) -
which is how `diag scan` must tell a DI module from a controller. Prints one JSON line
{"ready": true, ...} once the port is open, then serves until killed.
"""
import argparse
import asyncio
import json
import sys

import pymodbus
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusSerialServer
from pymodbus.transaction import ModbusRtuFramer


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", required=True)
    p.add_argument("--unit", type=int, default=1)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--di", default="10000110")
    args = p.parse_args()

    # pymodbus needs a block per table: one register at the top of the address space stands for none
    empty = lambda: ModbusSequentialDataBlock(0xFFFF, [0])  # noqa: E731
    di = ModbusSequentialDataBlock(0, [c == "1" for c in args.di])
    slave = ModbusSlaveContext(di=di, co=empty(), hr=empty(), ir=empty(), zero_mode=True)
    context = ModbusServerContext(slaves={args.unit: slave}, single=False)
    server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=args.port, baudrate=args.baud, timeout=0.005)
    await server.start()
    if server.transport is None:
        sys.exit(f"cannot open {args.port}")
    print(json.dumps({"ready": True, "pymodbus": pymodbus.__version__, "port": args.port}), flush=True)
    while True:
        await asyncio.sleep(3600)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
