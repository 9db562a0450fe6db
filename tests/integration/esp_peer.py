#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""An ESP peer made of scapy's independent ESP implementation.

Run inside the peer's namespace: sends COUNT ICMP echo requests from
INNER_SRC to INNER_DST through an ESP tunnel (scapy encrypts with the
inbound SA of the gateway), sniffs the gateway's ESP answers, decrypts
them with the gateway's outbound SA and checks they are the echo replies.
Prints one JSON object with what it saw.

usage: esp_peer.py IFACE GW_MAC PEER_ADDR GW_ADDR INNER_SRC INNER_DST PROPOSAL
                   SPI_TO_GW KEY_TO_GW SPI_FROM_GW KEY_FROM_GW COUNT [NATT]
PROPOSAL: ah-sha256 (AH with HMAC-SHA-256-128), gcm (AES-128-GCM-16, key with 4-byte salt), chacha
(ChaCha20-Poly1305, key with salt) or cbc-sha256 (KEY is ENC:INTEG in hex).
Addresses may be IPv6 (outer and inner independently).  NATT: udp encapsulation on port 4500 both ways.
Environment: ESP_SEQ, the first sequence number; ESP_FRAG=N sends each outer packet in IP fragments of
at most N bytes (IPv4: of payload, a multiple of 8; IPv6: whole fragments); ESP_TTL_FROM=ADDR sends the
requests with TTL / hop limit 1 and expects, instead of echo replies, Time Exceeded errors from ADDR
(the gateway) quoting each request, through the tunnel; ESP_EXT=1 puts a hop-by-hop (Router Alert)
and a destination options header between the outer IPv6 header and ESP / AH (RFC 8200 §4).
ESP_PAYLOAD=N pads each echo request's payload to N bytes (jumbo frames: an inner IPv4 packet of
N + 28 bytes).
"""
import json
import os
import sys
import threading
import time

from scapy.all import Ether, IP, IPv6, ICMP, UDP, Raw, sendp, sniff, conf
from scapy.layers.inet import fragment
from scapy.layers.inet import IPerror, ICMPerror
from scapy.layers.inet6 import ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6TimeExceeded, IPv6ExtHdrFragment, fragment6
from scapy.layers.inet6 import IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, PadN, RouterAlert
from scapy.layers.ipsec import AH, ESP, SecurityAssociation

conf.verb = 0


def make_sa(proposal, spi, key, peer, gw, natt):
    if proposal == 'gcm':
        kw = dict(crypt_algo='AES-GCM', crypt_key=bytes.fromhex(key))
    elif proposal == 'cbc-sha256':
        enc, integ = key.split(':')
        kw = dict(crypt_algo='AES-CBC', crypt_key=bytes.fromhex(enc),
                  auth_algo='SHA2-256-128', auth_key=bytes.fromhex(integ))
    elif proposal == 'chacha':
        kw = dict(crypt_algo='CHACHA20-POLY1305', crypt_key=bytes.fromhex(key))
    elif proposal == 'ah-sha256':
        kw = dict(auth_algo='SHA2-256-128', auth_key=bytes.fromhex(key))
    ip = IPv6 if ':' in peer else IP
    th = ip(src=peer, dst=gw)
    if ip is IPv6 and os.environ.get('ESP_EXT'):
        # scapy puts ESP / AH behind them (split_for_transport()).
        th = th / IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b'')]) / \
            IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0' * 4)])
    # NAT-T is added and removed here: scapy 2.5 writes a UDP length of 8 (LAB-NOTES.md).
    return SecurityAssociation(AH if proposal.startswith('ah-') else ESP, spi=spi, tunnel_header=th,
                               seq_num=int(os.environ.get('ESP_SEQ', '1')), **kw)


def main():
    a = sys.argv[1:]
    if len(a) < 12:
        print(__doc__, file=sys.stderr)
        return 2
    iface, gw_mac, peer, gw, isrc, idst, prop = a[:7]
    spi_to, key_to, spi_from, key_from, count = int(a[7], 0), a[8], int(a[9], 0), a[10], int(a[11])
    natt = len(a) > 12 and a[12] == 'natt'
    to_gw = make_sa(prop, spi_to, key_to, peer, gw, natt)      # we encrypt (gateway inbound SA)
    from_gw = make_sa(prop, spi_from, key_from, gw, peer, natt)  # we decrypt (gateway's outbound SA)
    got = []
    bad = []

    v6 = ':' in gw
    OIP = IPv6 if v6 else IP

    def on_pkt(p):
        if OIP not in p or p[OIP].src != gw:
            return
        o = p[OIP]
        if natt:
            if UDP not in p or p[UDP].sport != 4500 or p[UDP].dport != 4500:
                return
            u = bytes(p[UDP])
            if len(u) != p[UDP].len:
                bad.append('udp length %d for %d bytes' % (p[UDP].len, len(u)))
                return
            o = OIP(src=o.src, dst=o.dst) / ESP(u[8:])
            if v6:
                o.nh = 50
            else:
                o.proto = 50
            o = OIP(bytes(o))
        elif ESP not in p and AH not in p:
            return
        try:
            inner = from_gw.decrypt(o)
        except Exception as e:  # an ICV failure is a finding, not a crash
            bad.append(str(e))
            return
        if IP not in inner and IPv6 not in inner:
            # scapy's AH tunnel mode hands back the inner packet as Raw bytes.
            raw = bytes(inner[Raw]) if Raw in inner else bytes(inner)
            inner = (IP if raw[0] >> 4 == 4 else IPv6)(raw)
        if ICMP in inner and inner[ICMP].type == 0:
            got.append((inner[IP].src, inner[IP].dst, inner[ICMP].seq, bytes(inner[ICMP].payload)))
        elif ICMPv6EchoReply in inner:
            r = inner[ICMPv6EchoReply]
            got.append((inner[IPv6].src, inner[IPv6].dst, r.seq, bytes(r.data)))
        elif ICMP in inner and inner[ICMP].type == 11 and ICMPerror in inner:
            q = inner[ICMPerror]
            got.append((inner[IP].src, inner[IP].dst, q.seq, bytes(q.payload)))
        elif ICMPv6TimeExceeded in inner and ICMPv6EchoRequest in inner:
            q = inner[ICMPv6EchoRequest]
            got.append((inner[IPv6].src, inner[IPv6].dst, q.seq, bytes(q.data)))

    sn = threading.Thread(target=lambda: sniff(iface=iface, prn=on_pkt, timeout=4 + count * 0.3,
                                               filter='host %s' % gw))
    sn.start()
    time.sleep(1)
    sent = []
    ttl_from = os.environ.get('ESP_TTL_FROM')
    ttl = 1 if ttl_from else 64
    for seq in range(1, count + 1):
        payload = b'fastipsec-%04d' % seq
        payload += bytes(i & 0xff for i in range(max(0, int(os.environ.get('ESP_PAYLOAD', '0')) - len(payload))))
        if ':' in isrc:
            inner = IPv6(src=isrc, dst=idst, hlim=ttl) / ICMPv6EchoRequest(id=0x4242, seq=seq, data=payload)
        else:
            inner = IP(src=isrc, dst=idst, ttl=ttl) / ICMP(type=8, id=0x4242, seq=seq) / Raw(payload)
        outer = to_gw.encrypt(inner)
        if natt:
            esp = bytes(outer[ESP])
            outer = OIP(src=peer, dst=gw) / UDP(sport=4500, dport=4500) / Raw(esp)
        frag = int(os.environ.get('ESP_FRAG', '0'))
        if frag and v6:
            # RFC 8200 §4.5: a fragment header right after the fixed header.
            whole = IPv6(bytes(outer))
            pieces = fragment6(IPv6(src=whole.src, dst=whole.dst, nh=44) / IPv6ExtHdrFragment(nh=whole.nh) /
                               whole.payload, frag)
        elif frag:
            pieces = fragment(IP(bytes(outer)), fragsize=frag)
        else:
            pieces = [outer]
        for piece in pieces:
            sendp(Ether(dst=gw_mac) / piece, iface=iface)
        # An IPv4 error quotes the header and 8 bytes (RFC 792): the ICMP header, no payload.
        sent.append((ttl_from or idst, isrc, seq, b'' if ttl_from and ':' not in isrc else payload))
        time.sleep(0.2)
    sn.join()
    ok = sorted(set(got)) == sorted(set(sent))
    out = {'sent': len(sent), 'replies': len(got), 'match': ok, 'decrypt_errors': bad[:3]}
    if not ok:
        out['unexpected'] = [repr(g) for g in sorted(set(got) - set(sent))[:2]]
        out['missing'] = [repr(g) for g in sorted(set(sent) - set(got))[:2]]
    print(json.dumps(out))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
