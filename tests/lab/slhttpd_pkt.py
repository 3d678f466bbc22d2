#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted TCP segments against slhttpd in the lab (tests/lab/slhttpd.sh).

Runs on the host side of the lab's tap, in its namespace, with scapy. The
frames go out on $NDIV_LAB_HOST_DEV from addresses of the lab's subnets
that the host does not have, so the host stack neither answers the
replies with RSTs nor sees them as its own.

Every probe is followed by a *barrier*: a valid SYN on the same 4-tuple
(same NIC queue, processed in order), whose SYN-ACK ends the wait. A reply
to a probe would have arrived before it; the wait is bounded (10 s).

  slhttpd_pkt.py synack     SYNs with several option sets, IPv4 and IPv6:
                            the SYN-ACK's options must match the offer
  slhttpd_pkt.py spoof N    N requests (ACK+payload) with random seq/ack,
                            no handshake: no answer may come
  slhttpd_pkt.py spoof-rst N  the same, with "invalid rst": each must get
                            a RST at the spoofed acknowledgement
  slhttpd_pkt.py badcsum    bad TCP (IPv4, IPv6) and IPv4 header checksums:
                            no answer; prints how many were sent
  slhttpd_pkt.py malformed  bad data offsets, bad options, truncated IP:
                            no answer; prints how many were sent
  slhttpd_pkt.py pcap FILE MSS
                            checks slhttpd's segments in a capture of a
                            client without timestamps, SACK or window
                            scaling that offered MSS: payloads <= MSS, no
                            options but MSS; prints a summary

Exit status 0 when every check held; failures are printed one per line.
"""
import ipaddress
import os
import random
import select
import struct
import sys
import time

from scapy.all import IP, TCP, Ether, IPv6, Raw, conf, rdpcap

conf.verb = 0

IFACE = os.environ['NDIV_LAB_HOST_DEV']
GUEST4 = os.environ['NDIV_LAB_GUEST_IP']
GUEST6 = os.environ['NDIV_LAB_GUEST_IP6']
GUEST_MAC = os.environ['NDIV_LAB_GUEST_MAC']
with open('/sys/class/net/%s/address' % IFACE) as _f:
    HOST_MAC = _f.read().strip()
# On the lab's subnets, not on the host: replies are dropped there quietly.
SPOOF4 = '198.18.0.77'
SPOOF6 = '2001:2::77'
PORT = 80
REQUEST = b'GET /?s=100 HTTP/1.1\r\nHost: slhttpd\r\n\r\n'
WAIT = 10.0

errors = []


def fail(msg):
    errors.append(msg)


def sport():
    return random.randrange(20000, 60000)


def rand32():
    return random.getrandbits(32)


def ip_of(fam):
    return (SPOOF4, GUEST4) if fam == 4 else (SPOOF6, GUEST6)


def l3(fam, **kw):
    src, dst = ip_of(fam)
    if fam == 4:
        return Ether(src=HOST_MAC, dst=GUEST_MAC) / IP(src=src, dst=dst, **kw)
    return Ether(src=HOST_MAC, dst=GUEST_MAC) / IPv6(src=src, dst=dst, **kw)


def syn(fam, sp, seq, options=None):
    return l3(fam) / TCP(sport=sp, dport=PORT, flags='S', seq=seq,
                         window=64240, options=options or [])


def csum16(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_bytes(fam, sp, seq, ack, flags, opts=b'', payload=b'', doff=None):
    """A TCP header + payload with a correct checksum and any data offset."""
    hlen = 20 + len(opts)
    if doff is None:
        doff = hlen // 4
    hdr = struct.pack('!HHIIBBHHH', sp, PORT, seq, ack, doff << 4, flags,
                      64240, 0, 0) + opts
    seg = hdr + payload
    src, dst = ip_of(fam)
    if fam == 4:
        pseudo = (bytes(map(int, src.split('.'))) +
                  bytes(map(int, dst.split('.'))) +
                  struct.pack('!BBH', 0, 6, len(seg)))
    else:
        pseudo = (ipaddress.IPv6Address(src).packed +
                  ipaddress.IPv6Address(dst).packed +
                  struct.pack('!IxxxB', len(seg), 6))
    c = csum16(pseudo + seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]


class Wire:
    """One packet socket on the tap: sends frames, reads the guest's."""

    def __init__(self):
        self.sock = conf.L2socket(iface=IFACE)

    def send(self, frame):
        self.sock.send(frame)

    def exchange(self, probes, tuples):
        """Sends the probe frames, then a barrier SYN on each (fam, sport)
        of tuples; returns the guest's TCP segments that arrived before
        every barrier was answered, barrier SYN-ACKs left out. None (and a
        failure) if a barrier is not answered within WAIT."""
        for p in probes:
            self.send(p)
        pending = {}
        for fam, sp in tuples:
            seq = rand32()
            pending[(fam, sp)] = seq
            self.send(syn(fam, sp, seq, [('MSS', 1460)]))
        got = []
        deadline = time.monotonic() + WAIT
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                fail('barrier SYN-ACK missing for %s' % sorted(pending))
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            pkt = self.sock.recv()
            if pkt is None or TCP not in pkt or pkt.src != GUEST_MAC:
                continue
            t = pkt[TCP]
            fam = 4 if IP in pkt else 6
            key = (fam, t.dport)
            if (key in pending and t.flags == 'SA' and
                    t.ack == (pending[key] + 1) & 0xffffffff):
                del pending[key]
                continue
            got.append(pkt)
        return got


