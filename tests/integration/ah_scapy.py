#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# tests/integration/ah_scapy.py: scapy's second opinion on fastipsec's AH packets, and AH packets for it.
"""
Usage: ah_scapy.py OURS OUT

OURS holds the lines of `ah_xcheck gen`:
    case kw mode outer inner esn spi auth_key inner wire
For each packet, scapy verifies our wire and must get the inner packet
back; it verifies it again after a "router" changed the mutable fields
(TTL / hop limit, DSCP, IPv4 DF and Record Route option, IPv6 flow label;
RFC 4302 3.3.3.1 and Appendix A).  The
AH header itself is checked here: payload length, reserved, SPI, zero ICV
padding to 32 bits (IPv4) or 64 bits (IPv6).  Then scapy protects the same
inner packet with the same SA, the router changes it, and "case inner
wire" goes to OUT for `ah_xcheck check` (inner as fastipsec must deliver
it: transport mode keeps the changed mutable fields).

scapy 2.5 has no AES-GMAC for AH: those cases are computed here with
python3-cryptography (GMAC = AES-GCM over an empty plaintext, the packet
with mutable fields and ICV zeroed as AAD, nonce salt || IV; RFC 4543 5),
with the zeroing written here independently of scapy and of fastipsec.

IPv6 transport-mode packets may carry extension headers (hop-by-hop,
routing, destination options) with options whose data may change en route
(type bit 0x20, zeroed for the ICV: RFC 4302 3.3.3.1.2.1): scapy's
split_for_transport() says where AH goes (as Linux does), fastipsec must
put it there too, and the "router" also changes that data in the
hop-by-hop header.
"""
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.compat import raw
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import AH, SecurityAssociation, split_for_transport
from scapy.utils import checksum

ADDR = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
AUTH = {"sha1": ("HMAC-SHA1-96", 12), "sha256": ("SHA2-256-128", 16),
        "sha384": ("SHA2-384-192", 24), "sha512": ("SHA2-512-256", 32),
        "aes128gmac": (None, 16)}
FAILS = 0


def report(ok, what):
    global FAILS
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        FAILS += 1


IMMUTABLE_V4_OPTS = (0, 1, 130, 133, 134, 148, 149)  # RFC 4302 Appendix A.1


EXT_HDRS = (0, 43, 60)  # hop-by-hop, routing, destination options (RFC 8200 4)


def front(wire):
    """(bytes in front of what follows the IP headers, offset of the byte naming it)."""
    if wire[0] >> 4 == 4:
        return (wire[0] & 0xF) * 4, 9
    off, nh_off = 40, 6
    while wire[nh_off] in EXT_HDRS:
        nh_off = off
        off += (wire[off + 1] + 1) * 8
    return off, nh_off


def l3_len(wire):
    return front(wire)[0]


def v6_opts(b, end):
    """(header type, offset, option type, data length) of each IPv6 option in front of end."""
    nh, off = b[6], 40
    while off < end and nh in EXT_HDRS:
        hlen = (b[off + 1] + 1) * 8
        i = off + 2
        while nh != 43 and i < off + hlen:
            if b[i] == 0:  # Pad1
                i += 1
                continue
            yield nh, i, b[i], b[i + 1]
            i += 2 + b[i + 1]
        nh, off = b[off], off + hlen


def v4_csum(b, l3):
    b[10:12] = b"\0\0"
    b[10:12] = struct.pack("!H", checksum(bytes(b[:l3])))


def v4_opts(b):
    """(offset, type, length) of each IPv4 option but NOP and what follows EOL."""
    i, l3 = 20, l3_len(b)
    while i < l3 and b[i] != 0:
        if b[i] == 1:
            i += 1
            continue
        yield i, b[i], b[i + 1]
        i += b[i + 1]


def router(wire):
    """What a router may change (RFC 4302 3.3.3.1): never covered by the ICV."""
    b = bytearray(wire)
    if b[0] >> 4 == 4:
        b[8] -= 1                    # TTL
        b[1] = (0x2e << 2) | (b[1] & 3)  # DSCP EF, ECN kept
        b[6] |= 0x40                 # DF
        for i, t, n in v4_opts(b):
            if t == 7 and b[i + 2] + 3 <= n:  # Record Route: add our address
                p = b[i + 2]
                b[i + p - 1:i + p + 3] = bytes([198, 51, 100, 254])
                b[i + 2] = p + 4
        v4_csum(b, l3_len(b))
    else:
        b[7] -= 1                    # hop limit
        vtc = struct.unpack("!I", b[0:4])[0]
        vtc = (vtc & 0xF0300000) | (0x2e << 22) | 0x13579  # DSCP EF, ECN kept, flow label
        b[0:4] = struct.pack("!I", vtc)
        for nh, i, t, n in list(v6_opts(b, front(b)[0])):
            if nh == 0 and t & 0x20:  # hop-by-hop option data that may change en route
                b[i + 2:i + 2 + n] = bytes(x ^ 0x5A for x in b[i + 2:i + 2 + n])
    return bytes(b)


