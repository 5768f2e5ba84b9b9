"""A shared RS-485 wire for tests: one master and several slaves, each on a pty of its own.

    master (diag scan) ⇄ DIR/MASTER ─┐
                                     ├─ this proxy: the master's bytes reach every slave,
    slave  (sim, pymodbus) ⇄ DIR/S1 ─┤  every slave's bytes reach the master
    slave  ⇄ DIR/S2 ─────────────────┘

Two processes cannot share one pty end, and a real bus is one wire every transceiver hears, so
the proxy is the wire. One simplification: a slave does not hear the other slaves' answers.
A real slave finds frames by the 3.5-character silence between them; pymodbus 3.0's RTU framer
cuts them by length instead and, after hearing another slave's answer, loses the next request
addressed to it. It also models line speed: it reads the baud rate each participant set on
its pty (a pty master sees its slave's termios) and delivers a chunk unchanged only between
participants at the same speed; at different speeds the receiver gets the garbage a UART makes
of it (other bytes, another count). Parity cannot be modelled: Linux ptys drop PARENB.

Usage: rs485_bus.py DIR MASTER SLAVE... Prints {"ready": true} once the links exist, then one
JSON line per chunk the master sends: {"master": "<hex>", "baud": N}. SIGTERM removes the links.
"""
import json
import os
import select
import signal
import sys
import termios
import tty

SPEEDS = {getattr(termios, "B%d" % b): b for b in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)}


def open_end(directory, name):
    master, slave = os.openpty()
    tty.setraw(slave)  # until the participant sets its own line settings: no echo, no line editing
    link = os.path.join(directory, name)
    os.symlink(os.ttyname(slave), link)
    os.set_blocking(master, False)
    # The proxy keeps the slave side open too, so a participant closing and reopening its port
    # (diag scan does, once per line setting) never makes the master side fail with EIO.
    return {"name": name, "fd": master, "keep": slave, "link": link}


def baud(end):
    return SPEEDS.get(termios.tcgetattr(end["fd"])[5], 0)


def heard_at(data, sent_baud, rx_baud):
    """What a UART at rx_baud makes of bytes sent at sent_baud."""
    if sent_baud == rx_baud:
        return data
    n = max(1, round(len(data) * rx_baud / max(1, sent_baud)))
    return bytes(((data[i % len(data)] * 37 + i) ^ 0xA5) & 0xFF for i in range(n))


def main():
    directory, master_name, slave_names = sys.argv[1], sys.argv[2], sys.argv[3:]
    ends = [open_end(directory, n) for n in [master_name, *slave_names]]
    master = ends[0]

    def stop(*_):
        for e in ends:
            try:
                os.unlink(e["link"])
            except FileNotFoundError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(json.dumps({"ready": True, "links": [e["link"] for e in ends]}), flush=True)
    by_fd = {e["fd"]: e for e in ends}
    while True:
        readable, _, _ = select.select(list(by_fd), [], [])
        for fd in readable:
            sender = by_fd[fd]
            try:
                data = os.read(fd, 4096)
            except (BlockingIOError, OSError):
                continue
            if not data:
                continue
            speed = baud(sender)
            if sender is master:
                print(json.dumps({"master": data.hex(), "baud": speed}), flush=True)
            for other in ends:
                if other is sender or (sender is not master and other is not master):
                    continue
                try:
                    os.write(other["fd"], heard_at(data, speed, baud(other)))
                except (BlockingIOError, OSError):
                    pass  # a participant that does not read loses bytes, as on a wire


if __name__ == "__main__":
    main()
