#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv1 rekeying against a real strongSwan, with traffic: the appliance
# (DPDK, af_packet ports) between a host at 203.0.113.2 and charon at
# 192.0.2.1 (protecting its own 198.51.100.1 with libipsec), as in
# test_ikev1_gateway.sh.  Both sides get short child rekey_time and IKE
# rekey/reauth times, so phase-2 rekeys (either side's) and phase-1
# reauthentications happen every few seconds while numbered UDP streams
# flow host -> charon and charon -> host; every packet must arrive
# (sent - unique received = 0).  Then no SA is left behind.  Then DPD:
# charon is killed (SIGKILL) and the gateway removes its SAs within
# dpd_delay + dpd_timeout; a restarted charon connects again.  Then
# INITIAL-CONTACT: charon is killed and restarted at once, and the gateway
# ends with only the new SAs.  KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev1_rekey: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev1_rekey: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev1_rekey: $SS_WHY"

ikl_setup fikr
PSK=fastipsec-rekey-psk-0123456789abcdef
STREAM_S=${REKEY_STREAM_S:-75} # seconds of traffic
RATE=250                       # packets a second, each way

# ---- (1) rekeying under traffic ----
# Gateway: phase 2 every 6-7 s, phase 1 every 9-10 s; charon: phase 2 every
# 8-9 s, phase 1 (reauthentication) every 8-11 s: the two ends' reauthentications
# alternate, and now and then cross (both main modes at once).
gw_conf_psk aes128-sha256-modp2048 aes128gcm16 none \
	lines=$'rekey_time: 10s\nover_time: 5s\nrand_time: 1s' \
	child_lines=$'rekey_time: 7s\nlife_time: 12s\nrand_time: 1s'
ss_conn_psk aes128-sha256-modp2048 aes128gcm16 \
	ike=$'rekey_time = 11s\nover_time = 6s\nrand_time = 3s' \
	child_lines=$'rekey_time = 9s\nlife_time = 14s\nrand_time = 1s' ||
	notok "(1) charon loads its configuration"
if ! gw_up rekey --diagnostics; then
	notok "(1) the gateway starts"
	sed 's/^/# /' "$TMP/gw-rekey.log"
	exit 1
fi
ok "(1) the gateway starts"
if ss_initiate "$SSD" net gw 20 >"$TMP/init-1.out" 2>&1 && wait_gw_children 2 5; then
	ok "(1) charon initiates: the SA pair is up"
else
	notok "(1) charon initiates: the SA pair is up"
	ss_log_tail "$SSD"
fi
check "(1) SPIs mirrored" spis_match
CH_EST0=$(grep -c "CHILD_SA net{[0-9]*} established" "$SSD/charon.log")
IKE_EST0=$(grep -c "IKE_SA gw\[[0-9]*\] established" "$SSD/charon.log")
MM_INIT0=$(grep -c "initiating Main Mode IKE_SA gw" "$SSD/charon.log")

