"""A Modbus RTU slave on a serial path, built on Debian's python3-pymodbus (3.0.x API).

Serves the generic-modbus-controller map (holding registers 0-5, zero-based) for the interop
tests: a fixed car state from the command line and a heartbeat (register 5) that counts +1 per
second unless --frozen-heartbeat; with --heartbeat-stdin it counts +1 per "tick" line on stdin
instead and answers each with {"tick": n}, so a test in sample time says when the controller's
heartbeat advances. Discrete inputs 0-7 are served too (--di as 8 bits, e.g. 10110001).
Prints one JSON line {"ready": true, ...} once the port is open, then serves until killed.
"""
import argparse
import asyncio
import json
import sys

import pymodbus
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusSerialServer
from pymodbus.transaction import ModbusRtuFramer


def registers(args, heartbeat):
    pos = args.position & 0xFFFFFFFF  # int32, two's complement, high word first
    return [pos >> 16, pos & 0xFFFF, args.speed & 0xFFFF, args.status & 0xFFFF, args.floor & 0xFFFF, heartbeat & 0xFFFF]


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", required=True)
    p.add_argument("--unit", type=int, default=1)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--position", type=int, default=6003)
    p.add_argument("--speed", type=int, default=0)
    p.add_argument("--status", type=int, default=0)
    p.add_argument("--floor", type=int, default=2)
    p.add_argument("--di", default="00000000")
    p.add_argument("--frozen-heartbeat", action="store_true")
    p.add_argument("--heartbeat-stdin", action="store_true")
    args = p.parse_args()

    hr = ModbusSequentialDataBlock(0, registers(args, 0))
    di = ModbusSequentialDataBlock(0, [c == "1" for c in args.di])
    slave = ModbusSlaveContext(hr=hr, di=di, zero_mode=True)
    context = ModbusServerContext(slaves={args.unit: slave}, single=False)
    server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=args.port, baudrate=args.baud, timeout=0.005)
    await server.start()
    if server.transport is None:
        sys.exit(f"cannot open {args.port}")
    print(json.dumps({"ready": True, "pymodbus": pymodbus.__version__, "port": args.port}), flush=True)

    heartbeat = 0
    if args.heartbeat_stdin:
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            if line.strip() == "tick":
                heartbeat += 1
                hr.setValues(5, [heartbeat & 0xFFFF])
                print(json.dumps({"tick": heartbeat}), flush=True)
    while True:
        await asyncio.sleep(1)
        if not args.frozen_heartbeat:
            heartbeat += 1
            hr.setValues(5, [heartbeat & 0xFFFF])


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
