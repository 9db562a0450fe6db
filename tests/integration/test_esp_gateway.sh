#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ESP through the gateway against an independent implementation: scapy's
# ESP in the peer's namespace encrypts echo requests to a host behind the
# gateway (static SAs, tunnel mode); the gateway decrypts, checks the
# inbound policy, forwards; the host answers; the gateway encrypts the
# replies, and scapy must decrypt them to the same echo replies.  Also with
# IPv6 extension headers in front of ESP and of an echo request to the gateway.
set -u
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_esp_gateway: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_esp_gateway: $BUILD/fastipsec not built"
$PY -c 'import scapy.layers.ipsec' 2>/dev/null || skip_all "test_esp_gateway: python3-scapy missing"

ID=$$
GW=fipe-gw-$ID
OUT=fipe-out-$ID
IN=fipe-in-$ID
PREFIX=fipe-$ID
INSTANCE=fipe$ID
TMP=$(mktemp -d)
GW_PID=

cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -9 "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	lab_del "$GW" "$OUT" "$IN"
	rm -f "/dev/shm/fastipsec-$INSTANCE.log"
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
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

GCM_TO=0x00112233445566778899aabbccddeeff01020304 # peer -> gateway (gateway inbound)
GCM_FROM=0xffeeddccbbaa99887766554433221100a1a2a3a4 # gateway -> peer (gateway outbound)
CBC_TO_E=0x000102030405060708090a0b0c0d0e0f
CBC_TO_I=0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
CBC_FROM_E=0x303132333435363738393a3b3c3d3e3f
CBC_FROM_I=0x404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f

CHA_TO=0x808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f01020304
CHA_FROM=0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf05060708
NAT_TO=0xc0c1c2c3c4c5c6c7c8c9cacbcccdcecf11121314
NAT_FROM=0xd0d1d2d3d4d5d6d7d8d9dadbdcdddedf21222324
AH_TO=0x6061626364656667686970717273747576777879808182838485868788899091
AH_FROM=0x92939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1
V6_TO=0xe0e1e2e3e4e5e6e7e8e9eaebecedeeefe0e1e2e3e4e5e6e7e8e9eaebecedeeef31323334
V6_FROM=0xf0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff41424344

# Inner networks, all inside 198.51.100.0/24 and 2001:db8::/32: one per SA pair.
cat >"$TMP/gw.yaml" <<YAML
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24, "2001:db8:0:113::1/64"]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
  - {destination: "2001:db8:51::/64", gateway: "2001:db8:0:2::1"}
static_sas:
  - {name: gcm-out, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $GCM_FROM}
  - {name: gcm-in, direction: inbound, spi: 0x2001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $GCM_TO, replay_window: 128}
  - {name: cbc-out, direction: outbound, spi: 0x1002, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, encryption_key: $CBC_FROM_E, integrity_key: $CBC_FROM_I}
  - {name: cbc-in, direction: inbound, spi: 0x2002, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, encryption_key: $CBC_TO_E, integrity_key: $CBC_TO_I}
  - {name: cha6-out, direction: outbound, spi: 0x1003, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: chacha20poly1305, encryption_key: $CHA_FROM}
  - {name: cha6-in, direction: inbound, spi: 0x2003, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: chacha20poly1305, encryption_key: $CHA_TO}
  - {name: nat-out, direction: outbound, spi: 0x1004, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $NAT_FROM, encap: {type: udp}}
  - {name: nat-in, direction: inbound, spi: 0x2004, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $NAT_TO, encap: {type: udp}}
  - {name: ah-out, direction: outbound, spi: 0x1006, local: 192.0.2.2, remote: 192.0.2.1,
     protocol: ah, proposal: sha256, integrity_key: $AH_FROM}
  - {name: ah-in, direction: inbound, spi: 0x2006, local: 192.0.2.2, remote: 192.0.2.1,
     protocol: ah, proposal: sha256, integrity_key: $AH_TO}
  - {name: v46-out, direction: outbound, spi: 0x1005, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: aes256gcm16, encryption_key: $V6_FROM}
  - {name: v46-in, direction: inbound, spi: 0x2005, local: "2001:db8:0:2::2", remote: "2001:db8:0:2::1",
     proposal: aes256gcm16, encryption_key: $V6_TO}
