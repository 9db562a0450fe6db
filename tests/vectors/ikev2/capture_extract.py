#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# tests/vectors/ikev2/capture_extract.py: turn the charon logs of capture.sh
# into strongswan_ikev2.h (README.md).
# Usage: capture_extract.py INITIATOR.LOG RESPONDER.LOG [INITIATOR-FRAG.LOG
#        RESPONDER-FRAG.LOG] > strongswan_ikev2.h
import re
import sys

# "03:02:05 08[ENC] <cbc|1> plain => 160 bytes @ 0x7f2398001860"
DUMP = re.compile(r"^\S+ \d+\[\w+\] (?:<(?:[^>|]*\|)?(\d+)> )?(.*?) => (\d+) bytes @")
# "03:02:05 08[ENC] <cbc|1>   16: 02 00 00 00 A4 9F ...  ......"
ROW = re.compile(r"^\S+ \d+\[\w+\] (?:<[^>]*> )?\s*(\d+): (.{47})")


def dumps(path):
    """(IKE SA unique id, label, bytes, direction, next line) of every hex
    dump; direction is the last "encrypted payload (en|de)cryption" of that
    IKE SA (the responder names its SA only after IKE_AUTH: <1>, <cbc|1>)."""
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    out, direction = [], {}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.search(r"<(?:[^>|]*\|)?(\d+)> encrypted (fragment )?payload (encryption|decryption):",
                      line)
        if m:
            direction[m.group(1)] = (m.group(2) or "") + m.group(3)
        m = DUMP.match(line)
        if not m:
            i += 1
            continue
        conn, label, n = m.group(1), m.group(2).strip(), int(m.group(3))
        data = bytearray()
        j = i + 1
        while len(data) < n and j < len(lines):
            r = ROW.match(lines[j].ljust(200))
            if not r or int(r.group(1)) != len(data):
                break
            data += bytes(int(t, 16) for t in r.group(2).split())
            j += 1
        if len(data) >= n:
            out.append((conn, label, bytes(data[:n]), direction.get(conn),
                        lines[j] if j < len(lines) else ""))
        i = j
    return out


def packets(path):
    """Received datagrams, the non-ESP marker of port 4500 removed."""
    res = []
    for _, label, data, _, nxt in dumps(path):
        if label == "received packet":
            if "[4500]" in nxt and data[:4] == b"\0\0\0\0":
                data = data[4:]
            res.append(data)
    return res


def keys(path, conn):
    return {label.split()[0].lower(): data for c, label, data, _, _ in dumps(path)
            if c == conn and re.match(r"Sk_\w+ secret$", label)}


def first_decrypted(path, conn):
    for c, label, data, direction, _ in dumps(path):
        if c == conn and label == "plain" and direction == "decryption":
            return data
    raise SystemExit("no decrypted payload of %s in %s" % (conn, path))


def fragment_plains(path, conn):
    """The decrypted data of the SKF fragments of the first fragmented message."""
    res = []
    for c, label, data, direction, _ in dumps(path):
        if c == conn and label == "plain" and direction == "fragment decryption":
            res.append(data)
        elif res and c == conn and label == "plain":
            break
    if not res:
        raise SystemExit("no decrypted fragments of %s in %s" % (conn, path))
    return res


def summary(path, conn, what):
    """charon's own listing of a message it parsed: "SA KE No N(NATD_S_IP) ..."."""
    pat = re.compile(r"<(?:[^>|]*\|)?%s> parsed %s \d+ \[ (.*) \]$" % (conn, what))
    for line in open(path, encoding="utf-8", errors="replace"):
        m = pat.search(line.rstrip("\n"))
        if m and not m.group(1).startswith("EF("):  # not a single fragment
            return m.group(1)
    raise SystemExit("no parsed %s of %s in %s" % (what, conn, path))


def cstring(name, text):
    return "static const char %s[] = \"%s\";\n" % (name, text)


def find(pkts, ispi, exch, response):
    for p in pkts:
        if len(p) >= 28 and p[:8] == ispi and p[18] == exch and bool(p[19] & 0x20) == response:
            return p
    raise SystemExit("packet not found: exchange %d response %s" % (exch, response))


