#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# The main-mode flood of test_ikev1_flood.sh, run inside the peer's
# namespace on its end of the gateway's outside link.
#
#   flood IFACE GW_MAC GW4 GW6 PLAN RATE OUT
#       Sends IKEv1 main-mode first messages (MM1), built with scapy: an SA
#       payload with one proposal the gateway accepts (aes128-sha256-
#       modp2048, PSK) and strongSwan's vendor IDs (XAuth, DPD, NAT-T RFC
#       3947), each with a fresh initiator cookie, from spoofed sources.
#       PLAN is a comma list of FIRST/COUNT/EACH[/burst]: COUNT consecutive
#       source addresses from FIRST (IPv4 or IPv6), EACH messages per
#       source, spread over the whole run (or, with /burst, back to back).
#       The groups are interleaved evenly, at RATE messages a second (0: as
#       fast as the socket takes them).
#       OUT gets "sent N sources S seconds T rate R end E" (E: the time of
#       the last message, seconds since the epoch).
#   flood2 IFACE GW_MAC GW4 GW6 PLAN RATE OUT
#       The same with IKEv2 IKE_SA_INIT requests (test_ikev2_flood.sh), built
#       with scapy: one proposal aes128-sha256-curve25519 (ENCR_AES_CBC 128,
#       PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, group 31), KE the X25519
#       base point (a valid public value: the gateway's DH works), a nonce;
#       a fresh SPIi each, no cookie (the spoofed sources never see one).
#   sink IFACE ARP_FIRST ARP_COUNT OUT SECONDS
#       Answers ARP requests for ARP_COUNT addresses from ARP_FIRST with a
#       MAC no host has (so the peer's kernel drops the frames sent to
#       them as not its own) and counts the IKE datagrams (UDP source port
#       500) that arrive for any address but the peer's own: OUT gets
#       "mm2 N destinations D max_per_destination M arp A" and a line per
#       destination "dst count"; OUT.ready once it listens.  It ends after
#       SECONDS or on SIGTERM.
import ipaddress
import os
import signal
import socket
import struct
import sys
import time

from scapy.contrib.ikev2 import (IKEv2, IKEv2_payload_KE, IKEv2_payload_Nonce,
                                 IKEv2_payload_Proposal, IKEv2_payload_SA,
                                 IKEv2_payload_Transform)
from scapy.layers.isakmp import (ISAKMP, ISAKMP_payload_Proposal, ISAKMP_payload_SA,
                                 ISAKMP_payload_Transform, ISAKMP_payload_VendorID)

ETH_P_ALL = 0x0003
ETH_P_ARP = 0x0806
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
FAKE_MAC = bytes.fromhex("02000000f100")
COOKIE_OFF = 0  # the initiator cookie opens the ISAKMP header (RFC 2408 section 3.1)

# strongSwan 5.9's main-mode vendor IDs: XAuth, DPD (RFC 3706), NAT-T (RFC 3947).
VIDS = [bytes.fromhex("09002689dfd6b712"), bytes.fromhex("afcad71368a1f1c96b8696fc77570100"),
        bytes.fromhex("4a131c81070358455c5728f20e95452f")]


def mm1_template():
    """The ISAKMP bytes of one MM1; the cookie is patched per message."""
    t = ISAKMP_payload_Transform(num=1, id=1, transforms=[
        ("Encryption", "AES-CBC"), ("KeyLength", 128), ("Hash", "SHA2-256"),
        ("Authentication", "PSK"), ("GroupDesc", "2048MODPgr"),
        ("LifeType", "Seconds"), ("LifeDuration", 14400)])
    p = ISAKMP_payload_Proposal(proposal=1, proto=1, trans_nb=1, trans=t)
    m = ISAKMP(init_cookie=b"\0" * 8, resp_cookie=b"\0" * 8, exch_type=2, next_payload=1) / \
        ISAKMP_payload_SA(prop=p)
    for v in VIDS:
        m = m / ISAKMP_payload_VendorID(load=v)
    return bytes(m)


def ike_sa_init_template():
    """The IKEv2 bytes of one IKE_SA_INIT request; the SPIi is patched per message.
    Next Payload is given for each payload: scapy 2.5 does not chain them right."""
    t = (IKEv2_payload_Transform(transform_type="Encryption", transform_id=12, length=12,
                                 key_length=128) /
         IKEv2_payload_Transform(transform_type="PRF", transform_id=5) /
         IKEv2_payload_Transform(transform_type="Integrity", transform_id=12) /
         IKEv2_payload_Transform(transform_type="GroupDesc", transform_id=31))
    p = IKEv2_payload_Proposal(proposal=1, proto="IKEv2", trans_nb=4, trans=t)
    m = IKEv2(init_SPI=b"\0" * 8, resp_SPI=b"\0" * 8, exch_type=34, flags="Initiator") / \
        IKEv2_payload_SA(next_payload=34, prop=p) / \
        IKEv2_payload_KE(next_payload=40, group=31, load=bytes([9]) + bytes(31)) / \
        IKEv2_payload_Nonce(next_payload=0, load=bytes(range(0xA0, 0xC0)))
    return bytes(m)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frame(gw_mac, my_mac, src, dst, ike):
    ulen = 8 + len(ike)
    if src.version == 4:
        ph = src.packed + dst.packed + struct.pack("!BBH", 0, 17, ulen)
    else:
        ph = src.packed + dst.packed + struct.pack("!IxxxB", ulen, 17)
    c = 0xFFFF - csum(ph + struct.pack("!HHHH", 500, 500, ulen, 0) + ike)
    udp = struct.pack("!HHHH", 500, 500, ulen, c or 0xFFFF) + ike
    if src.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
        return gw_mac + my_mac + struct.pack("!H", ETH_P_IP) + ip + udp
    ip = struct.pack("!IHBB16s16s", 6 << 28, ulen, 17, 64, src.packed, dst.packed)
    return gw_mac + my_mac + struct.pack("!H", ETH_P_IPV6) + ip + udp


