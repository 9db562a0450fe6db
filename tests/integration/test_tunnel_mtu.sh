#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# RFC 4301 §8 through a tunnel: an inner packet that would not fit the
# outbound SA's path once encapsulated.  With DF (IPv4) or as IPv6 the
# gateway answers Fragmentation Needed / Packet Too Big carrying the usable
# inner MTU (the egress MTU minus the SA's overhead, ESP padding counted);
# without DF the outer IPv4 packet is fragmented, and an IPv4 packet
# entering an IPv6 tunnel is fragmented before ESP.  An ICMP error about one of
# the SA's ESP packets lowers that SA's path MTU (RFC 4301 §8.2.1), and
# the next DF packet learns the smaller inner MTU; errors about SPIs we do
# not use, with a bad checksum, or reporting a larger MTU change nothing.
# An IPv6 packet of at most 1280 bytes that a 6in6 SA's path (1280) cannot
# carry whole leaves in outer IPv6 fragments the gateway makes as their
# source (RFC 8200 §4.5), which scapy reassembles and decrypts; a larger one
# gets Packet Too Big 1280.  scapy in the peer's namespace plays the
# routers that send those errors.
# Then jumbo frames: the same lab with 9000-byte MTUs and net_pcap ports,
# whose receive path hands frames longer than one mbuf in chains: 8000-byte
# packets cross the tunnel both ways (scapy's ESP as the peer); over an SA's
# path MTU of 1500 a DF one gets Fragmentation Needed, and one without DF
# into the IPv6 tunnel leaves in ESP packets that fit.
set -u
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_tunnel_mtu: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_tunnel_mtu: $BUILD/fastipsec not built"
$PY -c 'import scapy.layers.inet' 2>/dev/null || skip_all "test_tunnel_mtu: python3-scapy missing"

ID=$$
GW=fimt-gw-$ID
OUT=fimt-out-$ID
IN=fimt-in-$ID
PREFIX=fimt-$ID
INSTANCE=fimt$ID
PREFIX2=fimj-$ID
INSTANCE2=fimj$ID
TMP=$(mktemp -d)
GW_PID=
DUMP_PID=

cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -9 "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	if [ -n "$DUMP_PID" ] && kill -0 "$DUMP_PID" 2>/dev/null; then
		kill "$DUMP_PID" 2>/dev/null
		wait "$DUMP_PID" 2>/dev/null
	fi
	lab_del "$GW" "$OUT" "$IN"
	rm -f "/dev/shm/fastipsec-$INSTANCE.log" "/dev/shm/fastipsec-$INSTANCE2.log"
	rm -rf "/var/run/dpdk/$PREFIX" "/var/run/dpdk/$PREFIX2" "$TMP"
}
trap cleanup EXIT

lab_ns "$GW"
lab_ns "$OUT"
lab_ns "$IN"
lab_veth "$GW" eo$ID "$OUT" po$ID
lab_veth "$GW" ei$ID "$IN" pi$ID
lab_gw_port "$GW" eo$ID
lab_gw_port "$GW" ei$ID
lab_host "$OUT" po$ID 192.0.2.1/24 192.0.2.2 2001:db8:0:2::1/64 2001:db8:0:2::2
lab_host "$IN" pi$ID 203.0.113.2/24 203.0.113.1 2001:db8:0:113::2/64 2001:db8:0:113::1

K1=0x00112233445566778899aabbccddeeff01020304
K2=0xffeeddccbbaa99887766554433221100a1a2a3a4
K3=0x202122232425262728292a2b2c2d2e2f
K4=0x303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f
K5=0x505152535455565758595a5b5c5d5e5f60616263
cat >"$TMP/gw.yaml" <<YAML
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24, "2001:db8:0:113::1/64"]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
  - {destination: "2001:db8:51::/64", gateway: "2001:db8:0:2::1"}
  - {destination: "2001:db8:52::/64", gateway: "2001:db8:0:2::1"}
static_sas:
  - {name: gcm-out, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $K1}
  - {name: cbc-out, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, encryption_key: $K3, integrity_key: $K4}
  - {name: v6-out, direction: outbound, spi: 0x1003, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $K2}
  - {name: o6-out, direction: outbound, spi: 0x1004, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: aes128gcm16, encryption_key: $K2}
  - {name: o66-out, direction: outbound, spi: 0x1005, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: aes128gcm16, encryption_key: $K5}
