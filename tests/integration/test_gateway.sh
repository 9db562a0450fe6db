#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The appliance skeleton end to end: the gateway on net_af_packet ports in a
# namespace, hosts on both sides ping it (IPv4 and IPv6), telemetry answers,
# the log ring shows start-up and run-time diagnostics switches, and
# SIGTERM (twice, as timeout(1) does) stops it with exit 0 within 2 s.
set -u
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_gateway: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_gateway: $BUILD/fastipsec not built"

ID=$$
GW=fipt-gw-$ID
OUT=fipt-out-$ID
IN=fipt-in-$ID
PREFIX=fipt-$ID
INSTANCE=fipt$ID
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
lab_veth "$GW" go$ID "$OUT" ho$ID
lab_veth "$GW" gi$ID "$IN" hi$ID
lab_gw_port "$GW" go$ID
lab_gw_port "$GW" gi$ID
ip -n "$OUT" link set ho$ID address 02:00:00:00:01:01
lab_host "$OUT" ho$ID 192.0.2.1/24 192.0.2.2 2001:db8:0:2::1/64 2001:db8:0:2::2
lab_host "$IN" hi$ID 203.0.113.2/24 203.0.113.1 2001:db8:0:113::2/64 2001:db8:0:113::1

cat >"$TMP/gw.yaml" <<YAML
instance: $INSTANCE
diagnostics: false
interfaces:
  - name: outside
    port: net_af_packet0
    role: unprotected
    addresses: [192.0.2.2/24, 2001:db8:0:2::2/64]
  - name: inside
    port: net_af_packet1
    role: protected
    addresses: [203.0.113.1/24, 2001:db8:0:113::1/64]
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
neighbors:
  - {address: 192.0.2.9, mac: "02:00:00:00:00:09"}
static_sas:
  - {name: to-peer, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128gcm16, encryption_key: 0x0102030405060708090a0b0c0d0e0f1011121314}
  - {name: from-peer, direction: inbound, spi: 0x2001, local: 192.0.2.2, remote: 192.0.2.1,
     proposal: aes128-sha256, replay_window: 1024,
     encryption_key: 0x0102030405060708090a0b0c0d0e0f10,
     integrity_key: 0x0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10}
policies:
  - {name: lan-out, direction: outbound, source: 203.0.113.0/24, destination: 192.0.2.0/24, action: bypass}
  - {name: lan-in, direction: inbound, source: 192.0.2.0/24, destination: 203.0.113.0/24, action: bypass}
  - {name: lan6-out, direction: outbound, source: "2001:db8:0:113::/64", destination: "2001:db8:0:2::/64", action: bypass}
  - {name: lan6-in, direction: inbound, source: "2001:db8:0:2::/64", destination: "2001:db8:0:113::/64", action: bypass}
  - {name: no-telnet, direction: outbound, source: 203.0.113.0/24, destination: 198.51.100.0/24, protocol: tcp, destination_ports: 23, action: discard}
YAML

check "--check-config accepts the test config" \
	bash -c "'$BUILD/fastipsec' --check-config '$TMP/gw.yaml' | grep -qx '$TMP/gw.yaml: OK'"

gw_start "$GW" "$PREFIX" "$TMP/gw.log" \
	--vdev "net_af_packet0,iface=go$ID" --vdev "net_af_packet1,iface=gi$ID" -- --config "$TMP/gw.yaml"
if ! gw_wait_ready "$PREFIX" 20; then
	notok "gateway starts and both links come up"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "gateway starts and both links come up"

check "outside host pings 192.0.2.2" ip netns exec "$OUT" ping -c 3 -i 0.2 -W 2 -q 192.0.2.2
check "inside host pings 203.0.113.1" ip netns exec "$IN" ping -c 3 -i 0.2 -W 2 -q 203.0.113.1
check "outside host pings the inside address 203.0.113.1" \
	ip netns exec "$OUT" ping -c 2 -i 0.2 -W 2 -q 203.0.113.1
check "outside host pings 2001:db8:0:2::2" \
	ip netns exec "$OUT" ping -6 -c 3 -i 0.2 -W 2 -q 2001:db8:0:2::2
check "inside host pings 2001:db8:0:113::1" \
	ip netns exec "$IN" ping -6 -c 3 -i 0.2 -W 2 -q 2001:db8:0:113::1
