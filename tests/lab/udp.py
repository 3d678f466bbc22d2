#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP traffic for ndiv lab tests, from real sockets on the host side.

  udp.py echo DST PORT COUNT [--rate PPS] [--wait S]
      send COUNT numbered datagrams from one connected socket and count the
      replies that come back from DST:PORT with the payload we sent (what
      bench-reflect produces); prints JSON {"sent","received","bad"}.
  udp.py send DST PORT COUNT [--rate PPS]
      send COUNT datagrams, expect nothing; prints JSON {"sent"}, also
      when stopped early by SIGTERM (then the datagrams sent so far).
"""
import argparse
import json
import signal
import socket
import sys
import time


def sock_for(dst):
    fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    return s


def paced_send(s, dst, port, count, rate, on_tick=None):
    gap = 1.0 / rate if rate else 0.0
    start = time.monotonic()
    for i in range(count):
        s.sendto(b'ndiv-%08d' % i, (dst, port))
        if on_tick:
            on_tick()
        if gap:
            ahead = start + (i + 1) * gap - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)


def drain(s, dst, port, seen, bad, until):
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(2048)
        except (socket.timeout, BlockingIOError):
            return
        if addr[0] == dst and addr[1] == port and data.startswith(b'ndiv-'):
            seen.add(data)
        else:
            bad.append(repr((addr, data[:32])))


def echo(a):
    s = sock_for(a.dst)
    s.connect((a.dst, a.port))
    seen, bad = set(), []

    def tick():
        s.setblocking(False)
        drain(s, a.dst, a.port, seen, bad, time.monotonic())

    paced_send(s, a.dst, a.port, a.count, a.rate, tick)
    drain(s, a.dst, a.port, seen, bad, time.monotonic() + a.wait)
    return {'sent': a.count, 'received': len(seen), 'bad': len(bad)}


def send(a):
    s = sock_for(a.dst)
    sent = [0]
    gap = 1.0 / a.rate if a.rate else 0.0
    start = time.monotonic()

    def stop(signum, frame):
        print(json.dumps({'sent': sent[0]}), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    for i in range(a.count):
        # a SIGTERM waits until the datagram is both sent and counted
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        s.sendto(b'ndiv-%08d' % i, (a.dst, a.port))
        sent[0] += 1
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        if gap:
            ahead = start + (i + 1) * gap - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    return {'sent': sent[0]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['echo', 'send'])
    p.add_argument('dst')
    p.add_argument('port', type=int)
    p.add_argument('count', type=int)
    p.add_argument('--rate', type=float, default=2000.0)
    p.add_argument('--wait', type=float, default=2.0)
    a = p.parse_args()
    print(json.dumps(echo(a) if a.mode == 'echo' else send(a)))


if __name__ == '__main__':
    main()