def opts_of(t):
    return {name: val for name, val in t.options}


def check_synack(w, fam, offer, want):
    """Sends a SYN offering options offer; want: option names expected in
    the SYN-ACK (besides MSS, always there)."""
    sp, seq = sport(), rand32()
    w.send(syn(fam, sp, seq, offer))
    what = 'IPv%d SYN offering %s' % (fam, [o[0] for o in offer] or 'nothing')
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        r, _, _ = select.select([w.sock], [], [],
                                max(0, deadline - time.monotonic()))
        if not r:
            continue
        pkt = w.sock.recv()
        if (pkt is None or TCP not in pkt or pkt.src != GUEST_MAC or
                pkt[TCP].dport != sp):
            continue
        t = pkt[TCP]
        src, dst = ip_of(fam)
        ipl = pkt[IP] if fam == 4 else pkt[IPv6]
        if (ipl.src, ipl.dst, t.sport) != (dst, src, PORT):
            fail('%s: reply %s -> %s:%d' % (what, ipl.src, ipl.dst, t.sport))
        if t.flags != 'SA':
            fail('%s: flags %s, want SA' % (what, t.flags))
        if t.ack != (seq + 1) & 0xffffffff:
            fail('%s: ack %d, want %d' % (what, t.ack, seq + 1))
        if t.window != 65535:
            fail('%s: window %d, want 65535' % (what, t.window))
        o = opts_of(t)
        names = set(o) - {'NOP', 'EOL'}
        if names != {'MSS'} | set(want):
            fail('%s: SYN-ACK options %s, want %s' %
                 (what, sorted(names), sorted({'MSS'} | set(want))))
        mss_max = 1460 if fam == 4 else 1440
        if not 536 <= o.get('MSS', 0) <= mss_max:
            fail('%s: MSS %s, want 536..%d' % (what, o.get('MSS'), mss_max))
        if 'Timestamp' in o:
            ours = dict(offer).get('Timestamp')
            if o['Timestamp'][1] != ours[0]:
                fail('%s: TSecr %d, want our TSval %d' %
                     (what, o['Timestamp'][1], ours[0]))
            # TSval = 1 + (C << 16 | Xr >> 4), C = 0 and Xr = 4*m < 16.
            if o['Timestamp'][0] != 1:
                fail('%s: TSval %d, want 1' % (what, o['Timestamp'][0]))
        return
    fail('%s: no SYN-ACK within %.0f s' % (what, WAIT))


def cmd_synack(w):
    ts = ('Timestamp', (123456789, 0))
    full = [('MSS', 1460), ('SAckOK', b''), ts, ('NOP', None),
            ('WScale', 7)]
    check_synack(w, 4, full, ['SAckOK', 'Timestamp'])
    check_synack(w, 4, [], [])
    check_synack(w, 4, [('MSS', 536), ts], ['Timestamp'])
    check_synack(w, 4, [('MSS', 1400), ('NOP', None), ('WScale', 2),
                        ('SAckOK', b'')], ['SAckOK'])
    check_synack(w, 6, [('MSS', 1440), ('SAckOK', b''), ts,
                        ('NOP', None), ('WScale', 7)],
                 ['SAckOK', 'Timestamp'])
    check_synack(w, 6, [('MSS', 1220)], [])
    if not errors:
        print('6 SYNs answered as offered')


def spoofed(fam, sp):
    """A request with no handshake behind it: random seq and ack, half of
    them with timestamps."""
    seq, ack = rand32(), rand32()
    opts = [('NOP', None), ('NOP', None),
            ('Timestamp', (rand32(), rand32()))] if sp % 2 else []
    return l3(fam) / TCP(sport=sp, dport=PORT, flags='PA', seq=seq, ack=ack,
                         window=64240, options=opts) / Raw(REQUEST), ack


def cmd_spoof(w, n, expect_rst):
    probes, tuples, acks = [], [], {}
    for i in range(n):
        fam = 4 if i % 2 == 0 else 6
        sp = sport()
        frame, ack = spoofed(fam, sp)
        probes.append(frame)
        tuples.append((fam, sp))
        acks[(fam, sp)] = ack
    got = w.exchange(probes, tuples)
    if got is None:
        return
    rsts = {}
    for pkt in got:
        t = pkt[TCP]
        key = (4 if IP in pkt else 6, t.dport)
        plen = len(bytes(t.payload))
        # Ethernet padding of short frames is not payload
        if IP in pkt:
            plen = max(0, min(plen, pkt[IP].len - pkt[IP].ihl * 4 -
                              t.dataofs * 4))
        if plen:
            fail('spoofed request got %d bytes of data: %r' %
                 (plen, bytes(t.payload)[:60]))
        elif expect_rst and key in acks and 'R' in t.flags:
            rsts[key] = t
        else:
            fail('spoofed request got a %s segment' % t.flags)
    if expect_rst:
        for key, ack in acks.items():
            t = rsts.get(key)
            if t is None:
                fail('no RST for the spoofed request from port %d' % key[1])
            elif t.seq != ack:
                fail('RST seq %d, want the spoofed ack %d' % (t.seq, ack))
    print('%d spoofed requests' % n)


