#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad IKE input against the appliance with a tunnel up: fastipsec (DPDK,
# af_packet ports) between a host at 203.0.113.2 and charon at 192.0.2.1
# (as in test_ikev1_gateway.sh, whose set-up this copies).  Once charon has
# negotiated the tunnel, scapy sends a few hundred malformed IKE datagrams
# to the gateway on UDP 500 and 4500 (with the non-ESP marker), from
# charon's address and from other documentation addresses: random garbage,
# truncated headers, an unknown version, valid headers with bad lengths,
# unknown cookies, and bit-flipped copies of charon's own messages captured
# while the tunnel came up.  The gateway must keep running and count every
# one (/fastipsec/ike/stats: ike_bad, the ikev1 engine's rx and drop_*),
# and the tunnel must still carry pings with charon's SAs untouched.
# KEEP_TMP=1 keeps the logs and captures.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev1_bad: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev1_bad: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev1_bad: $SS_WHY"

ikl_setup fikb
PSK=fastipsec-gateway-psk-0123456789


# ike_stats: /fastipsec/ike/stats as one JSON line.
ike_stats() {
	tel "$PREFIX" /fastipsec/ike/stats
}

# delta BEFORE AFTER EXPR: EXPR over the stats dicts a (after) and b (before), printed.
delta() {
	$PY -c '
import json, sys
b = json.loads(sys.argv[1])["/fastipsec/ike/stats"]
a = json.loads(sys.argv[2])["/fastipsec/ike/stats"]
drops = lambda s: sum(v for k, v in s["ikev1"].items() if k.startswith("drop_"))
print(eval(sys.argv[3]))' "$1" "$2" "$3"
}

gw_conf_psk aes128-sha256-modp2048 aes128-sha256 none
ss_conn_psk aes128-sha256-modp2048 aes128-sha256 || notok "charon loads its configuration"
# Two more documentation addresses on charon's side, for forged sources that answer ARP.
ip -n "$SS" addr add 192.0.2.66/24 dev so$ID
ip -n "$SS" addr add 192.0.2.77/24 dev so$ID
if ! gw_up bad; then
	notok "the gateway starts with an IKEv1 connection"
	sed 's/^/# /' "$TMP/gw-bad.log"
	exit 1
fi
ok "the gateway starts with an IKEv1 connection"
dump_start
if ss_initiate "$SSD" net gw 20 >"$TMP/init.out" 2>&1; then
	ok "charon initiates: the tunnel is up"
else
	notok "charon initiates: the tunnel is up"
	tail -n 5 "$TMP/init.out" | sed 's/^/# /'
	ss_log_tail "$SSD"
fi
check "the gateway installs the SA pair" wait_gw_children 2 5
dump_stop
R=$(ping_both 3)
check "pings cross the tunnel before ($R)" test "$R" = "3 3"
SPIS0=$(ss_child_spis "$SSD" net)
L0=$(tel "$PREFIX" /fastipsec/ike/list)
COOKIE=$(jget "$L0" 'r["/fastipsec/ike/list"]["ike_0"]["spi_i"]')
S0=$(ike_stats)

# The flood: every datagram from charon's namespace, from 192.0.2.1 (the peer),
# .66 and .77.  Prints what it sent by the class the gateway counts it in.
T0=$(date +%s)
SENT=$(ip netns exec "$SS" $PY - "$TMP/wire.pcap" <<'PYEOF' 2>"$TMP/scapy.err"
import json, random, struct, sys
from scapy.all import IP, UDP, Raw, conf, rdpcap, send

conf.verb = 0
rnd = random.Random(20261202)
GW, PEER = "192.0.2.2", "192.0.2.1"
SRCS = [PEER, "192.0.2.66", "192.0.2.77"]
MARKER = b"\x00\x00\x00\x00"

# charon's messages of the negotiation, non-ESP marker stripped
real = []
for p in rdpcap(sys.argv[1]):
    if IP in p and UDP in p and p[IP].src == PEER and p[IP].dst == GW:
        pl = bytes(p[UDP].payload)
        if p[UDP].dport == 4500:
            if len(pl) < 4 or pl[:4] != MARKER:
                continue
            pl = pl[4:]
        if len(pl) >= 28:
            real.append(pl)

def hdr(ispi, rspi, nxt, exch, flags, msgid, length, ver=0x10):
    return struct.pack(">QQBBBBII", ispi, rspi, nxt, ver, exch, flags, msgid, length)

def cookie():
    return rnd.getrandbits(64) | 1

count = {"bad": 0, "v1": 0, "total": 0}
pkts = []

def add(payload, cls, src=None, port=None):
    src = src or rnd.choice(SRCS)
    port = port or rnd.choice([500, 4500])
    data = (MARKER + payload) if port == 4500 else payload
    pkts.append(IP(src=src, dst=GW) / UDP(sport=port, dport=port) / Raw(data))
    count[cls] += 1
    count["total"] += 1

# random garbage of any length (the first byte keeps it off version 1 and 2: ike_bad)
for _ in range(40):
    g = bytearray(rnd.randbytes(rnd.randint(28, 300)))
    g[17] = 0x30 | (g[17] & 0x0f)
    add(bytes(g), "bad")
# truncated headers: shorter than an ISAKMP header
for _ in range(40):
    add(rnd.randbytes(rnd.randint(1, 27)), "bad")
# valid version 1 headers with bad lengths, unknown exchanges, flags, garbage bodies
for _ in range(80):
    body = rnd.randbytes(rnd.randint(0, 200))
    length = rnd.choice([len(body) + 28 + rnd.randint(1, 64), max(28, len(body) + 28 - rnd.randint(1, 28)), 0, 0xffffffff, len(body) + 28])
    exch = rnd.choice([2, 4, 5, 6, 32, 99, 200])
    add(hdr(cookie(), rnd.choice([0, cookie()]), rnd.choice([1, 8, 13, 77, 0]), exch, rnd.choice([0, 1, 0x80]), rnd.getrandbits(32), length) + body, "v1")
# unknown cookies: main mode, quick mode, informational, encrypted or not
for _ in range(60):
    exch = rnd.choice([2, 5, 32])
    body = bytes([0, 0, 0, 8]) + rnd.randbytes(4)
    msgid = 0 if exch == 2 else rnd.getrandbits(32) | 1
    add(hdr(cookie(), cookie(), 13, exch, rnd.choice([0, 1]), msgid, 28 + len(body)) + body, "v1")
# bit-flipped and cut copies of charon's own messages, from its address
for i in range(180 if real else 0):
    m = bytearray(rnd.choice(real))
    how = i % 4
    if how == 0:  # one flipped bit past the header
        k = rnd.randrange(28, len(m))
        m[k] ^= 1 << rnd.randrange(8)
    elif how == 1:  # a few flipped bytes anywhere after the cookies
        for _ in range(3):
            m[rnd.randrange(16, len(m))] ^= rnd.randrange(1, 256)
        m[17] = 0x10
    elif how == 2:  # cut short, header length kept
        m = m[: rnd.randrange(28, len(m))] if len(m) > 28 else m
    else:  # header length off
        struct.pack_into(">I", m, 24, len(m) + rnd.choice([-4, 4, 16]))
    add(bytes(m), "v1", src=PEER, port=4500 if rnd.random() < 0.7 else 500)

send(pkts, inter=0.002)
count["real"] = len(real)
print(json.dumps(count))
PYEOF
)
echo "# sent: $SENT ($(($(date +%s) - T0)) s)"
check "scapy sent the flood (and found charon's messages to copy)" \
	jtrue "${SENT:-{\}}" 'r["total"] >= 300 and r["real"] >= 3'