policies:
  - {name: gcm-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/26, action: protect, sa: gcm-out}
  - {name: cbc-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.64/26, action: protect, sa: cbc-out}
  - {name: v6-o, direction: outbound, source: "2001:db8:0:113::/64", destination: "2001:db8:51::/64", action: protect, sa: v6-out}
  - {name: o6-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.192/26, action: protect, sa: o6-out}
  - {name: o66-o, direction: outbound, source: "2001:db8:0:113::/64", destination: "2001:db8:52::/64", action: protect, sa: o66-out}
YAML

gw_start "$GW" "$PREFIX" "$TMP/gw.log" --vdev "net_af_packet0,iface=eo$ID" \
	--vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml"
if ! gw_wait_ready "$PREFIX" 20; then
	notok "gateway starts"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "gateway starts"
GWMAC=$(jget "$(tel "$PREFIX" /fastipsec/info)" 'r["/fastipsec/info"]["port_0"]["mac"]')

CUR=$PREFIX # the running gateway's file prefix
sainfo() { # sainfo SPI PYEXPR: evaluated on the SA's info (bound to s)
	jget "$(tel "$CUR" "/fastipsec/sa/info,$1")" \
		"(lambda s: $2)([v for k, v in r['/fastipsec/sa/info'].items() if k.startswith('sa_')][0])"
}
gstat() { # gstat PYEXPR: evaluated on /fastipsec/stats (bound to s)
	jget "$(tel "$CUR" /fastipsec/stats)" "(lambda s: $1)(r['/fastipsec/stats'])"
}
# cap_start FILE FILTER: capture at the peer (po) into FILE; cap_stop ends it.
cap_start() {
	ip netns exec "$OUT" tcpdump -i po$ID -n -U --immediate-mode -w "$1" "$2" >/dev/null 2>&1 &
	DUMP_PID=$!
	sleep 1
}
cap_stop() {
	sleep 0.5
	kill "$DUMP_PID" 2>/dev/null
	wait "$DUMP_PID" 2>/dev/null
	DUMP_PID=
}
# inner_frag6 PCAP LEN: the ESP packets of o6-out (4in6) in PCAP, none over 1500 bytes and
# none an outer fragment, decrypt to IPv4 fragments that reassemble into one LEN-byte ping
# whose payload is the pattern 0x5a.
inner_frag6() {
	$PY - "$1" "${K2#0x}" "$2" >"$TMP/frag6.out" 2>&1 <<'PYEOF2'
import sys
from scapy.all import rdpcap, IPv6, IP, ICMP, IPv6ExtHdrFragment
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.inet import defragment
sa = SecurityAssociation(ESP, spi=0x1004, crypt_algo='AES-GCM', crypt_key=bytes.fromhex(sys.argv[2]),
                         tunnel_header=IPv6(src='2001:db8:0:2::2', dst='2001:db8:0:2::1'))
frags, outer, ext = [], [], 0
for p in rdpcap(sys.argv[1]):
    if IPv6 not in p or p[IPv6].nh not in (50, 44) or p[IPv6].src != '2001:db8:0:2::2':
        continue
    if IPv6ExtHdrFragment in p:
        ext += 1
        continue
    outer.append(len(p[IPv6]))
    frags.append(sa.decrypt(p[IPv6]))
whole = defragment(frags) if frags else []
ok = (len(frags) >= 2 and ext == 0 and max(outer) <= 1500 and len(whole) == 1 and
      len(whole[0]) == int(sys.argv[3]) and ICMP in whole[0] and whole[0][ICMP].type == 8 and
      bytes(whole[0][ICMP].payload)[16:32] == b'Z' * 16)
print('esp packets %d (outer lengths %s), outer fragments %d, inner reassembled %s' %
      (len(frags), outer, ext, [len(w) for w in whole]))
sys.exit(0 if ok else 1)
PYEOF2
	R=$?
	sed 's/^/# /' "$TMP/frag6.out"
	return $R
}
# ping_df FAMILY SIZE DST: one ping with DF (-M do), its output in $TMP/ping.
ping_df() {
	ip netns exec "$IN" ping "-$1" -M do -c 1 -W 1 -s "$2" "$3" >"$TMP/ping" 2>&1
	sed 's/^/# /' "$TMP/ping" | grep -iE 'mtu|too big|frag' | head -n 2
}
# icmp_err KIND MTU SPI [bad]: scapy sends, as the router 192.0.2.1, an error about an ESP packet
# 192.0.2.2 -> 192.0.2.1 with that SPI: KIND v4 (Fragmentation Needed) or v6 (Packet Too Big).
icmp_err() {
	ip netns exec "$OUT" $PY - "$GWMAC" "po$ID" "$@" <<'PY' 2>/dev/null
import sys
from scapy.all import Ether, IP, ICMP, IPv6, ICMPv6PacketTooBig, Raw, sendp
mac, ifn, kind, mtu, spi = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5], 16)
bad = len(sys.argv) > 6
esp = spi.to_bytes(4, "big") + (7).to_bytes(4, "big") + bytes(64)
if kind == "v4":
    q = IP(src="192.0.2.2", dst="192.0.2.1", proto=50, flags="DF") / Raw(esp)
    p = Ether(dst=mac) / IP(src="192.0.2.1", dst="192.0.2.2") / ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(bytes(q))
    if bad:
        p[ICMP].chksum = 0x1234
