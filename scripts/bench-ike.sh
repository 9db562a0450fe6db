#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKE SA setup benchmark (root): IKE SAs a second that fastipsec's control
# core sets up as IKEv2 responder, beside strongSwan's charon as responder
# to the same load generator (tests/tools/ike_loadgen: the project's own
# IKEv2 initiator, many initiators from many addresses) on the same machine
# in the same run; the install of the Child SAs into the workers; and
# whether a tunnel's data path loses packets meanwhile.
#
#   scripts/bench-ike.sh [--quick] [--count N] [--window W]
#
# The lab (network namespaces, documentation addresses only):
#
#   IN 203.0.113.2 --- [inside 203.0.113.1/25  GW (fastipsec, DPDK af_packet)
#                                              outside 192.0.2.2/24] ---+
#   LG: a bridge 192.0.2.3/24 and the load generator, whose initiators  |
#       are 198.51.100.1-250 (the whole /24 made local by one route) ---+
#   PEER: charon 192.0.2.1, protects 203.0.113.129 (the stream's end) --+
#   CR: charon 192.0.2.4, the responder compared with the gateway ------+
#
# Each responder has one connection for anyone (remote id %any, PSK,
# aes128-sha256-ecp256, ESP aes128gcm16) whose child narrows TSi to the
# initiator's /32 within 198.51.100.0/24.  The generator sets up COUNT IKE
# SAs (each with its Child SA) against the gateway, then against charon,
# with at most WINDOW negotiations in flight, identities
# i<N>.bench.example.org spread over 250 addresses.  While the gateway
# works, PEER's tunnel (charon initiating, a connection of its own) carries
# a numbered UDP stream of 200 packets a second each way.
#
# The gateway's DoS protection is raised out of the way (ike: half_open_max
# 100000, half_open_per_source 100000, cookie_threshold 100000), and so is
# charon's (cookie_threshold, block_threshold 100000; ikesa_table_size
# 4096), so that both measure setting up SAs, not refusing them.  charon
# logs at level 0, the gateway into its shared-memory ring as always.
#
# Knobs: FASTIPSEC_BUILD (default build/), BENCH_IKE_RESULT=FILE (the
# numbers as KEY=VALUE lines, for tests/integration/test_ike_bench.sh),
# KEEP_TMP=1 keeps the logs.  Every output line starts with "# ".
set -u
QUICK=0
COUNT=
WINDOW=
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--count)
		COUNT=$2
		shift
		;;
	--window)
		WINDOW=$2
		shift
		;;
	*)
		echo "usage: $0 [--quick] [--count N] [--window W]" >&2
		exit 2
		;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	COUNT=${COUNT:-500}
	WINDOW=${WINDOW:-32}
else
	COUNT=${COUNT:-4000}
	WINDOW=${WINDOW:-64}
fi

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/integration/common.sh
. "$HERE/../tests/integration/common.sh"
# shellcheck source=../tests/integration/strongswan.sh
. "$HERE/../tests/integration/strongswan.sh"
# shellcheck source=../tests/integration/ikev1_lab.sh
. "$HERE/../tests/integration/ikev1_lab.sh" # the lab's names and ports, wait_gw_children, ike_total

say() { echo "# $*"; }
die() {
	say "bench-ike: $*"
	exit 1
}
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
LOADGEN=$BUILD/tests/tools/ike_loadgen
[ -x "$BUILD/fastipsec" ] || die "$BUILD/fastipsec not built"
[ -x "$LOADGEN" ] || die "$LOADGEN not built"
ss_available || die "$SS_WHY"
# /fastipsec/ike/list shows at most IKE_LIST_MAX (4096) IKE SAs.
if [ "$COUNT" -lt 1 ] || [ "$COUNT" -gt 4000 ]; then die "--count must be 1..4000"; fi

ADDRS=250
PSK=fastipsec-bench-ike-psk-0123456789
PROPOSAL=aes128-sha256-ecp256
ESP=aes128gcm16
STREAM_RATE=200
# The stream covers the gateway's whole run: about 2 s before the load,
# the load itself (allowing 100 SAs a second) and 2 s after.
STREAM_S=$((COUNT / 100 + 6))
[ "$STREAM_S" -ge 10 ] || STREAM_S=10

