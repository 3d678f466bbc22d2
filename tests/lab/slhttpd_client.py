#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""HTTP client side of the slhttpd lab tests (tests/lab/slhttpd.sh).

Runs on the host, in the lab's namespace, with the standard library only.

  slhttpd_client.py body SIZE FILE
      FILE must be the synthetic body of SIZE bytes of
      Documentation/slhttpd.rst; says where it differs.
  slhttpd_client.py keepalive HOST
      several requests on one http.client connection (GET, HEAD, 404,
      r=CODE), checking status, headers and bodies, and that the
      connection is the same throughout; ends with a multi-segment
      response, which must close it.
  slhttpd_client.py pipeline HOST
      three requests in one segment, the last answered in several
      segments: all three answers must come, right, on that connection.
  slhttpd_client.py deep HOST N
      N requests for /?s=64 pipelined in one write (more than one segment
      holds): all N answers must come, right, on that connection.
  slhttpd_client.py oversized HOST
      a request line and a header section longer than a segment get 414
      and 431, and the connection closes.
  slhttpd_client.py after-close HOST PORT
      from local port PORT, three requests in one write, the first with
      "Connection: close": one answer, then the connection ends; the
      caller checks that the socket closes.
  slhttpd_client.py split HOST
      a request cut in two segments gets a 400 and the connection closes.
  slhttpd_client.py gap HOST SECONDS
      GET /?s=64 twice on one connection, SECONDS apart; prints the
      Connection header of both answers ("-" when absent). Exits 1 unless
      both answers are right and came on the same connection.
  slhttpd_client.py load HOST[,HOST...] [--requests N] [--workers W]
                         [--sizes LIST] [--timeout S] [--deadline S]
      N GET /?s=SIZE requests from W threads, one http.client connection
      each (kept alive while the server allows it), worker k to the k-th
      HOST (round robin); every request is sent
      once, no retry, and its status and body must be right. Prints JSON
      {"requests", "ok", "failed", "connections", "seconds", "errors"};
      exits 1 unless every request succeeded within the deadline.
  slhttpd_client.py png FILE R G B [SIZE]
      writes a SIZE x SIZE (default 64) PNG of one colour.
  slhttpd_client.py shot FILE COLOUR...
      decodes the 8-bit RGB(A) PNG FILE (a browser screenshot) and prints
      "WIDTH HEIGHT" and, per COLOUR (R,G,B), how many pixels have that
      colour (each channel within 8).