policies:
  - {name: gcm-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/27, action: protect, sa: gcm-out}
  - {name: gcm-i, direction: inbound, source: 198.51.100.0/27, destination: 203.0.113.0/24, action: protect, sa: gcm-in}
  - {name: cbc-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.64/26, action: protect, sa: cbc-out}
  - {name: cbc-i, direction: inbound, source: 198.51.100.64/26, destination: 203.0.113.0/24, action: protect, sa: cbc-in}
  - {name: cha6-o, direction: outbound, source: "2001:db8:0:113::/64", destination: "2001:db8:51::/64", action: protect, sa: cha6-out}
  - {name: cha6-i, direction: inbound, source: "2001:db8:51::/64", destination: "2001:db8:0:113::/64", action: protect, sa: cha6-in}
  - {name: nat-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.128/26, action: protect, sa: nat-out}
  - {name: nat-i, direction: inbound, source: 198.51.100.128/26, destination: 203.0.113.0/24, action: protect, sa: nat-in}
  - {name: ah-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.32/27, action: protect, sa: ah-out}
  - {name: ah-i, direction: inbound, source: 198.51.100.32/27, destination: 203.0.113.0/24, action: protect, sa: ah-in}
  - {name: v46-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.192/26, action: protect, sa: v46-out}
  - {name: v46-i, direction: inbound, source: 198.51.100.192/26, destination: 203.0.113.0/24, action: protect, sa: v46-in}
YAML

peer() { # peer PROPOSAL INNER_SRC SPI_TO KEY_TO SPI_FROM KEY_FROM [natt]
	local o_peer=192.0.2.1 o_gw=192.0.2.2 dst=203.0.113.2
	case "$2" in *:*) dst=2001:db8:0:113::2 ;; esac
	[ -n "${OUTER6:-}" ] && o_peer=2001:db8:0:2::1 o_gw=2001:db8:0:2::2
	ip netns exec "$OUT" env ESP_SEQ="${ESP_SEQ:-1}" $PY "$TOP/tests/integration/esp_peer.py" \
		po$ID "$GWMAC" $o_peer $o_gw "$2" $dst "$1" "$3" "${4#0x}" "$5" "${6#0x}" 5 ${7:-}
}

for NW in ${ESP_NW:-1 2}; do
# A new gateway knows no neighbours, and the hosts forget it: the first decrypted
# packet of each family waits in the gateway's queue while it resolves the inside host.
ip -n "$IN" neigh flush all
ip -n "$OUT" neigh flush all
if [ "$NW" -eq 1 ]; then
	gw_start "$GW" "$PREFIX" "$TMP/gw.log" \
		--vdev "net_af_packet0,iface=eo$ID" --vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml"
else
	# Two workers on one CPU, two queue pairs per port: the SAs' owners alternate,
	# so packets reach workers that do not own their SA and are handed over.
	ip netns exec "$GW" "$BUILD/fastipsec" --lcores 0@0,1@1,2@1 --no-pci --socket-mem 128 \
		--huge-unlink --file-prefix "$PREFIX" --vdev "net_af_packet0,iface=eo$ID,qpairs=2" \
		--vdev "net_af_packet1,iface=ei$ID,qpairs=2" -- --config "$TMP/gw.yaml" >"$TMP/gw.log" 2>&1 &
	GW_PID=$!
fi
if ! gw_wait_ready "$PREFIX" 20; then
	notok "gateway starts with ESP SAs and policies ($NW worker(s))"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "gateway starts with ESP SAs and policies ($NW worker(s))"
GWMAC=$(jget "$(tel "$PREFIX" /fastipsec/info)" 'r["/fastipsec/info"]["port_0"]["mac"]')

