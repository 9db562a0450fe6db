#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The appliance's IKEv2 engine against a real strongSwan, end to end, in the
# lab of test_ikev1_gateway.sh (ikev1_lab.sh): fastipsec (DPDK, af_packet
# ports) between a host at 203.0.113.2 and charon at 192.0.2.1, which
# protects 198.51.100.0/24 with libipsec.  IKE_SA_INIT and IKE_AUTH with
# pre-shared keys and the first Child SA:
#   (a) charon initiates: aes128-sha256-ecp256, ESP aes256-sha256;
#   (b) the gateway initiates at start (start_action start):
#       aes256gcm16-prfsha256-curve25519, ESP aes128gcm16;
#   (c) a version-0 connection ("either": we initiate IKEv2) with a trap:
#       the host's first packet starts it; we offer ecp256 first, charon
#       takes modp2048 only and asks for it (INVALID_KE_PAYLOAD);
#   (d) a packet hard lifetime (no rekeying configured) removes the pair
#       and deletes it at charon;
#   (e) liveness (dpd_delay 2 s): charon killed and started again at once
#       negotiates a new IKE SA whose INITIAL_CONTACT removes the stale
#       one; charon killed for good: the gateway's liveness checks go
#       unanswered and it removes the IKE SA and its pair.
# Each time the SA pair must be installed with charon's SPIs mirrored,
# pings cross both ways with the SAs' counters moving, the NAT-T float to
# 4500 must have happened (charon's libipsec fakes a NAT: LAB-NOTES.md),
# /fastipsec/ike/list shows the IKEv2 SA, the log holds the seed's
# sequence, and the outside wire carries only IKE and ESP-in-UDP.  Deletes
# (INFORMATIONAL) go both ways: charon's delete of the child, then of the
# IKE SA, removes them at the gateway, and when the gateway stops its
# delete leaves charon with no SA.  KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_gateway: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev2_gateway: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev2_gateway: $SS_WHY"

SS_VERSION=2
GW_VERSION=2
ikl_setup fik2
PSK=fastipsec-ikev2-psk-0123456789

# ike2 KEY: the gateway's ikev2 counter KEY from /fastipsec/ike/stats.
ike2() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" "r['/fastipsec/ike/stats']['ikev2']['$1']"
}

# moving: every IKE-made SA of the gateway has carried packets.
moving() {
	local l
	l=$(gw_children)
	echo "$l" | sed 's/^/# sa: /'
	[ -n "$l" ] && ! echo "$l" | awk '$3 == 0 {bad = 1} END {exit !bad}'
}

# wire_ike_esp FILE: only IKE (UDP 500, or 4500 behind the zero non-ESP
# marker) and ESP-in-UDP on the outside wire, and ESP both ways.
wire_ike_esp() {
	local esp_out esp_in ike
	wire_only_ike_esp "$1" || return 1
	esp_out=$(tcpdump -r "$1" -n 'src 192.0.2.2 and udp port 4500 and udp[8:4] != 0' 2>/dev/null | wc -l)
	esp_in=$(tcpdump -r "$1" -n 'src 192.0.2.1 and udp port 4500 and udp[8:4] != 0' 2>/dev/null | wc -l)
	ike=$(tcpdump -r "$1" -n '(udp port 500) or (udp port 4500 and udp[8:4] = 0)' 2>/dev/null | wc -l)
	echo "# wire: $ike IKE, ESP-in-UDP $esp_out from the gateway and $esp_in from charon"
	[ "$ike" -ge 4 ] && [ "$esp_out" -gt 0 ] && [ "$esp_in" -gt 0 ]
}