"""
import argparse
import email.utils
import http.client
import json
import socket
import struct
import sys
import threading
import time
import zlib

PATTERN = b'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n'


def pattern(size):
    """The synthetic body of SIZE bytes: byte i is PATTERN[i % 64]."""
    return (PATTERN * (size // 64 + 1))[:size]


def body_error(data, size):
    """None if data is the synthetic body of size bytes, else why not."""
    want = pattern(size)
    if data == want:
        return None
    if len(data) != size:
        return 'body is %d bytes, want %d' % (len(data), size)
    i = next(i for i in range(size) if data[i] != want[i])
    return 'body differs at byte %d: %r, want %r' % (
        i, data[i:i + 16], want[i:i + 16])


def cmd_body(args):
    with open(args.file, 'rb') as f:
        err = body_error(f.read(), args.size)
    if err:
        print(err)
        return 1
    return 0


class Check:
    """Collects failed expectations with their context."""

    def __init__(self):
        self.errors = []

    def eq(self, what, got, want):
        if got != want:
            self.errors.append('%s: got %r, want %r' % (what, got, want))

    def true(self, what, cond):
        if not cond:
            self.errors.append(what)


def check_headers(chk, what, resp, length, ctype='text/plain'):
    chk.eq(what + ' version', resp.version, 11)
    chk.eq(what + ' Server', resp.getheader('Server'), 'slhttpd')
    chk.eq(what + ' Content-Length', resp.getheader('Content-Length'),
           str(length))
    chk.eq(what + ' Content-Type', resp.getheader('Content-Type'), ctype)
    date = resp.getheader('Date')
    try:
        skew = abs(email.utils.parsedate_to_datetime(date).timestamp() -
                   time.time())
        chk.true('%s Date %r is %.0f s off the host clock' %
                 (what, date, skew), skew < 300)
    except (TypeError, ValueError):
        chk.errors.append('%s: bad Date %r' % (what, date))
    pad = resp.getheader('X-Pad')
    chk.true('%s X-Pad %r is not 0-15 bytes' % (what, pad),
             pad is None or len(pad) <= 15)


def keepalive_steps(chk, conn, steps, same):
    """Runs (method, target, status, synthetic size or None) on conn;
    with same, every answer must leave the connection open and the same."""
    name = conn.sock.getsockname() if conn.sock else None
    for method, target, status, size in steps:
        what = '%s %s' % (method, target)
        try:
            conn.request(method, target)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            chk.errors.append('%s: %s: %s' % (what, type(e).__name__, e))
            return
        chk.eq(what + ' status', resp.status, status)
        if size is not None:
            check_headers(chk, what, resp, size)
            if method == 'GET':
                err = body_error(data, size)
                chk.true('%s: %s' % (what, err), err is None)
        if method == 'HEAD':
            chk.eq(what + ' body', data, b'')
        if not same:
            continue
        chk.true('%s: Connection %r on a single-segment HTTP/1.1 answer' %
                 (what, resp.getheader('Connection')),
                 resp.getheader('Connection') is None or
                 resp.getheader('Connection').lower() == 'keep-alive')
        if conn.sock is None:
            chk.errors.append('%s: connection closed after it' % what)
            return
        if name is None:
            name = conn.sock.getsockname()
        chk.eq(what + ' local address (same connection)',
               conn.sock.getsockname(), name)


def cmd_keepalive(args):
    chk = Check()
    conn = http.client.HTTPConnection(args.host, 80, timeout=30)
    keep = [('GET', '/?s=64', 200, 64),
            ('HEAD', '/?s=1000', 200, 1000),
            ('GET', '/?s=1000', 200, 1000),
            ('GET', '/?s=0', 200, 0),
            ('HEAD', '/?s=60000', 200, 60000),
            ('GET', '/?s=700&r=201', 201, 700),
            # no content, whatever s= says: a body here would be read as
            # the start of the next response
            ('GET', '/?r=204&s=16', 204, None),
            ('GET', '/?r=304&s=100', 304, None),
            ('GET', '/?s=64&x=1', 200, 64)]
    keepalive_steps(chk, conn, keep, True)
    # A response of several segments, on the same connection, is the last
    # on it.
    what = 'GET /?s=6000 after %d requests' % len(keep)
    chk.true(what + ': no connection left', conn.sock is not None)
    conn.auto_open = 0
    try:
        conn.request('GET', '/?s=6000')
        resp = conn.getresponse()
        data = resp.read()
        chk.eq(what + ' status', resp.status, 200)
        check_headers(chk, what, resp, 6000)
        err = body_error(data, 6000)
        chk.true('%s: %s' % (what, err), err is None)
        chk.eq(what + ' Connection', resp.getheader('Connection'), 'close')
    except (OSError, http.client.HTTPException) as e:
        chk.errors.append('%s: %s: %s' % (what, type(e).__name__, e))
    conn.close()
    conn.auto_open = 1
    # Error statuses may close the connection, but if the answer does not
    # say so the next request must still get through on it.
    errors = [('GET', '/no/such/object', 404, None),
              ('GET', '/?r=503&s=100', 503, 100),
              ('GET', '/?s=64', 200, 64)]
    keepalive_steps(chk, conn, errors, False)
    conn.close()
    for e in chk.errors:
        print(e)
    return 1 if chk.errors else 0


def read_responses(sock, n, until_close=True):
    """Reads n responses from a raw socket, then (until_close) up to its
    end; returns [(status, headers dict, body)] or raises ValueError."""
    buf, out = b'', []
    while True:
        while len(out) < n:
            head, sep, rest = buf.partition(b'\r\n\r\n')
            if not sep:
                break
            lines = head.decode('latin-1').split('\r\n')
            hdrs = dict(line.split(': ', 1) for line in lines[1:])
            size = int(hdrs.get('Content-Length', '0'))
            if len(rest) < size:
                break
            out.append((int(lines[0].split()[1]), hdrs, rest[:size]))
            buf = rest[size:]
        if len(out) == n and not until_close:
            break
        try:
            d = sock.recv(65536)
        except OSError as e:
            raise ValueError('%d answers of %d, then %s' % (len(out), n, e))
        if not d:
            break
        buf += d
    if len(out) < n:
        raise ValueError('%d responses, want %d; then %r' %
                         (len(out), n, buf[:80]))
    if buf:
        raise ValueError('%d bytes after %d responses: %r' %
                         (len(buf), n, buf[:80]))
    return out


def raw_conn(host):
    sock = socket.create_connection((host, 80), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def reset(sock):
    """Closes with a RST. After an error answer to a request longer than
    what slhttpd acknowledged, the rest of the request and our FIN can never
    be acknowledged (slhttpd cannot validate them): a plain close would
    leave the socket retransmitting them for minutes, each one counted as
    cookie_bad in the guest."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack('ii', 1, 0))
    sock.close()


