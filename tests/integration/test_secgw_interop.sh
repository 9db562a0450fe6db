#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Static-SA interop with DPDK's ipsec-secgw: two gateways back to back on
# veths, each with a LAN host behind it.  The hosts' kernels ping each other
# through the tunnel in both directions (AES-128-GCM and AES-128-CBC with
# HMAC-SHA-256-128, tunnel mode): fastipsec encrypts what ipsec-secgw
# decrypts and the other way round.  The wire between the gateways carries
# only ESP.  ipsec-secgw runs in lookaside-none mode on the aesni_mb
# cryptodev (its cpu-crypto mode repeats CBC IVs in DPDK 22.11).
set -u
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_secgw_interop: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_secgw_interop: $BUILD/fastipsec not built"
SECGW=$("$TOP/scripts/build-secgw.sh" "$BUILD/secgw" 2>&1) ||
	skip_all "test_secgw_interop: no ipsec-secgw: $SECGW"

ID=$$
GW=fips-gw-$ID  # fastipsec
SG=fips-sg-$ID  # ipsec-secgw
H1=fips-h1-$ID  # behind fastipsec: 203.0.113.2
H2=fips-h2-$ID  # behind ipsec-secgw: 198.51.100.10 (GCM SA), 198.51.100.74 (CBC SA)
PREFIX=fips-$ID
SG_PREFIX=fips-sg-$ID
INSTANCE=fips$ID
TMP=$(mktemp -d)
GW_PID=
SG_PID=
CAP_PID=
CAP2_PID=

cleanup() {
	local p
	for p in "$GW_PID" "$SG_PID" "$CAP_PID" "$CAP2_PID"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		fi
	done
	lab_del "$GW" "$SG" "$H1" "$H2"
	rm -f "/dev/shm/fastipsec-$INSTANCE.log"
	rm -rf "/var/run/dpdk/$PREFIX" "/var/run/dpdk/$SG_PREFIX" "$TMP"
}
trap cleanup EXIT

lab_ns "$GW"
lab_ns "$SG"
lab_ns "$H1"
lab_ns "$H2"
lab_veth "$GW" fo$ID "$SG" so$ID # the wire between the gateways
lab_veth "$GW" fi$ID "$H1" h1$ID
lab_veth "$SG" si$ID "$H2" h2$ID
for p in fo$ID fi$ID; do lab_gw_port "$GW" $p; done
for p in so$ID si$ID; do lab_gw_port "$SG" $p; done
mac() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
FO_MAC=$(mac "$GW" fo$ID)
SO_MAC=$(mac "$SG" so$ID)
SI_MAC=$(mac "$SG" si$ID)
H2_MAC=$(mac "$H2" h2$ID)

ip -n "$H1" addr add 203.0.113.2/24 dev h1$ID
ip -n "$H1" route add default via 203.0.113.1
# ipsec-secgw answers no ARP: H2 knows its gateway's MAC statically.
ip -n "$H2" addr add 198.51.100.10/26 dev h2$ID
ip -n "$H2" addr add 198.51.100.74/26 dev h2$ID
ip -n "$H2" route add default via 198.51.100.1 dev h2$ID onlink
ip -n "$H2" neigh add 198.51.100.1 lladdr "$SI_MAC" dev h2$ID

GCM_FS=00112233445566778899aabbccddeeff01020304 # fastipsec -> ipsec-secgw
GCM_SF=ffeeddccbbaa99887766554433221100a1a2a3a4 # ipsec-secgw -> fastipsec
CBC_FS_E=000102030405060708090a0b0c0d0e0f
CBC_FS_I=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
CBC_SF_E=303132333435363738393a3b3c3d3e3f
CBC_SF_I=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
colon() { sed 's/../&:/g; s/:$//' <<<"$1"; }

cat >"$TMP/gw.yaml" <<YAML
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
neighbors:
  - {address: 192.0.2.1, mac: "$SO_MAC"}
