#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# tests/integration/esp_scapy.py: scapy's second opinion on fastipsec's ESP packets, and ESP packets for it.
"""
Usage: esp_scapy.py OURS OUT

OURS holds the lines of `esp_xcheck gen`:
    case kw mode outer inner encap esn spi enc_key auth_key inner wire
For each packet, scapy decrypts our wire and must get the inner packet back;
the ESP trailer is also checked here with python3-cryptography, because
scapy 2.5 reports a wrong padding field after decryption.  Then scapy
encrypts the same inner packet with the same SA and "case inner wire" goes
to OUT for `esp_xcheck check`.

scapy 2.5 writes a UDP length of 8 when it encapsulates for NAT-T: we
encrypt without its nat_t_header and add the UDP header ourselves (checksum
0 over IPv4, RFC 3948 section 2.1; computed over IPv6).  On decryption the
UDP header is checked and stripped here too (scapy cannot decrypt IPv6
transport mode inside UDP).

IPv6 transport-mode packets may carry extension headers (hop-by-hop,
routing, destination options): scapy's split_for_transport() says where
ESP goes (as Linux does), and fastipsec must put it there too.
"""
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from scapy.compat import raw
from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation, split_for_transport
from scapy.utils import checksum

ADDR = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
ICV = {"sha256": 16, "sha512": 32, "sha1": 12}
FAILS = 0


def report(ok, what):
    global FAILS
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        FAILS += 1


def algos(kw):
    """scapy names, IV and ICV bytes, cipher alignment."""
    if kw.endswith("gcm16"):
        return "AES-GCM", None, 8, 16, 4
    if kw == "chacha20poly1305":
        return "CHACHA20-POLY1305", None, 8, 16, 4
    enc, integ = kw.split("-")
    auth = {"sha256": "SHA2-256-128", "sha512": "SHA2-512-256", "sha1": "HMAC-SHA1-96"}[integ]
    if enc == "null":
        return "NULL", auth, 0, ICV[integ], 4
    if enc.endswith("ctr"):
        return "AES-CTR", auth, 8, ICV[integ], 4
    return "AES-CBC", auth, 16, ICV[integ], 16


def ip_parse(wire):
    return IP(wire) if wire[0] >> 4 == 4 else IPv6(wire)


def placement(c):
    """Transport mode: are the headers in front of ESP (or UDP) scapy's, bytes and all?"""
    hdr = raw(split_for_transport(ip_parse(c.inner), 50)[0])
    off, nh_off = front(c.wire)
    if off != len(hdr):
        return "%d bytes in front of %s, scapy keeps %d" % (
            off, "UDP" if c.encap else "ESP", len(hdr))
    ours, theirs = bytearray(c.wire[:off]), bytearray(hdr)
    if ours[nh_off] != (17 if c.encap else 50):
        return "next header %d in front" % ours[nh_off]
    if c.inner_v == 4:
        ours[2:4] = theirs[2:4] = ours[10:12] = theirs[10:12] = b"\0\0"  # length, checksum
    else:
        ours[4:6] = theirs[4:6] = b"\0\0"  # payload length
    ours[nh_off] = theirs[nh_off]
    return None if ours == theirs else "headers in front differ: %s, scapy %s" % (
        ours.hex(), theirs.hex())


class Case:
    def __init__(self, f):
        self.idx, self.kw, self.mode = int(f[0]), f[1], f[2]
        self.outer, self.inner_v = int(f[3]), int(f[4])
        self.encap, self.esn = f[5] == "1", f[6] == "1"
        self.spi = int(f[7], 16)
        self.enc = bytes.fromhex(f[8]) if f[8] != "-" else b""
        self.auth = bytes.fromhex(f[9]) if f[9] != "-" else b""
        self.inner = bytes.fromhex(f[10])
        self.wire = bytes.fromhex(f[11])
        self.ext = self.inner_v == 6 and self.inner[6] in EXT_HDRS
        self.name = "case %d %s %s outer v%d inner v%d%s%s%s, %d bytes" % (
            self.idx, self.kw, self.mode, self.outer, self.inner_v,
            " nat-t" if self.encap else "", " esn" if self.esn else "",
            " ext headers" if self.ext else "", len(self.inner))

    def sa(self):
        crypt, auth, _, _, _ = algos(self.kw)
        src, dst = ADDR[self.outer]
        th = None
        if self.mode == "tunnel":
            th = IP(src=src, dst=dst) if self.outer == 4 else IPv6(src=src, dst=dst)
        return SecurityAssociation(ESP, spi=self.spi, crypt_algo=crypt,
                                   crypt_key=self.enc or None, auth_algo=auth,
                                   auth_key=self.auth or None, tunnel_header=th,
                                   esn_en=self.esn, esn=1 if self.esn else 0)


EXT_HDRS = (0, 43, 60)  # hop-by-hop, routing, destination options (RFC 8200 4)


def front(wire):
    """(bytes in front of the upper layer, offset of the byte naming it) of an IP packet."""
    if wire[0] >> 4 == 4:
        return (wire[0] & 0xF) * 4, 9
    off, nh_off = 40, 6
    while wire[nh_off] in EXT_HDRS:
        nh_off = off
        off += (wire[off + 1] + 1) * 8
    return off, nh_off


def l3_len(wire):
    return front(wire)[0]


def udp6_csum(wire, udp):
    """RFC 8200 8.1: the pseudo-header (addresses, length, 17), then the datagram."""
    ph = wire[8:40] + struct.pack("!IxxxB", len(udp), 17)
    return checksum(ph + udp) or 0xFFFF


