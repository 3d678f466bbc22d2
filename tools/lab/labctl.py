#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Host side of the ndiv-lab guest command channel.

  labctl.py hub --qemu SOCK --listen SOCK [--log FILE]
      Connects to QEMU's virtio-serial chardev socket (one connection, kept
      for the lab's life time) and accepts any number of clients on its own
      unix socket, routing frames by id.  Exits when QEMU closes the socket.

  labctl.py exec --sock SOCK [--timeout S] [--cwd DIR] [--path DIR]
                 [-e K=V]... [-i] -- CMD [ARGS]
      Runs CMD in the guest; prints its stdout and stderr on ours and exits
      with its status (255: channel error, 124: timeout).

  labctl.py wait --sock SOCK [--timeout S] [--pid PID]
      Waits until the guest agent answers a ping (fails early if PID dies).

  labctl.py poweroff --sock SOCK
      Asks the agent to power the guest off.

The wire format is documented in Documentation/lab.rst ("Wire format");
its names below are those of agent.c.
"""

import os
import selectors
import signal
import socket
import struct
import sys
import time

# ------------------------------------------------------- wire format

NDL_MAGIC = b"NDL1"
# struct ndl_hdr: magic, type, flags, reserved, id, len (little endian)
NDL_HDR = struct.Struct("<4sBBHII")
NDL_HDR_LEN = 16
# A field: tag, len (little endian), then len bytes of data
NDL_FIELD_HDR = struct.Struct("<BI")
NDL_FIELD_HDR_LEN = 5
# Largest payload the agent accepts
NDL_MAX_PAYLOAD = 512 << 20
assert NDL_HDR.size == NDL_HDR_LEN
assert NDL_FIELD_HDR.size == NDL_FIELD_HDR_LEN

# enum ndl_msg: message types
NDL_MSG_EXEC = "X"          # host -> guest, answered with NDL_MSG_RESULT
NDL_MSG_KILL = "K"          # host -> guest, kills the exec of that id
NDL_MSG_PING = "P"          # host -> guest, answered with the uptime
NDL_MSG_POWEROFF = "O"      # host -> guest, answered, then power off
NDL_MSG_HELLO = "H"         # guest -> host, once, id 0, the uptime
NDL_MSG_RESULT = "R"        # guest -> host

# enum ndl_field: field tags of NDL_MSG_EXEC ...
NDL_FIELD_ARG = "a"
NDL_FIELD_ENV = "e"
NDL_FIELD_CWD = "c"
NDL_FIELD_TIMEOUT = "t"
NDL_FIELD_STDIN = "i"
# ... and of NDL_MSG_RESULT
NDL_FIELD_STATUS = "r"
NDL_FIELD_STDOUT = "o"
NDL_FIELD_STDERR = "e"


def frame(ftype, fid, payload=b""):
    return NDL_HDR.pack(NDL_MAGIC, ord(ftype), 0, 0, fid,
                        len(payload)) + payload


def field(tag, data):
    if isinstance(data, str):
        data = data.encode()
    return NDL_FIELD_HDR.pack(ord(tag), len(data)) + data


def parse_fields(payload):
    """The fields of a payload by tag, up to the first one cut short."""
    out = {}
    off = 0
    while off + NDL_FIELD_HDR_LEN <= len(payload):
        tag, flen = NDL_FIELD_HDR.unpack_from(payload, off)
        off += NDL_FIELD_HDR_LEN
        if flen > len(payload) - off:
            break
        out.setdefault(chr(tag), []).append(payload[off:off + flen])
        off += flen
    return out


class FrameReader:
    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        frames = []
        while len(self.buf) >= NDL_HDR_LEN:
            if self.buf[:len(NDL_MAGIC)] != NDL_MAGIC:
                # resynchronise on the next magic
                i = self.buf.find(NDL_MAGIC, 1)
                keep = len(NDL_MAGIC) - 1
                del self.buf[:i if i > 0 else max(len(self.buf) - keep, 1)]
                continue
            _, ftype, _, _, fid, flen = NDL_HDR.unpack_from(self.buf)
            if len(self.buf) < NDL_HDR_LEN + flen:
                break
            payload = bytes(self.buf[NDL_HDR_LEN:NDL_HDR_LEN + flen])
            del self.buf[:NDL_HDR_LEN + flen]
            frames.append((chr(ftype), fid, payload))
        return frames


# ---------------------------------------------------------------- hub

class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.sock.setblocking(False)
        self.reader = FrameReader()
        self.out = bytearray()
        self.ids = set()       # hub ids of requests still outstanding


class Hub:
    def __init__(self, qemu_path, listen_path, log):
        self.log = log
        self.sel = selectors.DefaultSelector()
        self.next_id = 1
        self.routes = {}        # hub id -> (conn, client id, type)
        deadline = time.monotonic() + 10
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(qemu_path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.up = Conn(s)
        self.sel.register(s, selectors.EVENT_READ, self.up)
        try:
            os.unlink(listen_path)
        except FileNotFoundError:
            pass
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        self.lsock.bind(listen_path)
        os.umask(old)
        self.lsock.listen(64)
        self.lsock.setblocking(False)
        self.sel.register(self.lsock, selectors.EVENT_READ, None)
        self.listen_path = listen_path

    def say(self, msg):
        if self.log:
            self.log.write("%.3f %s\n" % (time.monotonic(), msg))
            self.log.flush()

    def update(self, conn):
        ev = selectors.EVENT_READ
        if conn.out:
            ev |= selectors.EVENT_WRITE
        self.sel.modify(conn.sock, ev, conn)

    def send(self, conn, data):
        conn.out += data
        self.flush(conn)

    def flush(self, conn):
        try:
            while conn.out:
                n = conn.sock.send(conn.out)
                del conn.out[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            conn.out.clear()
            if conn is self.up:
                raise
            self.drop(conn)
            return
        if conn.sock.fileno() >= 0:
            self.update(conn)

    def drop(self, conn):
        if conn.sock.fileno() < 0:
            return
        for hid in list(conn.ids):
            _, _, ftype = self.routes.pop(hid, (None, None, None))
            if ftype == NDL_MSG_EXEC:
                self.say("client gone, killing %d" % hid)
                self.send(self.up, frame(NDL_MSG_KILL, hid))
        conn.ids.clear()
        self.sel.unregister(conn.sock)
        conn.sock.close()

    def from_client(self, conn, ftype, cid, payload):
        if ftype == NDL_MSG_KILL:
            for hid, (c, i, _) in self.routes.items():
                if c is conn and i == cid:
                    self.send(self.up, frame(NDL_MSG_KILL, hid))
            return
        hid = self.next_id
        self.next_id = (self.next_id % 0xfffffff0) + 1
        self.routes[hid] = (conn, cid, ftype)
        conn.ids.add(hid)
        self.send(self.up, frame(ftype, hid, payload))

    def from_guest(self, ftype, hid, payload):
        if ftype == NDL_MSG_HELLO:
            self.say("agent hello, guest uptime %s" % payload.decode())
            return
        route = self.routes.pop(hid, None)
        if not route:
            self.say("dropping reply %s for unknown id %d" % (ftype, hid))
            return
        conn, cid, _ = route
        conn.ids.discard(hid)
        if conn.sock.fileno() >= 0:
            self.send(conn, frame(ftype, cid, payload))

    def run(self):
        while True:
            for key, ev in self.sel.select():
                conn = key.data
                if conn is None:
                    try:
                        s, _ = self.lsock.accept()
                    except OSError:
                        continue
                    c = Conn(s)
                    self.sel.register(s, selectors.EVENT_READ, c)
                    continue
                if ev & selectors.EVENT_WRITE:
                    self.flush(conn)
                    if conn.sock.fileno() < 0:
                        continue
                if not ev & selectors.EVENT_READ:
                    continue
                try:
                    data = conn.sock.recv(1 << 20)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    if conn is self.up:
                        self.say("QEMU closed the agent socket, exiting")
                        return
                    self.drop(conn)
                    continue
                for ftype, fid, payload in conn.reader.feed(data):
                    if conn is self.up:
                        self.from_guest(ftype, fid, payload)
                    else:
                        self.from_client(conn, ftype, fid, payload)

    def close(self):
        try:
            os.unlink(self.listen_path)
        except OSError:
            pass


def cmd_hub(opts):
    log = open(opts["log"], "a", buffering=1) if opts.get("log") else sys.stderr
    hub = Hub(opts["qemu"], opts["listen"], log)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    pidfile = opts.get("pidfile")
    if pidfile:
        with open(pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    hub.say("hub ready on %s" % opts["listen"])
    try:
        hub.run()
    finally:
        hub.close()
    return 0


# ------------------------------------------------------------- clients

class ChannelError(Exception):
    pass


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError as e:
        s.close()
        raise ChannelError("cannot connect to %s: %s (is the lab running?)"
                           % (path, e.strerror))
    return s


def request(s, ftype, payload, deadline, alive=None):
    """Send one frame with id 1 and wait for the reply frame with id 1."""
    s.sendall(frame(ftype, 1, payload))
    reader = FrameReader()
    while True:
        left = deadline - time.monotonic() if deadline else None
        if left is not None and left <= 0:
            raise TimeoutError
        s.settimeout(min(left, 0.5) if left is not None else 0.5)
        try:
            data = s.recv(1 << 20)
        except socket.timeout:
            if alive and not alive():
                raise ChannelError("the lab VM is gone")
            continue
        if not data:
            raise ChannelError("the lab's agent channel closed")
        for ftype2, fid, payload2 in reader.feed(data):
            if fid == 1:
                return ftype2, payload2


def write_out(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BrokenPipeError:
            return
        view = view[n:]


def cmd_exec(opts, argv):
    timeout = int(opts.get("timeout", 300))
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root", "USER": "root", "LOGNAME": "root",
        "SHELL": "/bin/sh", "LANG": "C.UTF-8", "TERM": "dumb",
    }
    if opts.get("path"):
        env["PATH"] += ":" + opts["path"]
    for kv in opts.get("env", []):
        k, _, v = kv.partition("=")
        env[k] = v
    payload = b"".join(field(NDL_FIELD_ARG, a) for a in argv)
    payload += b"".join(field(NDL_FIELD_ENV, "%s=%s" % kv)
                        for kv in env.items())
    payload += field(NDL_FIELD_CWD, opts.get("cwd", "/"))
    if timeout > 0:
        payload += field(NDL_FIELD_TIMEOUT, str(timeout))
    if opts.get("stdin"):
        payload += field(NDL_FIELD_STDIN, sys.stdin.buffer.read())
    s = connect(opts["sock"])
    deadline = time.monotonic() + timeout + 10 if timeout > 0 else None
    try:
        ftype, reply = request(s, NDL_MSG_EXEC, payload, deadline)
    except TimeoutError:
        raise ChannelError("no answer from the guest within %d s" %
                           (timeout + 10))
    f = parse_fields(reply)
    write_out(1, b"".join(f.get(NDL_FIELD_STDOUT, [])))
    write_out(2, b"".join(f.get(NDL_FIELD_STDERR, [])))
    return int(f.get(NDL_FIELD_STATUS, [b"255"])[0])


def cmd_wait(opts):
    timeout = float(opts.get("timeout", 120))
    pid = int(opts["pid"]) if opts.get("pid") else None
    deadline = time.monotonic() + timeout

    def alive():
        # Not os.kill(pid, 0): a daemonized QEMU that exited stays a
        # zombie until init reaps it.
        if pid is None:
            return True
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")

    while True:
        if not alive():
            raise ChannelError("the lab VM exited while booting")
        try:
            s = connect(opts["sock"])
            break
        except ChannelError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        _, up = request(s, NDL_MSG_PING, b"", deadline, alive)
    except TimeoutError:
        raise ChannelError("the guest agent did not answer within %d s" %
                           timeout)
    print(up.decode())
    return 0


def cmd_poweroff(opts):
    s = connect(opts["sock"])
    try:
        request(s, NDL_MSG_POWEROFF, b"",
                time.monotonic() + float(opts.get("timeout", 10)))
    except (TimeoutError, ChannelError):
        pass
    return 0


def usage():
    sys.stderr.write(__doc__)
    return 2


def main(args):
    if not args:
        return usage()
    cmd, args = args[0], args[1:]
    opts = {"env": []}
    argv = []
    valued = {"--sock": "sock", "--qemu": "qemu", "--listen": "listen",
              "--log": "log", "--timeout": "timeout", "--cwd": "cwd",
              "--path": "path", "--pid": "pid", "--pidfile": "pidfile"}
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            argv = args[i + 1:]
            break
        if a in valued and i + 1 < len(args):
            opts[valued[a]] = args[i + 1]
            i += 2
        elif a == "-e" and i + 1 < len(args):
            opts["env"].append(args[i + 1])
            i += 2
        elif a in ("-i", "--stdin"):
            opts["stdin"] = True
            i += 1
        elif not a.startswith("-"):
            argv = args[i:]
            break
        else:
            sys.stderr.write("labctl: unknown option %s\n" % a)
            return 2
    try:
        if cmd == "hub":
            return cmd_hub(opts)
        if cmd == "exec":
            if not argv:
                return usage()
            return cmd_exec(opts, argv)
        if cmd == "wait":
            return cmd_wait(opts)
        if cmd == "poweroff":
            return cmd_poweroff(opts)
    except ChannelError as e:
        sys.stderr.write("ndiv-lab: %s\n" % e)
        return 255
    except KeyboardInterrupt:
        return 130
    return usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