else:
    q = IPv6(src="2001:db8:0:2::2", dst="2001:db8:0:2::1", nh=50) / Raw(esp)
    p = Ether(dst=mac) / IPv6(src="2001:db8:0:2::1", dst="2001:db8:0:2::2") / ICMPv6PacketTooBig(mtu=mtu) / Raw(bytes(q))
sendp(p, iface=ifn, verbose=False)
PY
	sleep 0.3
}

# GCM tunnel, IPv4 outer: 20 (IP) + 8 (SPI, seq) + 8 (IV) + 16 (ICV) = 52 bytes, then
# the payload and its 2-byte trailer padded to 4: at most 1446 inner bytes in 1500.
check "the SA knows its egress MTU (1500) and has no path MTU yet" \
	test "$(sainfo 1001 's["mtu"] == 1500 and s["path_mtu"] == 0')" = True
P0=$(sainfo 1001 's["packets"]')
ping_df 4 1418 198.51.100.5 # 1446 bytes
P1=$(sainfo 1001 's["packets"]')
check "a 1446-byte DF packet fits the GCM tunnel: encrypted and sent (no error)" \
	bash -c "! grep -qiE 'frag needed|mtu' '$TMP/ping' && [ $P1 = $((P0 + 1)) ]"
ping_df 4 1419 198.51.100.5 # 1447 bytes
check "a 1447-byte DF packet gets Fragmentation Needed with mtu 1446 (RFC 4301 §8.1)" \
	grep -Eq 'mtu = 1446|mtu=1446' "$TMP/ping"
# CBC-SHA256: 52 + 16 (IV 16, ICV 16: 20 + 8 + 16 + 16 = 60) and padding to 16 blocks:
# room 1500 - 60 = 1440 (a multiple of 16), so 1438 inner bytes.
ip netns exec "$IN" ip route flush cache 2>/dev/null
ping_df 4 1411 198.51.100.70 # 1439 bytes
check "AES-CBC: a 1439-byte DF packet gets mtu 1438 (padding to the 16-byte block counted)" \
	grep -Eq 'mtu = 1438|mtu=1438' "$TMP/ping"
ping_df 6 1452 2001:db8:51::5 # 1500 bytes of IPv6 in a 6in4 GCM tunnel
check "IPv6 inner over an IPv4 outer: Packet Too Big with mtu 1446 (RFC 4301 §8.2)" \
	grep -Eq 'mtu=1446|mtu = 1446' "$TMP/ping"

# Without DF the outer packet is fragmented: the capture at the peer shows ESP fragments.
cap_start "$TMP/frag.pcap" ip
F0=$(gstat 's["fragmented"]')
ip netns exec "$IN" ping -M dont -c 1 -W 1 -s 1472 198.51.100.5 >/dev/null 2>&1
cap_stop
NFRAG=$(tcpdump -r "$TMP/frag.pcap" -n 'ip proto 50 and (ip[6:2] & 0x3fff != 0)' 2>/dev/null | wc -l)
echo "# ESP fragments seen at the peer: $NFRAG"
F1=$(gstat 's["fragmented"]')
check "a 1500-byte packet without DF leaves as a fragmented ESP packet (outer fragmentation)" \
	bash -c "[ $NFRAG -ge 2 ] && [ $F1 -gt $F0 ]"

