#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark's many-SA scenario: pcaps, both gateways' configs, output check.

usage: gen_many.py pcap OUT.pcap plain|gcm|cbc SIZE|imix N_SAS PER_SA DST_MAC
       gen_many.py fastipsec OUT.yaml.in out|in gcm|cbc N_SAS
       gen_many.py secgw OUT.cfg.in out|in gcm|cbc N_SAS
       gen_many.py check OUT.pcap out|in gcm|cbc N_SAS

SA i (0 <= i < N_SAS) carries the UDP flows to destination port 10000 + i:
one policy per SA selects it (protocol udp, that one destination port,
203.0.113.0/24 -> 198.51.100.0/24 outbound, the other way inbound), and
PER_SA flows go to it, from source ports 20000, 20001, ...  Every SA has
its own SPI and keys, derived here from its direction, algorithm and index,
so the pcaps, the configs and the check agree without passing keys around.

pcap plain: the outbound input, plaintext UDP 203.0.113.2:sport ->
198.51.100.7:10000+i; gcm|cbc: the inbound input, UDP 198.51.100.7:sport ->
203.0.113.2:10000+i in tunnel-mode ESP from the peer 192.0.2.1 to the
gateway 192.0.2.2 under SA i's inbound keys (sequence numbers 1..PER_SA per
SA; built here with the cryptography package, RFC 4303 / 4106 / 4868, since
scapy takes milliseconds a frame; the first frames of every pcap are
decrypted again with scapy's ESP and must give back their plaintext).  The frames are shuffled (fixed seed) so that consecutive
packets belong to different SAs.  SIZE is the plaintext frame length; with
imix, frame k of the SA-major list is 64/594/1420 in the 7:4:1 pattern.
Prints the mean plaintext frame length and the generation time (seconds).

fastipsec / secgw: N_SAS SAs and policies of one direction and algorithm;
@INSTANCE@ (fastipsec) and @TYPE@ (ipsec-secgw) are left for bench.sh.

check: decrypts up to 400 ESP packets of a gateway's outbound output, each
with the SA its SPI names, and checks that the inner packet is a flow of
that SA; inbound, checks that the output is the decrypted flows.  Prints
"ok N sas=M ..." or "bad: ..." (exit 1).
"""
import hashlib
import hmac
import random
import struct
import sys
import time

PEER_MAC = '02:00:00:00:00:01'
IMIX = [64] * 7 + [594] * 4 + [1420]
DPORT0 = 10000
SPORT0 = 20000
CHECK_MAX = 400
SPI_BASE = {('out', 'gcm'): 0x110000, ('out', 'cbc'): 0x120000,
            ('in', 'gcm'): 0x210000, ('in', 'cbc'): 0x220000}
PROPOSAL = {'gcm': 'aes128gcm16', 'cbc': 'aes128-sha256'}


def spi_of(direction, alg, i):
    return SPI_BASE[(direction, alg)] + i


def keys_of(direction, alg, i):
    """(encryption key [+ salt for GCM], integrity key or None) of SA i."""
    seed = ('fastipsec-bench %s %s %d' % (direction, alg, i)).encode()
    enc = hashlib.sha256(seed + b' enc').digest()
    if alg == 'gcm':
        return enc[:20], None
    return enc[:16], hashlib.sha256(seed + b' integ').digest()


def scapy_sa(direction, alg, i):
    from scapy.all import IP
    from scapy.layers.ipsec import SecurityAssociation, ESP
    enc, integ = keys_of(direction, alg, i)
    # The ESP's sender: the peer inbound, the gateway outbound.
    outer = IP(src='192.0.2.1', dst='192.0.2.2') if direction == 'in' else \
        IP(src='192.0.2.2', dst='192.0.2.1')
    if alg == 'gcm':
        return SecurityAssociation(ESP, spi=spi_of(direction, alg, i), crypt_algo='AES-GCM',
                                   crypt_key=enc, tunnel_header=outer)
    return SecurityAssociation(ESP, spi=spi_of(direction, alg, i), crypt_algo='AES-CBC',
                               crypt_key=enc, auth_algo='SHA2-256-128', auth_key=integ,
                               tunnel_header=outer)


SELF_CHECK = 16  # generated ESP frames decrypted again with scapy's ESP


class EspSender:
    """Tunnel-mode ESP from the peer 192.0.2.1 to the gateway 192.0.2.2 for SA i's
    inbound keys: AES-128-GCM with a 16-byte ICV (RFC 4106) or AES-128-CBC with
    HMAC-SHA-256-128 (RFC 3602, 4868), padding 1, 2, 3, ... (RFC 4303 §2.4),
    IVs from a seeded generator (the pcap is the same on every run)."""

    def __init__(self, alg, i):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.alg, self.spi = alg, spi_of('in', alg, i)
        enc, self.integ = keys_of('in', alg, i)
        if alg == 'gcm':
            self.aead, self.salt = AESGCM(enc[:16]), enc[16:20]
        else:
            self.key = enc
        self.rnd = random.Random(self.spi)

    def frame(self, eth, inner, seq):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        esp = struct.pack('!II', self.spi, seq)
        block = 4 if self.alg == 'gcm' else 16
        pad = -(len(inner) + 2) % block
        clear = inner + bytes(range(1, pad + 1)) + bytes([pad, 4])  # 4: IPv4 inside
        if self.alg == 'gcm':
            iv = self.rnd.randbytes(8)
            body = esp + iv + self.aead.encrypt(self.salt + iv, clear, esp)
        else:
            iv = self.rnd.randbytes(16)
            enc = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
            signed = esp + iv + enc.update(clear) + enc.finalize()
            body = signed + hmac.new(self.integ, signed, hashlib.sha256).digest()[:16]
        outer = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(body), 0, 0, 64, 50, 0,
                                      bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])))
        struct.pack_into('!H', outer, 10, csum(bytes(outer)))
        return eth + bytes(outer) + body


def esp_self_check(frames, plains, alg):
    """The first frames decrypted with scapy's own ESP give back their plaintext."""
    from scapy.all import Ether, IP
    from scapy.layers.ipsec import ESP
    for b, plain in list(zip(frames, plains))[:SELF_CHECK]:
        ip = Ether(b)[IP]
        i = ip[ESP].spi - spi_of('in', alg, 0)
        try:
            back = bytes(scapy_sa('in', alg, i).decrypt(ip))
        except Exception as e:  # scapy raises on an ICV mismatch
            raise SystemExit('gen_many.py: scapy refuses a generated ESP frame: %r' % e)
        if back != plain[14:]:
            raise SystemExit('gen_many.py: scapy decrypts a generated ESP frame to other bytes')


