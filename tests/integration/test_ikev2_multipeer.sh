#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One child, many peers: two charons in two namespaces connect to one
# gateway connection open to any peer (remote_addrs %any, remote id %any,
# IKEv2, PSK).  The gateway's child offers 198.51.100.0/24 behind the
# peers; charon A (192.0.2.1) narrows it to its own 198.51.100.1/32,
# charon B (192.0.2.3) to its 198.51.100.16/28 (RFC 7296 §2.9).  Each pair
# must get a slot and policies of its own (slowpath/sa_ike.h), so that:
#   - the host behind the gateway (203.0.113.2) pings both, each ping is
#     answered, and each charon's SA counts its own pings only;
#   - a numbered UDP stream to both at once loses nothing (traffic for A
#     never leaves through B's SA, which the newest pair took before);
#   - /fastipsec/sa/list shows each pair's slot and selectors, and
#     /fastipsec/ike/stats the SPD rebuilds.
# The outside is a bridge in a namespace of its own: both charons and the
# gateway's outside port on one segment.  KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_multipeer: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev2_multipeer: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev2_multipeer: $SS_WHY"

ikl_init fmp GW SW SA SB IN
SSA=$TMP/charon-a
SSB=$TMP/charon-b
PSK=fastipsec-multipeer-psk-0123456789
STREAM_S=4
RATE=200

ikl_gw_ports "$SW" bg$ID
lab_veth "$SA" so$ID "$SW" ba$ID
lab_veth "$SB" so$ID "$SW" bb$ID
lab_bridge "$SW" br0 bg$ID ba$ID bb$ID
ip -n "$SA" addr add 192.0.2.1/24 dev so$ID
ip -n "$SB" addr add 192.0.2.3/24 dev so$ID
ss_ts_address "$SA" 198.51.100.1/32
ss_ts_address "$SB" 198.51.100.17/28

# charon_conf DIR ADDR TS: a charon at ADDR whose child protects TS, to the gateway.
charon_conf() {
	mkdir -p "$1"
	SS_INSTALL_ROUTES=yes ss_conf "$1"
	ss_psk_conf "$1/swanctl.conf" "$2 192.0.2.2" \
		"$(ss_psk_conn gw version=2 local="$2" proposals=aes128-sha256-ecp256 local_ts="$3")"
}

charon_conf "$SSA" 192.0.2.1 198.51.100.1/32
charon_conf "$SSB" 192.0.2.3 198.51.100.16/28
for d in "$SSA:$SA" "$SSB:$SB"; do
	if ! ss_start "${d%%:*}" "${d##*:}" || ! ss_load "${d%%:*}" "${d%%:*}/swanctl.conf"; then
		notok "charon starts in ${d##*:}"
		sed 's/^/# /' "${d%%:*}/charon.out"
		exit 1
	fi
done
ok "both charons start in their namespaces"

ikl_gw_yaml "" "$(ikl_gw_conn anyone version=2 remote=%any proposals=aes128-sha256-ecp256 \
	lines=$'dpd_delay: 0\nrekey_time: 0' child=any)" routes=no
gw_start "$GW" "$PREFIX" "$TMP/gw.log" --vdev "net_af_packet0,iface=eo$ID" \
	--vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml"
if ! gw_wait_ready "$PREFIX" 20; then
	notok "the gateway starts"
	sed 's/^/# /' "$TMP/gw.log"
	exit 1
fi
ok "the gateway starts"

if ss_initiate "$SSA" net gw 20 >"$TMP/init-a.out" 2>&1 &&
	ss_initiate "$SSB" net gw 20 >"$TMP/init-b.out" 2>&1 && wait_gw_children 4 5; then
	ok "both charons set up their Child SA with the one gateway connection"
else
	notok "both charons set up their Child SA with the one gateway connection"
	ss_log_tail "$SSA"
	ss_log_tail "$SSB"
fi