# IPv4 without DF into the IPv6 tunnel: the inner packet is fragmented before
# it is protected (the peer then reassembles nothing): scapy decrypts
# each ESP packet with the SA's key and reassembles the inner fragments.
cap_start "$TMP/frag6.pcap" ip6
F0=$(gstat 's["fragmented"]')
ip netns exec "$IN" ping -M dont -c 1 -W 1 -s 1472 -p 5a 198.51.100.200 >/dev/null 2>&1
cap_stop
F1=$(gstat 's["fragmented"]')
inner_frag6 "$TMP/frag6.pcap" 1500
R=$?
check "IPv4 without DF into the IPv6 tunnel: fragmented before ESP, each ESP packet fits, the peer reassembles the 1500-byte ping" \
	bash -c "[ $R = 0 ] && [ $F1 -gt $F0 ]"

# Learning: a router reports MTU 1300 for the GCM SA's packets.
icmp_err v4 1300 0x9999
check "an error about an SPI we do not send is ignored" \
	test "$(gstat 's["pmtu_learned"] == 0')$(sainfo 1001 's["path_mtu"]')" = True0
icmp_err v4 1300 0x1001 bad
check "an error with a bad ICMP checksum is ignored" test "$(sainfo 1001 's["path_mtu"]')" = 0
icmp_err v4 1300 0x1001
check "Fragmentation Needed (mtu 1300) about the SA's ESP lowers its path MTU to 1300" \
	test "$(sainfo 1001 's["path_mtu"]')$(gstat 's["pmtu_learned"]')" = 13001
check "... only that SA's" test "$(sainfo 1002 's["path_mtu"]')" = 0
icmp_err v4 1400 0x1001
check "a larger report does not raise it (only ageing does)" test "$(sainfo 1001 's["path_mtu"]')" = 1300
icmp_err v4 200 0x1002
check "a report below 576 is taken as 576" test "$(sainfo 1002 's["path_mtu"]')" = 576
ip netns exec "$IN" ip route flush cache 2>/dev/null
P1=$(sainfo 1001 's["packets"]')
ping_df 4 1219 198.51.100.5 # 1247 bytes
check "then a 1247-byte DF packet gets Fragmentation Needed with mtu 1246 (1300 - 52 - 2)" \
	grep -Eq 'mtu = 1246|mtu=1246' "$TMP/ping"
check "... and was not sent" test "$(sainfo 1001 's["packets"]')" = "$P1"
# IPv4 in IPv6: 40 + 8 + 8 + 16 = 72 bytes; 1500 - 72 = 1428 - 2: 1426 inner bytes.
ping_df 4 1399 198.51.100.200 # 1427 bytes
check "IPv4 in IPv6 (GCM): a 1427-byte DF packet gets mtu 1426" grep -Eq 'mtu = 1426|mtu=1426' "$TMP/ping"
icmp_err v6 1400 0x1004
check "Packet Too Big (mtu 1400) about the IPv6 SA's ESP lowers its path MTU to 1400" \
	test "$(sainfo 1004 's["path_mtu"]')" = 1400
ping_df 4 1299 198.51.100.201 # 1327 bytes
check "then a 1327-byte DF packet gets mtu 1326 (1400 - 72 - 2)" grep -Eq 'mtu = 1326|mtu=1326' "$TMP/ping"
icmp_err v6 1000 0x1004
check "an IPv6 report below 1280 is taken as 1280 (RFC 8200 §5)" \
	test "$(sainfo 1004 's["path_mtu"]')" = 1280

# IPv6 in IPv6 over a path of 1280 (learned): 1280 - 40 - 8 - 8 - 16 - 2 leaves 1206 inner
# bytes, below the 1280 every IPv6 link carries (RFC 8200 §5).  A 1280-byte packet is
# protected and its 1356-byte outer packet leaves in fragments of at most 1280 bytes,
# made by the gateway as their source (RFC 4301 §8.1); scapy at the peer reassembles
# them (defragment6) and decrypts the ping.
icmp_err v6 1280 0x1005
check "Packet Too Big (mtu 1280) about the 6in6 SA lowers its path MTU to 1280" \
	test "$(sainfo 1005 's["path_mtu"]')" = 1280
