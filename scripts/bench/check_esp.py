#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check a gateway's ESP output with scapy's independent ESP.

usage: check_esp.py OUT.pcap gcm|cbc KEY_HEX [INTEG_HEX] SPI
       check_esp.py OUT.pcap plain

Decrypts up to 200 packets of OUT.pcap (tunnel mode, outer 192.0.2.2 ->
192.0.2.1) and prints "ok N distinct_ivs=M" when every one decrypts to the
benchmark's plaintext flow, else "bad: ..." and exits 1.  With plain, checks
that the gateway's (inbound) output is the decrypted flow 198.51.100.7 ->
203.0.113.2.
"""
import sys

from scapy.all import rdpcap, IP, UDP
from scapy.layers.ipsec import SecurityAssociation, ESP


def check_plain(out):
    pkts = [p for p in rdpcap(out, count=200) if p.haslayer(IP)]
    good = [p for p in pkts if p[IP].src == '198.51.100.7' and p[IP].dst == '203.0.113.2' and
            p.haslayer(UDP) and p[UDP].dport == 1024]
    if not good or len(good) < len(pkts) - 2:
        print('bad: %d of %d packets are the decrypted flow' % (len(good), len(pkts)))
        return 1
    print('ok %d' % len(good))
    return 0


def main():
    out, alg = sys.argv[1], sys.argv[2]
    if alg == 'plain':
        return check_plain(out)
    key = bytes.fromhex(sys.argv[3])
    if alg == 'gcm':
        spi = int(sys.argv[4], 0)
        sa = SecurityAssociation(ESP, spi=spi, crypt_algo='AES-GCM', crypt_key=key,
            tunnel_header=IP(src='192.0.2.2', dst='192.0.2.1'))
    else:
        spi = int(sys.argv[5], 0)
        sa = SecurityAssociation(ESP, spi=spi, crypt_algo='AES-CBC', crypt_key=key,
            auth_algo='SHA2-256-128', auth_key=bytes.fromhex(sys.argv[4]),
            tunnel_header=IP(src='192.0.2.2', dst='192.0.2.1'))
    pkts = [p for p in rdpcap(out, count=200) if p.haslayer(ESP)]
    if not pkts:
        print('bad: no ESP in %s' % out)
        return 1
    ivs = set()
    for p in pkts:
        ip = p[IP]
        if ip.src != '192.0.2.2' or ip.dst != '192.0.2.1' or p[ESP].spi != spi:
            print('bad: outer %s -> %s spi %#x' % (ip.src, ip.dst, p[ESP].spi))
            return 1
        ivs.add(bytes(p[ESP].data[:8] if alg == 'gcm' else p[ESP].data[:16]))
        try:
            inner = sa.decrypt(ip)
        except Exception as e:  # scapy raises on an ICV mismatch
            print('bad: %s' % e)
            return 1
        if inner.src != '203.0.113.2' or inner.dst != '198.51.100.7' or not inner.haslayer(UDP):
            print('bad: inner %s' % inner.summary())
            return 1
    print('ok %d distinct_ivs=%d' % (len(pkts), len(ivs)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
