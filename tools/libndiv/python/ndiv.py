# SPDX-License-Identifier: GPL-2.0
"""ndiv: a daemon's side of an ndiv ring in Python, over libndiv (ctypes,
nothing to install). Documentation/ring.rst, "Writing a daemon".

    import ndiv
    with ndiv.Ring("api") as ring:
        for req in ring.requests():          # waits in epoll when idle
            ring.respond(req, 200, b"hello\\n",
                         headers=[("Content-Type", "text/plain")])

Each request is copied out of the ring (Python cannot keep a view of it
safely), released at once, and answered later with respond(): the kernel
keeps waiting for it by its id. libndiv.so is looked for in $NDIV_LIBNDIV,
then next to this tree's build (build/lib), then by the loader.
"""
import ctypes
import errno
import os
import select
import socket

_HERE = os.path.dirname(os.path.abspath(__file__))
_CANDIDATES = [os.environ.get("NDIV_LIBNDIV", ""),
               os.path.join(_HERE, "..", "..", "..", "build", "lib",
                            "libndiv.so.0"),
               "libndiv.so.0"]

RESP_F_MORE = 0x1
RESP_F_CLOSE = 0x2
MAX_HEADERS = 64


class _Span(ctypes.Structure):
    _fields_ = [("off", ctypes.c_uint32), ("len", ctypes.c_uint32)]


class _Req(ctypes.Structure):
    """struct ndiv_ring_req (<linux/ndiv_ring.h>)."""
    _fields_ = [("id", ctypes.c_uint64), ("data_off", ctypes.c_uint32),
                ("data_len", ctypes.c_uint32), ("method", _Span),
                ("target", _Span), ("version", ctypes.c_uint16),
                ("nr_headers", ctypes.c_uint16), ("flags", ctypes.c_uint32),
                ("addr", ctypes.c_uint8 * 16), ("port", ctypes.c_uint16),
                ("local_port", ctypes.c_uint16), ("family", ctypes.c_uint16),
                ("reserved", ctypes.c_uint16)]


class _Hdr(ctypes.Structure):
    _fields_ = [("name", _Span), ("value", _Span)]


assert ctypes.sizeof(_Req) == 64 and ctypes.sizeof(_Hdr) == 16


def _load():
    for path in _CANDIDATES:
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path, use_errno=True)
        except OSError:
            continue
        P, U32, I = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int
        sig = {
            "ndiv_attach": (I, [ctypes.c_char_p, ctypes.POINTER(P)]),
            "ndiv_detach": (None, [P]),
            "ndiv_fd": (I, [P]),
            "ndiv_queues": (ctypes.c_uint, [P]),
            "ndiv_queue": (P, [P, ctypes.c_uint]),
            "ndiv_peek": (I, [P, ctypes.c_uint, ctypes.POINTER(U32)]),
            "ndiv_request": (ctypes.POINTER(_Req), [P, U32]),
            "ndiv_release": (None, [P, ctypes.c_uint]),
            "ndiv_span": (ctypes.c_void_p, [P, P, P,
                                            ctypes.POINTER(ctypes.c_size_t)]),
            "ndiv_data": (ctypes.c_void_p, [P, P,
                                            ctypes.POINTER(ctypes.c_size_t)]),
            "ndiv_reserve": (I, [P, ctypes.c_uint, ctypes.POINTER(U32)]),
            "ndiv_submit": (None, [P, ctypes.c_uint]),
            "ndiv_respond": (I, [P, U32, ctypes.c_uint64, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_char_p,
                                 ctypes.c_size_t, ctypes.c_char_p,
                                 ctypes.c_size_t]),
            "ndiv_respond_more": (I, [P, U32, ctypes.c_uint64,
                                      ctypes.c_uint, ctypes.c_char_p,
                                      ctypes.c_size_t]),
            "ndiv_body_room": (ctypes.c_size_t, [P, ctypes.c_size_t]),
            "ndiv_response": (ctypes.c_void_p, [P, U32,
                                                ctypes.POINTER(
                                                    ctypes.c_size_t)]),
            "ndiv_prepare_sleep": (I, [P]),
            "ndiv_woken": (None, [P]),
            "ndiv_needs_kick": (I, [P]),
            "ndiv_kick": (I, [P]),
        }
        for name, (res, args) in sig.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args
        return lib
    raise OSError("libndiv not found: build it (make) or set NDIV_LIBNDIV")


_lib = None


def _check(ret, what):
    if ret < 0:
        raise OSError(-ret, "%s: %s" % (what, os.strerror(-ret)))
    return ret


