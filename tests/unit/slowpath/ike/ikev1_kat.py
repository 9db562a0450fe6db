#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# tests/unit/slowpath/ike/ikev1_kat.py: recompute an IKEv1 PSK main mode + quick mode from its transcript.
"""Independent check of the IKEv1 engine's key derivation.

test_ikev1_sm.c runs two engines with a recorded random source and writes
a transcript: the PSK, every random draw, every message as sent, and the
child keys each side handed to child_up.  This script recomputes, from RFC
2409 alone (hashlib/hmac, the `cryptography` package for AES-CBC, Python
integers for MODP Diffie-Hellman):

  * the DH private key: the random draw x with g^x mod p == the KE data
  * SKEYID = prf(PSK, Ni_b | Nr_b), SKEYID_d/_a/_e (RFC 2409 §5)
  * the phase-1 encryption key and IVs (Appendix B), decrypting MM5/MM6
    and checking HASH_I / HASH_R
  * quick mode IVs, HASH(1), HASH(2), HASH(3), KEYMAT (§5.5), with PFS

and compares KEYMAT with the child keys.  Exit 0 when all match.
"""

import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# RFC 3526 primes
MODP = {
    14: int(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16),
    15: int(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
        16),
}

HASHES = {2: hashlib.sha1, 5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}


def fail(what):
    print("ikev1_kat: MISMATCH: " + what)
    sys.exit(1)


def parse_chain(body, first):
    """ISAKMP payload chain (RFC 2408 §3.2): list of (type, payload body, raw payload)."""
    out = []
    t = first
    off = 0
    while t != 0:
        nxt, _, ln = struct.unpack(">BBH", body[off:off + 4])
        out.append((t, body[off + 4:off + ln], body[off:off + ln]))
        off += ln
        t = nxt
    return out, off


def header(msg):
    icky, rcky, np, ver, ex, fl, mid, ln = struct.unpack(">8s8sBBBBII", msg[:28])
    return dict(icky=icky, rcky=rcky, np=np, ex=ex, flags=fl, mid=mid, len=ln)


