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

cat >"$SSD/swanctl.conf" <<EOF
connections {
	gw {
		version = 2
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = aes128-sha256-ecp256
		dpd_delay = 0
		rekey_time = 5s
		over_time = 10s
		rand_time = 2s
		reauth_time = 0
		local {
			auth = psk
			id = 192.0.2.1
		}
		remote {
			auth = psk
			id = 192.0.2.2
		}
		children {
			net {
				mode = tunnel
				local_ts = 198.51.100.0/25
				remote_ts = 203.0.113.0/25
				esp_proposals = aes128gcm16-ecp256
				rekey_time = 4s
				life_time = 15s
				rand_time = 0
			}
			web {
				mode = tunnel
				local_ts = 198.51.100.128/25
				remote_ts = 203.0.113.128/25
				esp_proposals = aes128gcm16
				rekey_time = 5s
				life_time = 15s
				rand_time = 2s
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = 192.0.2.1
		id-2 = 192.0.2.2
		secret = "$PSK"
	}
}
EOF
ss_load "$SSD" "$SSD/swanctl.conf" || notok "charon loads its configuration"

cat >"$TMP/gw.yaml" <<EOF
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
ike:
  retransmit_timeout: 1s
  retransmit_tries: 5
  retransmit_base: 1.4
connections:
  gw:
    version: 2
    local_addrs: [192.0.2.2]
    remote_addrs: [192.0.2.1]
    proposals: [aes128-sha256-ecp256]
    local: {auth: psk, id: 192.0.2.2}
    remote: {auth: psk, id: 192.0.2.1}
    rekey_time: 4s
    over_time: 10s
    rand_time: 1s
    children:
      net:
        mode: tunnel
        local_ts: [203.0.113.0/25]
        remote_ts: [198.51.100.0/25]
        esp_proposals: [aes128gcm16-ecp256]
        start_action: none
        rekey_time: 4s
        life_time: 15s
        rand_time: 0s
      web:
        mode: tunnel
        local_ts: [203.0.113.128/25]
        remote_ts: [198.51.100.128/25]
        esp_proposals: [aes128gcm16]
        start_action: none
        rekey_time: 3s
        life_time: 15s
        rand_time: 1s
secrets:
  - {type: ike, ids: [192.0.2.1], secret: "$PSK"}
EOF

v2stat() { # NAME: a counter of the IKEv2 engine
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["'"$1"'"]'
}

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

cp "$(dirname "$0")/udp_stream.py" "$TMP/udp_stream.py"
RS=$((STREAM_S + 4))
# stream NAME NS_FROM SRC NS_TO DST PORT: a receiver, then (after all are bound) a sender
PIDS=()
recv_start() { # NS ADDR PORT NAME
	ip netns exec "$1" $PY "$TMP/udp_stream.py" recv "$2" "$3" "$RS" "$TMP/recv-$4" &
	PIDS+=($!)
}
send_start() { # NS SRC DST PORT NAME RATE
	ip netns exec "$1" $PY "$TMP/udp_stream.py" send "$2" "$3" "$4" "$6" "$STREAM_S" "$TMP/sent-$5" &
	PIDS+=($!)
}
# REKEY_PCAP=1 captures the outside wire at charon's end ($TMP/wire.pcap, with KEEP_TMP=1).
[ -n "${REKEY_PCAP:-}" ] && dump_start
recv_start "$SS" 198.51.100.1 5002 net-in
recv_start "$IN" 203.0.113.2 5003 net-out
recv_start "$SS" 198.51.100.130 5004 web-in
recv_start "$IN" 203.0.113.130 5005 web-out
for ((i = 0; i < 50; i++)); do
	n=0
	for s in net-in net-out web-in web-out; do [ -e "$TMP/recv-$s.ready" ] && n=$((n + 1)); done
	[ "$n" = 4 ] && break
	sleep 0.1
done
send_start "$IN" 203.0.113.2 198.51.100.1 5002 net-in "$RATE"
send_start "$SS" 198.51.100.1 203.0.113.2 5003 net-out "$RATE"
send_start "$IN" 203.0.113.130 198.51.100.130 5004 web-in "$WEB_RATE"
send_start "$SS" 198.51.100.130 203.0.113.130 5005 web-out "$WEB_RATE"
MAXP=0
MAXI=0
for ((t = 0; t < STREAM_S; t++)); do
	sleep 1
	n=$(gw_children | grep -c inbound)
	[ "$n" -gt "$MAXP" ] && MAXP=$n
	n=$(ike_total)
	[ "$n" -gt "$MAXI" ] && MAXI=$n
done
wait "${PIDS[@]}"
[ -n "${REKEY_PCAP:-}" ] && dump_stop
for s in net-in net-out web-in web-out; do
	read -r _ SENT <"$TMP/sent-$s"
	read -r _ RCV _ UNI _ DUP <"$TMP/recv-$s"
	r=$RATE
	[ "${s#web}" != "$s" ] && r=$WEB_RATE
	echo "# $s: sent $SENT received $RCV unique $UNI duplicates $DUP lost $((SENT - UNI))"
	check "the $s stream lost nothing ($SENT packets)" test "$SENT" -ge $((r * STREAM_S)) -a "$UNI" = "$SENT"
done
CR=$(v2stat child_rekeys)
IR=$(v2stat ike_rekeys)
CH_EST=$(($(grep -cE "CHILD_SA (net|web)\{[0-9]*\} established" "$SSD/charon.log") - CH_EST0))
SS_IKE_REKEY=$(grep -c "IKE_SA gw\[[0-9]*\] rekeyed between" "$SSD/charon.log")
SS_COLL=$(grep -ciE "collision" "$SSD/charon.log")
SS_IGNORED=$(grep -cE "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown|CHILD_SA_NOT_FOUND" "$SSD/charon.log")
echo "# gateway: child_rekeys $CR (started $(v2stat child_rekeys_started), failed $(v2stat child_rekey_failed)) ike_rekeys $IR (started $(v2stat ike_rekeys_started), failed $(v2stat ike_rekey_failed)) collisions $(v2stat collisions) temporary_failures $(v2stat temporary_failures) child_not_found $(v2stat child_not_found) child_hard_expired $(v2stat child_hard_expired) ike_expired $(v2stat ike_expired) deletes_sent $(v2stat deletes_sent) deletes_received $(v2stat deletes_received)"
echo "# charon: CHILD_SAs established $CH_EST, IKE_SAs rekeyed $SS_IKE_REKEY, collision lines $SS_COLL, ignored deletes $SS_IGNORED; at most $MAXP inbound SAs and $MAXI IKE SAs at the gateway at once"
tel "$PREFIX" /fastipsec/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/stats"]
d = {k: v for k, v in (r.get("drops") or {}).items() if isinstance(v, int) and v}
print("# gateway drops:", d or "none")
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
check "at least 10 IKE SA rekeys in ${STREAM_S} s" test "$IR" -ge 10
# Collisions need both requests in flight at once (a few ms of the 100 ms
# tick): most runs have some, unit tests (test_ikev2_rekey) force them.
echo "# rekey collisions settled: $(v2stat collisions) at the gateway, $(grep -c 'collision lost' "$SSD/charon.log") lost by charon"
check "no lifetime ran out: every SA was rekeyed in time" test "$(v2stat child_hard_expired)" = 0 -a "$(v2stat ike_expired)" = 0
check "SAs bounded during the run (at most 6 pairs, 3 IKE SAs)" test "$MAXP" -le 6 -a "$MAXI" -le 3
check "charon ignored none of the gateway's deletes" test "$SS_IGNORED" = 0
if [ "$SS_IGNORED" != 0 ]; then
	grep -E "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown|CHILD_SA_NOT_FOUND" "$SSD/charon.log" | head -5 | sed 's/^/# /'
fi

# pairs_match: charon's CHILD SAs (but those it lists as DELETED: gone from
# libipsec, kept a moment for the listing) are the gateway's pairs, SPI for SPI.
pairs_match() {
	local ss gw
	ss=$(ss_sas "$SSD" | $PY -c '
import json, sys
for ike in json.load(sys.stdin):
    for c in ike["children"]:
        if c.get("state") == "DELETED":
            continue
        print("outbound %08x" % int(c["spi-in"], 16))
        print("inbound %08x" % int(c["spi-out"], 16))' | sort)
	gw=$(gw_children | awk '{print $1, $2}' | sort)
	[ -n "$gw" ] && [ "$ss" = "$gw" ]
}
wait_settled() {
	local i
	for ((i = 0; i < 60; i++)); do
		pairs_match && [ "$(gw_children | wc -l)" = 4 ] && [ "$(ike_total)" = 1 ] &&
			[ "$(ss_count "$SSD" ike)" = 1 ] && return 0
		sleep 0.25
	done
	echo "# charon: $(ss_sas "$SSD" | $PY -c '
import json, sys
print(["%s:%s/%s(%s)" % (ike.get("uniqueid"), c["spi-in"], c["spi-out"], c.get("state")) for ike in json.load(sys.stdin) for c in ike["children"]])')"
	echo "# gateway: $(gw_children | tr '\n' ' ') IKE SAs $(ike_total)"
	return 1
}
# Rekeys go on: compare between two (every few seconds both ends are at rest).
check "the two ends hold the same two pairs in one IKE SA (none left behind)" wait_settled
# rows_on_live_ike: every pair's "ike_sa" in /fastipsec/sa/list is the established IKE SA of /fastipsec/ike/list.
rows_on_live_ike() {
	$PY -c '
import json, sys
sa = json.loads(sys.argv[1])["/fastipsec/sa/list"]
ike = json.loads(sys.argv[2])["/fastipsec/ike/list"]
live = {v["id"]: v.get("child_sas", "") for v in ike.values() if isinstance(v, dict) and v.get("state") == "established"}
rows = [v for v in sa.values() if isinstance(v, dict) and "ike_sa" in v]
bad = [(v["spi"], v["ike_sa"]) for v in rows if v["ike_sa"] not in live or v["spi"][2:] not in live[v["ike_sa"]]]
if bad or not rows:
    print("# rows on no live IKE SA:", bad, "live:", live)
sys.exit(1 if bad or not rows else 0)' "$(tel "$PREFIX" /fastipsec/sa/list)" "$(tel "$PREFIX" /fastipsec/ike/list)"
}
check "/fastipsec/sa/list names the IKE SA that holds each pair now" rows_on_live_ike
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
