# SPDX-License-Identifier: GPL-2.0
"""Read the lab's guest instruction counters (the insns.c plugin).

  insns.py --sock PATH                 "TOTAL KERNEL USER"
  insns.py --sock PATH split FILE      the totals line, then "NAME COUNT"
                                       per name of FILE, then
                                       "kernel-other COUNT"
  insns.py --sock PATH blocks          the totals line, then "ADDRESS
                                       LENGTH COUNT" per kernel block

FILE has lines "NAME ADDRESS SIZE" (hex, as modranges.sh prints them):
the ranges [ADDRESS, ADDRESS + SIZE) whose kernel instructions count
under NAME. ndiv-lab run --count-insns exports this command, with --sock
filled in, as NDIV_LAB_INSNS. Run with /usr/bin/python3 -S: nothing but
the standard library.
"""
import socket
import sys


def ranges(path):
    out = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 3:
                continue
            start, size = int(p[1], 16), int(p[2], 16)
            if size:
                out.append("%s:%x-%x" % (p[0], start, start + size))
    return out


def ask(path, request):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    s.sendall((request + "\n").encode())
    chunks = []
    while True:
        b = s.recv(65536)
        if not b:
            break
        chunks.append(b)
    s.close()
    return b"".join(chunks).decode()


def main(argv):
    usage = "usage: insns.py --sock PATH [split FILE | blocks]"
    if len(argv) < 2 or argv[0] != "--sock":
        sys.exit(usage)
    sock, rest = argv[1], argv[2:]
    if not rest:
        request = "total"
    elif rest[0] == "split" and len(rest) == 2:
        request = " ".join(["split"] + ranges(rest[1]))
    elif rest == ["blocks"]:
        request = "blocks"
    else:
        sys.exit(usage)
    try:
        out = ask(sock, request)
    except OSError as e:
        sys.exit("insns.py: %s: %s" % (sock, e))
    if not out or out.startswith("error"):
        sys.exit("insns.py: %s" % (out.strip() or "no answer"))
    sys.stdout.write(out)


if __name__ == "__main__":
    main(sys.argv[1:])