cap_start "$TMP/ofrag6.pcap" ip6
F0=$(gstat 's["fragmented"]')
M0=$(gstat 's["drops"]["mtu"]')
ip netns exec "$IN" ping -6 -c 1 -W 1 -s 1232 -p 5a 2001:db8:52::5 >/dev/null 2>&1
cap_stop
F1=$(gstat 's["fragmented"]')
M1=$(gstat 's["drops"]["mtu"]')
$PY - "$TMP/ofrag6.pcap" "${K5#0x}" >"$TMP/ofrag6.out" 2>&1 <<'PYEOF3'
import sys
from scapy.all import rdpcap, IPv6, IPv6ExtHdrFragment, ICMPv6EchoRequest
from scapy.layers.inet6 import defragment6
from scapy.layers.ipsec import ESP, SecurityAssociation
sa = SecurityAssociation(ESP, spi=0x1005, crypt_algo='AES-GCM', crypt_key=bytes.fromhex(sys.argv[2]),
                         tunnel_header=IPv6(src='2001:db8:0:2::2', dst='2001:db8:0:2::1'))
frags = [p[IPv6] for p in rdpcap(sys.argv[1])
         if IPv6 in p and p[IPv6].src == '2001:db8:0:2::2' and IPv6ExtHdrFragment in p]
ids = set(f[IPv6ExtHdrFragment].id for f in frags)
whole = defragment6(frags) if frags else None
inner = sa.decrypt(IPv6(bytes(whole))) if whole is not None and ESP in IPv6(bytes(whole)) else None
ok = (len(frags) >= 2 and len(ids) == 1 and max(len(f) for f in frags) <= 1280 and
      inner is not None and len(inner) == 1280 and ICMPv6EchoRequest in inner and
      bytes(inner[ICMPv6EchoRequest].data)[16:32] == b'Z' * 16)
print('fragments %d (lengths %s, ids %s), reassembled %s, inner %s' %
      (len(frags), [len(f) for f in frags], sorted(ids), len(whole) if whole is not None else None,
       len(inner) if inner is not None else None))
sys.exit(0 if ok else 1)
PYEOF3
R=$?
sed 's/^/# /' "$TMP/ofrag6.out"
check "a 1280-byte IPv6 packet leaves the 6in6 SA in outer IPv6 fragments within 1280 bytes that reassemble and decrypt" \
	bash -c "[ $R = 0 ] && [ $F1 -gt $F0 ] && [ $M1 = $M0 ]"
ping_df 6 1252 2001:db8:52::5 # 1300 bytes
check "... a 1300-byte one gets Packet Too Big with mtu 1280 (not the 1206 it cannot carry whole)" \
	grep -Eq 'mtu=1280|mtu = 1280' "$TMP/ping"

STATS=$(tel "$CUR" /fastipsec/stats)
echo "# drops: $(jget "$STATS" '{k: v for k, v in r["/fastipsec/stats"]["drops"].items() if v}'); icmp_errors $(jget "$STATS" 'r["/fastipsec/stats"]["icmp_errors"]')"
check "the errors were counted (icmp_errors) and the packets dropped as mtu" \
	test "$(jget "$STATS" 'r["/fastipsec/stats"]["icmp_errors"] >= 6 and r["/fastipsec/stats"]["drops"]["mtu"] >= 6')" = True
gw_stop TERM
check "the gateway stops with exit 0 (rc=$GW_RC)" test "$GW_RC" = 0

# Jumbo frames: every veth at MTU 9000, the gateway's ports on net_pcap, which hands a
# frame longer than one mbuf (2 KB) in a chain of mbufs; the gateway copies it into one
# big buffer at the door (linearized).
for l in "$GW eo$ID" "$OUT po$ID" "$GW ei$ID" "$IN pi$ID"; do
	ip -n "${l% *}" link set "${l#* }" mtu 9000