# tunnel_checks TAG ROLE PROPOSAL: the checks every case shares, once the pair is up.
tunnel_checks() {
	local tag=$1 role=$2 prop=$3 R L
	check "($tag) the SPIs match, mirrored" spis_match
	R=$(ping_both 5)
	echo "# ($tag) pings received (host -> charon, charon -> host): $R"
	check "($tag) pings cross the tunnel both ways" test "$R" = "5 5"
	check "($tag) both SAs of the pair counted packets" moving
	L=$(tel "$PREFIX" /fastipsec/ike/list)
	check "($tag) /fastipsec/ike/list: one established IKEv2 SA, $role, $prop, floated to 4500" \
		jtrue "$L" 'len([k for k in r["/fastipsec/ike/list"] if k.startswith("ike_")]) == 1 and r["/fastipsec/ike/list"]["total"] == 1 and r["/fastipsec/ike/list"]["ike_0"]["version"] == 2 and r["/fastipsec/ike/list"]["ike_0"]["state"] == "established" and r["/fastipsec/ike/list"]["ike_0"]["role"] == "'"$role"'" and r["/fastipsec/ike/list"]["ike_0"]["proposal"] == "'"$prop"'" and r["/fastipsec/ike/list"]["ike_0"]["peer_id"] == "192.0.2.1" and r["/fastipsec/ike/list"]["ike_0"]["remote"] == "192.0.2.1:4500" and r["/fastipsec/ike/list"]["ike_0"]["nat_remote"] == 1 and "in=0x" in r["/fastipsec/ike/list"]["ike_0"]["child_sas"]'
	check "($tag) charon's IKE SA is IKEv2 and established" \
		jtrue "$(ss_sas "$SSD")" 'len(r) == 1 and r[0]["version"] == "2" and r[0]["state"] == "ESTABLISHED"'
	check "($tag) /fastipsec/ike/stats: ikev2 ike_done 1, child_done 1, nat_detected 1" \
		jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["ike_done"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["child_done"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["nat_detected"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["ipsec_sa_pairs"] == 1'
}

# ss_sas_are "CHILDREN IKES" SECONDS: until charon holds that many Child and IKE SAs.
ss_sas_are() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		[ "$(ss_count "$SSD" child) $(ss_count "$SSD" ike)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# stop_checks TAG: the gateway stops with exit 0 and its Delete of the IKE
# SA, sent on the way out, leaves charon with no SA.
stop_checks() {
	local tag=$1
	gw_stop TERM
	check "($tag) the gateway stops with exit 0" test "$GW_RC" = 0
	check "($tag) the gateway's delete at stop: charon holds no SA left" \
		ss_wait_count "$SSD" ike 0 3
	ss_swanctl "$SSD" --terminate --ike gw --force --timeout 2 >/dev/null 2>&1
}

# ---- (a) charon initiates: aes128-sha256-ecp256 / ESP aes256-sha256 ----
gw_conf_psk aes128-sha256-ecp256 aes256-sha256 none
ss_conn_psk aes128-sha256-ecp256 aes256-sha256 || notok "(a) charon loads its configuration"
if ! gw_up a --diagnostics; then
	notok "(a) the gateway starts with an IKEv2 connection"
	sed 's/^/# /' "$TMP/gw-a.log"
	exit 1
fi
ok "(a) the gateway starts with an IKEv2 connection"
dump_start "$TMP/wire-a.pcap"
T0=$(date +%s%N)
if ss_initiate "$SSD" net gw 15 >"$TMP/init-a.out" 2>&1; then
	ok "(a) charon initiates IKE_SA_INIT + IKE_AUTH: established"
else
	notok "(a) charon initiates IKE_SA_INIT + IKE_AUTH: established"
	tail -n 5 "$TMP/init-a.out" | sed 's/^/# /'
	ss_log_tail "$SSD"
fi
check "(a) the gateway installs the SA pair" wait_gw_children 2 5
echo "# (a) charon's initiate to both SAs installed: $((($(date +%s%N) - T0) / 1000000)) ms"
tunnel_checks a responder aes128-sha256-ecp256
# charon deletes the child (INFORMATIONAL): the gateway removes the pair and answers, the IKE SA stays.
if ss_terminate "$SSD" child net 5 >"$TMP/term-a.out" 2>&1; then
	ok "(a) charon deletes its Child SA: the gateway answers"
else
	notok "(a) charon deletes its Child SA: the gateway answers"
	sed 's/^/# /' "$TMP/term-a.out"
fi
check "(a) ... the gateway removes the pair" wait_gw_children 0 3
check "(a) ... counted (deletes_received 1, children_deleted 1), the IKE SA stays at both ends" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["deletes_received"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["children_deleted"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["ipsec_sa_pairs"] == 0 and r["/fastipsec/ike/stats"]["ikev2"]["ike_sas_established"] == 1'
check "(a) ... charon holds its IKE SA and no Child SA" ss_sas_are "0 1" 2
# charon deletes the IKE SA: answered at once, everything goes at the gateway.
if ss_terminate "$SSD" ike gw 5 >"$TMP/term-a.out" 2>&1; then
	ok "(a) charon deletes its IKE SA: the gateway answers"
else
	notok "(a) charon deletes its IKE SA: the gateway answers"
	sed 's/^/# /' "$TMP/term-a.out"
fi
check "(a) ... the gateway removes the IKE SA (ike_deleted 1)" wait_ike_sas 0 3
check "(a) ... and charon holds none" test "$(ss_count "$SSD" ike)" = 0
check "(a) ... counted: ike_deleted 1, deletes_received 2" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["ike_deleted"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["deletes_received"] == 2'
dump_stop
check "(a) the outside wire carries only IKE and ESP-in-UDP, ESP both ways" wire_ike_esp "$TMP/wire-a.pcap"
gw_stop TERM
check "(a) the gateway stops with exit 0" test "$GW_RC" = 0
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-a.txt" 2>&1
check "(a) the log shows the responder's sequence in order, then the deletes" seq_in_order \
	"$TMP/log-a.txt" "Starting IKEv2 responder negotiation" \
	"IKE SA proposal connection=gw version=2" "IKE Phase-1 responder done" \
	"IKE Phase-2 responder done" "Delete notification received protocol=esp" \
	"Sending delete notification protocol=esp" "Delete notification received protocol=ike"
check "(a) Phase-2 done names the child, both SPIs, the ESP proposal and encap=yes" \
	grep -qE "IKE Phase-2 responder done connection=gw child=net spi_in=[0-9a-f]{8} spi_out=[0-9a-f]{8} .*proposal=aes256-sha256 mode=tunnel encap=yes" "$TMP/log-a.txt"
check "(a) no key material in the log" bash -c "! grep -qiE 'key=|secret|$PSK' '$TMP/log-a.txt'"

# ---- (b) the gateway initiates at start: aes256gcm16-prfsha256-curve25519 / ESP aes128gcm16 ----
gw_conf_psk aes256gcm16-prfsha256-curve25519 aes128gcm16 start
ss_conn_psk aes256gcm16-prfsha256-curve25519 aes128gcm16 || notok "(b) charon loads its configuration"
dump_start "$TMP/wire-b.pcap"
T0=$(date +%s%N)
if gw_up b --diagnostics && wait_gw_children 2 10; then
	ok "(b) start_action start: the gateway negotiates IKEv2 and installs the SA pair"
else
	notok "(b) start_action start: the gateway negotiates IKEv2 and installs the SA pair"
	tail -n 20 "$TMP/gw-b.log" | sed 's/^/# /'
	ss_log_tail "$SSD"
fi
echo "# (b) gateway start to both SAs installed: $((($(date +%s%N) - T0) / 1000000)) ms"
tunnel_checks b initiator aes256gcm16-prfsha256-curve25519
dump_stop
check "(b) the outside wire carries only IKE and ESP-in-UDP, ESP both ways" wire_ike_esp "$TMP/wire-b.pcap"
stop_checks b
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-b.txt" 2>&1
check "(b) the log shows the initiator's sequence in order, then the delete at stop" \
	seq_in_order "$TMP/log-b.txt" "SA traffic selectors local" "IKE SA proposal" \
	"Starting IKEv2 initiator negotiation" "IKE Phase-1 initiator done" \
	"IKE Phase-2 initiator done" "Sending delete notification protocol=ike"

# ---- (c) version 0, trap: the first packet; INVALID_KE_PAYLOAD to modp2048 ----
GW_VERSION=0
gw_conf_psk "aes128-sha256-ecp256, aes128-sha256-modp2048" aes256-sha256 trap
ss_conn_psk aes128-sha256-modp2048 aes256-sha256 || notok "(c) charon loads its configuration"
gw_up c || notok "(c) the gateway starts (version 0, diagnostics off)"
check "(c) start_action trap: nothing negotiated before traffic" test "$(gw_children | wc -l)" = 0
ip netns exec "$IN" ping -c 3 -i 0.3 -W 1 198.51.100.1 >/dev/null 2>&1
check "(c) the first packets raise an acquire and IKEv2 brings the SA pair up" wait_gw_children 2 10
check "(c) the gateway followed charon's INVALID_KE_PAYLOAD once (invalid_ke_retries 1)" \
	test "$(ike2 invalid_ke_retries)" = 1
tunnel_checks c initiator aes128-sha256-modp2048
check "(c) /fastipsec/ike/stats: the acquire counted, no IKEv1 SA" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["acquires"] >= 1 and r["/fastipsec/ike/stats"]["ikev1"]["p1_done"] == 0'
stop_checks c
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-c.txt" 2>&1
check "(c) diagnostics off: the sequence without its diagnostics-only messages" seq_in_order \
	"$TMP/log-c.txt" "Starting IKEv2 initiator negotiation" "IKE Phase-1 initiator done" \
	"IKE Phase-2 initiator done"
check "(c) ... no 'SA traffic selectors local' or 'IKE SA proposal'" \
	bash -c "! grep -qE 'SA traffic selectors local|IKE SA proposal' '$TMP/log-c.txt'"

# ---- (d) a packet hard lifetime: the pair goes at both ends ----
GW_VERSION=2
gw_conf_psk aes128-sha256-ecp256 aes128gcm16 start
sed -i 's|^        rekey_time: 0$|        rekey_time: 0\n        life_packets: 8|' "$TMP/gw.yaml"
ss_conn_psk aes128-sha256-ecp256 aes128gcm16 || notok "(d) charon loads its configuration"
if gw_up d && wait_gw_children 2 10; then
	ok "(d) the gateway brings up a pair with life_packets 8 (no rekeying)"
else
	notok "(d) the gateway brings up a pair with life_packets 8 (no rekeying)"
fi
check "(d) ... and charon its Child SA" ss_sas_are "1 1" 3
ip netns exec "$IN" ping -c 10 -i 0.2 -W 1 198.51.100.1 >/dev/null 2>&1
check "(d) hard lifetime: the engine removes the pair (child_hard_expired)" wait_gw_children 0 5
check "(d) ... counted once, no pair left in the engine, deleted towards charon" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["child_hard_expired"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["ipsec_sa_pairs"] == 0 and r["/fastipsec/ike/stats"]["ikev2"]["deletes_sent"] == 1'
check "(d) ... charon removes its Child SA, keeps the IKE SA" ss_sas_are "0 1" 3
stop_checks d
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-d.txt" 2>&1
check "(d) the log says why: hard reached, removed and deleted towards the peer" seq_in_order \
	"$TMP/log-d.txt" "IPsec SA hard lifetime reached" \
	"hard lifetime reached, removed and deleted towards the peer"

# ---- (e) liveness: charon killed and restarted (INITIAL_CONTACT), then killed for good ----
# ss_kill: SIGKILL charon (by its PID): no delete leaves it.
ss_kill() {
	local pid
	pid=$(ss_pid "$SSD")
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$SSD/charon.ss-pid"
}
# ike_spi_i: the initiator SPI of the gateway's one IKE SA.
ike_spi_i() {
	jget "$(tel "$PREFIX" /fastipsec/ike/list)" 'r["/fastipsec/ike/list"]["ike_0"]["spi_i"]'
}
gw_conf_psk aes128-sha256-ecp256 aes128gcm16 none
sed -i 's|^    remote: {auth: psk, id: 192.0.2.1}$|&\n    dpd_delay: 2s|' "$TMP/gw.yaml"
ss_conn_psk aes128-sha256-ecp256 aes128gcm16 || notok "(e) charon loads its configuration"
gw_up e --diagnostics || notok "(e) the gateway starts with dpd_delay 2s"
ss_initiate "$SSD" net gw 15 >/dev/null 2>&1
check "(e) charon initiates: the pair is up" wait_gw_children 2 5
OLD=$(ike_spi_i)
ss_kill
T0=$(date +%s%N)
if ss_start "$SSD" "$SS" && ss_load "$SSD" "$SSD/swanctl.conf" &&
	ss_initiate "$SSD" net gw 15 >/dev/null 2>&1; then
	ok "(e) charon killed, started again and initiating: a new IKE SA"
else
	notok "(e) charon killed, started again and initiating: a new IKE SA"
	ss_log_tail "$SSD"
fi
echo "# (e) charon's restart to its new IKE SA: $((($(date +%s%N) - T0) / 1000000)) ms"
check "(e) INITIAL_CONTACT: the gateway keeps only the new IKE SA and its pair" \
	wait_ike_sas 1 2
check "(e) ... and one pair" wait_gw_children 2 2
check "(e) ... not by a timeout: initial_contacts 2 (both first contacts), dpd_timeouts 0, a new SPI" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["initial_contacts"] == 2 and r["/fastipsec/ike/stats"]["ikev2"]["dpd_timeouts"] == 0'
check "(e) ... the IKE SA left is the new one" test "$(ike_spi_i)" != "$OLD"
spis_match || notok "(e) the new pair is mirrored at charon"
ss_kill
T0=$(date +%s%N)
# 2 s of silence, then the check and 3 retransmissions (1, 1.4, 1.96 s) and 2.7 s more: ~9 s.
check "(e) charon killed for good: the gateway removes its IKE SA and pair (liveness)" \
	wait_ike_sas 0 15
echo "# (e) charon's kill to the gateway's removal: $((($(date +%s%N) - T0) / 1000000)) ms"
check "(e) ... no pair left, counted: dpd_sent >= 1, dpd_timeouts 1, retransmits >= 3" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["ipsec_sa_pairs"] == 0 and r["/fastipsec/ike/stats"]["ikev2"]["dpd_sent"] >= 1 and r["/fastipsec/ike/stats"]["ikev2"]["dpd_timeouts"] == 1 and r["/fastipsec/ike/stats"]["ikev2"]["retransmits"] >= 3'
check "(e) ... the gateway's pair is gone from the workers" test "$(gw_children | wc -l)" = 0
gw_stop TERM
check "(e) the gateway stops with exit 0" test "$GW_RC" = 0
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-e.txt" 2>&1
check "(e) the log: INITIAL_CONTACT received, then the peer unreachable" seq_in_order \
	"$TMP/log-e.txt" "Initial contact notification received" "peer unreachable for"

finish
