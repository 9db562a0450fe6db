#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""IKE-looking datagrams for tests/integration/test_ike_punt.sh, made with scapy.

usage: ike_punt.py send IFACE GW_MAC SRC DST KIND COUNT
       ike_punt.py hold TID SECONDS

send: COUNT frames of KIND from SRC to DST (IPv4 or IPv6) out of IFACE:
  v1_500     an IKEv1 main mode header (RFC 2408 §3.1) and an SA payload's worth, UDP 500
  v1_4500    the same behind the non-ESP marker (RFC 3948 §2.2), UDP 4500
  v2_500     an IKEv2 IKE_SA_INIT header (RFC 7296 §3.1), UDP 500
  short_500  12 bytes on UDP 500: too short for an ISAKMP header
  keepalive  a NAT-keepalive (RFC 3948 §2.3): one byte 0xff, UDP 4500
  badsum_500 v1_500 with a wrong UDP checksum
  big_500    an IKEv1 message of 3000 bytes on UDP 500, sent as IPv6 fragments of 1280
             (IPv6 only: the fragments reach the gateway's reassembly, beyond one mbuf)
hold: stop thread TID (ptrace seize + interrupt: that thread alone) for SECONDS, or until
  SIGTERM, then let it go.
"""
import ctypes
import os
import signal
import sys
import time

from scapy.all import Ether, IP, IPv6, IPv6ExtHdrFragment, UDP, Raw, fragment6, sendp, conf

conf.verb = 0

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207


def isakmp(version, exchange, body=44):
    hdr = os.urandom(8) + bytes(8) + bytes([1, version, exchange, 0]) + bytes(4)
    return hdr + (28 + body).to_bytes(4, 'big') + bytes(body)


def frames(gw_mac, src, dst, kind):
    if kind != 'big_500':
        return [frame(gw_mac, src, dst, kind)]
    if ':' not in src:
        raise SystemExit('big_500 is IPv6 only')
    p = IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(id=int.from_bytes(os.urandom(4), 'big')) / \
        UDP(sport=500, dport=500) / Raw(isakmp(0x10, 2, 3000 - 28))
    return [Ether(dst=gw_mac) / f for f in fragment6(p, 1280)]


def frame(gw_mac, src, dst, kind):
    ip = IPv6(src=src, dst=dst) if ':' in src else IP(src=src, dst=dst)
    if kind == 'v1_500':
        return Ether(dst=gw_mac) / ip / UDP(sport=500, dport=500) / Raw(isakmp(0x10, 2))
    if kind == 'badsum_500':
        return Ether(dst=gw_mac) / ip / UDP(sport=500, dport=500, chksum=0x1234) / Raw(isakmp(0x10, 2))
    if kind == 'v1_4500':
        return Ether(dst=gw_mac) / ip / UDP(sport=4500, dport=4500) / Raw(bytes(4) + isakmp(0x10, 2))
    if kind == 'v2_500':
        return Ether(dst=gw_mac) / ip / UDP(sport=500, dport=500) / Raw(isakmp(0x20, 34))
    if kind == 'short_500':
        return Ether(dst=gw_mac) / ip / UDP(sport=500, dport=500) / Raw(bytes(12))
    if kind == 'keepalive':
        return Ether(dst=gw_mac) / ip / UDP(sport=4500, dport=4500) / Raw(b'\xff')
    raise SystemExit('unknown kind ' + kind)


def hold(tid, seconds):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    libc.ptrace.restype = ctypes.c_long
    if libc.ptrace(PTRACE_SEIZE, tid, None, None) != 0 or \
            libc.ptrace(PTRACE_INTERRUPT, tid, None, None) != 0:
        raise SystemExit('ptrace: ' + os.strerror(ctypes.get_errno()))
    os.waitpid(tid, 0x40000000)  # __WALL: the thread is stopped
    # SIGTERM lets it go early (the test is done with it).
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print('held', flush=True)
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        pass
    libc.ptrace(PTRACE_DETACH, tid, None, None)
    return 0


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == 'hold':
        return hold(int(a[1]), float(a[2]))
    if len(a) != 7 or a[0] != 'send':
        print(__doc__, file=sys.stderr)
        return 2
    iface, gw_mac, src, dst, kind, count = a[1:]
    for _ in range(int(count)):
        sendp(frames(gw_mac, src, dst, kind), iface=iface)
    return 0


if __name__ == '__main__':
    sys.exit(main())