ikl_init bik GW LG PE IN CR
PED=$TMP/charon-peer
CRD=$TMP/charon-resp
LG_PID=
PIDS=()
RES=${BENCH_IKE_RESULT:-}
[ -z "$RES" ] || : >"$RES"

cleanup() {
	local p
	for p in $LG_PID "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ikl_cleanup
}
trap cleanup EXIT

result() { # KEY VALUE
	[ -z "$RES" ] || echo "$1=$2" >>"$RES"
}

# ---- the lab ----
ikl_gw_ports "$LG" lg$ID 25
lab_veth "$PE" so$ID "$LG" lp$ID
lab_veth "$CR" co$ID "$LG" lc$ID
lab_bridge "$LG" br$ID lg$ID lp$ID lc$ID
ip -n "$LG" addr add 192.0.2.3/24 dev br$ID
ip -n "$LG" route add local 198.51.100.0/24 dev lo
ip -n "$PE" addr add 192.0.2.1/24 dev so$ID
ip -n "$CR" addr add 192.0.2.4/24 dev co$ID
ip -n "$CR" route add 198.51.100.0/24 via 192.0.2.3
ss_ts_address "$PE" 203.0.113.129/32
ss_ts_address "$CR" 203.0.113.1/32
# kernel-libipsec routes each Child SA's remote TS (an initiator's /32)
# into its TUN device (table 220), whatever install_routes says: that
# initiator's IKE and ESP-in-UDP would go there too.  What charon sends
# from its IKE address takes the main table first.
ip -n "$CR" rule add priority 100 from 192.0.2.4 lookup main

# PEER: the stream's tunnel, charon initiating (routes through its TUN device).
mkdir -p "$PED" "$CRD"
SS_INSTALL_ROUTES=yes ss_conf "$PED"
ss_start "$PED" "$PE" || die "charon (the stream's peer) does not start: $(tail -n 3 "$PED/charon.out")"
ss_psk_conf "$PED/swanctl.conf" "" "$(ss_psk_conn gw version=2 proposals="$PROPOSAL" child=stream \
	local_ts=203.0.113.128/25 remote_ts=203.0.113.0/25 esp="$ESP")"
ss_load "$PED" "$PED/swanctl.conf" || die "charon (the stream's peer) does not load its configuration"

# CR: the responder under test, tuned for many SAs (see the top).
SS_LOGLEVEL=0 SS_IKE_LOGLEVEL=0 SS_ENC_LOGLEVEL=0 SS_EXTRA_CHARON="	ikesa_table_size = 4096
	ikesa_table_segments = 16
	cookie_threshold = 100000
	block_threshold = 100000
	init_limit_half_open = 0" ss_conf "$CRD"
ss_start "$CRD" "$CR" || die "charon (the responder) does not start: $(tail -n 3 "$CRD/charon.out")"
ss_psk_conf "$CRD/swanctl.conf" "" "$(ss_psk_conn anyone version=2 local=192.0.2.4 remote=%any \
	proposals="$PROPOSAL" child=any local_ts=203.0.113.0/25 remote_ts=198.51.100.0/24 esp="$ESP")"
ss_load "$CRD" "$CRD/swanctl.conf" || die "charon (the responder) does not load its configuration"
SS_VERSION_TEXT=$("$SS_CHARON" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1)

cat >"$TMP/gw.yaml" <<EOF
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/25]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.3}
  - {destination: 203.0.113.128/25, gateway: 192.0.2.1}
ike:
  half_open_max: 100000
  half_open_per_source: 100000
  cookie_threshold: 100000
  half_open_timeout: 30s