def shuffled(items, key):
    """items in a fixed pseudo-random order, no two neighbours with one key."""
    rnd = random.Random(20240501)
    rnd.shuffle(items)

    def clash(k, v):  # would value v at position k sit beside its own key?
        return (k > 0 and key(items[k - 1]) == key(v)) or \
            (k + 1 < len(items) and key(items[k + 1]) == key(v))

    for k in range(1, len(items)):
        if key(items[k]) != key(items[k - 1]):
            continue
        for m in range(k + 2, len(items)):
            a, b = items[k], items[m]
            items[k], items[m] = b, a
            if not clash(k, b) and not clash(m, a):
                break
            items[k], items[m] = a, b
    return items


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def plain_frame(templates, length, sport, dport):
    """A copy of the length-byte template with these UDP ports and checksum."""
    b = bytearray(templates[length])
    struct.pack_into('!HH', b, 34, sport, dport)
    struct.pack_into('!H', b, 40, 0)
    pseudo = bytes(b[26:34]) + struct.pack('!BBH', 0, 17, len(b) - 34)
    struct.pack_into('!H', b, 40, csum(pseudo + bytes(b[34:])) or 0xffff)
    return bytes(b)


def pcap_write(out, frames):
    """A classic pcap file (microsecond timestamps, Ethernet) of the frames."""
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for n, b in enumerate(frames):
            f.write(struct.pack('<IIII', n // 1000000, n % 1000000, len(b), len(b)))
            f.write(b)


def cmd_pcap(args):
    from scapy.all import Ether, IP, UDP, Raw
    out, kind, size, n_sas, per_sa, dst_mac = args[0], args[1], args[2], int(args[3]), \
        int(args[4]), args[5]
    t0 = time.monotonic()
    inbound = kind != 'plain'
    flows = []  # (sa, source port, frame length)
    for i in range(n_sas):
        for j in range(per_sa):
            k = i * per_sa + j
            flows.append((i, SPORT0 + j, IMIX[k % len(IMIX)] if size == 'imix' else int(size)))
    flows = shuffled(flows, key=lambda f: f[0])
    # scapy builds one frame per length; the flows are copies with their ports.
    if inbound:
        ip = IP(src='198.51.100.7', dst='203.0.113.2', ttl=64)
    else:
        ip = IP(src='203.0.113.2', dst='198.51.100.7', ttl=64)
    hdr = Ether(src=PEER_MAC, dst=dst_mac) / ip / UDP(sport=1, dport=1)
    templates = {}
    for length in {f[2] for f in flows}:
        if length < len(hdr):
            raise SystemExit('gen_many.py: size %d too small' % length)
        templates[length] = bytes(hdr / Raw(b'\x5a' * (length - len(hdr))))
    sas, seq, frames, plains = {}, {}, [], []
    eth = bytes(Ether(src=PEER_MAC, dst=dst_mac, type=0x0800))
    for i, sport, length in flows:
        b = plain_frame(templates, length, sport, DPORT0 + i)
        if inbound:
            if i not in sas:
                sas[i] = EspSender(kind, i)
            seq[i] = seq.get(i, 0) + 1
            if len(plains) < SELF_CHECK:
                plains.append(b)
            b = sas[i].frame(eth, b[14:], seq[i])
        frames.append(b)
    if inbound:
        esp_self_check(frames, plains, kind)
    pcap_write(out, frames)
    print('%.1f %.1f' % (sum(f[2] for f in flows) / len(flows), time.monotonic() - t0))
    return 0


def yaml_key(b):
    return '0x' + b.hex()


def cmd_fastipsec(args):
    out, direction, alg, n_sas = args[0], args[1], args[2], int(args[3])
    lines = ['# fastipsec, %s benchmark with %d %s SAs (generated by gen_many.py).'
             % (direction, n_sas, PROPOSAL[alg]),
             'instance: @INSTANCE@', 'interfaces:']
    if direction == 'out':
        lines += ['  - {name: inside, port: net_pcap0, role: protected, addresses: [203.0.113.1/24]}',
                  '  - {name: outside, port: net_null0, role: unprotected, addresses: [192.0.2.2/24]}',
                  'routes:', '  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}',
                  'neighbors:', '  - {address: 192.0.2.1, mac: "02:00:00:00:00:01"}']
        src, dst = '203.0.113.0/24', '198.51.100.0/24'
    else:
        lines += ['  - {name: outside, port: net_pcap0, role: unprotected, addresses: [192.0.2.2/24]}',
                  '  - {name: inside, port: net_null0, role: protected, addresses: [203.0.113.1/24]}',
                  'neighbors:', '  - {address: 203.0.113.2, mac: "02:00:00:00:00:02"}']
        src, dst = '198.51.100.0/24', '203.0.113.0/24'
    direction_kw = 'outbound' if direction == 'out' else 'inbound'
    lines.append('static_sas:')
    for i in range(n_sas):
        enc, integ = keys_of(direction, alg, i)
        sa = '  - {name: %s-%s-%d, direction: %s, spi: %#x, local: 192.0.2.2, remote: 192.0.2.1, ' \
             'proposal: %s, encryption_key: %s' % (alg, direction, i, direction_kw,
                                                   spi_of(direction, alg, i), PROPOSAL[alg],
                                                   yaml_key(enc))
        if integ is not None:
            sa += ', integrity_key: %s' % yaml_key(integ)
        if direction == 'in':
            sa += ', replay_window: 0'  # the looping pcap repeats sequence numbers
        lines.append(sa + '}')
    lines.append('policies:')
    for i in range(n_sas):
        lines.append('  - {name: p%d, direction: %s, source: %s, destination: %s, protocol: udp, '
                     'destination_ports: %d, action: protect, sa: %s-%s-%d}'
                     % (i, direction_kw, src, dst, DPORT0 + i, alg, direction, i))
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return 0


def secgw_key(b):
    return ':'.join('%02x' % c for c in b)


def secgw_sa(direction, alg, i, port):
    enc, integ = keys_of(direction, alg, i)
    if alg == 'gcm':
        crypto = 'aead_algo aes-128-gcm aead_key %s' % secgw_key(enc)
    else:
        crypto = 'cipher_algo aes-128-cbc cipher_key %s auth_algo sha256-hmac auth_key %s' % (
            secgw_key(enc), secgw_key(integ))
    ends = 'src 192.0.2.2 dst 192.0.2.1 port_id %d' % port if direction == 'out' else \
        'src 192.0.2.1 dst 192.0.2.2'
    return 'sa %s %d %s mode ipv4-tunnel %s type @TYPE@' % (direction, spi_of(direction, alg, i),
                                                          crypto, ends)


def cmd_secgw(args):
    out, direction, alg, n_sas = args[0], args[1], args[2], int(args[3])
    lines = ['# ipsec-secgw (DPDK 22.11), %s benchmark with %d %s SAs (generated by gen_many.py).'
             % (direction, n_sas, alg)]
    if direction == 'out':
        lines.append('# Port 0 (pcap) is protected, port 1 (null) unprotected.')
        for i in range(n_sas):
            lines.append('sp ipv4 out esp protect %d pri 1 src 203.0.113.0/24 dst 198.51.100.0/24 '
                         'proto 17:17 sport 0:65535 dport %d:%d'
                         % (spi_of('out', alg, i), DPORT0 + i, DPORT0 + i))
            lines.append(secgw_sa('out', alg, i, 1))
        lines += ['rt ipv4 dst 192.0.2.0/24 port 1', 'neigh port 1 02:00:00:00:00:01',
                  '# Unused, but ipsec-secgw refuses an unprotected port mask without an inbound SA.',
                  secgw_sa('in', alg, 0, 0),
                  'sp ipv4 in esp protect %d pri 1 dst 203.0.113.0/24 sport 0:65535 dport 0:65535'
                  % spi_of('in', alg, 0)]
    else:
        lines.append('# Port 0 (pcap) is unprotected, port 1 (null) protected.')
        for i in range(n_sas):
            lines.append('sp ipv4 in esp protect %d pri 1 src 198.51.100.0/24 dst 203.0.113.0/24 '
                         'proto 17:17 sport 0:65535 dport %d:%d'
                         % (spi_of('in', alg, i), DPORT0 + i, DPORT0 + i))
            lines.append(secgw_sa('in', alg, i, 0))
        lines += ['rt ipv4 dst 203.0.113.0/24 port 1', 'neigh port 1 02:00:00:00:00:02',
                  '# Unused: the outbound half, so both directions are configured.',
                  secgw_sa('out', alg, 0, 0),
                  'sp ipv4 out esp protect %d pri 1 dst 198.51.100.0/24 sport 0:65535 dport 0:65535'
                  % spi_of('out', alg, 0)]
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return 0


def check_out(out, alg, n_sas):
    from scapy.all import rdpcap, IP, UDP
    from scapy.layers.ipsec import ESP
    pkts = [p for p in rdpcap(out, count=CHECK_MAX) if p.haslayer(ESP)]
    if not pkts:
        print('bad: no ESP in %s' % out)
        return 1
    sas, seen, ivs = {}, set(), set()
    for p in pkts:
        ip = p[IP]
        i = p[ESP].spi - spi_of('out', alg, 0)
        if ip.src != '192.0.2.2' or ip.dst != '192.0.2.1' or not 0 <= i < n_sas:
            print('bad: outer %s -> %s spi %#x' % (ip.src, ip.dst, p[ESP].spi))
            return 1
        if i not in sas:
            sas[i] = scapy_sa('out', alg, i)
        ivs.add(bytes(p[ESP].data[:8] if alg == 'gcm' else p[ESP].data[:16]))
        try:
            inner = sas[i].decrypt(ip)
        except Exception as e:  # scapy raises on an ICV mismatch
            print('bad: spi %#x: %s' % (p[ESP].spi, e))
            return 1
        if inner.src != '203.0.113.2' or inner.dst != '198.51.100.7' or not inner.haslayer(UDP) \
                or inner[UDP].dport != DPORT0 + i:
            print('bad: spi %#x carries %s' % (p[ESP].spi, inner.summary()))
            return 1
        seen.add(i)
    print('ok %d sas=%d distinct_ivs=%d' % (len(pkts), len(seen), len(ivs)))
    return 0


def check_in(out, n_sas):
    from scapy.all import rdpcap, IP, UDP
    pkts = [p for p in rdpcap(out, count=CHECK_MAX) if p.haslayer(IP)]
    good = [p for p in pkts if p[IP].src == '198.51.100.7' and p[IP].dst == '203.0.113.2' and
            p.haslayer(UDP) and DPORT0 <= p[UDP].dport < DPORT0 + n_sas]
    if not good or len(good) < len(pkts) - 2:
        print('bad: %d of %d packets are the decrypted flows' % (len(good), len(pkts)))
        return 1
    print('ok %d sas=%d flows=%d' % (len(good), len({p[UDP].dport for p in good}),
                                     len({(p[UDP].sport, p[UDP].dport) for p in good})))
    return 0


def cmd_check(args):
    out, direction, alg, n_sas = args[0], args[1], args[2], int(args[3])
    return check_out(out, alg, n_sas) if direction == 'out' else check_in(out, n_sas)


def main():
    cmds = {'pcap': (cmd_pcap, 6), 'fastipsec': (cmd_fastipsec, 4), 'secgw': (cmd_secgw, 4),
            'check': (cmd_check, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return cmds[sys.argv[1]][0](sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