check "a large ping (1400 bytes) is answered whole" \
	ip netns exec "$OUT" ping -c 2 -i 0.2 -W 2 -q -s 1400 192.0.2.2
check "an address the gateway does not have gets no answer" \
	bash -c "! ip netns exec '$OUT' ping -c 1 -W 1 -q 192.0.2.77"
check "the outside host learned the gateway's MAC by ARP" \
	bash -c "ip -n '$OUT' neigh show 192.0.2.2 | grep -q lladdr"

check "the inside host reaches the outside host through the gateway (bypass policies)" \
	bash -c "ip netns exec '$IN' ping -c 3 -i 0.2 -W 2 192.0.2.1 | grep -q 'ttl=63'"
check "... and over IPv6 (hop limit decremented)" \
	bash -c "ip netns exec '$IN' ping -6 -c 3 -i 0.2 -W 2 2001:db8:0:2::1 | grep -q 'ttl=63'"
check "the outside host reaches the inside host (the inbound bypass)" \
	ip netns exec "$OUT" ping -c 2 -i 0.2 -W 2 -q 203.0.113.2
check "traffic no policy covers is discarded (RFC 4301 default)" \
	bash -c "! ip netns exec '$IN' ping -c 2 -i 0.2 -W 1 -q 198.51.100.7"
check "a TTL of 1 is not forwarded" \
	bash -c "! ip netns exec '$IN' ping -c 1 -W 1 -q -t 1 192.0.2.1"

INFO=$(tel "$PREFIX" /fastipsec/info)
R=$(jget "$INFO" 'r["/fastipsec/info"]')
check "/fastipsec/info names the instance" test "$(jget "$INFO" 'r["/fastipsec/info"]["instance"]')" = "$INSTANCE"
check "/fastipsec/info lists 2 ports, outside first, unprotected" test \
	"$(jget "$INFO" 'r["/fastipsec/info"]["ports"], r["/fastipsec/info"]["port_0"]["name"], r["/fastipsec/info"]["port_0"]["role"]')" = "(2, 'outside', 'unprotected')"
check "/fastipsec/info shows the addresses of the inside port" test \
	"$(jget "$INFO" 'r["/fastipsec/info"]["port_1"]["addresses"]')" = "203.0.113.1/24 2001:db8:0:113::1/64"
check "/fastipsec/info shows the lcore roles" test \
	"$(jget "$INFO" 'sorted(r["/fastipsec/info"]["lcores"].values())')" = "['control', 'worker_0']"
check "/fastipsec/info reports versions" test \
	"$(jget "$INFO" 'all(r["/fastipsec/info"][k] for k in ("version","dpdk","ipsec_mb","openssl"))')" = True
check "dpdk-telemetry.py reads /fastipsec/info" \
	bash -c "echo /fastipsec/info | dpdk-telemetry.py -f '$PREFIX' | grep -q '\"instance\": \"$INSTANCE\"'"
STATS=$(tel "$PREFIX" /fastipsec/stats)
check "/fastipsec/stats counted at least 13 echo replies" \
	test "$(jget "$STATS" 'r["/fastipsec/stats"]["echo_replies"] >= 13')" = True
check "the control core's ARP announcements left through worker 0's ring" \
	test "$(jget "$STATS" 'r["/fastipsec/stats"]["control_tx"] >= 2')" = True
check "/fastipsec/stats counted the policy and TTL drops" \
	test "$(jget "$STATS" 'r["/fastipsec/stats"]["drops"]["policy"] >= 2 and r["/fastipsec/stats"]["drops"]["ttl"] >= 1')" = True
check "/fastipsec/stats counted the unanswered ping's ARP as ignored" \
	test "$(jget "$STATS" 'r["/fastipsec/stats"]["drops"]["neigh_ignored"] >= 1')" = True

NB=$(tel "$PREFIX" /fastipsec/neighbors)
nb() { # nb ADDRESS: "mac state" of that neighbour
	jget "$NB" '[" ".join((e["mac"], e["state"])) for e in r["/fastipsec/neighbors"].values() if isinstance(e, dict) and e["address"] == "'"$1"'"]' |
		tr -d "[]',"
}
check "the route gateway 192.0.2.1 was resolved by ARP" test "$(nb 192.0.2.1)" = "02:00:00:00:01:01 reachable"
check "the static neighbour is listed as static" test "$(nb 192.0.2.9)" = "02:00:00:00:00:09 static"
check "the inside host was learned from its ARP request" \
	test "$(nb 203.0.113.2)" = "$(ip -n "$IN" -br link show hi$ID | awk '{print toupper($3)}') reachable"