RS=$((STREAM_S + 4))
stream_recv "$SS" 198.51.100.1 5002 in "$RS"
stream_recv "$IN" 203.0.113.2 5003 out "$RS"
streams_ready in out
T_STREAM=$(date +%T.%N)
stream_send "$IN" 203.0.113.2 198.51.100.1 5002 in "$RATE" "$STREAM_S"
stream_send "$SS" 198.51.100.1 203.0.113.2 5003 out "$RATE" "$STREAM_S"
gw_peaks "$STREAM_S"
streams_wait
# Where a loss is, in the streams that started at T_STREAM (number / RATE = seconds after it).
stream_result in "(1) host -> charon from $T_STREAM"
SENT_IN=$S_SENT UNI_IN=$S_UNI
stream_result out "(1) charon -> host from $T_STREAM"
SENT_OUT=$S_SENT UNI_OUT=$S_UNI
P2=$(v1stat p2_rekeys)
P1=$(v1stat p1_rekeys)
CH_EST=$(($(grep -c "CHILD_SA net{[0-9]*} established" "$SSD/charon.log") - CH_EST0))
IKE_EST=$(($(grep -c "IKE_SA gw\[[0-9]*\] established" "$SSD/charon.log") - IKE_EST0))
SS_REAUTH=$(($(grep -c "initiating Main Mode IKE_SA gw" "$SSD/charon.log") - MM_INIT0))
SS_IGNORED=$(grep -cE "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown" "$SSD/charon.log")
echo "# (1) gateway: p2_rekeys $P2 p1_rekeys $P1 p2_done $(v1stat p2_done) p1_done $(v1stat p1_done) p2_failed $(v1stat p2_failed) deletes_sent $(v1stat deletes_sent) deletes_received $(v1stat deletes_received)"
echo "# (1) charon: CHILD_SAs established $CH_EST, IKE_SAs established $IKE_EST (both sides' rekeys), reauthentications it initiated $SS_REAUTH, deletes it ignored $SS_IGNORED; at most $MAXP inbound SAs and $MAXI IKE SAs at the gateway at once"
gw_drops "(1) gateway"
cp "$SSD/charon.log" "$TMP/charon-rekey.log"
check "(1) at least 10 phase-2 rekeys in ${STREAM_S} s" test "$P2" -ge 10 -a "$CH_EST" -ge 10
check "(1) at least 6 phase-1 rekeys (reauthentications) in ${STREAM_S} s" test "$P1" -ge 6 -a "$IKE_EST" -ge 6
check "(1) the host -> charon stream lost nothing ($SENT_IN packets)" test "$SENT_IN" -ge $((RATE * STREAM_S)) -a "$UNI_IN" = "$SENT_IN"
check "(1) the charon -> host stream lost nothing ($SENT_OUT packets)" test "$SENT_OUT" -ge $((RATE * STREAM_S)) -a "$UNI_OUT" = "$SENT_OUT"
# IKE SAs: the current one, one replaced (deleted 5 s later), and while both
# ends reauthenticate, the other end's new one and the one it replaced.
check "(1) SAs bounded during the run (at most 3 pairs, 5 IKE SAs)" test "$MAXP" -le 3 -a "$MAXI" -le 5
check "(1) no rekey failed" test "$(v1stat p2_failed)" = 0 -a "$(v1stat p1_failed)" = 0
check "(1) charon reauthenticated too ($SS_REAUTH main modes of its own)" test "$SS_REAUTH" -ge 3
if [ "$SS_IGNORED" != 0 ]; then
	grep -E "CHILD_SA not found|DELETE for different IKE_SA|received DELETE for unknown" "$SSD/charon.log" | head -5 | sed 's/^/# /'
fi
check "(1) charon ignored none of the gateway's deletes" test "$SS_IGNORED" = 0
wait_pairs_match() {
	local i
	for ((i = 0; i < 60; i++)); do
		pairs_match && return 0
		sleep 0.25
	done
	pairs_show
	return 1
}
check "(1) charon holds exactly the gateway's SA pairs (none left behind on either side)" wait_pairs_match
check "(1) /fastipsec/sa/list names the IKE SA that holds each pair now" wait_rows_on_live_ike
ss_terminate "$SSD" ike gw >/dev/null 2>&1
check "(1) after terminate: no SA left at the gateway" wait_gw_children 0 10
check "(1) ... no IKE SA left at the gateway" wait_ike_sas 0 10
check "(1) ... none at charon" ss_wait_count "$SSD" ike 0 10
gw_stop TERM
check "(1) the gateway stops with exit 0" test "$GW_RC" = 0