done
ip -n "$IN" neigh flush all
ip -n "$OUT" neigh flush all
ip -n "$IN" route flush cache 2>/dev/null
cat >"$TMP/gwj.yaml" <<YAML
instance: $INSTANCE2
interfaces:
  - {name: outside, port: net_pcap0, role: unprotected, mtu: 9000, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_pcap1, role: protected, mtu: 9000, addresses: [203.0.113.1/24]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
static_sas:
  - {name: gcm-out, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $K1}
  - {name: gcm-in, direction: inbound, spi: 0x2001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $K5}
  - {name: o6-out, direction: outbound, spi: 0x1004, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: aes128gcm16, encryption_key: $K2}
policies:
  - {name: gcm-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/26, action: protect, sa: gcm-out}
  - {name: gcm-i, direction: inbound, source: 198.51.100.0/26, destination: 203.0.113.0/24, action: protect, sa: gcm-in}
  - {name: o6-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.192/26, action: protect, sa: o6-out}
YAML
gw_start "$GW" "$PREFIX2" "$TMP/gwj.log" --vdev "net_pcap0,iface=eo$ID" \
	--vdev "net_pcap1,iface=ei$ID" -- --config "$TMP/gwj.yaml"
if ! gw_wait_ready "$PREFIX2" 20; then
	notok "jumbo: the gateway starts on net_pcap ports with MTU 9000"
	sed 's/^/# /' "$TMP/gwj.log"
	exit 1
fi
ok "jumbo: the gateway starts on net_pcap ports with MTU 9000"
CUR=$PREFIX2
GWMAC=$(jget "$(tel "$CUR" /fastipsec/info)" 'r["/fastipsec/info"]["port_0"]["mac"]')

# scapy's ESP as the peer: 8000-byte echo requests (7972 bytes of payload) in ESP to the
# inside host, whose 8000-byte replies come back protected; both ways each frame is a chain.
ip netns exec "$OUT" env ESP_PAYLOAD=7972 $PY "$TOP/tests/integration/esp_peer.py" po$ID "$GWMAC" \
	192.0.2.1 192.0.2.2 198.51.100.5 203.0.113.2 gcm 0x2001 "${K5#0x}" 0x1001 "${K1#0x}" 3 \
	>"$TMP/jumbo.out" 2>&1
R=$?
sed 's/^/# /' "$TMP/jumbo.out"
check "8000-byte packets cross the tunnel both ways, decrypted by scapy and by the gateway" test $R = 0
check "... each of their frames made one segment (linearized), none dropped as a runt or unlinearized" \
	test "$(gstat 's["linearized"] >= 6 and s["drops"]["runt"] == 0 and s["drops"]["rx_too_long"] + s["drops"]["rx_no_buf"] == 0')" = True
check "... and not fragmented: the egress MTU (9000) takes them" test "$(gstat 's["fragmented"]')" = 0

# RFC 4301 §8 with jumbo frames: over a path MTU of 1500 learned for the GCM SA, an 8000-byte
# DF packet gets Fragmentation Needed with the inner MTU (1446); one without DF into the
# IPv6 tunnel (path MTU 1500) is fragmented before ESP, every ESP packet within 1500 bytes.
icmp_err v4 1500 0x1001
ping_df 4 7972 198.51.100.5
check "jumbo: an 8000-byte DF packet over the SA's path MTU (1500) gets Fragmentation Needed with mtu 1446" \
	grep -Eq 'mtu = 1446|mtu=1446' "$TMP/ping"
icmp_err v6 1500 0x1004
# The peer's IPv6 address known first: the six ESP packets would not all wait for ND.
ip netns exec "$OUT" ping -6 -c 1 -W 1 2001:db8:0:2::2 >/dev/null 2>&1
cap_start "$TMP/jfrag6.pcap" ip6
ip netns exec "$IN" ping -M dont -c 1 -W 1 -s 7972 -p 5a 198.51.100.200 >/dev/null 2>&1
cap_stop
inner_frag6 "$TMP/jfrag6.pcap" 8000
check "jumbo: an 8000-byte packet without DF into the IPv6 tunnel leaves in ESP packets within 1500 bytes that reassemble" \
	test $? = 0
STATS=$(tel "$CUR" /fastipsec/stats)
echo "# drops: $(jget "$STATS" '{k: v for k, v in r["/fastipsec/stats"]["drops"].items() if v}'); linearized $(jget "$STATS" 'r["/fastipsec/stats"]["linearized"]')"
gw_stop TERM
check "the gateway on net_pcap stops with exit 0 (rc=$GW_RC)" test "$GW_RC" = 0
finish