def cmd_pipeline(args):
    """Three requests in one segment; the last answer takes several
    segments, so slhttpd answers the first two and leaves the third for the
    client to send again."""
    sizes = [64, 100, 5000]
    req = b''.join(b'GET /?s=%d HTTP/1.1\r\nHost: slhttpd\r\n\r\n' % n
                   for n in sizes)
    sock = raw_conn(args.host)
    sock.sendall(req)
    try:
        got = read_responses(sock, len(sizes))
    except ValueError as e:
        print('pipelined requests:', e)
        return 1
    bad = 0
    for n, (status, hdrs, body) in zip(sizes, got):
        err = body_error(body, n)
        if status != 200 or err:
            print('pipelined /?s=%d: status %d, %s' % (n, status, err))
            bad = 1
    if got[2][1].get('Connection') != 'close':
        print('last pipelined answer: Connection %r' %
              got[2][1].get('Connection'))
        bad = 1
    return bad


def cmd_deep(args):
    """N requests pipelined in one write, more than one segment holds."""
    req = b''.join(b'GET /?s=64&n=%d HTTP/1.1\r\nHost: slhttpd\r\n\r\n' % i
                   for i in range(args.n))
    sock = raw_conn(args.host)
    start = time.monotonic()
    sock.sendall(req)
    try:
        got = read_responses(sock, args.n, until_close=False)
    except ValueError as e:
        print('%d pipelined requests (%d bytes): %s' % (args.n, len(req), e))
        return 1
    bad = [i for i, (status, _, body) in enumerate(got)
           if status != 200 or body_error(body, 64)]
    print('%d pipelined requests (%d bytes) answered in %.1f s' %
          (args.n, len(req), time.monotonic() - start))
    if bad:
        print('wrong answers:', bad)
        return 1
    return 0


def cmd_oversized(args):
    """Requests longer than a segment: 414 (cut in the request line) and
    431 (cut in the fields), and the connection closes."""
    cases = [(414, b'GET /?s=1&x=' + b'a' * 3000 + b' HTTP/1.1\r\n'
              b'Host: slhttpd\r\n\r\n'),
             (431, b'GET /?s=1 HTTP/1.1\r\nHost: slhttpd\r\n' +
              b''.join(b'X-Field-%02d: %s\r\n' % (i, b'v' * 40)
                       for i in range(60)) + b'\r\n')]
    bad = 0
    for want, req in cases:
        sock = raw_conn(args.host)
        sock.sendall(req)
        try:
            status, hdrs, _ = read_responses(sock, 1)[0]
        except ValueError as e:
            print('request of %d bytes: %s' % (len(req), e))
            bad = 1
            continue
        finally:
            reset(sock)
        if status != want or hdrs.get('Connection') != 'close':
            print('request of %d bytes: status %d, Connection %r, want %d '
                  'and close' % (len(req), status, hdrs.get('Connection'),
                                 want))
            bad = 1
    return bad