class Request:
    """A request copied out of the ring."""

    def __init__(self, queue, id_, method, target, version, headers,
                 client, port, data):
        self.queue, self.id = queue, id_
        self.method, self.target, self.version = method, target, version
        self.path, _, self.query = target.partition("?")
        self.headers = headers          # [(name, value)], as sent
        self.client, self.port = client, port
        self.data = data                # the request bytes

    def header(self, name):
        """The value of the first header called name (any case), or None."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Ring:
    """A ring attached by name; needs CAP_NET_ADMIN."""

    def __init__(self, name):
        global _lib
        if _lib is None:
            _lib = _load()
        self._nd = ctypes.c_void_p()
        _check(_lib.ndiv_attach(name.encode(), ctypes.byref(self._nd)),
               "ring " + name)
        self.name = name
        self._ep = select.epoll()
        self._ep.register(_lib.ndiv_fd(self._nd), select.EPOLLIN)
        self._queues = [_lib.ndiv_queue(self._nd, i)
                        for i in range(_lib.ndiv_queues(self._nd))]

    def close(self):
        if self._nd:
            self._ep.close()
            _lib.ndiv_detach(self._nd)
            self._nd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def fileno(self):
        return _lib.ndiv_fd(self._nd)

    def _span(self, q, req, span):
        n = ctypes.c_size_t()
        p = _lib.ndiv_span(q, ctypes.addressof(req), ctypes.addressof(span),
                           ctypes.byref(n))
        return ctypes.string_at(p, n.value) if p else b""

    def _copy(self, q, req):
        hdrs = (_Hdr * min(req.nr_headers, MAX_HEADERS)).from_address(
            ctypes.addressof(req) + ctypes.sizeof(_Req))
        headers = [(self._span(q, req, h.name).decode("latin-1"),
                    self._span(q, req, h.value).decode("latin-1"))
                   for h in hdrs]
        n = ctypes.c_size_t()
        p = _lib.ndiv_data(q, ctypes.addressof(req), ctypes.byref(n))
        fam = socket.AF_INET6 if req.family == 6 else socket.AF_INET
        addr = bytes(req.addr[:16 if req.family == 6 else 4])
        return Request(q, req.id,
                       self._span(q, req, req.method).decode("latin-1"),
                       self._span(q, req, req.target).decode("latin-1"),
                       "HTTP/%d.%d" % (req.version >> 8, req.version & 255),
                       headers, socket.inet_ntop(fam, addr), req.port,
                       ctypes.string_at(p, n.value) if p else b"")

    def poll(self, n=32):
        """Up to n requests of each queue, copied; [] if none."""
        out = []
        idx = ctypes.c_uint32()
        for q in self._queues:
            got = _check(_lib.ndiv_peek(q, n, ctypes.byref(idx)), "peek")
            for i in range(got):
                out.append(self._copy(q, _lib.ndiv_request(
                    q, (idx.value + i) & 0xffffffff).contents))
            if got:
                _lib.ndiv_release(q, got)
        return out

    def wait(self, timeout=None):
        """Sleep until requests may be there (need-wakeup, then epoll)."""
        if not all(_lib.ndiv_prepare_sleep(q) == 1 for q in self._queues):
            for q in self._queues:
                _lib.ndiv_woken(q)
            return
        ev = self._ep.poll(timeout if timeout is not None else -1)
        for q in self._queues:
            _lib.ndiv_woken(q)
        if any(e & (select.EPOLLHUP | select.EPOLLERR) for _, e in ev):
            raise OSError(errno.ENODEV, "ring %s was taken away" % self.name)

    def requests(self):
        """Every request, forever; sleeps when there is none."""
        while True:
            reqs = self.poll()
            if not reqs:
                self.wait()
            for r in reqs:
                yield r

    def _slot(self, q):
        idx = ctypes.c_uint32()
        while _check(_lib.ndiv_reserve(q, 1, ctypes.byref(idx)),
                     "reserve") != 1:
            _check(_lib.ndiv_kick(self._nd), "kick")
        return idx.value

    def respond_raw(self, req, fill):
        """Fill a response slot by hand: fill(address, room) writes the
        descriptor and bytes (tests of the kernel's checks)."""
        q = req.queue
        idx = self._slot(q)
        room = ctypes.c_size_t()
        fill(_lib.ndiv_response(q, idx, ctypes.byref(room)), room.value)
        _lib.ndiv_submit(q, 1)
        _check(_lib.ndiv_kick(self._nd), "kick")

    def respond(self, req, status, body=b"", headers=(), close=False):
        """Answer req: status, body (any size, in parts), header lines."""
        q = req.queue
        head = "".join("%s: %s\r\n" % hv for hv in headers).encode()
        flags = RESP_F_CLOSE if close else 0
        room = _lib.ndiv_body_room(q, len(head))
        first, rest = body[:room], body[room:]
        _check(_lib.ndiv_respond(q, self._slot(q), req.id, status,
                                 flags | (RESP_F_MORE if rest else 0),
                                 head, len(head), first, len(first)),
               "respond")
        _lib.ndiv_submit(q, 1)
        room = _lib.ndiv_body_room(q, 0)
        while rest:
            part, rest = rest[:room], rest[room:]
            _check(_lib.ndiv_respond_more(q, self._slot(q), req.id,
                                          RESP_F_MORE if rest else 0,
                                          part, len(part)), "respond")
            _lib.ndiv_submit(q, 1)
        if _lib.ndiv_needs_kick(q):
            _check(_lib.ndiv_kick(self._nd), "kick")
