#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# A numbered UDP stream for the tunnel tests (test_ikev1_rekey.sh,
# test_ikev1_flood.sh): "send SRC DST PORT RATE SECONDS OUT" sends RATE
# datagrams a second, each carrying "FIPS" and its number, and writes
# "sent N" to OUT at the end; "recv BIND PORT SECONDS OUT" writes
# "received R unique U duplicates D" (and touches OUT.ready once bound).
# Lost = sent - unique received.
import socket, struct, sys, time

mode = sys.argv[1]
if mode == "recv":
    bind, port, seconds, out = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((bind, port))
    s.settimeout(0.5)
    seen, total, end = set(), 0, time.time() + seconds
    open(out + ".ready", "w").close()
    while time.time() < end:
        try:
            b = s.recv(2048)
        except socket.timeout:
            continue
        if len(b) >= 8 and b[:4] == b"FIPS":
            total += 1
            seen.add(struct.unpack("!I", b[4:8])[0])
    gaps, prev = [], -1
    for n in sorted(seen):
        if n > prev + 1:
            gaps.append("%d-%d" % (prev + 1, n - 1))
        prev = n
    with open(out, "w") as f:
        f.write("received %d unique %d duplicates %d\n" % (total, len(seen), total - len(seen)))
        if gaps:
            f.write("gaps (first 10; numbers sent at RATE a second) %s\n" % " ".join(gaps[:10]))
else:
    src, dst, port, rate, seconds, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    n, t0 = 0, time.time()
    pad = b"x" * 100
    while n < rate * seconds:
        due = t0 + n / rate
        d = due - time.time()
        if d > 0:
            time.sleep(d)
        try:
            s.sendto(b"FIPS" + struct.pack("!I", n) + pad, (dst, port))
        except OSError:
            pass  # counted as sent: the loss shows at the receiver
        n += 1
    with open(out, "w") as f:
        f.write("sent %d\n" % n)
