#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Probe /dev/ndiv-ring from inside the guest, as a hostile or careless
daemon would: ring_probe.py CHECK NAME [FILE]. Prints OK or what went wrong and
exits 0 or 1. Checks:

  mmap      the header page is ours, the read-only part refuses PROT_WRITE
            and a later mprotect(PROT_WRITE), the read-write part is
            writable, a private mapping and one past the end are refused
  takeover  a second attach succeeds at once (never EBUSY); the first
            file then gets ENODEV on KICK and POLLHUP, and reading its
            mapping kills the process with SIGBUS (exit 135)
  hold      attach, map, print READY and wait for file argv[3] (ring del
            tests); then report KICK's errno and a poll, and read the
            mapping (SIGBUS once revoked)
"""
import ctypes
import errno
import fcntl
import mmap
import os
import select
import struct
import sys

DEV = "/dev/ndiv-ring"
NAME_MAX = 32
MAGIC = 0x4E445247


def ioc(dirn, nr, size):
    return (dirn << 30) | (size << 16) | (0xD9 << 8) | nr


IOC_ATTACH = ioc(1, 3, 32)
IOC_KICK = ioc(0, 4, 0)

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MAP_FAILED = ctypes.c_void_p(-1).value
PROT_READ, PROT_WRITE = 1, 2
MAP_SHARED, MAP_PRIVATE = 1, 2


def attach(name):
    fd = os.open(DEV, os.O_RDWR)
    fcntl.ioctl(fd, IOC_ATTACH, name.encode().ljust(NAME_MAX, b"\0"))
    return fd


def info(fd):
    m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ)
    f = struct.unpack_from("<8I8Q", m, 0)
    m.close()
    keys = ("magic abi info_size page nr_rings slots slot_size max_body "
            "map_size rw_off kidx_off uidx_off req_off resp_off "
            "ring_bytes gen_res").split()
    return dict(zip(keys, f))


def raw_mmap(fd, length, prot, flags, off):
    p = libc.mmap(None, length, prot, flags, fd, off)
    return None if p == MAP_FAILED else p


def fail(msg):
    print(msg)
    sys.exit(1)


def check_mmap(name):
    fd = attach(name)
    i = info(fd)
    if i["magic"] != MAGIC or i["abi"] != 1:
        fail("bad header page %r" % i)
    ro, rw = i["rw_off"], i["map_size"] - i["rw_off"]
    if raw_mmap(fd, ro, PROT_READ | PROT_WRITE, MAP_SHARED, 0) is not None:
        fail("writable mapping of the read-only part")
    if ctypes.get_errno() != errno.EPERM:
        fail("read-only part PROT_WRITE: errno %d" % ctypes.get_errno())
    p = raw_mmap(fd, ro, PROT_READ, MAP_SHARED, 0)
    if p is None:
        fail("read-only part: errno %d" % ctypes.get_errno())
    if libc.mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0:
        fail("mprotect made the header page writable")
    if raw_mmap(fd, 4096, PROT_READ, MAP_PRIVATE, 0) is not None:
        fail("private mapping accepted")
    if raw_mmap(fd, rw + 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                i["rw_off"]) is not None:
        fail("mapping past the end accepted")
    w = raw_mmap(fd, rw, PROT_READ | PROT_WRITE, MAP_SHARED, i["rw_off"])
    if w is None:
        fail("read-write part: errno %d" % ctypes.get_errno())
    ctypes.memset(w, 0x5A, rw)      # scribble on every byte we can write
    fcntl.ioctl(fd, IOC_KICK)
    print("OK")


def touch(p):
    """Read the revoked mapping: the process dies of SIGBUS (exit 135)."""
    print("TOUCH", flush=True)
    ctypes.c_uint8.from_address(p).value
    print("still alive", flush=True)
    sys.exit(1)


def check_takeover(name):
    fd1 = attach(name)
    i = info(fd1)
    p = raw_mmap(fd1, i["rw_off"], PROT_READ, MAP_SHARED, 0)
    gen1 = ctypes.c_uint32.from_address(p + 88).value
    fd2 = attach(name)
    gen2 = info(fd2)["gen_res"] & 0xFFFFFFFF
    if gen2 == gen1:
        fail("generation did not change: %d" % gen1)
    try:
        fcntl.ioctl(fd1, IOC_KICK)
        fail("KICK on the old file succeeded")
    except OSError as e:
        if e.errno != errno.ENODEV:
            fail("KICK on the old file: %s" % e)
    po = select.poll()
    po.register(fd1, select.POLLIN)
    ev = po.poll(0)
    if not ev or not ev[0][1] & select.POLLHUP:
        fail("old file polls %r, want POLLHUP" % ev)
    fcntl.ioctl(fd2, IOC_KICK)
    print("OK")
    touch(p)


def hold(name):
    fd = attach(name)
    i = info(fd)
    p = raw_mmap(fd, i["rw_off"], PROT_READ, MAP_SHARED, 0)
    if ctypes.c_uint32.from_address(p).value != MAGIC:
        fail("no magic")
    print("READY", flush=True)
    while not os.path.exists(sys.argv[3]):
        select.select([], [], [], 0.05)
    try:
        fcntl.ioctl(fd, IOC_KICK)
        kick = "0"
    except OSError as e:
        kick = errno.errorcode.get(e.errno, str(e.errno))
    po = select.poll()
    po.register(fd, select.POLLIN)
    ev = po.poll(0)
    hup = bool(ev and ev[0][1] & select.POLLHUP)
    print("kick=%s hup=%d" % (kick, hup), flush=True)
    touch(p)


def main():
    check, name = sys.argv[1], sys.argv[2]
    {"mmap": check_mmap, "takeover": check_takeover, "hold": hold}[check](
        name)


if __name__ == "__main__":
    main()