check "the IPv6 outside host was learned from its neighbour solicitation" \
	test "$(nb 2001:db8:0:2::1)" = "02:00:00:00:01:01 reachable"

SAL=$(tel "$PREFIX" /fastipsec/sa/list)
check "/fastipsec/sa/list shows both static SAs" test \
	"$(jget "$SAL" 'r["/fastipsec/sa/list"]["total"], r["/fastipsec/sa/list"]["sa_0"]["spi"], r["/fastipsec/sa/list"]["sa_1"]["proposal"]')" = "(2, '0x00001001', 'aes128-sha256')"
SAI=$(tel "$PREFIX" /fastipsec/sa/info,2001)
check "/fastipsec/sa/info,2001 gives the inbound SA's replay window and owner" test \
	"$(jget "$SAI" 'r["/fastipsec/sa/info"]["found"], r["/fastipsec/sa/info"]["sa_1"]["replay_window"], r["/fastipsec/sa/info"]["sa_1"]["owner_lcore"]')" = "(1, 1024, 1)"
check "no telemetry reply carries key bytes" \
	bash -c "! grep -qi '0102030405060708' <<<'$SAL $SAI'"
check "the workers applied both SA messages" \
	test "$(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["sa_msgs"]')" = 2

LOG="$BUILD/fastipsec-log --instance $INSTANCE"
check "fastipsec-log --json shows the startup record" \
	bash -c "$LOG --json | grep '\"id\": 100' | grep -q '\"facility\": \"System\"'"
check "the startup record names the instance" \
	bash -c "$LOG | grep -q 'fastipsec started .*instance=$INSTANCE'"

"$BUILD/fastipsec-log" --instance "$INSTANCE" --follow --json >"$TMP/follow.out" 2>&1 &
FOLLOW=$!
sleep 0.5
check "diagnostics are off at start" test "$(jget "$(tel "$PREFIX" /fastipsec/diagnostics)" 'r["/fastipsec/diagnostics"]["diagnostics"]')" = off
check "/fastipsec/diagnostics,on switches them on" test \
	"$(jget "$(tel "$PREFIX" /fastipsec/diagnostics,on)" 'r["/fastipsec/diagnostics"]["diagnostics"]')" = on
check "the switch shows in the log" bash -c "$LOG | grep -q 'IPsec diagnostics enabled source=telemetry'"
check "/fastipsec/info shows diagnostics on" test \
	"$(jget "$(tel "$PREFIX" /fastipsec/info)" 'r["/fastipsec/info"]["diagnostics"]')" = on
check "a bad parameter is refused and changes nothing" test \
	"$(jget "$(tel "$PREFIX" /fastipsec/diagnostics,maybe)" 'r["/fastipsec/diagnostics"]["diagnostics"], "error" in r["/fastipsec/diagnostics"]')" = "('on', True)"
tel "$PREFIX" /fastipsec/diagnostics,off >/dev/null
check "switching off shows in the log" bash -c "$LOG | grep -q 'IPsec diagnostics disabled source=telemetry'"
sleep 0.5
kill -INT "$FOLLOW"
wait "$FOLLOW"
check "fastipsec-log --follow printed both switches as they happened, and exits 0 on SIGINT" \
	bash -c "[ $? -eq 0 ] && grep -q '\"id\": 104' '$TMP/follow.out' && grep -q '\"id\": 105' '$TMP/follow.out'"

START=$(date +%s%N)
gw_stop TERM TERM
END=$(date +%s%N)
check "SIGTERM twice stops the gateway with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
check "it stops within 2 s ($(((END - START) / 1000000)) ms)" test $(((END - START) / 1000000)) -lt 2000
check "the log ring outlives the process and holds the stop record" \
	bash -c "$LOG | grep -q 'fastipsec stopped'"
check "the log's last System records are stopping then stopped" \
	bash -c "$LOG --facility System | tail -n 2 | grep -c 'fastipsec stop' | grep -qx 2"
GW_PID=
finish
