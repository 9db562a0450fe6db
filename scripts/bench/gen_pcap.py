#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the benchmark's input pcaps (one flow, one SA).

usage: gen_pcap.py OUT.pcap SIZE|imix DST_MAC [esp ALG KEY_HEX [INTEG_HEX] SPI]

SIZE is the plaintext Ethernet frame length in bytes (no FCS); imix is
7:4:1 of 64/594/1420.  Plaintext: UDP 203.0.113.2:1024 -> 198.51.100.7:1024.
With esp, the same frames the other way (198.51.100.7 -> 203.0.113.2) in
tunnel-mode ESP from the peer 192.0.2.1 to the
gateway 192.0.2.2 (ALG gcm: KEY_HEX is key+salt; ALG cbc: AES-128-CBC key,
INTEG_HEX the HMAC-SHA-256 key), sequence numbers 1..N.
Prints the mean frame length of the file.
"""
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import SecurityAssociation, ESP

PEER_MAC = '02:00:00:00:00:01'
IMIX = [64] * 7 + [594] * 4 + [1420]


def plain(dst_mac, size, src='203.0.113.2', dst='198.51.100.7'):
    hdr = Ether(src=PEER_MAC, dst=dst_mac) / IP(src=src, dst=dst, ttl=64) / UDP(sport=1024, dport=1024)
    pad = size - len(hdr)
    if pad < 0:
        raise SystemExit('gen_pcap.py: size %d too small' % size)
    return hdr / Raw(b'\x5a' * pad)


def esp_sa(alg, key, integ, spi):
    if alg == 'gcm':
        return SecurityAssociation(ESP, spi=spi, crypt_algo='AES-GCM', crypt_key=key,
            tunnel_header=IP(src='192.0.2.1', dst='192.0.2.2'))
    return SecurityAssociation(ESP, spi=spi, crypt_algo='AES-CBC', crypt_key=key,
        auth_algo='SHA2-256-128', auth_key=integ, tunnel_header=IP(src='192.0.2.1', dst='192.0.2.2'))


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, size, dst_mac = sys.argv[1], sys.argv[2], sys.argv[3]
    sizes = IMIX if size == 'imix' else [int(size)] * 12
    # Repeat the pattern so that a burst sees a realistic mix and, for ESP,
    # the sequence numbers advance over a long file.
    reps = 64 if len(sys.argv) > 4 else 8
    esp = len(sys.argv) > 4 and sys.argv[4] == 'esp'
    if esp:
        # Inbound: the inner packets come from the far network to the near one.
        frames = [plain(dst_mac, s, '198.51.100.7', '203.0.113.2') for s in sizes * reps]
    else:
        frames = [plain(dst_mac, s) for s in sizes * reps]
    if esp:
        alg = sys.argv[5]
        key = bytes.fromhex(sys.argv[6])
        integ = bytes.fromhex(sys.argv[7]) if alg == 'cbc' else None
        spi = int(sys.argv[8] if alg == 'cbc' else sys.argv[7], 0)
        sa = esp_sa(alg, key, integ, spi)
        enc = []
        for i, f in enumerate(frames):
            e = sa.encrypt(f[IP], seq_num=i + 1)
            enc.append(Ether(src=PEER_MAC, dst=dst_mac) / e)
        frames = enc
    wrpcap(out, frames)
    print('%.1f' % (sum(len(f) for f in frames) / len(frames)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
