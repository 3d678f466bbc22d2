#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""veth_udp_sink.py ADDR PORT: a UDP receiver for tests/lab/veth.sh.

Binds ADDR:PORT and counts the datagrams it receives until SIGTERM, then
prints JSON {"received": N}. Runs in the lab guest, in a network namespace.
"""
import json
import signal
import socket
import sys


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    count = 0

    def done(_sig, _frame):
        print(json.dumps({'received': count}), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, done)
    while True:
        s.recv(2048)
        count += 1


if __name__ == '__main__':
    main()