connections:
  peer:
    version: 2
    local_addrs: [192.0.2.2]
    remote_addrs: [192.0.2.1]
    proposals: [$PROPOSAL]
    local: {auth: psk, id: 192.0.2.2}
    remote: {auth: psk, id: 192.0.2.1}
    dpd_delay: 0
    rekey_time: 0
    children:
      stream:
        mode: tunnel
        local_ts: [203.0.113.0/25]
        remote_ts: [203.0.113.128/25]
        esp_proposals: [$ESP]
        start_action: none
        rekey_time: 0
  anyone:
    version: 2
    local_addrs: [192.0.2.2]
    remote_addrs: ["%any"]
    proposals: [$PROPOSAL]
    local: {auth: psk, id: 192.0.2.2}
    remote: {auth: psk, id: "%any"}
    dpd_delay: 0
    rekey_time: 0
    children:
      any:
        mode: tunnel
        local_ts: [203.0.113.0/25]
        remote_ts: [198.51.100.0/24]
        esp_proposals: [$ESP]
        start_action: none
        rekey_time: 0
secrets:
  - {type: ike, secret: "$PSK"}
EOF

# lg_run NAME RESPONDER: the load generator against RESPONDER, held after
# its result (LG_PID); waits for the result line in $TMP/lg-NAME.out.
lg_run() {
	local name=$1 i
	ip netns exec "$LG" "$LOADGEN" --remote "$2" --first 198.51.100.1 --addrs $ADDRS \
		--count "$COUNT" --window "$WINDOW" --psk "$PSK" --proposal $PROPOSAL --esp $ESP \
		--remote-ts 203.0.113.0/25 --sa-timeout 30 --timeout 300 --hold \
		>"$TMP/lg-$name.out" 2>"$TMP/lg-$name.err" &
	LG_PID=$!
	for ((i = 0; i < 3200; i++)); do
		grep -q '"event":"result"' "$TMP/lg-$name.out" 2>/dev/null && return 0
		kill -0 "$LG_PID" 2>/dev/null || break
		sleep 0.1
	done
	say "the load generator ($name) gave no result: $(tail -n 3 "$TMP/lg-$name.err")"
	return 1
}

# lg_stop: end the held load generator (it deletes its IKE SAs first).
lg_stop() {
	[ -n "$LG_PID" ] || return 0
	kill -TERM "$LG_PID" 2>/dev/null
	wait "$LG_PID" 2>/dev/null
	LG_PID=
}

# lg_field NAME KEY: a number of the result line.
lg_field() {
	$PY -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event") == "result":
        print(r[sys.argv[2]])' "$TMP/lg-$1.out" "$2" 2>/dev/null
}

v2stat() { # KEY: a counter of /fastipsec/ike/stats ("ikev2.KEY" for the engine's)
	tel "$PREFIX" /fastipsec/ike/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/ike/stats"]
for k in sys.argv[1].split("."):
    r = r[k]
print(r)' "$1" 2>/dev/null
}

# ---- fastipsec ----
say "IKE SA setup: $COUNT IKE SAs with one Child SA each, window $WINDOW, $ADDRS initiator addresses, $PROPOSAL, ESP $ESP, PSK; $(nproc) CPUs"
gw_start "$GW" "$PREFIX" "$TMP/gw.log" --vdev "net_af_packet0,iface=eo$ID" \
	--vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml"
gw_wait_ready "$PREFIX" 30 || die "the gateway does not start: $(tail -n 5 "$TMP/gw.log")"
ss_initiate "$PED" stream gw 20 >"$TMP/peer-init.out" 2>&1 || die "the stream's tunnel does not come up: $(tail -n 3 "$TMP/peer-init.out")"
wait_gw_children 2 10 || die "the gateway does not hold the stream's SA pair"

cp "$HERE/../tests/integration/udp_stream.py" "$TMP/udp_stream.py"
ip netns exec "$PE" $PY "$TMP/udp_stream.py" recv 203.0.113.129 5002 $((STREAM_S + 4)) "$TMP/recv-in" &
PIDS+=($!)
ip netns exec "$IN" $PY "$TMP/udp_stream.py" recv 203.0.113.2 5003 $((STREAM_S + 4)) "$TMP/recv-out" &
PIDS+=($!)
for ((i = 0; i < 50; i++)); do
	[ -e "$TMP/recv-in.ready" ] && [ -e "$TMP/recv-out.ready" ] && break
	sleep 0.1