# rows: the gateway's IKE-made outbound rows as "SLOT REMOTE_TS SPI" lines.
rows() {
	tel "$PREFIX" /fastipsec/sa/list | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/sa/list"]
for v in r.values():
    if isinstance(v, dict) and "ike_sa" in v and v["direction"] == "outbound":
        print(v.get("slot"), v.get("remote_ts", "-"), v["spi"])'
}
R=$(rows)
echo "$R" | sed 's/^/# outbound: /'
# own_slots: two outbound rows, distinct slots past the children's, each with its peer's selector.
own_slots() {
	echo "$R" | awk '$1 >= 5120 && $2 == "198.51.100.1/32" {a++} $1 >= 5120 && $2 == "198.51.100.16/28" {b++}
		{s[$1]++} END {exit !(a == 1 && b == 1 && length(s) == 2 && NR == 2)}'
}
check "each peer's pair has a slot of its own and its narrowed selectors" own_slots

# spd_live: the SPD with both peers' policies is the workers' (a batch after the second pair).
spd_live() {
	local i
	for ((i = 0; i < 20; i++)); do
		[ "$(jget "$(tel "$PREFIX" /fastipsec/ike/stats)" \
			'r["/fastipsec/ike/stats"]["spd_policies"]')" = 6 ] && return 0
		sleep 0.1
	done
	return 1
}
check "the SPD holds the child's 2 policies and both peers' 4" spd_live
S=$(tel "$PREFIX" /fastipsec/ike/stats)
echo "# spd: rebuilds $(jget "$S" 'r["/fastipsec/ike/stats"]["spd_rebuilds"]') last $(jget "$S" 'r["/fastipsec/ike/stats"]["spd_build_us_last"]') us, peer slots $(jget "$S" 'r["/fastipsec/ike/stats"]["child_peer_slots"]')"
check "/fastipsec/ike/stats counts the SPD rebuilds and the peer slots" \
	jtrue "$S" 'r["/fastipsec/ike/stats"]["spd_rebuilds"] >= 1 and r["/fastipsec/ike/stats"]["child_peer_slots"] == 2'

# ss_packets DIR: packets-in of the charon's installed CHILD SA.
ss_packets() {
	ss_sas "$1" | $SS_PY -c '
import json, sys
print(sum(int(c.get("packets-in", 0)) for ike in json.load(sys.stdin) for c in ike["children"] if c.get("state") == "INSTALLED"))'
}
PA0=$(ss_packets "$SSA")
PB0=$(ss_packets "$SSB")
RA=$(ip netns exec "$IN" ping -c 5 -i 0.2 -W 1 198.51.100.1 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
RB=$(ip netns exec "$IN" ping -c 5 -i 0.2 -W 1 198.51.100.17 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
PA=$(($(ss_packets "$SSA") - PA0))
PB=$(($(ss_packets "$SSB") - PB0))
echo "# pings answered: A ${RA:-0}/5, B ${RB:-0}/5; packets in at charon A $PA, B $PB"
check "the host's pings to A are all answered" test "${RA:-0}" = 5
check "the host's pings to B are all answered" test "${RB:-0}" = 5
check "each charon's SA counted its own pings (5 each)" test "$PA" = 5 -a "$PB" = 5

RS=$((STREAM_S + 3))
stream_recv "$SA" 198.51.100.1 5002 to-a "$RS"
stream_recv "$SB" 198.51.100.17 5003 to-b "$RS"
streams_ready to-a to-b
stream_send "$IN" 203.0.113.2 198.51.100.1 5002 to-a "$RATE" "$STREAM_S"
stream_send "$IN" 203.0.113.2 198.51.100.17 5003 to-b "$RATE" "$STREAM_S"
streams_wait
for s in to-a to-b; do
	stream_result "$s" "$s"
	check "the $s stream lost nothing ($S_SENT packets)" \
		test "$S_SENT" -ge $((RATE * STREAM_S * 9 / 10)) -a "$S_UNI" = "$S_SENT"
done
gw_drops "after the streams"

if gw_stop TERM && [ "$GW_RC" = 0 ]; then
	ok "the gateway stops cleanly"
else
	notok "the gateway stops cleanly (rc $GW_RC)"
	tail -n 20 "$TMP/gw.log" | sed 's/^/# /'
fi
GW_PID=
finish
