#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv2 rekeying against a real strongSwan, with traffic: the appliance
# (DPDK, af_packet ports) between a host and charon at 192.0.2.1 (its own
# addresses protected with libipsec), in the lab of test_ikev1_rekey.sh.
# One IKE SA holds two Child SAs (charon initiates the first in IKE_AUTH,
# the second by CREATE_CHILD_SA):
#   net  203.0.113.0/25   <-> 198.51.100.0/25   (PFS: ESP with ecp256)
#   web  203.0.113.128/25 <-> 198.51.100.128/25
# Both ends rekey the Child SAs and the IKE SA every few seconds (net with
# the same rekey_time and no jitter at both ends, so that their rekeys
# collide now and then; web mostly by the gateway, with PFS on net), while
# numbered UDP streams flow both ways through each child;
# every packet must arrive (sent - unique received = 0).  Then the two
# ends hold the same pairs (none left behind on either side), each on the
# IKE SA that holds it now, and charon's terminate leaves nothing.
# KEEP_TMP=1 keeps the logs; REKEY_STREAM_S sets the seconds of traffic.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_rekey: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev2_rekey: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev2_rekey: $SS_WHY"

# Retransmissions that outlast a few seconds of a busy machine (the
# default 2 tries give up after 4.4 s): a lost rekey is not what is tested.
SS_RETRANSMIT="5 1 1.4"
ikl_setup fi2r
# the second child's addresses: charon's own (on lo), the host's second one
ss_ts_address "$SS" 198.51.100.130/32
ip -n "$IN" addr add 203.0.113.130/24 dev pi$ID
PSK=fastipsec-ikev2-rekey-psk-0123456789
STREAM_S=${REKEY_STREAM_S:-70} # seconds of traffic
RATE=200                       # packets a second, each net stream
WEB_RATE=100                   # and each web stream

ss_psk_conf "$SSD/swanctl.conf" "192.0.2.1 192.0.2.2" "$(ss_psk_conn gw version=2 \
	proposals=aes128-sha256-ecp256 ike=$'rekey_time = 5s\nover_time = 10s\nrand_time = 2s\nreauth_time = 0' \
	children="$(
		ss_psk_child net 198.51.100.0/25 203.0.113.0/25 aes128gcm16-ecp256 \
			$'rekey_time = 4s\nlife_time = 15s\nrand_time = 0'
		ss_psk_child web 198.51.100.128/25 203.0.113.128/25 aes128gcm16 \
			$'rekey_time = 5s\nlife_time = 15s\nrand_time = 2s'
	)")"
ss_load "$SSD" "$SSD/swanctl.conf" || notok "charon loads its configuration"

ikl_gw_yaml 192.0.2.1 "$(ikl_gw_conn gw version=2 proposals=aes128-sha256-ecp256 \
	lines=$'rekey_time: 4s\nover_time: 10s\nrand_time: 1s' children="$(
		ikl_gw_child net 203.0.113.0/25 198.51.100.0/25 aes128gcm16-ecp256 none \
			$'rekey_time: 4s\nlife_time: 15s\nrand_time: 0s'
		ikl_gw_child web 203.0.113.128/25 198.51.100.128/25 aes128gcm16 none \
			$'rekey_time: 3s\nlife_time: 15s\nrand_time: 1s'
	)")" tries=5

if ! gw_up rekey --diagnostics; then
	notok "the gateway starts"
	sed 's/^/# /' "$TMP/gw-rekey.log"
	exit 1
fi
ok "the gateway starts"
if ss_initiate "$SSD" net gw 20 >"$TMP/init-net.out" 2>&1 &&
	ss_initiate "$SSD" web gw 20 >"$TMP/init-web.out" 2>&1 && wait_gw_children 4 5; then
	ok "charon initiates both children in one IKE SA (the second by CREATE_CHILD_SA)"
else
	notok "charon initiates both children in one IKE SA (the second by CREATE_CHILD_SA)"
	ss_log_tail "$SSD"
fi
# one_ike: one IKE SA at each end (polled: a rekey holds two for a moment)
one_ike() {
	local i
	for ((i = 0; i < 20; i++)); do
		[ "$(ike_total)" = 1 ] && [ "$(ss_count "$SSD" ike)" = 1 ] && return 0
		sleep 0.25
	done
	return 1
}
check "one IKE SA at each end" one_ike
check "the CREATE_CHILD_SA child is counted (child_done 2)" test "$(v2stat child_done)" = 2
CH_EST0=$(grep -cE "CHILD_SA (net|web)\{[0-9]*\} established" "$SSD/charon.log")

RS=$((STREAM_S + 4))
# REKEY_PCAP=1 captures the outside wire at charon's end ($TMP/wire.pcap, with KEEP_TMP=1).
[ -n "${REKEY_PCAP:-}" ] && dump_start
stream_recv "$SS" 198.51.100.1 5002 net-in "$RS"
stream_recv "$IN" 203.0.113.2 5003 net-out "$RS"
stream_recv "$SS" 198.51.100.130 5004 web-in "$RS"
stream_recv "$IN" 203.0.113.130 5005 web-out "$RS"
streams_ready net-in net-out web-in web-out
stream_send "$IN" 203.0.113.2 198.51.100.1 5002 net-in "$RATE" "$STREAM_S"
stream_send "$SS" 198.51.100.1 203.0.113.2 5003 net-out "$RATE" "$STREAM_S"
stream_send "$IN" 203.0.113.130 198.51.100.130 5004 web-in "$WEB_RATE" "$STREAM_S"
stream_send "$SS" 198.51.100.130 203.0.113.130 5005 web-out "$WEB_RATE" "$STREAM_S"
gw_peaks "$STREAM_S"
streams_wait
[ -n "${REKEY_PCAP:-}" ] && dump_stop
for s in net-in net-out web-in web-out; do
	stream_result "$s" "$s"
	r=$RATE
	[ "${s#web}" != "$s" ] && r=$WEB_RATE
	check "the $s stream lost nothing ($S_SENT packets)" test "$S_SENT" -ge $((r * STREAM_S)) -a "$S_UNI" = "$S_SENT"
