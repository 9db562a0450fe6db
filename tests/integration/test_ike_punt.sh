#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKE at the door: a scapy peer sends IKE-looking datagrams (UDP 500, UDP
# 4500 behind the non-ESP marker, IPv4 and IPv6), NAT-keepalives and bad
# checksums to the gateway; the workers punt the IKE ones to the control
# core, which counts them by ISAKMP version (no IKE engine is registered
# in the appliance yet: ike_no_handler).  ESP-in-UDP on 4500 still
# decrypts.  Then the control core's thread is held still (ptrace, that
# thread alone) while a flood beyond the punt limit arrives: the excess
# is counted as ike_ring_full, and ESP keeps flowing through the workers.
set -u
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ike_punt: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ike_punt: $BUILD/fastipsec not built"
$PY -c 'import scapy.layers.ipsec' 2>/dev/null || skip_all "test_ike_punt: python3-scapy missing"

ID=$$
GW=fipk-gw-$ID
OUT=fipk-out-$ID
IN=fipk-in-$ID
PREFIX=fipk-$ID
INSTANCE=fipk$ID
TMP=$(mktemp -d)
GW_PID=
HOLD_PID=
IKE="$TOP/tests/integration/ike_punt.py"
FLOOD=1000

cleanup() {
	if [ -n "$HOLD_PID" ] && kill -0 "$HOLD_PID" 2>/dev/null; then
		kill "$HOLD_PID" 2>/dev/null
		wait "$HOLD_PID" 2>/dev/null
	fi
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

NAT_TO=0xc0c1c2c3c4c5c6c7c8c9cacbcccdcecf11121314
NAT_FROM=0xd0d1d2d3d4d5d6d7d8d9dadbdcdddedf21222324

cat >"$TMP/gw.yaml" <<YAML
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24, "2001:db8:0:113::1/64"]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
static_sas:
  - {name: nat-out, direction: outbound, spi: 0x1004, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $NAT_FROM, encap: {type: udp}}
  - {name: nat-in, direction: inbound, spi: 0x2004, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: $NAT_TO, encap: {type: udp}, replay_window: 0}
policies:
  - {name: nat-o, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.128/26, action: protect, sa: nat-out}
  - {name: nat-i, direction: inbound, source: 198.51.100.128/26, destination: 203.0.113.0/24, action: protect, sa: nat-in}
YAML

gw_start "$GW" "$PREFIX" "$TMP/gw.log" \
	--vdev "net_af_packet0,iface=eo$ID" --vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml"
if ! gw_wait_ready "$PREFIX" 20; then
	notok "gateway starts"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "gateway starts"
GWMAC=$(jget "$(tel "$PREFIX" /fastipsec/info)" 'r["/fastipsec/info"]["port_0"]["mac"]')

send() { # send KIND COUNT [v6]
	local src=192.0.2.1 dst=192.0.2.2
	[ -n "${3:-}" ] && src=2001:db8:0:2::1 dst=2001:db8:0:2::2
	ip netns exec "$OUT" $PY "$IKE" send po$ID "$GWMAC" $src $dst "$1" "$2"
}
missed() { # frames the outside port's kernel ring dropped (af_packet tp_drops)
	jget "$(tel "$PREFIX" /ethdev/stats,0)" 'r["/ethdev/stats"]["imissed"]'
}
ikestat() { # ikestat PYEXPR: evaluated on /fastipsec/ike/stats (bound to s)
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" "(lambda s: $1)(r['/fastipsec/ike/stats'])"
}
# wait_for PYEXPR: poll /fastipsec/ike/stats until PYEXPR holds (at most 5 s).
wait_for() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(ikestat "$1")" = True ] && return 0
		sleep 0.1
	done
	echo "# ike stats: $(tel "$PREFIX" /fastipsec/ike/stats)"
	return 1
}
peer() { # ESP-in-UDP round trip with scapy's ESP: 5 echo requests, their replies decrypted
	ip netns exec "$OUT" env ESP_SEQ="$1" $PY "$TOP/tests/integration/esp_peer.py" \
		po$ID "$GWMAC" 192.0.2.1 192.0.2.2 198.51.100.135 203.0.113.2 gcm \
		0x2004 "${NAT_TO#0x}" 0x1004 "${NAT_FROM#0x}" 5 natt
}

send v1_500 5
check "5 IKEv1 datagrams to UDP 500 reach the control core: punted, received, no engine yet" \
	wait_for 's["ike_punted"] == 5 and s["ike_rx"] == 5 and s["ike_no_handler"] == 5'
send v1_4500 5
check "5 IKEv1 datagrams to UDP 4500 behind the non-ESP marker: the same" \
	wait_for 's["ike_punted"] == 10 and s["ike_rx"] == 10 and s["ike_no_handler"] == 10'