sleep 1
S1=$(ike_stats)
check "the gateway is still running" kill -0 "$GW_PID"
echo "# ike_rx +$(delta "$S0" "$S1" 'a["ike_rx"] - b["ike_rx"]'), ike_bad +$(delta "$S0" "$S1" 'a["ike_bad"] - b["ike_bad"]'), ikev1 rx +$(delta "$S0" "$S1" 'a["ikev1"]["rx"] - b["ikev1"]["rx"]'), drops +$(delta "$S0" "$S1" 'drops(a) - drops(b)'), ring full +$(delta "$S0" "$S1" 'a["ike_ring_full"] - b["ike_ring_full"]')"
delta "$S0" "$S1" '" ".join("%s+%d" % (k, a["ikev1"][k] - b["ikev1"][k]) for k in sorted(a["ikev1"]) if k.startswith("drop_") and a["ikev1"][k] != b["ikev1"][k])' | sed 's/^/# drops: /'
NBAD=$(jget "$SENT" 'r["bad"]')
NV1=$(jget "$SENT" 'r["v1"]')
check "every datagram that is no IKE message is counted as ike_bad ($NBAD)" \
	test "$(delta "$S0" "$S1" 'a["ike_bad"] - b["ike_bad"]')" = "$NBAD"
check "every IKEv1 one reaches the engine ($NV1)" \
	test "$(delta "$S0" "$S1" 'a["ikev1"]["rx"] - b["ikev1"]["rx"]')" = "$NV1"
# A flipped bit in the padding of a copy may leave an acceptable message
# (charon's messages again, answered from the stored reply or out of
# state, are drops too): all but a handful are drops.
check "the engine counts them as drops (malformed, unknown SA, state...)" \
	test "$(delta "$S0" "$S1" 'drops(a) - drops(b) >= '"$NV1"' - 5 and a["ikev1"]["drop_malformed"] > b["ikev1"]["drop_malformed"] and a["ikev1"]["drop_unknown_sa"] > b["ikev1"]["drop_unknown_sa"]')" = True
check "no phase 1 or 2 was started, failed or lost by the flood" \
	test "$(delta "$S0" "$S1" 'a["ikev1"]["p1_done"] == b["ikev1"]["p1_done"] and a["ikev1"]["p2_done"] == b["ikev1"]["p2_done"] and a["ikev1"]["p2_failed"] == b["ikev1"]["p2_failed"] and a["ikev1"]["deletes_received"] == b["ikev1"]["deletes_received"]')" = True
L1=$(tel "$PREFIX" /fastipsec/ike/list)
check "the gateway's IKE SA with charon is still established, with its pair" \
	jtrue "$L1" 'any(isinstance(v, dict) and v.get("spi_i") == "'"$COOKIE"'" and v["state"] == "established" and v["ipsec_sas"] == 1 for v in r["/fastipsec/ike/list"].values())'
R=$(ping_both 3)
check "pings still cross the tunnel ($R)" test "$R" = "3 3"
SPIS1=$(ss_child_spis "$SSD" net)
echo "# charon's CHILD SA before: $SPIS0, after: $SPIS1"
check "charon's CHILD SA is untouched" test -n "$SPIS1" -a "$SPIS0" = "$SPIS1"
check "charon still has its one IKE SA" test "$(ss_count "$SSD")" = 1
check "the gateway still installs the same pair" wait_gw_children 2 2
gw_stop TERM
check "the gateway stops with exit 0" test "$GW_RC" = 0
finish