R=$(peer gcm 198.51.100.7 0x2001 "$GCM_TO" 0x1001 "$GCM_FROM")
echo "# gcm: $R"
check "AES-128-GCM: scapy's ESP in, fastipsec decrypts, forwards, encrypts the replies, scapy decrypts them [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(peer cbc-sha256 198.51.100.71 0x2002 "${CBC_TO_E#0x}:${CBC_TO_I#0x}" 0x1002 "${CBC_FROM_E#0x}:${CBC_FROM_I#0x}")
echo "# cbc: $R"
check "AES-128-CBC + HMAC-SHA-256-128: the same, both ways [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(OUTER6=1 peer chacha 2001:db8:51::7 0x2003 "$CHA_TO" 0x1003 "$CHA_FROM")
echo "# chacha 6in6: $R"
check "ChaCha20-Poly1305, IPv6 in IPv6: the same, both ways [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(peer gcm 198.51.100.135 0x2004 "$NAT_TO" 0x1004 "$NAT_FROM" natt)
echo "# gcm nat-t: $R"
check "AES-128-GCM in UDP 4500 (NAT-T, RFC 3948): the same, both ways [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(peer ah-sha256 198.51.100.40 0x2006 "$AH_TO" 0x1006 "$AH_FROM")
echo "# ah: $R"
check "AH with HMAC-SHA-256-128 (RFC 4302): scapy's AH in, verified and forwarded, the replies verified by scapy [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(OUTER6=1 peer gcm 198.51.100.199 0x2005 "$V6_TO" 0x1005 "$V6_FROM")
echo "# gcm-256 4in6: $R"
check "AES-256-GCM, IPv4 in IPv6: the same, both ways [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True

SAL=$(tel "$PREFIX" /fastipsec/sa/list)
check "the SA counters show 5 packets on each of the twelve SAs [$NW worker(s)]" test \
	"$(jget "$SAL" '[r["/fastipsec/sa/list"]["sa_%d" % i]["packets"] for i in range(12)]')" = "$(echo [5$(printf ', 5%.0s' $(seq 11))])"
STATS=$(tel "$PREFIX" /fastipsec/stats)
echo "# drops: $(jget "$STATS" '{k: v for k, v in r["/fastipsec/stats"]["drops"].items() if v}')"
echo "# sa packets: $(jget "$SAL" '[r["/fastipsec/sa/list"]["sa_%d" % i]["packets"] for i in range(12)]')"
check "no ICV, replay, policy or neighbour drops [$NW worker(s)]" test \
	"$(jget "$STATS" '[r["/fastipsec/stats"]["drops"][k] for k in ("icv", "replay", "policy", "no_neigh")] + [r["/fastipsec/stats"]["neigh_queue_dropped"]]')" = "[0, 0, 0, 0, 0]"
LOG="$BUILD/fastipsec-log --instance $INSTANCE"
check "the log has the seed's ESP record for the first packet of each SA, with its SPI [$NW worker(s)]" \
	bash -c "$LOG | grep -q 'IPsec info \[id 13\] ESP dir=in sa=gcm-in spi=0x00002001 src=192.0.2.1 dst=192.0.2.2 seq=1 packets=1.*ipsec_spi=0x00002001' &&
		[ \$($LOG | grep -c '\[id 13\] ESP .*packets=1 ') -eq 10 ] &&
		[ \$($LOG | grep -c '\[id 14\] AH .*packets=1 ') -eq 2 ]"
check "... and only the first without diagnostics [$NW worker(s)]" \
	bash -c "! $LOG | grep -q '\[id 13\] ESP .*packets=2 '"
tel "$PREFIX" /fastipsec/diagnostics,on >/dev/null
ESP_SEQ=6 peer gcm 198.51.100.7 0x2001 "$GCM_TO" 0x1001 "$GCM_FROM" >/dev/null
check "with diagnostics on, more of them, rate-limited to powers of two [$NW worker(s)]" \
	bash -c "$LOG | grep -q '\[id 13\] ESP dir=out sa=gcm-out .*packets=8 ' && ! $LOG | grep -q '\[id 13\] ESP .*packets=7 '"
tel "$PREFIX" /fastipsec/diagnostics,off >/dev/null
# RFC 4301 §6.2: an ICMP error about a decrypted packet goes back through the
# tunnel when a PROTECT policy covers it, from the gateway's inside address.
P0=$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["icmp_protected"]')
R=$(ESP_TTL_FROM=203.0.113.1 ESP_SEQ=11 peer gcm 198.51.100.7 0x2001 "$GCM_TO" 0x1001 "$GCM_FROM")
echo "# gcm, TTL 1: $R"
R6=$(ESP_TTL_FROM=2001:db8:0:113::1 ESP_SEQ=11 OUTER6=1 peer chacha 2001:db8:51::7 0x2003 "$CHA_TO" 0x1003 "$CHA_FROM")
echo "# chacha 6in6, hop limit 1: $R6"
P1=$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["icmp_protected"]')
check "TTL / hop limit 1 through the tunnel: Time Exceeded from the inside address comes back through the SA, IPv4 and IPv6 [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')$(jget "$R6" 'r["match"] and r["replies"] == 5')$((P1 - P0))" = TrueTrue10
R=$(ESP_SEQ=100 peer gcm 198.51.100.7 0x2001 0x00112233445566778899aabbccddeeff00000000 0x1001 "$GCM_FROM")
check "a peer with the wrong key gets nothing through [$NW worker(s)]" test "$(jget "$R" 'r["replies"]')" = 0
check "... and the gateway counted the ICV failures [$NW worker(s)]" \
	test "$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["drops"]["icv"]')" = 5
# RFC 4303 §3.4.2: a packet for no SA is dropped and is an auditable event (SPI, addresses,
# sequence number); the worker reports the first and then at most one a second.
NS0=$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["drops"]["no_sa"]')
R=$(ESP_SEQ=200 peer gcm 198.51.100.7 0x2999 "$GCM_TO" 0x1001 "$GCM_FROM")
NS1=$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["drops"]["no_sa"]')
check "a peer with an SPI the gateway does not have gets nothing through, each packet counted as no_sa [$NW worker(s)]" \
	test "$(jget "$R" 'r["replies"]')/$((NS1 - NS0))" = 0/5
UNK=$($LOG | grep '\[id 114\] IPsec packet for an unknown SPI' | sed 's/^.*\(protocol=.*\)$/\1/')
echo "$UNK" | sed 's/^/# /'
check "... and logged: one record per worker at most, with the SPI, addresses and first sequence number [$NW worker(s)]" \
	bash -c "[ \$(echo '$UNK' | grep -c .) -ge 1 ] && [ \$(echo '$UNK' | grep -c .) -le $NW ] &&
		! echo '$UNK' | grep -v 'protocol=esp spi=0x00002999 src=192.0.2.1 dst=192.0.2.2 seq=20[0-4] worker=[0-9] dropped=1 .*ipsec_spi=0x00002999 peer=192.0.2.1'"

# A peer whose path MTU is small sends its ESP in IP fragments.  DPDK's af_packet PMD joins its
# sockets to a fanout group with PACKET_FANOUT_FLAG_DEFRAG, so the kernel reassembles IPv4 before
# the gateway sees it (the end-to-end check still holds); IPv6 fragments reach fastpath/reasm.c,
# whose IPv4 half tests/unit/fastpath/test_reasm.c drives directly.
R=$(ESP_FRAG=48 ESP_SEQ=20 peer gcm 198.51.100.7 0x2001 "$GCM_TO" 0x1001 "$GCM_FROM")
echo "# gcm in IPv4 fragments: $R"
check "ESP in IPv4 fragments of 48 bytes is reassembled, decrypted and answered [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
R=$(ESP_FRAG=96 ESP_SEQ=6 OUTER6=1 peer chacha 2001:db8:51::7 0x2003 "$CHA_TO" 0x1003 "$CHA_FROM")
echo "# chacha 6in6 in IPv6 fragments: $R"
check "ESP in IPv6 fragments is reassembled, decrypted and answered [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
ST=$(tel "$PREFIX" /fastipsec/stats)
echo "# reassembly: $(jget "$ST" '{k: v for k, v in r["/fastipsec/stats"].items() if k.startswith("reasm")}')"
check "the reassembly counters show the five IPv6 packets [$NW worker(s)]" test \
	"$(jget "$ST" '(lambda t: (t["reasm_packets"], t["reasm_fragments"] >= 10, t["reasm_freed"]))(r["/fastipsec/stats"])')" = "(5, True, 0)"

# RFC 8200 §4: hop-by-hop and destination options headers in front of ESP, and of an echo
# request to the gateway, change nothing; a malformed chain is dropped and counted.
R=$(ESP_EXT=1 ESP_SEQ=30 OUTER6=1 peer chacha 2001:db8:51::7 0x2003 "$CHA_TO" 0x1003 "$CHA_FROM")
echo "# chacha 6in6 behind hop-by-hop and destination options: $R"
check "ESP behind hop-by-hop (Router Alert) and destination options headers is decrypted and answered [$NW worker(s)]" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
E=$(ip netns exec "$OUT" $PY - po$ID "$GWMAC" <<'PY'
import sys
import time
from scapy.all import AsyncSniffer, Ether, Raw, conf, sendp
from scapy.layers.inet6 import (HBHOptUnknown, ICMPv6EchoReply, ICMPv6EchoRequest,
                                ICMPv6ParamProblem, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, PadN, RouterAlert)
conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2]
ip = IPv6(src="2001:db8:0:2::1", dst="2001:db8:0:2::2")
req = ICMPv6EchoRequest(id=0x77, seq=1, data=b"fastipsec-ext")
sn = AsyncSniffer(iface=iface, filter="icmp6 and src host 2001:db8:0:2::2", timeout=3)
sn.start()
time.sleep(0.5)
sendp(Ether(dst=mac) / ip / IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b"")]) /
      IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) / req, iface=iface)