# ---- (2) DPD: charon dies (SIGKILL) ----
gw_conf_psk aes128-sha256-modp2048 aes128gcm16 none lines=$'dpd_delay: 2s\ndpd_timeout: 6s'
ss_conn_psk aes128-sha256-modp2048 aes128gcm16 dpd=2s || notok "(2) charon loads its configuration"
gw_up dpd --diagnostics || notok "(2) the gateway starts"
if ss_initiate "$SSD" net gw 20 >"$TMP/init-2.out" 2>&1 && wait_gw_children 2 5; then
	ok "(2) the tunnel is up (both announce DPD)"
else
	notok "(2) the tunnel is up (both announce DPD)"
fi
R=$(ping_both 3)
check "(2) pings cross it ($R)" test "$R" = "3 3"
sleep 3 # DPD exchanges run
DPD0=$(v1stat dpd_sent)
kill -KILL "$(ss_pid "$SSD")"
wait "$(ss_pid "$SSD")" 2>/dev/null
rm -f "$SSD/charon.ss-pid"
T0=$(date +%s%N)
if wait_gw_children 0 15 && wait_ike_sas 0 5; then
	DT=$((($(date +%s%N) - T0) / 1000000))
	echo "# (2) DPD removed the SAs $DT ms after charon died (dpd_delay 2 s + dpd_timeout 6 s)"
	check "(2) DPD: the gateway removes the IKE SA and the pair within delay + timeout + 2 s" test "$DT" -le 10000
else
	notok "(2) DPD: the gateway removes the IKE SA and the pair"
fi
check "(2) ... counted as a DPD timeout, after R-U-THEREs" test "$(v1stat dpd_timeouts)" = 1 -a "$(v1stat dpd_sent)" -gt "$DPD0"
if ss_start "$SSD" "$SS" && ss_load "$SSD" "$SSD/swanctl.conf" &&
	ss_initiate "$SSD" net gw 20 >"$TMP/init-2b.out" 2>&1 && wait_gw_children 2 5; then
	ok "(2) charon restarted: the new SAs come up"
else
	notok "(2) charon restarted: the new SAs come up"
	ss_log_tail "$SSD"
fi
check "(2) SPIs mirrored" spis_match
R=$(ping_both 3)
check "(2) pings cross the new tunnel ($R)" test "$R" = "3 3"

# ---- (3) INITIAL-CONTACT: charon dies and comes back at once ----
OLD=$(gw_children | awk '$1 == "inbound" {print $2}')
IC0=$(v1stat initial_contacts)
kill -KILL "$(ss_pid "$SSD")"
wait "$(ss_pid "$SSD")" 2>/dev/null
rm -f "$SSD/charon.ss-pid"
if ss_start "$SSD" "$SS" && ss_load "$SSD" "$SSD/swanctl.conf" &&
	ss_initiate "$SSD" net gw 20 >"$TMP/init-3.out" 2>&1; then
	ok "(3) charon restarted and initiated again"
else
	notok "(3) charon restarted and initiated again"
fi
one_pair_one_ike() { wait_gw_children 2 5 && wait_ike_sas 1 5; }
check "(3) the gateway holds one pair and one IKE SA" one_pair_one_ike
NEW=$(gw_children | awk '$1 == "inbound" {print $2}')
echo "# (3) gateway inbound SPI before $OLD, after $NEW; initial contacts $IC0 -> $(v1stat initial_contacts)"
check "(3) INITIAL-CONTACT removed the stale pair: only the new one is left" test -n "$NEW" -a "$NEW" != "$OLD" -a "$(v1stat initial_contacts)" -gt "$IC0" -a "$(v1stat dpd_timeouts)" = 1
check "(3) SPIs mirrored" spis_match
R=$(ping_both 3)
check "(3) pings cross the new tunnel ($R)" test "$R" = "3 3"
gw_stop TERM
check "(3) the gateway stops with exit 0" test "$GW_RC" = 0
check "(3) our shutdown deletes: charon lists no IKE SA" ss_wait_count "$SSD" ike 0 5
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log.txt" 2>&1
check "(3) no key material in the log" bash -c "! grep -qiE 'key=|secret|$PSK' '$TMP/log.txt'"

finish