class Case:
    def __init__(self, f):
        self.idx, self.kw, self.mode = int(f[0]), f[1], f[2]
        self.outer, self.inner_v = int(f[3]), int(f[4])
        self.esn = f[5] == "1"
        self.spi = int(f[6], 16)
        self.auth = bytes.fromhex(f[7])
        self.inner = bytes.fromhex(f[8])
        self.wire = bytes.fromhex(f[9])
        self.icv = AUTH[self.kw][1]
        self.iv = 8 if self.kw.endswith("gmac") else 0
        align = 4 if self.outer == 4 else 8
        self.ah_len = -(-(12 + self.iv + self.icv) // align) * align
        self.opts = self.inner_v == 4 and l3_len(self.inner) > 20
        self.ext = self.inner_v == 6 and self.inner[6] in EXT_HDRS
        self.name = "case %d %s %s outer v%d inner v%d%s%s%s, %d bytes" % (
            self.idx, self.kw, self.mode, self.outer, self.inner_v,
            " esn" if self.esn else "", " options" if self.opts else "",
            " ext headers" if self.ext else "", len(self.inner))

    def sa(self):
        src, dst = ADDR[self.outer]
        th = None
        if self.mode == "tunnel":
            th = IP(src=src, dst=dst) if self.outer == 4 else IPv6(src=src, dst=dst)
        return SecurityAssociation(AH, spi=self.spi, auth_algo=AUTH[self.kw][0],
                                   auth_key=self.auth, tunnel_header=th,
                                   esn_en=self.esn, esn=1 if self.esn else 0)


def ip_parse(wire):
    return IP(wire) if wire[0] >> 4 == 4 else IPv6(wire)


def ah_header(c, wire):
    """Check the AH header fields of a packet; None or what is wrong."""
    l3, nh_off = front(wire)
    nxt = wire[nh_off]
    if nxt != 51:
        return "protocol %d, want 51" % nxt
    ah = wire[l3:l3 + c.ah_len]
    if (ah[1] + 2) * 4 != c.ah_len:
        return "AH length %d, want %d" % ((ah[1] + 2) * 4, c.ah_len)
    if ah[2:4] != b"\0\0":
        return "reserved %s" % ah[2:4].hex()
    if struct.unpack("!I", ah[4:8])[0] != c.spi:
        return "SPI %s" % ah[4:8].hex()
    if ah[12 + c.iv + c.icv:] != bytes(c.ah_len - 12 - c.iv - c.icv):
        return "ICV padding %s" % ah[12 + c.iv + c.icv:].hex()
    if c.mode == "tunnel":
        want = 4 if c.inner_v == 4 else 41
    else:
        want = split_for_transport(ip_parse(c.inner), 51)[1]
    if ah[0] != want:
        return "next header %d, want %d" % (ah[0], want)
    return None


def placement(c):
    """Transport mode: are the headers in front of AH scapy's, bytes and all?"""
    hdr = bytearray(raw(split_for_transport(ip_parse(c.inner), 51)[0]))
    off, nh_off = front(c.wire)
    ours = bytearray(c.wire[:off])
    if off != len(hdr):
        return "%d bytes in front of AH, scapy keeps %d" % (off, len(hdr))
    if c.inner_v == 4:
        ours[2:4] = hdr[2:4] = ours[10:12] = hdr[10:12] = b"\0\0"  # length, checksum
    else:
        ours[4:6] = hdr[4:6] = b"\0\0"  # payload length
    return None if ours == hdr else "headers in front differ: %s, scapy %s" % (
        ours.hex(), hdr.hex())


def gmac_icv(c, wire):
    """RFC 4543 5 with RFC 4302 3.3.3: our own zeroing, then AES-GMAC."""
    b = bytearray(wire)
    l3 = l3_len(b)
    if b[0] >> 4 == 4:
        b[1] = 0
        b[6:8] = b"\0\0"
        b[8] = 0
        b[10:12] = b"\0\0"
        for i, t, n in list(v4_opts(b)):
            if t not in IMMUTABLE_V4_OPTS:
                b[i:i + n] = bytes(n)
    else:
        b[0] &= 0xF0
        b[1:4] = b"\0\0\0"
        b[7] = 0
        for _, i, t, n in list(v6_opts(b, l3)):
            if t & 0x20:
                b[i + 2:i + 2 + n] = bytes(n)
    iv = bytes(b[l3 + 12:l3 + 20])
    b[l3 + 20:l3 + 20 + c.icv] = bytes(c.icv)
    aad = bytes(b) + (struct.pack("!I", 1) if c.esn else b"")
    key, salt = c.auth[:-4], c.auth[-4:]
    return AESGCM(key).encrypt(salt + iv, b"", aad)[:c.icv]


def gmac_decap(c, wire):
    """The packet without AH, as scapy would return it."""
    l3 = l3_len(wire)
    rest = wire[l3 + c.ah_len:]
    if c.mode == "tunnel":
        return rest
    b = bytearray(wire[:l3])
    if wire[0] >> 4 == 4:
        b[9] = wire[l3]
        b[2:4] = struct.pack("!H", l3 + len(rest))
        v4_csum(b, l3)
    else:
        b[front(wire)[1]] = wire[l3]
        b[4:6] = struct.pack("!H", l3 - 40 + len(rest))
    return bytes(b) + rest


def verify(c, sa, wire):
    """Verify and strip: scapy for HMAC, cryptography for GMAC.  Raises on a bad ICV."""
    if c.iv:
        l3 = l3_len(wire)
        if gmac_icv(c, wire) != wire[l3 + 20:l3 + 20 + c.icv]:
            raise ValueError("GMAC ICV mismatch")
        return gmac_decap(c, wire)
    return raw(sa.decrypt(ip_parse(wire)))


def check_ours(c, sa):
    if c.mode == "transport":
        err = placement(c)
        report(err is None, "fastipsec puts AH where scapy does: %s%s" % (
            c.name, ": " + err if err else ""))
    err = ah_header(c, c.wire)
    report(err is None, "fastipsec's AH header: %s%s" % (c.name, ": " + err if err else ""))
    who = "cryptography (GMAC)" if c.iv else "scapy"
    try:
        got = verify(c, sa, c.wire)
        report(got == c.inner, "%s verifies fastipsec: %s" % (who, c.name))
    except Exception as e:  # scapy raises IPSecIntegrityError on an ICV mismatch
        report(False, "%s verifies fastipsec: %s: %s" % (who, c.name, e))
    try:
        verify(c, sa, router(c.wire))
        report(True, "%s verifies fastipsec after a router: %s" % (who, c.name))
    except Exception as e:
        report(False, "%s verifies fastipsec after a router: %s: %s" % (who, c.name, e))


def make_gmac(c, seq):
    """An AH AES-GMAC packet built here: header, IV (a counter), ICV."""
    inner = ip_parse(c.inner)
    ah = AH(nh=(4 if c.inner_v == 4 else 41) if c.mode == "tunnel" else 17,
            payloadlen=c.ah_len // 4 - 2, reserved=0, spi=c.spi, seq=seq,
            icv=struct.pack("!Q", 0x1000 + seq) + bytes(c.ah_len - 20))
    if c.mode == "tunnel":
        src, dst = ADDR[c.outer]
        outer = IP(src=src, dst=dst, proto=51) if c.outer == 4 else IPv6(src=src, dst=dst, nh=51)
        wire = bytearray(raw(outer / ah / raw(inner)))
    elif c.outer == 6:
        hdr, ah.nh, payload = split_for_transport(inner, 51)  # extension headers stay in front
        wire = bytearray(raw(hdr / ah / raw(payload)))
    else:
        payload = raw(inner.payload)
        inner.remove_payload()
        inner.proto, inner.len, inner.chksum = 51, None, None
        wire = bytearray(raw(inner / ah / payload))
    l3 = l3_len(wire)
    wire[l3 + 20:l3 + 20 + c.icv] = gmac_icv(c, bytes(wire))
    return bytes(wire)


def make_theirs(c, sa, seq):
    if c.iv:
        wire = make_gmac(c, seq)
    else:
        wire = raw(sa.encrypt(ip_parse(c.inner)))
    inner = c.inner
    if c.mode == "transport":
        inner = router(inner)  # fastipsec hands the header on as received
    return inner, router(wire)


def main():
    ours, out = sys.argv[1], sys.argv[2]
    sas, seqs = {}, {}
    with open(ours) as f, open(out, "w") as o:
        for line in f:
            c = Case(line.split())
            if c.idx not in sas:
                sas[c.idx] = c.sa() if not c.iv else None
                seqs[c.idx] = 0
            check_ours(c, sas[c.idx])
            seqs[c.idx] += 1
            inner, wire = make_theirs(c, sas[c.idx], seqs[c.idx])
            o.write("%d %s %s\n" % (c.idx, inner.hex(), wire.hex()))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