send v2_500 3
send v1_500 2 v6
check "IKEv2 headers and IKE over IPv6 are taken in as well" \
	wait_for 's["ike_punted"] == 15 and s["ike_rx"] == 15 and s["ike_no_handler"] == 15'
send short_500 2
check "datagrams too short for an ISAKMP header are punted and counted as ike_bad" \
	wait_for 's["ike_punted"] == 17 and s["ike_bad"] == 2 and s["ike_rx"] == 15'
send keepalive 4
check "NAT-keepalives are consumed by the workers and counted, not punted" \
	wait_for 's["natt_keepalives"] == 4 and s["ike_punted"] == 17'
send badsum_500 2
check "a wrong UDP checksum is dropped at the door (udp_csum)" \
	wait_for 's["udp_csum"] == 2 and s["ike_punted"] == 17'

R=$(peer 1)
echo "# esp-in-udp: $R"
check "ESP in UDP 4500 still decrypts and its replies go back encrypted (scapy checks them)" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True

# Hold the control core (the main thread, whose TID is the process id) still.
# Up to 60 s (a loaded machine needs a while for the flood and the ESP round trip);
# SIGTERM ends the hold once the checks are done.
$PY "$IKE" hold "$GW_PID" 60 >"$TMP/hold.out" 2>&1 &
HOLD_PID=$!
for ((i = 0; i < 50; i++)); do
	grep -q held "$TMP/hold.out" && break
	sleep 0.1
done
check "the control core's thread is held" grep -q held "$TMP/hold.out"
MISS0=$(missed)
send v1_500 $FLOOD
R=$(peer 6)
echo "# esp-in-udp while the control core is held: $R"
check "... ESP keeps flowing through the workers meanwhile" \
	test "$(jget "$R" 'r["match"] and r["replies"] == 5')" = True
# The last datagrams of the flood may still be on their way: poll (the control core stays held).
# What the outside port's kernel ring itself lost under load (imissed) never reached a worker.
MISSED=$(($(missed) - MISS0))
[ "$MISSED" = 0 ] || echo "# the outside port missed $MISSED frame(s) of the flood"
check "... the flood beyond IKE_PUNT_MAX waiting datagrams is counted as ike_ring_full" \
	wait_for "s['ike_ring_full'] > 0 and s['ike_punted'] + s['ike_ring_full'] + $MISSED == 17 + $FLOOD and s['ike_rx'] == 15"
kill -TERM "$HOLD_PID" 2>/dev/null
wait "$HOLD_PID"
HOLD_PID=
check "... and once it runs again, the control core takes in every punted datagram" \
	wait_for 's["ike_rx"] == s["ike_punted"] - 2 and s["ike_no_handler"] == s["ike_rx"]'
echo "# ike stats: $(tel "$PREFIX" /fastipsec/ike/stats)"
STATS=$(tel "$PREFIX" /fastipsec/stats)
echo "# drops: $(jget "$STATS" '{k: v for k, v in r["/fastipsec/stats"]["drops"].items() if v}')"
check "no ICV, replay, policy or neighbour drops" test \
	"$(jget "$STATS" '[r["/fastipsec/stats"]["drops"][k] for k in ("icv", "replay", "policy", "no_neigh")]')" = "[0, 0, 0, 0]"
check "/fastipsec/stats shows the punts and keepalives too" test \
	"$(jget "$STATS" '(lambda t: t["ike_punted"] == 17 + '$FLOOD' - '$MISSED' - t["drops"]["ike_ring_full"] and t["natt_keepalives"] == 4)(r["/fastipsec/stats"])')" = True
check "/fastipsec/sa/list and /fastipsec/sa/info list the static SAs (no IKE SA yet)" test \
	"$(jget "$(tel "$PREFIX" /fastipsec/sa/list)" '(lambda l: (l["total"], l["sa_1"]["name"], l["sa_1"]["packets"]))(r["/fastipsec/sa/list"])'),$(jget "$(tel "$PREFIX" /fastipsec/sa/info,2004)" 'r["/fastipsec/sa/info"]["found"]')" = "(2, 'nat-in', 10),1"
# An IKE message longer than one mbuf (3000 bytes in IPv6 fragments): reassembled into a
# big mbuf and punted whole.  (IPv4 fragments never reach DPDK here: af_packet defragments.)
RX0=$(ikestat 's["ike_rx"]')
send big_500 2 v6
check "a 3000-byte IKE message in IPv6 fragments is reassembled beyond one mbuf and reaches the control core" \
	wait_for 's["ike_rx"] == '"$RX0"' + 2'
check "... counted as reasm_big" test "$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["reasm_big"]')" = 2
gw_stop TERM
check "the gateway stops with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
GW_PID=
finish