def strip_udp(c, wire):
    """Check the NAT-T UDP header and return the same packet as plain ESP."""
    l3 = l3_len(wire)
    udp = wire[l3:l3 + 8]
    ulen, ucsum = struct.unpack("!HH", udp[4:8])
    if ulen != len(wire) - l3:
        return None, "UDP length %d, want %d" % (ulen, len(wire) - l3)
    if c.outer == 4:
        if ucsum != 0:
            return None, "UDP checksum %04x over IPv4, want 0" % ucsum
        b = bytearray(wire[:l3] + wire[l3 + 8:])
        b[9] = 50
        b[2:4] = struct.pack("!H", len(b))
        b[10:12] = b"\0\0"
        b[10:12] = struct.pack("!H", checksum(bytes(b[:l3])))
        return IP(bytes(b)), None
    p = IPv6(wire)
    want = UDP(raw(p[UDP]))
    want.chksum = None
    want = IPv6(raw(IPv6(src=p.src, dst=p.dst) / want))[UDP].chksum
    if ucsum != want:
        return None, "UDP checksum %04x over IPv6, want %04x" % (ucsum, want)
    b = bytearray(wire[:l3] + wire[l3 + 8:])
    b[front(wire)[1]] = 50
    b[4:6] = struct.pack("!H", len(b) - 40)
    return IPv6(bytes(b)), None


def trailer(c, esp):
    """Decrypt independently of scapy; check the padding (1, 2, 3, ...) and next header."""
    crypt, _, ivl, icvl, align = algos(c.kw)
    spi_seq, iv = esp[:8], esp[8:8 + ivl]
    ct, icv = esp[8 + ivl:len(esp) - icvl], esp[len(esp) - icvl:]
    aad = spi_seq if not c.esn else spi_seq[:4] + struct.pack("!L", 1) + spi_seq[4:]
    if crypt == "AES-GCM":
        pt = AESGCM(c.enc[:-4]).decrypt(c.enc[-4:] + iv, ct + icv, aad)
    elif crypt == "CHACHA20-POLY1305":
        pt = ChaCha20Poly1305(c.enc[:-4]).decrypt(c.enc[-4:] + iv, ct + icv, aad)
    elif crypt == "AES-CBC":
        d = Cipher(algorithms.AES(c.enc), modes.CBC(iv)).decryptor()
        pt = d.update(ct) + d.finalize()
    elif crypt == "AES-CTR":
        d = Cipher(algorithms.AES(c.enc[:-4]), modes.CTR(c.enc[-4:] + iv + b"\0\0\0\1")).decryptor()
        pt = d.update(ct) + d.finalize()
    else:
        pt = ct
    if len(ct) % align != 0:
        return "cipher text of %d bytes, not a multiple of %d" % (len(ct), align)
    padlen, nh = pt[-2], pt[-1]
    if pt[len(pt) - 2 - padlen:-2] != bytes(range(1, padlen + 1)):
        return "padding %s" % pt[len(pt) - 2 - padlen:-2].hex()
    if padlen >= align:
        return "pad length %d: more than the default" % padlen
    if c.mode == "tunnel":
        want = 4 if c.inner_v == 4 else 41
    else:
        want = split_for_transport(ip_parse(c.inner), 50)[1]
    if nh != want:
        return "next header %d, want %d" % (nh, want)
    return None


def check_ours(c):
    wire = c.wire
    if c.mode == "transport":
        err = placement(c)
        report(err is None, "fastipsec puts ESP where scapy does: %s%s" % (
            c.name, ": " + err if err else ""))
    if c.encap:
        p, err = strip_udp(c, wire)
        if err:
            report(False, "fastipsec's NAT-T header: %s: %s" % (c.name, err))
            return
    else:
        p = IP(wire) if c.outer == 4 else IPv6(wire)
    try:
        err = trailer(c, raw(p[ESP]))
    except Exception as e:  # InvalidTag from cryptography
        err = "cannot decrypt: %r" % e
    report(err is None, "fastipsec's ESP trailer: %s%s" % (c.name, ": " + err if err else ""))
    try:
        got = raw(c.sa().decrypt(p))
    except Exception as e:  # scapy raises on ICV mismatch
        report(False, "scapy decrypts fastipsec: %s: %s" % (c.name, e))
        return
    report(got == c.inner, "scapy decrypts fastipsec: %s" % c.name)


def make_theirs(c, sa):
    p = sa.encrypt(ip_parse(c.inner))
    wire = raw(p)
    if not c.encap:
        return wire
    l3, nh_off = front(wire)
    if c.outer == 4:
        hdr = IP(wire[:l3])
        hdr.proto = 17
        hdr.len = None
        hdr.chksum = None
        return raw(hdr / UDP(sport=4500, dport=4500, chksum=0) / wire[l3:])
    # By hand: the UDP header goes behind the extension headers, if any.
    hdr = bytearray(wire[:l3])
    hdr[nh_off] = 17
    udp = bytearray(struct.pack("!HHHH", 4500, 4500, 8 + len(wire) - l3, 0) + wire[l3:])
    udp[6:8] = struct.pack("!H", udp6_csum(wire, bytes(udp)))
    hdr[4:6] = struct.pack("!H", l3 - 40 + len(udp))
    return bytes(hdr + udp)


def main():
    ours, out = sys.argv[1], sys.argv[2]
    sas = {}
    with open(ours) as f, open(out, "w") as o:
        for line in f:
            c = Case(line.split())
            check_ours(c)
            if c.idx not in sas:
                sas[c.idx] = c.sa()
            o.write("%d %s %s\n" % (c.idx, c.inner.hex(), make_theirs(c, sas[c.idx]).hex()))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