def cmd_badcsum(w):
    probes, tuples = [], []
    for fam, flags, payload in ((4, 0x02, b''), (6, 0x02, b''),
                                (4, 0x18, REQUEST), (6, 0x18, REQUEST)):
        sp = sport()
        seg = bytearray(tcp_bytes(fam, sp, rand32(),
                                  rand32() if flags & 0x10 else 0, flags,
                                  b'\x02\x04\x05\xb4', payload))
        seg[16] ^= 0x5a  # checksum off
        probes.append(l3(fam, proto=6) / Raw(bytes(seg))
                      if fam == 4 else l3(fam, nh=6) / Raw(bytes(seg)))
        tuples.append((fam, sp))
    # IPv4 header checksum wrong, TCP fine
    sp = sport()
    seg = tcp_bytes(4, sp, rand32(), 0, 0x02, b'\x02\x04\x05\xb4')
    frame = Ether(bytes(l3(4, proto=6) / Raw(seg)))
    frame[IP].chksum ^= 0x5a5a
    probes.append(frame)
    tuples.append((4, sp))
    got = w.exchange(probes, tuples)
    if got:
        for pkt in got:
            fail('bad checksum answered: %s' % pkt.summary())
    print(len(probes))


def cmd_malformed(w):
    mss = b'\x02\x04\x05\xb4'
    cases = [('data offset 4', b'', 4, 0),
             ('data offset past the segment', b'', 15, 0),
             ('MSS of length 3', b'\x02\x03\x05\xb4', None, 0),
             ('option of length 0', b'\x08\x00\x01\x01', None, 0),
             ('option past the header', mss + b'\x01\x01\x08\x0a', None, 0),
             ('timestamps of length 6', b'\x08\x06\0\0\0\x01\x01\x01', None,
              0),
             ('SACK-permitted of length 3', b'\x04\x03\x01\x01', None, 0),
             ('IP length beyond the frame', mss, None, 40),
             ('IP length inside the TCP header', mss, None, -14)]
    probes, tuples, names = [], [], {}
    for name, opts, doff, extra in cases:
        sp = sport()
        seg = tcp_bytes(4, sp, rand32(), 0, 0x02, opts, b'', doff)
        if extra < 0:
            seg = seg[:len(seg) + extra]
        pkt = l3(4, proto=6) / Raw(seg)
        if extra:
            pkt[IP].len = 20 + len(seg) + max(extra, 0)
        probes.append(pkt)
        tuples.append((4, sp))
        names[sp] = name
    got = w.exchange(probes, tuples)
    for pkt in got or []:
        fail('%s answered: %s' % (names.get(pkt[TCP].dport, '?'),
                                  pkt.summary()))
    print(len(probes))


def cmd_pcap(path, mss):
    segs = synacks = data = 0
    biggest = 0
    for pkt in rdpcap(path):
        if TCP not in pkt or pkt[TCP].sport != PORT:
            continue
        t = pkt[TCP]
        segs += 1
        o = opts_of(t)
        names = set(o) - {'NOP', 'EOL'}
        n = len(bytes(t.payload))
        # Ethernet padding of short frames is not payload
        if IP in pkt:
            n = max(0, min(n, pkt[IP].len - pkt[IP].ihl * 4 - t.dataofs * 4))
        biggest = max(biggest, n)
        if t.flags & 0x02:
            synacks += 1
            if names != {'MSS'}:
                fail('SYN-ACK options %s, want MSS only' % sorted(names))
        elif names:
            fail('%s segment with options %s' % (t.flags, sorted(names)))
        if n > mss:
            fail('segment of %d bytes, MSS %d' % (n, mss))
        data += n > 0
    if not synacks or not data:
        fail('capture has %d SYN-ACKs and %d data segments' %
             (synacks, data))
    print('%d segments from slhttpd, %d SYN-ACKs, largest payload %d' %
          (segs, synacks, biggest))


def main():
    random.seed()
    cmd = sys.argv[1]
    if cmd == 'pcap':
        cmd_pcap(sys.argv[2], int(sys.argv[3]))
    else:
        w = Wire()
        if cmd == 'synack':
            cmd_synack(w)
        elif cmd in ('spoof', 'spoof-rst'):
            cmd_spoof(w, int(sys.argv[2]), cmd == 'spoof-rst')
        elif cmd == 'badcsum':
            cmd_badcsum(w)
        elif cmd == 'malformed':
            cmd_malformed(w)
        else:
            sys.exit('unknown command %s' % cmd)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