def carray(name, data):
    s = "static const uint8_t %s[%d] = {\n" % (name, len(data))
    for k in range(0, len(data), 12):
        s += "\t" + ", ".join("0x%02x" % b for b in data[k:k + 12]) + ",\n"
    return s + "};\n"


def fragments(pkts, ispi, response):
    """The SKF messages (first payload 53) of IKE_AUTH from that SA, in arrival order."""
    return [p for p in pkts if len(p) >= 28 and p[:8] == ispi and p[18] == 35 and
            p[16] == 53 and bool(p[19] & 0x20) == response]


def frag_vectors(ini, resp):
    """The fragmented round (capture.sh): SA cbc, every IKE_AUTH message as SKF."""
    ipk, rpk = packets(ini), packets(resp)
    ispi = next(p for p in rpk if len(p) >= 28 and p[18] == 34 and not p[19] & 0x20)[:8]
    ks = keys(ini, "1")
    for k in ("sk_ei", "sk_ai", "sk_er", "sk_ar"):
        print(carray("ss_frag_%s" % k, ks[k]))
    for what, pkts, path, response in (("req", rpk, resp, False), ("resp", ipk, ini, True)):
        frags = fragments(pkts, ispi, response)
        print(carray("ss_frag_auth_%s" % what, b"".join(frags)))
        print("static const uint16_t ss_frag_auth_%s_lens[] = { %s };\n" %
              (what, ", ".join(str(len(f)) for f in frags)))
        print(carray("ss_frag_auth_%s_plain" % what, b"".join(fragment_plains(path, "1"))))
        print(cstring("ss_frag_auth_%s_list" % what,
                      summary(path, "1", "IKE_AUTH " + ("response" if response else "request"))))


def main():
    ini, resp = sys.argv[1], sys.argv[2]
    ipk, rpk = packets(ini), packets(resp)
    print("/* SPDX-License-Identifier: BSD-3-Clause */")
    print("/* tests/vectors/ikev2/strongswan_ikev2.h: IKEv2 messages and keys of a real strongSwan run (README.md). */")
    print("/* Generated by capture.sh and capture_extract.py: do not edit. */")
    print("/* clang-format off */")
    print("#include <stdint.h>\n")
    # capture.sh initiates cbc first, then gcm: the IKE_SA_INIT requests in
    # that order, and IKE SA unique ids 1 and 2 on both sides.
    reqs = [p for p in rpk if len(p) >= 28 and p[18] == 34 and not p[19] & 0x20]
    for idx, name in enumerate(("cbc", "gcm")):
        conn = str(idx + 1)
        init_req = reqs[idx]
        ispi = init_req[:8]
        ks = keys(ini, conn)
        print(carray("ss_%s_init_req" % name, init_req))
        print(carray("ss_%s_init_resp" % name, find(ipk, ispi, 34, True)))
        print(carray("ss_%s_auth_req" % name, find(rpk, ispi, 35, False)))
        print(carray("ss_%s_auth_resp" % name, find(ipk, ispi, 35, True)))
        for k in ("sk_ei", "sk_ai", "sk_er", "sk_ar"):
            if k in ks:
                print(carray("ss_%s_%s" % (name, k), ks[k]))
        print(carray("ss_%s_auth_req_plain" % name, first_decrypted(resp, conn)))
        print(carray("ss_%s_auth_resp_plain" % name, first_decrypted(ini, conn)))
        print(cstring("ss_%s_init_req_list" % name, summary(resp, conn, "IKE_SA_INIT request")))
        print(cstring("ss_%s_init_resp_list" % name, summary(ini, conn, "IKE_SA_INIT response")))
        print(cstring("ss_%s_auth_req_list" % name, summary(resp, conn, "IKE_AUTH request")))
        print(cstring("ss_%s_auth_resp_list" % name, summary(ini, conn, "IKE_AUTH response")))
    if len(sys.argv) > 4:
        frag_vectors(sys.argv[3], sys.argv[4])
    print("/* clang-format on */")


main()
