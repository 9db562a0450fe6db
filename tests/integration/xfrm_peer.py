#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic ends and the NAT-T socket of test_xfrm_interop.sh (IPv4 or IPv6).

serve ADDR PORT SECONDS READY
    Echo UDP datagrams and one TCP connection on ADDR:PORT; touch READY once
    listening; end when the TCP client has closed, or after SECONDS.
ask SRC DST PORT COUNT BYTES
    From SRC: COUNT numbered UDP datagrams to DST:PORT, each waiting up to
    1 s for its echo, then BYTES random bytes over TCP, the echo read back
    while sending.  Prints one JSON object: udp_sent, udp_echoed, tcp_sent,
    tcp_echoed, tcp_same (the echo is the bytes sent), error.
encap ADDR READY
    Hold a UDP socket on ADDR:4500 with UDP_ENCAP_ESPINUDP until killed, so
    that the kernel takes the ESP in UDP (RFC 3948) arriving there as ESP;
    touch READY once it is set.
"""
import json
import os
import select
import socket
import struct
import sys
import threading
import time

UDP_ENCAP = 100          # linux/udp.h
UDP_ENCAP_ESPINUDP = 2
UDP_SIZE = 1000          # each datagram: magic, number, padding


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def serve(addr, port, seconds, ready):
    fam = family(addr)
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((addr, port))
    t = socket.socket(fam, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(1)
    open(ready, 'w').close()
    end = time.time() + seconds
    conn = None
    while time.time() < end:
        socks = [u, conn if conn is not None else t]
        r, _, _ = select.select(socks, [], [], 0.2)
        if u in r:
            b, peer = u.recvfrom(65535)
            u.sendto(b, peer)
        if t in r and conn is None:
            conn, _ = t.accept()
            conn.settimeout(10)
        elif conn is not None and conn in r:
            b = conn.recv(65536)
            if not b:
                conn.close()
                return 0
            conn.sendall(b)
    return 1


def ask(src, dst, port, count, nbytes):
    fam = family(dst)
    res = {'udp_sent': count, 'udp_echoed': 0, 'tcp_sent': nbytes, 'tcp_echoed': 0,
           'tcp_same': False, 'error': None}
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((src, 0))
    for n in range(count):
        msg = b'FIPX' + struct.pack('!I', n) + bytes(UDP_SIZE - 8)
        u.sendto(msg, (dst, port))
        end = time.time() + 1.0
        while time.time() < end:
            u.settimeout(max(end - time.time(), 0.01))
            try:
                b = u.recv(65535)
            except socket.timeout:
                break
            if b == msg:  # an echo of an earlier one that came late is not this one
                res['udp_echoed'] += 1
                break
    blob = os.urandom(nbytes)
    got = bytearray()
    try:
        t = socket.create_connection((dst, port), timeout=10, source_address=(src, 0))
        t.settimeout(20)

        def push():
            try:
                t.sendall(blob)
                t.shutdown(socket.SHUT_WR)
            except OSError as e:
                res['error'] = 'send: %s' % e

        th = threading.Thread(target=push)
        th.start()
        while True:
            b = t.recv(65536)
            if not b:
                break
            got += b
        th.join()
        t.close()
    except OSError as e:
        res['error'] = 'tcp: %s' % e
    res['tcp_echoed'] = len(got)
    res['tcp_same'] = bytes(got) == blob
    print(json.dumps(res))
    return 0


def encap(addr, ready):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, 4500))
    s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    open(ready, 'w').close()
    while True:
        time.sleep(3600)


def main():
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == 'serve':
        return serve(a[1], int(a[2]), float(a[3]), a[4])
    if len(a) == 6 and a[0] == 'ask':
        return ask(a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
    if len(a) == 3 and a[0] == 'encap':
        return encap(a[1], a[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