static_sas:
  - {name: gcm-out, direction: outbound, spi: 0x3001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: 0x$GCM_FS}
  - {name: gcm-in, direction: inbound, spi: 0x4001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: 0x$GCM_SF}
  - {name: cbc-out, direction: outbound, spi: 0x3002, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, encryption_key: 0x$CBC_FS_E, integrity_key: 0x$CBC_FS_I}
  - {name: cbc-in, direction: inbound, spi: 0x4002, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, encryption_key: 0x$CBC_SF_E, integrity_key: 0x$CBC_SF_I}
policies:
  - {name: gcm-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/26, action: protect, sa: gcm-out}
  - {name: gcm-i, direction: inbound, source: 198.51.100.0/26, destination: 203.0.113.0/24, action: protect, sa: gcm-in}
  - {name: cbc-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.64/26, action: protect, sa: cbc-out}
  - {name: cbc-i, direction: inbound, source: 198.51.100.64/26, destination: 203.0.113.0/24, action: protect, sa: cbc-in}
YAML

# ipsec-secgw: port 0 unprotected (so), port 1 protected (si).  SPIs in decimal.
cat >"$TMP/secgw.cfg" <<CFG
sa in $((0x3001)) aead_algo aes-128-gcm aead_key $(colon $GCM_FS) mode ipv4-tunnel src 192.0.2.2 dst 192.0.2.1 type no-offload
sa out $((0x4001)) aead_algo aes-128-gcm aead_key $(colon $GCM_SF) mode ipv4-tunnel src 192.0.2.1 dst 192.0.2.2 port_id 0 type no-offload
sa in $((0x3002)) cipher_algo aes-128-cbc cipher_key $(colon $CBC_FS_E) auth_algo sha256-hmac auth_key $(colon $CBC_FS_I) mode ipv4-tunnel src 192.0.2.2 dst 192.0.2.1 type no-offload
sa out $((0x4002)) cipher_algo aes-128-cbc cipher_key $(colon $CBC_SF_E) auth_algo sha256-hmac auth_key $(colon $CBC_SF_I) mode ipv4-tunnel src 192.0.2.1 dst 192.0.2.2 port_id 0 type no-offload
sp ipv4 in esp protect $((0x3001)) pri 1 src 203.0.113.0/24 dst 198.51.100.0/26 sport 0:65535 dport 0:65535
sp ipv4 in esp protect $((0x3002)) pri 1 src 203.0.113.0/24 dst 198.51.100.64/26 sport 0:65535 dport 0:65535
sp ipv4 out esp protect $((0x4001)) pri 1 src 198.51.100.0/26 dst 203.0.113.0/24 sport 0:65535 dport 0:65535
sp ipv4 out esp protect $((0x4002)) pri 1 src 198.51.100.64/26 dst 203.0.113.0/24 sport 0:65535 dport 0:65535
rt ipv4 dst 192.0.2.0/24 port 0
rt ipv4 dst 198.51.100.0/24 port 1
neigh port 0 $FO_MAC
neigh port 1 $H2_MAC
CFG

gw_start "$GW" "$PREFIX" "$TMP/gw.log" \
	--vdev "net_af_packet0,iface=fo$ID" --vdev "net_af_packet1,iface=fi$ID" -- --config "$TMP/gw.yaml"
if ! gw_wait_ready "$PREFIX" 20; then
	notok "fastipsec starts with the static SAs"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "fastipsec starts with the static SAs"

# One lcore polls both ports; the crypto runs on the aesni_mb vdev.
ip netns exec "$SG" "$SECGW" -l 0 --no-pci --socket-mem 256 --huge-unlink --file-prefix "$SG_PREFIX" \
	--vdev "net_af_packet0,iface=so$ID" --vdev "net_af_packet1,iface=si$ID" --vdev crypto_aesni_mb0 -- \
	-p 0x3 -u 0x1 --config "(0,0,0),(1,0,0)" -f "$TMP/secgw.cfg" >"$TMP/secgw.log" 2>&1 &