# A hop-by-hop header whose length runs past the packet.
bad = bytearray(bytes(ip / IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b"")]) / req))
bad[41] = 40
sendp(Ether(dst=mac, type=0x86DD) / Raw(bytes(bad)), iface=iface)
# RFC 8200 §4.2, §4.4: an unknown option whose type says "discard and tell" (10, 11), one that
# says "discard" (01), and a routing header with segments left.
for otype, seq in ((0x9e, 2), (0xde, 3), (0x5e, 4)):
    sendp(Ether(dst=mac) / ip / IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=otype,
          optdata=b"\0" * 4)]) / ICMPv6EchoRequest(id=0x77, seq=seq), iface=iface)
sendp(Ether(dst=mac) / ip / IPv6ExtHdrRouting(type=0, segleft=1, addresses=["2001:db8:0:2::9"]) /
      ICMPv6EchoRequest(id=0x77, seq=5), iface=iface)
sn.join()
ok = any(ICMPv6EchoReply in p and p[ICMPv6EchoReply].data == b"fastipsec-ext" for p in sn.results)
pp = sorted((p[ICMPv6ParamProblem].code, p[ICMPv6ParamProblem].ptr,
             p[ICMPv6EchoRequest].seq if ICMPv6EchoRequest in p else -1)
            for p in sn.results if ICMPv6ParamProblem in p)