done
CR=$(v2stat child_rekeys)
IR=$(v2stat ike_rekeys)
CH_EST=$(($(grep -cE "CHILD_SA (net|web)\{[0-9]*\} established" "$SSD/charon.log") - CH_EST0))
SS_IKE_REKEY=$(grep -c "IKE_SA gw\[[0-9]*\] rekeyed between" "$SSD/charon.log")
SS_COLL=$(grep -ciE "collision" "$SSD/charon.log")
SS_IGNORED=$(grep -cE "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown|CHILD_SA_NOT_FOUND" "$SSD/charon.log")
echo "# gateway: child_rekeys $CR (started $(v2stat child_rekeys_started), failed $(v2stat child_rekey_failed)) ike_rekeys $IR (started $(v2stat ike_rekeys_started), failed $(v2stat ike_rekey_failed)) collisions $(v2stat collisions) temporary_failures $(v2stat temporary_failures) child_not_found $(v2stat child_not_found) child_hard_expired $(v2stat child_hard_expired) ike_expired $(v2stat ike_expired) deletes_sent $(v2stat deletes_sent) deletes_received $(v2stat deletes_received)"
echo "# charon: CHILD_SAs established $CH_EST, IKE_SAs rekeyed $SS_IKE_REKEY, collision lines $SS_COLL, ignored deletes $SS_IGNORED; at most $MAXP inbound SAs and $MAXI IKE SAs at the gateway at once"
gw_drops gateway
tel "$PREFIX" /fastipsec/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/stats"]
print("# gateway counters:", {k: v for k, v in r.items() if isinstance(v, int) and v})' 2>/dev/null
tel "$PREFIX" /fastipsec/ike/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/ike/stats"]
print("# gateway installer: child_up %s child_up_failed %s child_down %s child_rekeyed %s no_child_sa %s" % tuple(r.get(k) for k in ("child_up", "child_up_failed", "child_down", "child_rekeyed", "no_child_sa")))' 2>/dev/null
tel "$PREFIX" /fastipsec/ike/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/ike/stats"]["ikev2"]
print("# gateway ikev2 drops:", {k: v for k, v in r.items() if k.startswith("drop_") and v} or "none")' 2>/dev/null
cp "$SSD/charon.log" "$TMP/charon-rekey.log"
check "at least 20 Child SA rekeys in ${STREAM_S} s (charon established $CH_EST)" test "$CR" -ge 20 -a "$CH_EST" -ge 20
check "at least 20 IKE SA rekeys in ${STREAM_S} s" test "$IR" -ge 20
# Collisions need both requests in flight at once (a few ms of the 100 ms
# tick): most runs have some, unit tests (test_ikev2_rekey) force them.
echo "# rekey collisions settled: $(v2stat collisions) at the gateway, $(grep -c 'collision lost' "$SSD/charon.log") lost by charon"
check "no lifetime ran out: every SA was rekeyed in time" test "$(v2stat child_hard_expired)" = 0 -a "$(v2stat ike_expired)" = 0
check "SAs bounded during the run (at most 6 pairs, 3 IKE SAs)" test "$MAXP" -le 6 -a "$MAXI" -le 3
check "charon ignored none of the gateway's deletes" test "$SS_IGNORED" = 0
if [ "$SS_IGNORED" != 0 ]; then
	grep -E "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown|CHILD_SA_NOT_FOUND" "$SSD/charon.log" | head -5 | sed 's/^/# /'
fi

wait_settled() {
	local i
	for ((i = 0; i < 60; i++)); do
		pairs_match && [ "$(gw_children | wc -l)" = 4 ] && [ "$(ike_total)" = 1 ] &&
			[ "$(ss_count "$SSD" ike)" = 1 ] && return 0
		sleep 0.25
	done
	pairs_show
	return 1
}
# Rekeys go on: compare between two (every few seconds both ends are at rest).
check "the two ends hold the same two pairs in one IKE SA (none left behind)" wait_settled
check "/fastipsec/sa/list names the IKE SA that holds each pair now" wait_rows_on_live_ike
R=$(ping_both 3)
check "pings cross the rekeyed tunnel ($R)" test "$R" = "3 3"
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log.txt" 2>&1
# charon made the first two pairs: every initiator line is a rekey of ours.
P2I=$(grep -c "IKE Phase-2 initiator done" "$TMP/log.txt")
P2R=$(grep -c "IKE Phase-2 responder done" "$TMP/log.txt")
check "the log has Phase-2 done lines of rekeyed children both ways ($P2I initiator, $P2R responder)" \
	test "$P2I" -ge 1 -a "$P2R" -ge 3
check "no key material in the log" bash -c "! grep -qiE 'key=|secret|$PSK' '$TMP/log.txt'"
ss_terminate "$SSD" ike gw >/dev/null 2>&1
check "after charon's terminate: no SA left at the gateway" wait_gw_children 0 10
check "... no IKE SA left at the gateway" wait_ike_sas 0 10
check "... none at charon" ss_wait_count "$SSD" ike 0 10
gw_stop TERM
check "the gateway stops with exit 0" test "$GW_RC" = 0

finish