done
ip netns exec "$IN" $PY "$TMP/udp_stream.py" send 203.0.113.2 203.0.113.129 5002 $STREAM_RATE $STREAM_S "$TMP/sent-in" &
PIDS+=($!)
ip netns exec "$PE" $PY "$TMP/udp_stream.py" send 203.0.113.129 203.0.113.2 5003 $STREAM_RATE $STREAM_S "$TMP/sent-out" &
PIDS+=($!)
STREAM_END=$(($(date +%s%N) / 1000000 + STREAM_S * 1000))
sleep 2

# The installer's counters, sampled every 0.1 s while the load runs.
cat >"$TMP/sampler.py" <<'EOF'
import os, sys, time
sys.path.insert(0, sys.argv[1])
import telemetry
prefix, out, stop = sys.argv[2], sys.argv[3], sys.argv[4]
with open(out, "w") as f:
    while not os.path.exists(stop):
        try:
            r = telemetry.query(prefix, ["/fastipsec/ike/stats"])[0]["/fastipsec/ike/stats"]
            f.write("%.3f %d %d %d\n" % (time.time(), r["child_up"], r["child_up_failed"],
                    r.get("child_install_ns", 0)))
            f.flush()
        except (OSError, ValueError, KeyError, IndexError):
            pass
        time.sleep(0.1)
EOF
$PY "$TMP/sampler.py" "$TOP/scripts" "$PREFIX" "$TMP/samples" "$TMP/stop" &
SAMPLER=$!
PIDS+=($SAMPLER)
sleep 0.3
UP0=$(v2stat child_up)
NS0=$(v2stat child_install_ns)
lg_run fastipsec 192.0.2.2
LG_END=$(($(date +%s%N) / 1000000))
touch "$TMP/stop"
wait "$SAMPLER"
UP1=$(v2stat child_up)
NS1=$(v2stat child_install_ns)
GW_IKE=$(ike_total)
GW_EST=$(v2stat ikev2.ike_sas_established)
GW_PAIRS=$(v2stat ikev2.ipsec_sa_pairs)
GW_FAILED_UP=$(v2stat child_up_failed)
F_EST=$(lg_field fastipsec established)
F_FAIL=$(lg_field fastipsec failed)
F_SEC=$(lg_field fastipsec seconds)
F_RATE=$(lg_field fastipsec sa_per_s)
F_P50=$(lg_field fastipsec p50_ms)
F_P99=$(lg_field fastipsec p99_ms)
F_NARROW=$(lg_field fastipsec narrowed)
lg_stop

# The install rate: pairs installed over the time between the first and
# the last sample that moved, and the installer's own time (child_install_ns:
# building both records and publishing them to the workers' rings).
read -r INST_N INST_S INST_RATE < <($PY -c '
import sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4]
if len(rows) < 2 or rows[0][1] == rows[-1][1]:
    print(0, 0, 0)
    sys.exit()
first, last = rows[0][1], rows[-1][1]
t0 = max(float(r[0]) for r in rows if r[1] == first)  # last sample before it moved
t1 = min(float(r[0]) for r in rows if r[1] == last)   # first sample at the end value
n = int(last) - int(first)
print(n, "%.2f" % (t1 - t0), "%.1f" % (n / (t1 - t0)))' "$TMP/samples")
INST_PAIRS=$((${UP1:-0} - ${UP0:-0}))
INST_CAP=$($PY -c 'import sys; n, ns = int(sys.argv[1]), int(sys.argv[2]); print("%.0f %.1f" % (n * 1e9 / ns, ns / 1e3 / n) if n > 0 and ns > 0 else "0 0")' "$INST_PAIRS" "$((${NS1:-0} - ${NS0:-0}))")
read -r INST_CAP INST_US <<<"$INST_CAP"

