#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A hostile daemon for tests/lab/ring.sh: ring_hostile.py RING answers
each request with a response the kernel must refuse, by its path's last
part: "header" sets Content-Length itself, "smuggle" hides a second
response behind a bare LF, "span" points its body past the end of the
slot, "status" says 42. Each must reach the client as a 502 and count as
invalid; the kernel must read nothing outside the slot.
"""
import ctypes
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools", "libndiv", "python"))
import ndiv  # noqa: E402


def raw(req, status, head_off, head_len, body_off, body_len, data=b""):
    def fill(addr, room):
        slot = room + 32
        ctypes.memmove(addr, struct.pack("<QHHIIIII", req.id, status, 0,
                                         head_off, head_len,
                                         body_off if body_off >= 0 else
                                         slot + body_off, body_len, 0), 32)
        ctypes.memmove(addr + 32, data, len(data))
    return fill


def main():
    with ndiv.Ring(sys.argv[1]) as ring:
        for req in ring.requests():
            how = req.path.rsplit("/", 1)[-1]
            if how == "header":
                ring.respond(req, 200, b"abc",
                             headers=[("Content-Length", "3")])
            elif how == "smuggle":
                h = b"X-A: 1\nHTTP/1.1 200 OK\r\n"
                ring.respond_raw(req, raw(req, 200, 32, len(h), 0, 0, h))
            elif how == "span":
                ring.respond_raw(req, raw(req, 200, 0, 0, -8, 64))
            else:
                ring.respond_raw(req, raw(req, 42, 0, 0, 0, 0))


if __name__ == "__main__":
    main()
