#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# tests/vectors/check_vectors.py: re-derive every vector in tests/vectors/*.h with an independent
# implementation (python3 hmac/hashlib, python3-cryptography on OpenSSL), by hand:
#   python3 tests/vectors/check_vectors.py        (exit 0 when all match)
import hashlib
import hmac
import re
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

HERE = Path(__file__).resolve().parent
FIELD = re.compile(r'\.(\w+)\s*=\s*((?:"[^"]*"\s*)+|\d+)')
fails = 0
checked = 0


def entries(fname):
    """The { .field = "hex" "hex", ... } initialisers of a header, as dicts of bytes."""
    text = (HERE / fname).read_text()
    body = text[text.index("[] = {") + 6:]
    out = []
    for block in re.findall(r"\{(.*?)\n\t\}", body, re.S):
        d = {}
        for name, val in FIELD.findall(block):
            if val.strip().isdigit():
                d[name] = int(val)
            elif name == "name":
                d[name] = "".join(re.findall(r'"([^"]*)"', val))
            else:
                d[name] = bytes.fromhex("".join(re.findall(r'"([^"]*)"', val)))
        out.append(d)
    return out


def check(what, got, want):
    global fails, checked
    checked += 1
    if got != want:
        fails += 1
        print("MISMATCH %s\n  got  %s\n  want %s" % (what, got.hex(), want.hex()))


def aead_esp(fname, cls):
    for v in entries(fname):
        aead = cls(v["key"])
        check(v["name"] + " ctext_tag", aead.encrypt(v["nonce"], v["plaintext"], v["aad"]),
              v["ctext_tag"])
        check(v["name"] + " aad", v["aad"], v["spi"] + v["seq"])
        check(v["name"] + " packet", v["packet"],
              v["spi"] + v["seq"][-4:] + v["nonce"][4:] + v["ctext_tag"])


def gmac_esp():
    for v in entries("aes_gmac_esp.h"):
        tag = AESGCM(v["key"]).encrypt(v["nonce"], b"", v["aad"])
        check(v["name"] + " icv", v["packet"][-16:], tag)
        check(v["name"] + " aad", v["aad"], v["packet"][:-16])
        check(v["name"] + " iv", v["aad"][8:16], v["nonce"][4:])


def cbc():
    for v in entries("aes_cbc_esp.h"):
        enc = Cipher(algorithms.AES(v["key"]), modes.CBC(v["iv"])).encryptor()
        check(v["name"], enc.update(v["plaintext"]) + enc.finalize(), v["ciphertext"])


def ctr():
    for v in entries("aes_ctr.h"):
        cb = v["nonce"] + v["iv"] + b"\x00\x00\x00\x01"
        enc = Cipher(algorithms.AES(v["key"]), modes.CTR(cb)).encryptor()
        check(v["name"], enc.update(v["plaintext"]) + enc.finalize(), v["ciphertext"])


def hmacs(fname):
    hashes = {1: hashlib.sha1, 2: hashlib.sha256, 3: hashlib.sha384, 4: hashlib.sha512}
    for v in entries(fname):
        check(v["name"], hmac.new(v["key"], v["data"], hashes[v["alg"]]).digest(), v["digest"])


aead_esp("aes_gcm_esp.h", AESGCM)
aead_esp("chacha20_poly1305_esp.h", ChaCha20Poly1305)
gmac_esp()
cbc()
ctr()
hmacs("hmac_sha1.h")
hmacs("hmac_sha2.h")
print("%d checks, %d mismatches" % (checked, fails))
sys.exit(1 if fails else 0)