def cmd_after_close(args):
    """Three requests in one write, the first with Connection: close: one
    answer, then the end of the connection. The two requests left are
    owed nothing, but slhttpd must acknowledge them (requests at END or
    CLOSED) for the client's side to close; the caller watches for that
    from local port PORT."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('', args.port))
    sock.settimeout(30)
    sock.connect((args.host, 80))
    sock.sendall(b'GET /?s=64 HTTP/1.1\r\nHost: slhttpd\r\n'
                 b'Connection: close\r\n\r\n'
                 b'GET /?s=65 HTTP/1.1\r\nHost: slhttpd\r\n\r\n'
                 b'GET /?s=66 HTTP/1.1\r\nHost: slhttpd\r\n\r\n')
    try:
        status, hdrs, body = read_responses(sock, 1)[0]
    except ValueError as e:
        print('requests after Connection: close:', e)
        return 1
    sock.close()
    err = body_error(body, 64)
    if status != 200 or err or hdrs.get('Connection') != 'close':
        print('answer: status %d, Connection %r, %s' %
              (status, hdrs.get('Connection'), err))
        return 1
    return 0


def cmd_split(args):
    """A request in two segments: slhttpd cannot wait for the second and
    answers the first with 400, closing."""
    sock = raw_conn(args.host)
    sock.sendall(b'GET /?s=64 HTTP/1.1\r\nHost: slhttpd\r\n')
    sock.sendall(b'\r\n')
    try:
        status, hdrs, _ = read_responses(sock, 1)[0]
    except ValueError as e:
        print('split request:', e)
        return 1
    finally:
        reset(sock)
    if status != 400 or hdrs.get('Connection') != 'close':
        print('split request: status %d, Connection %r, want 400 and close' %
              (status, hdrs.get('Connection')))
        return 1
    return 0


def cmd_gap(args):
    conn = http.client.HTTPConnection(args.host, 80, timeout=30)
    seen = []
    for i in range(2):
        if i:
            time.sleep(args.seconds)
            if conn.sock is None:
                print('the first answer closed the connection')
                return 1
        else:
            conn.connect()
            name = conn.sock.getsockname()
        conn.request('GET', '/?s=64')
        resp = conn.getresponse()
        data = resp.read()
        err = body_error(data, 64)
        if resp.status != 200 or err:
            print('answer %d: status %d, %s' % (i + 1, resp.status, err))
            return 1
        seen.append(resp.getheader('Connection') or '-')
        if conn.sock is not None and conn.sock.getsockname() != name:
            print('answer %d came on another connection' % (i + 1))
            return 1
    print(*seen)
    return 0


def cmd_load(args):
    sizes = [int(s) for s in args.sizes.split(',')]
    lock = threading.Lock()
    stats = {'requests': args.requests, 'ok': 0, 'failed': 0,
             'connections': 0, 'errors': []}
    counter = iter(range(args.requests))
    deadline = time.monotonic() + args.deadline

    def fail(msg):
        with lock:
            stats['failed'] += 1
            if len(stats['errors']) < 10:
                stats['errors'].append(msg)

    hosts = args.host.split(',')

    def worker(host):
        conn = http.client.HTTPConnection(host, 80, timeout=args.timeout)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            size = sizes[i % len(sizes)]
            target = '/?s=%d&n=%d' % (size, i)
            try:
                if conn.sock is None:
                    with lock:
                        stats['connections'] += 1
                conn.request('GET', target)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                fail('%s: %s: %s' % (target, type(e).__name__, e))
                conn.close()
                continue
            if resp.status != 200:
                fail('%s: status %d' % (target, resp.status))
                continue
            err = body_error(data, size)
            if err:
                fail('%s: %s' % (target, err))
                continue
            with lock:
                stats['ok'] += 1
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(hosts[k % len(hosts)],))
               for k in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats['seconds'] = round(time.monotonic() - start, 1)
    print(json.dumps(stats))
    return 0 if stats['ok'] == args.requests else 1


def png_chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data)))


def cmd_png(args):
    n = args.size
    row = b'\0' + bytes((args.r, args.g, args.b)) * n
    data = (b'\x89PNG\r\n\x1a\n' +
            png_chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 2, 0, 0, 0)) +
            png_chunk(b'IDAT', zlib.compress(row * n)) +
            png_chunk(b'IEND', b''))
    with open(args.file, 'wb') as f:
        f.write(data)
    return 0


def png_decode(raw):
    """Width, height, bytes per pixel and unfiltered rows of an 8-bit,
    non-interlaced RGB or RGBA PNG."""
    if raw[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(raw):
        n, kind = struct.unpack('>I4s', raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError('unsupported PNG: depth %d type %d interlace %d' %
                         (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    data = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = data[y * (stride + 1)]
        line = bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xff
        elif f != 0:
            raise ValueError('bad PNG filter %d' % f)
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def cmd_shot(args):
    with open(args.file, 'rb') as f:
        w, h, bpp, rows = png_decode(f.read())
    counts = []
    for colour in args.colour:
        want = [int(c) for c in colour.split(',')]
        n = 0
        for line in rows:
            for x in range(0, w * bpp, bpp):
                if (abs(line[x] - want[0]) <= 8 and
                        abs(line[x + 1] - want[1]) <= 8 and
                        abs(line[x + 2] - want[2]) <= 8):
                    n += 1
        counts.append(str(n))
    print(w, h, *counts)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('body')
    p.add_argument('size', type=int)
    p.add_argument('file')
    p = sub.add_parser('keepalive')
    p.add_argument('host')
    for name in ('pipeline', 'split', 'oversized'):
        p = sub.add_parser(name)
        p.add_argument('host')
    p = sub.add_parser('after-close')
    p.add_argument('host')
    p.add_argument('port', type=int)
    p = sub.add_parser('deep')
    p.add_argument('host')
    p.add_argument('n', type=int)
    p = sub.add_parser('gap')
    p.add_argument('host')
    p.add_argument('seconds', type=float)
    p = sub.add_parser('load')
    p.add_argument('host')
    p.add_argument('--requests', type=int, default=1000)
    p.add_argument('--workers', type=int, default=8)
    p.add_argument('--sizes', default='64,1000,5000,20000')
    p.add_argument('--timeout', type=float, default=30)
    p.add_argument('--deadline', type=float, default=300)
    p = sub.add_parser('png')
    p.add_argument('file')
    for c in 'rgb':
        p.add_argument(c, type=int)
    p.add_argument('size', type=int, nargs='?', default=64)
    p = sub.add_parser('shot')
    p.add_argument('file')
    p.add_argument('colour', nargs='+')
    args = ap.parse_args()
    return globals()['cmd_' + args.cmd.replace('-', '_')](args)


if __name__ == '__main__':
    sys.exit(main())