SG_PID=$!
for ((i = 0; i < 200; i++)); do
	grep -q "entering main loop" "$TMP/secgw.log" 2>/dev/null && break
	kill -0 "$SG_PID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "entering main loop" "$TMP/secgw.log"; then
	notok "ipsec-secgw starts with the mirror SAs"
	sed 's/^/# /' "$TMP/secgw.log" | tail -30
	exit 1
fi
ok "ipsec-secgw starts with the mirror SAs"

# Everything on the wire between the gateways, for the last check.  The af_packet
# PMD bypasses the qdisc (and the taps) when it sends: each end's capture sees
# what the other gateway sent.
ip netns exec "$GW" tcpdump -i fo$ID -n -w "$TMP/wire-fo.pcap" >/dev/null 2>"$TMP/cap-fo.err" &
CAP_PID=$!
ip netns exec "$SG" tcpdump -i so$ID -n -w "$TMP/wire-so.pcap" >/dev/null 2>"$TMP/cap-so.err" &
CAP2_PID=$!
# Both captures listening before the first ping (a loaded machine starts them late).
for ((i = 0; i < 100; i++)); do
	grep -q "listening on" "$TMP/cap-fo.err" && grep -q "listening on" "$TMP/cap-so.err" && break
	sleep 0.1
done

# ping NS ARGS...: 5 echo requests, at least 4 answered (the first may wait for ARP).
pings() {
	local ns=$1
	shift
	ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 "$@" 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
R=$(pings "$H1" 198.51.100.10)
check "AES-128-GCM: fastipsec encrypts, ipsec-secgw decrypts, and back (host behind fastipsec pings, $R/5)" \
	test "${R:-0}" -ge 4
R=$(pings "$H1" -s 1200 -p a5 198.51.100.74)
check "AES-128-CBC with HMAC-SHA-256-128: the same with 1200-byte pings ($R/5)" test "${R:-0}" -ge 4
R=$(pings "$H2" -I 198.51.100.10 203.0.113.2)
check "AES-128-GCM: ipsec-secgw encrypts first, fastipsec decrypts and answers ($R/5)" test "${R:-0}" -ge 4
R=$(pings "$H2" -I 198.51.100.74 -s 333 203.0.113.2)
check "AES-128-CBC: ipsec-secgw encrypts first, odd-sized pings ($R/5)" test "${R:-0}" -ge 4

ST=$(tel "$PREFIX" /fastipsec/stats)
check "fastipsec counted no ICV, replay, pad or policy drops" test \
	"$(jget "$ST" '[r["/fastipsec/stats"]["drops"].get(k, 0) for k in ("icv", "replay", "pad", "policy", "no_sa")]')" = "[0, 0, 0, 0, 0]"
SA=$(tel "$PREFIX" /fastipsec/sa/list)
echo "# fastipsec SAs: $(jget "$SA" '[(r["/fastipsec/sa/list"]["sa_%d" % i]["name"], r["/fastipsec/sa/list"]["sa_%d" % i]["packets"]) for i in range(4)]')"
check "every fastipsec SA carried at least 8 packets" \
	test "$(jget "$SA" 'min(r["/fastipsec/sa/list"]["sa_%d" % i]["packets"] for i in range(4)) >= 8')" = True

sleep 0.5
kill "$CAP_PID" "$CAP2_PID" 2>/dev/null
wait "$CAP_PID" "$CAP2_PID" 2>/dev/null
CAP_PID= CAP2_PID=
WIRE=$(tcpdump -n -r "$TMP/wire-fo.pcap" 2>/dev/null; tcpdump -n -r "$TMP/wire-so.pcap" 2>/dev/null)
echo "# wire: $(grep -c 'ESP(spi=' <<<"$WIRE") ESP packets, $(grep -vc 'ESP(spi=\|ARP' <<<"$WIRE") others"
check "the wire between the gateways carries only ESP (and ARP)" \
	test "$(grep -c 'ESP(spi=' <<<"$WIRE")" -ge 40 -a "$(grep -vc 'ESP(spi=\|ARP' <<<"$WIRE")" -eq 0

gw_stop INT
check "fastipsec stops with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
finish