def main(path):
    psk = None
    rands = []
    msgs = []
    children = {}
    prf_id = group = bits = None
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "psk":
                psk = bytes.fromhex(w[1])
            elif w[0] == "rand":
                rands.append(bytes.fromhex(w[1]))
            elif w[0] == "msg":
                msgs.append((w[1], bytes.fromhex(w[2])))
            elif w[0] == "child":
                children[w[1]] = [int(w[2], 16), int(w[3], 16)] + [
                    b"" if x == "-" else bytes.fromhex(x) for x in w[4:8]]
            elif w[0] == "prf":
                prf_id = int(w[1])
            elif w[0] == "group":
                group = int(w[1])
            elif w[0] == "encr_bits":
                bits = int(w[1])
    H = HASHES[prf_id]

    def prf(k, d):
        return hmac.new(k, d, H).digest()

    def aes_cbc_dec(key, iv, data):
        d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return d.update(data) + d.finalize()

    p = MODP[group]

    def dh_priv(pub):
        y = int.from_bytes(pub, "big")
        for r in rands:
            if pow(2, int.from_bytes(r, "big"), p) == y:
                return int.from_bytes(r, "big")
        fail("no recorded random draw gives the KE value")

    # Main mode in the clear: MM1..MM4.
    h1 = header(msgs[0][1])
    cky_i = h1["icky"]
    cky_r = header(msgs[1][1])["rcky"]
    pl, _ = parse_chain(msgs[0][1][28:], h1["np"])
    sai_b = [b for t, b, _ in pl if t == 1][0]
    pl3, _ = parse_chain(msgs[2][1][28:], header(msgs[2][1])["np"])
    gxi = [b for t, b, _ in pl3 if t == 4][0]
    ni = [b for t, b, _ in pl3 if t == 10][0]
    pl4, _ = parse_chain(msgs[3][1][28:], header(msgs[3][1])["np"])
    gxr = [b for t, b, _ in pl4 if t == 4][0]
    nr = [b for t, b, _ in pl4 if t == 10][0]
    xi = dh_priv(gxi)
    glen = (p.bit_length() + 7) // 8
    gxy = pow(int.from_bytes(gxr, "big"), xi, p).to_bytes(glen, "big")

    skeyid = prf(psk, ni + nr)
    sk_d = prf(skeyid, gxy + cky_i + cky_r + b"\x00")
    sk_a = prf(skeyid, sk_d + gxy + cky_i + cky_r + b"\x01")
    sk_e = prf(skeyid, sk_a + gxy + cky_i + cky_r + b"\x02")
    klen = bits // 8
    ka = sk_e
    if len(ka) < klen:  # RFC 2409 Appendix B: K = K1 | K2 ..., K1 = prf(SKEYID_e, 0)
        k = prf(sk_e, b"\x00")
        ka = k
        while len(ka) < klen:
            k = prf(sk_e, k)
            ka += k
    enc_key = ka[:klen]
    iv = H(gxi + gxr).digest()[:16]

    def open_msg(m, iv_in):
        h = header(m)
        ct = m[28:h["len"]]
        pt = aes_cbc_dec(enc_key, iv_in, ct)
        chain, end = parse_chain(pt, h["np"])
        return h, chain, pt[:end], ct[-16:]

    # MM5, MM6: HASH_I / HASH_R over the ID payload bodies.
    h5, c5, _, iv = open_msg(msgs[4][1], iv)
    idii = [b for t, b, _ in c5 if t == 5][0]
    hash_i = [b for t, b, _ in c5 if t == 8][0]
    if prf(skeyid, gxi + gxr + cky_i + cky_r + sai_b + idii) != hash_i:
        fail("HASH_I")
    h6, c6, _, iv = open_msg(msgs[5][1], iv)
    idir = [b for t, b, _ in c6 if t == 5][0]
    hash_r = [b for t, b, _ in c6 if t == 8][0]
    if prf(skeyid, gxr + gxi + cky_r + cky_i + sai_b + idir) != hash_r:
        fail("HASH_R")
    p1_last = iv

    # Quick mode.
    hq1 = header(msgs[6][1])
    mid = struct.pack(">I", hq1["mid"])
    qiv = H(p1_last + mid).digest()[:16]
    _, c1, pt1, qiv = open_msg(msgs[6][1], qiv)
    rest1 = pt1[len(c1[0][2]):]
    if c1[0][0] != 8 or prf(sk_a, mid + rest1) != c1[0][1]:
        fail("HASH(1)")
    sa1 = [b for t, b, _ in c1 if t == 1][0]
    qni = [b for t, b, _ in c1 if t == 10][0]
    ke1 = [b for t, b, _ in c1 if t == 4]
    _, c2, pt2, qiv = open_msg(msgs[7][1], qiv)
    rest2 = pt2[len(c2[0][2]):]
    if c2[0][0] != 8 or prf(sk_a, mid + qni + rest2) != c2[0][1]:
        fail("HASH(2)")
    sa2 = [b for t, b, _ in c2 if t == 1][0]
    qnr = [b for t, b, _ in c2 if t == 10][0]
    ke2 = [b for t, b, _ in c2 if t == 4]
    _, c3, _, qiv = open_msg(msgs[8][1], qiv)
    if c3[0][0] != 8 or prf(sk_a, b"\x00" + mid + qni + qnr) != c3[0][1]:
        fail("HASH(3)")
    # SPIs: proposal payload after DOI/situation: 4-byte generic header, #, proto, spi size, #t
    spi_i = sa1[8 + 8:8 + 8 + 4]
    spi_r = sa2[8 + 8:8 + 8 + 4]
    gqm = b""
    if ke1:
        # PFS: the group of the test (MODP 2048 when PFS is on)
        pq = MODP[14]
        y = int.from_bytes(ke1[0], "big")
        x = None
        for r in rands:
            if pow(2, int.from_bytes(r, "big"), pq) == y:
                x = int.from_bytes(r, "big")
        if x is None:
            fail("no recorded random draw gives the PFS KE value")
        gqm = pow(int.from_bytes(ke2[0], "big"), x, pq).to_bytes(256, "big")

    def keymat(spi, n):
        seed = gqm + b"\x03" + spi + qni + qnr
        k = prf(sk_d, seed)
        out = k
        while len(out) < n:
            k = prf(sk_d, k + seed)
            out += k
        return out[:n]

    ci = children["I"]
    cr = children["R"]
    n = len(ci[2]) + len(ci[3])
    if int.from_bytes(spi_i, "big") != ci[0] or int.from_bytes(spi_r, "big") != ci[1]:
        fail("SPIs")
    km_i = keymat(spi_i, n)  # the SA I receives on
    km_r = keymat(spi_r, n)
    if km_i != ci[2] + ci[3] or km_r != ci[4] + ci[5]:
        fail("initiator KEYMAT")
    if km_r != cr[2] + cr[3] or km_i != cr[4] + cr[5]:
        fail("responder KEYMAT")
    print("ikev1_kat: SKEYID, HASH_I/R, HASH(1..3) and KEYMAT match (%d bytes a direction%s)" %
          (n, ", PFS" if gqm else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