print("replied" if ok else "no reply", pp)
PY
)
echo "# echo behind extension headers, and the Parameter Problems (code, pointer, seq): $E"
check "an echo request to the gateway behind hop-by-hop and destination options headers is answered [$NW worker(s)]" \
	test "${E%% *}" = replied
check "unknown options that say tell and a routing header with segments left get Parameter Problem (RFC 8200 §4), one that says discard none [$NW worker(s)]" \
	test "${E#* }" = "[(0, 42, 5), (2, 42, 2), (2, 42, 3)]"
check "a hop-by-hop header running past the packet is dropped and counted as ext_chain [$NW worker(s)]" \
	test "$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["drops"]["ext_chain"]')" = 1
check "the four are dropped and counted as ext_hdr [$NW worker(s)]" \
	test "$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["drops"]["ext_hdr"]')" = 4

if [ "$NW" -eq 2 ]; then
	ST=$(tel "$PREFIX" /fastipsec/stats)
	check "both workers received packets [2 workers]" \
		test "$(jget "$ST" 'r["/fastipsec/stats"]["worker_0"]["rx"] > 0 and r["/fastipsec/stats"]["worker_1"]["rx"] > 0')" = True
	check "packets were handed to their SA's owner, and every one arrived [2 workers]" test \
		"$(jget "$ST" '(lambda t: t["handoff_out"] > 0 and t["handoff_in"] == t["handoff_out"] and t["drops"]["ring_full"] == 0)(r["/fastipsec/stats"])')" = True
fi
gw_stop TERM
check "the gateway stops with exit 0 (rc=$GW_RC) [$NW worker(s)]" test "$GW_RC" -eq 0
GW_PID=
rm -f "/dev/shm/fastipsec-$INSTANCE.log"
rm -rf "/var/run/dpdk/$PREFIX"
done
finish