def flood(iface, gw_mac, gw4, gw6, plan, rate, out, v2=False):
    gw_mac = bytes.fromhex(gw_mac.replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    my_mac = s.getsockname()[4]
    tmpl = bytearray(ike_sa_init_template() if v2 else mm1_template())
    gws = {4: ipaddress.ip_address(gw4), 6: ipaddress.ip_address(gw6)}
    # (position in the run, source): each group's messages spread evenly.
    order, nsrc = [], 0
    for part in plan.split(","):
        f = part.split("/")
        a, count, each = ipaddress.ip_address(f[0]), int(f[1]), int(f[2])
        nsrc += count
        if len(f) > 3 and f[3] == "burst":
            order += [((j + 0.5) / count, a + j) for j in range(count) for _ in range(each)]
        else:
            order += [((k + 0.5) / (count * each), a + k % count) for k in range(count * each)]
    order.sort(key=lambda x: x[0])
    frames = []
    for n, (_, a) in enumerate(order):
        tmpl[COOKIE_OFF:COOKIE_OFF + 8] = struct.pack("!II", 0xF100D000, n + 1)
        frames.append(frame(gw_mac, my_mac, a, gws[a.version], bytes(tmpl)))
    t0 = time.time()
    for i, f in enumerate(frames):
        if rate:
            d = t0 + i / rate - time.time()
            if d > 0:
                time.sleep(d)
        while True:
            try:
                s.send(f)
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError as e:
                if e.errno != 105:  # ENOBUFS: the qdisc is full, try again
                    raise
                time.sleep(0.001)
    t1 = time.time()
    dt = t1 - t0
    with open(out, "w") as fo:
        fo.write("sent %d sources %d seconds %.2f rate %d end %.3f\n" % (
            len(frames), nsrc, dt, len(frames) / max(dt, 1e-3), t1))


def sink(iface, arp_first, arp_count, out, seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.settimeout(0.2)
    own = set()
    for ln in os.popen("ip -o addr show dev %s" % iface).read().splitlines():
        own.add(ipaddress.ip_interface(ln.split()[3]).ip.packed)
    first = int(ipaddress.ip_address(arp_first))
    arp_set = {(ipaddress.ip_address(first + i)).packed for i in range(int(arp_count))}
    counts, arps = {}, 0
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    open(out + ".ready", "w").close()
    end = time.time() + seconds
    while not stop[0] and time.time() < end:
        try:
            b, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] == PACKET_OUTGOING or len(b) < 14:
            continue
        et = struct.unpack("!H", b[12:14])[0]
        if et == ETH_P_ARP and len(b) >= 42 and b[20:22] == b"\0\1" and b[38:42] in arp_set:
            rep = (b[6:12] + FAKE_MAC + b[12:14] + b[14:20] + b"\0\2" + FAKE_MAC + b[38:42] +
                   b[22:28] + b[28:32])
            s.send(rep)
            arps += 1
            continue
        if et == ETH_P_IP and len(b) >= 42 and b[23] == 17:
            ihl = (b[14] & 15) * 4
            dst, l4 = b[30:34], 14 + ihl
        elif et == ETH_P_IPV6 and len(b) >= 62 and b[20] == 17:
            dst, l4 = b[38:54], 54
        else:
            continue
        if len(b) < l4 + 8 or struct.unpack("!H", b[l4:l4 + 2])[0] != 500 or dst in own:
            continue
        counts[dst] = counts.get(dst, 0) + 1
    with open(out + ".tmp", "w") as fo:
        fo.write("mm2 %d destinations %d max_per_destination %d arp %d\n" % (
            sum(counts.values()), len(counts), max(counts.values(), default=0), arps))
        for d, c in sorted(counts.items()):
            fo.write("%s %d\n" % (ipaddress.ip_address(d), c))
    os.rename(out + ".tmp", out)


if __name__ == "__main__":
    if sys.argv[1] in ("flood", "flood2"):
        flood(*sys.argv[2:7], int(sys.argv[7]), sys.argv[8], v2=sys.argv[1] == "flood2")
    elif sys.argv[1] == "sink":
        sink(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6]))
    else:
        sys.exit("usage: ike_flood.py flood|flood2|sink ...")