for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
PIDS=()
read -r _ SENT_IN <"$TMP/sent-in"
read -r _ SENT_OUT <"$TMP/sent-out"
read -r _ _ _ UNI_IN _ <"$TMP/recv-in"
read -r _ _ _ UNI_OUT _ <"$TMP/recv-out"
LOST_IN=$((SENT_IN - UNI_IN))
LOST_OUT=$((SENT_OUT - UNI_OUT))
COVER=yes
[ "$LG_END" -le "$STREAM_END" ] || COVER=no
gw_stop TERM
GW_RC_TEXT=$GW_RC

# ---- charon ----
lg_run charon 192.0.2.4
C_EST=$(lg_field charon established)
C_FAIL=$(lg_field charon failed)
C_SEC=$(lg_field charon seconds)
C_RATE=$(lg_field charon sa_per_s)
C_P50=$(lg_field charon p50_ms)
C_P99=$(lg_field charon p99_ms)
C_NARROW=$(lg_field charon narrowed)
C_IKE=$(ss_swanctl "$CRD" --stats 2>/dev/null | awk '/^IKE_SAs:/ {print $2}')
lg_stop

# ---- the table ----
RATIO=$($PY -c 'import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print("%.2f" % (a / b) if b > 0 else "n/a")' "${F_RATE:-0}" "${C_RATE:-0}")
say ""
say "$(printf '%-18s %12s %7s %9s %9s %9s %9s' responder established failed seconds 'IKE SA/s' 'p50 ms' 'p99 ms')"
say "$(printf '%-18s %12s %7s %9s %9s %9s %9s' fastipsec "${F_EST:-0}/$COUNT" "${F_FAIL:-?}" "${F_SEC:-?}" "${F_RATE:-?}" "${F_P50:-?}" "${F_P99:-?}")"
say "$(printf '%-18s %12s %7s %9s %9s %9s %9s' "charon ${SS_VERSION_TEXT:-}" "${C_EST:-0}/$COUNT" "${C_FAIL:-?}" "${C_SEC:-?}" "${C_RATE:-?}" "${C_P50:-?}" "${C_P99:-?}")"
say "ratio fastipsec/charon: $RATIO (IKE SAs a second)"
say "responders hold: fastipsec $GW_IKE IKE SAs in /fastipsec/ike/list ($GW_EST established, $GW_PAIRS Child SA pairs; the stream's tunnel is one of each), charon ${C_IKE:-?} IKE SAs"
say "Child SAs narrowed to the initiator's /32: fastipsec ${F_NARROW:-0}, charon ${C_NARROW:-0}"
say "SA install into the workers: $INST_PAIRS pairs (child_up), $INST_N of them in $INST_S s between the first and last sample that moved: $INST_RATE pairs/s; installer time ${INST_US} us a pair (build + publish to the rings): $INST_CAP pairs/s of installer capacity; child_up failed: $GW_FAILED_UP"
say "stream through the gateway's tunnel during the setup (200 packets/s each way, covering the whole load: $COVER): inside -> peer sent $SENT_IN lost $LOST_IN, peer -> inside sent $SENT_OUT lost $LOST_OUT"
say "the gateway stopped with exit $GW_RC_TEXT"

result count "$COUNT"
result window "$WINDOW"
result fastipsec_established "${F_EST:-0}"
result fastipsec_failed "${F_FAIL:-0}"
result fastipsec_rate "${F_RATE:-0}"
result fastipsec_narrowed "${F_NARROW:-0}"
result charon_established "${C_EST:-0}"
result charon_failed "${C_FAIL:-0}"
result charon_rate "${C_RATE:-0}"
result charon_narrowed "${C_NARROW:-0}"
result charon_ike_sas "${C_IKE:-0}"
result ratio "$RATIO"
result gw_ike_total "${GW_IKE:-0}"
result gw_ike_established "${GW_EST:-0}"
result gw_child_up "$INST_PAIRS"
result gw_child_up_failed "${GW_FAILED_UP:-0}"
result install_rate "$INST_RATE"
result install_capacity "$INST_CAP"
result stream_sent_in "$SENT_IN"
result stream_lost_in "$LOST_IN"
result stream_sent_out "$SENT_OUT"
result stream_lost_out "$LOST_OUT"
result stream_covered "$COVER"
result gw_rc "$GW_RC_TEXT"
exit 0
