#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# NAT traversal through a real NAT, IKEv2 and then IKEv1: charon
# (198.51.100.130, its own 198.51.100.1 protected with libipsec) sits
# behind a namespace that SNATs its UDP to 192.0.2.1 with nftables; the
# appliance (DPDK, af_packet ports) is at 192.0.2.2 and protects the host
# at 203.0.113.2.  charon initiates (a gateway cannot reach a peer behind
# such a NAT first).  Then the NAT changes its mapping while a numbered
# UDP stream flows both ways: another source port (conntrack flushed,
# another port range), and with IKEv2 then another address and port.  The
# gateway must follow each move at the peer's next authenticated message
# (charon's liveness checks every 2 s): RFC 7296 §2.23 for IKEv2, the same
# for IKEv1's port (RFC 3947 §4); the IKE SA and the Child SA's UDP
# encapsulation both, with the same SPIs and the outbound sequence numbers
# going on.  The NAT's public side carries only IKE and ESP-in-UDP.
# KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ike_nat: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ike_nat: $BUILD/fastipsec not built"
command -v nft >/dev/null || skip_all "test_ike_nat: nft (nftables) not installed"
command -v conntrack >/dev/null || skip_all "test_ike_nat: conntrack not installed"
ss_available || skip_all "test_ike_nat: $SS_WHY"

ikl_init nt GW SS IN NAT
SSD=$TMP/charon
PSK=fastipsec-ikev2-nat-psk-0123456789
RATE=200

ikl_gw_ports "$NAT" no$ID
lab_veth "$NAT" np$ID "$SS" so$ID
ip -n "$NAT" addr add 192.0.2.1/24 dev no$ID
ip -n "$NAT" addr add 192.0.2.3/24 dev no$ID
ip -n "$NAT" addr add 198.51.100.129/25 dev np$ID
ip netns exec "$NAT" sysctl -qw net.ipv4.ip_forward=1
ip -n "$SS" addr add 198.51.100.130/25 dev so$ID
ip -n "$SS" route add default via 198.51.100.129
ss_ts_address "$SS" 198.51.100.1/32

# nat_map SNAT: charon's UDP leaves the NAT with source SNAT ("192.0.2.1:40000-40099");
# mappings made before are forgotten, so the next datagram gets a new one.
nat_map() {
	ip netns exec "$NAT" nft -f - <<EOF
flush ruleset
table ip nat {
	chain postrouting {
		type nat hook postrouting priority 100;
		oifname "no$ID" meta l4proto udp snat to $1
	}
}
table ip filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		iifname "np$ID" oifname "no$ID" meta l4proto udp accept
		iifname "no$ID" oifname "np$ID" ct state established accept
	}
}
EOF
	ip netns exec "$NAT" conntrack -D -p udp >/dev/null 2>&1 || true
}
if ! nat_map 192.0.2.1:40000-40099; then
	notok "nftables masquerades in the NAT's namespace"
	exit 1
fi
ok "the NAT namespace maps charon's UDP to 192.0.2.1:40000-40099"

ikl_charon

# gw_out FIELD: a field of the gateway's active outbound IKE-made SA
# (/fastipsec/sa/list for its SPI, /fastipsec/sa/info for the details).
gw_out() {
	local spi
	spi=$(tel "$PREFIX" /fastipsec/sa/list | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/sa/list"]
for v in r.values():
    if isinstance(v, dict) and v.get("direction") == "outbound" and "ike_sa" in v and v.get("active"):
        print(v["spi"])' | head -1)
	[ -n "$spi" ] || return 0
	tel "$PREFIX" "/fastipsec/sa/info,$spi" | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/sa/info"]
for v in r.values():
    if isinstance(v, dict) and v.get("direction") == "outbound":
        print(v.get(sys.argv[1], ""))' "$1" | head -1
}
# gw_peer: the IKE SA's peer (address:port) and where the outbound SA sends.
gw_peer() {
	local ike
	ike=$(tel "$PREFIX" /fastipsec/ike/list | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/ike/list"]
print(" ".join(v["remote"] for k, v in sorted(r.items()) if k.startswith("ike_")))')
	echo "IKE SA with $ike; ESP to $(gw_out remote):$(gw_out encap_destination_port)"
}
# wait_port LO HI SECONDS: until the outbound SA's UDP destination port is in LO..HI.
wait_port() {
	local i p
	for ((i = 0; i < $3 * 5; i++)); do
		p=$(gw_out encap_destination_port)
		[ -n "$p" ] && [ "$p" -ge "$1" ] && [ "$p" -le "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

# run V PROP: the whole test with IKE version V, charon's and the gateway's proposal PROP.
run() {
	local V=$1 PROP=$2 SPI0 PORT0 SEQ0 SEQ1 T0 T1 a b s p sa all good unreach MOVES LO HI
	echo "# ---- IKEv$V ----"
	nat_map 192.0.2.1:40000-40099
	rm -f "$TMP"/recv-* "$TMP"/sent-*
	ss_psk_conf "$SSD/swanctl.conf" "198.51.100.130 192.0.2.2" \
		"$(ss_psk_conn gw version="$V" local=198.51.100.130 proposals="$PROP" dpd=2s \
			local_ts=198.51.100.0/25)"
	ss_load "$SSD" "$SSD/swanctl.conf"
	ikl_gw_yaml 198.51.100.130 "$(ikl_gw_conn gw version="$V" remote=198.51.100.130 remote_addrs= \
		proposals="$PROP" remote_ts=198.51.100.0/25)" base=
	if ! gw_up nat$V; then
		notok "(v$V) the gateway starts"
		sed 's/^/# /' "$TMP/gw-nat$V.log" | tail -20
		return 1
	fi
	ok "(v$V) the gateway starts"

	# the capture on the NAT's public side: the only wire the two ends share
	ip netns exec "$NAT" tcpdump -i no$ID -n -U --immediate-mode -w "$TMP/wire$V.pcap" \
		>/dev/null 2>"$TMP/tcpdump$V.err" &
	DUMP_PID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q "listening on" "$TMP/tcpdump$V.err" 2>/dev/null && break
		sleep 0.1
	done

	check "(v$V) charon behind the NAT initiates IKEv$V and its Child SA" \
		ss_initiate "$SSD" net gw 20 >"$TMP/initiate$V.out" 2>&1
	check "(v$V) the gateway holds the IKE SA and one Child SA pair" wait_gw_children 2 10


	SPI0=$(gw_out spi)
	PORT0=$(gw_out encap_destination_port)
	echo "# outbound SA $SPI0 to $(gw_peer)"
	check "(v$V) the gateway detected the NAT: its ESP goes in UDP to the NAT's port (40000-40099)" \
		test -n "$PORT0" -a "${PORT0:-0}" -ge 40000 -a "${PORT0:-0}" -le 40099
	read -r a b <<<"$(ping_both 3)"
	check "(v$V) traffic crosses the tunnel both ways through the NAT ($a/3 and $b/3 pings)" \
		test "$a" = 3 -a "$b" = 3

	# Numbered streams both ways for the whole test: their losses show how long each move costs.
	STREAM_S=26
	stream_recv "$IN" 203.0.113.2 9001 in $((STREAM_S + 6))
	stream_recv "$SS" 198.51.100.1 9002 ss $((STREAM_S + 6))
	streams_ready in ss
	stream_send "$SS" 198.51.100.1 203.0.113.2 9001 in $RATE $STREAM_S
	stream_send "$IN" 203.0.113.2 198.51.100.1 9002 ss $RATE $STREAM_S
	sleep 3


	# 1. The NAT's source port changes (its mappings lost, another range).
	SEQ0=$(gw_out seq)
	T0=$(date +%s.%N)
	nat_map 192.0.2.1:41000-41099
	check "(v$V) after the NAT's port change the gateway's ESP follows charon to 41000-41099" \
		wait_port 41000 41099 12
	T1=$(date +%s.%N)
	echo "# moved after $($PY -c "print(round($T1 - $T0, 1))") s: $(gw_peer)"
	check "(v$V) the same Child SA moved (SPI $SPI0 kept)" test "$(gw_out spi)" = "$SPI0"
	SEQ1=$(gw_out seq)
	check "(v$V) its sequence numbers went on ($SEQ0 -> $SEQ1)" test "${SEQ1:-0}" -gt "${SEQ0:-0}"
	sleep 4

	# 2. IKEv2: the NAT's public address and port change (IKEv1 finds a peer by
	# its address: only its port is followed).
	if [ "$V" = 2 ]; then
		T0=$(date +%s.%N)
		nat_map 192.0.2.3:42000-42099
		check "(v$V) after the NAT's address change the gateway's ESP follows charon to 192.0.2.3:42000-42099" \
			wait_port 42000 42099 12
		T1=$(date +%s.%N)
		echo "# moved after $($PY -c "print(round($T1 - $T0, 1))") s: $(gw_peer)"
		check "(v$V) the outbound SA now sends to 192.0.2.3" test "$(gw_out remote)" = "192.0.2.3"
		check "(v$V) the same Child SA moved again (SPI $SPI0 kept)" test "$(gw_out spi)" = "$SPI0"
		MOVES=2 LO=42000 HI=42099
	else
		MOVES=1 LO=41000 HI=41099
	fi

	streams_wait
	stream_result in "stream charon -> host"
	SENT_ss=$S_SENT LOST_ss=$S_LOST
	stream_result ss "stream host -> charon"
	SENT_in=$S_SENT LOST_in=$S_LOST
	# charon -> host never depends on the gateway's move (ESP in UDP is taken
	# from any port); host -> charon is lost between a move and charon's next
	# liveness check (2 s, plus its retransmission when the first one met the
	# NAT's old mapping): at most 5 s of it a move.
	check "(v$V) the stream charon -> host lost at most 1% over the moves ($LOST_ss of $SENT_ss)" \
		test "$LOST_ss" -le $((SENT_ss / 100))
	check "(v$V) the stream host -> charon lost no more than $((5 * MOVES)) s of traffic over the moves ($LOST_in of $SENT_in)" \
		test "$LOST_in" -le $((RATE * 5 * MOVES))
	read -r a b <<<"$(ping_both 3)"
	check "(v$V) traffic crosses the tunnel both ways after the moves ($a/3 and $b/3 pings)" \
		test "$a" = 3 -a "$b" = 3
	sa=$(tel "$PREFIX" /fastipsec/ike/stats)
	check "(v$V) the installer counted the moves (child_remapped $MOVES)" \
		jtrue "$sa" 'r["/fastipsec/ike/stats"]["child_remapped"] == '$MOVES'

	# A rekey after the moves: the new pair is made for the NAT's current mapping.
	check "(v$V) charon rekeys the Child SA after the moves" \
		ss_swanctl "$SSD" --rekey --child net >/dev/null 2>&1
	for ((i = 0; i < 50; i++)); do
		s=$(gw_out spi | grep -v "^$SPI0\$" | head -1)
		[ -n "$s" ] && break
		sleep 0.2
	done
	sleep 1
	read -r a b <<<"$(ping_both 3)"
	check "(v$V) traffic crosses the rekeyed tunnel both ways ($a/3 and $b/3 pings)" \
		test "$a" = 3 -a "$b" = 3
	p=$(gw_out encap_destination_port)
	check "(v$V) the rekeyed pair ($s) sends to the current mapping (port $p)" \
		test -n "$s" -a "${p:-0}" -ge $LO -a "${p:-0}" -le $HI

	dump_stop
	all=$(tcpdump -r "$TMP/wire$V.pcap" -n ip 2>/dev/null | wc -l)
	good=$(tcpdump -r "$TMP/wire$V.pcap" -n 'ip and udp and (port 500 or port 4500)' 2>/dev/null | wc -l)
	# The NAT's own "port unreachable" for what the gateway sent to a mapping
	# it had dropped, until the gateway followed the move.
	unreach=$(tcpdump -r "$TMP/wire$V.pcap" -n \
		'icmp[icmptype] = icmp-unreach and icmp[icmpcode] = 3 and dst host 192.0.2.2' 2>/dev/null | wc -l)
	echo "# NAT public side: $all IPv4 packets, $good of them IKE or ESP-in-UDP, $unreach the NAT's port unreachable"
	check "(v$V) the NAT's public side carries only IKE and ESP-in-UDP (and the NAT's ICMP errors)" \
		test "$all" -gt 0 -a "$all" = $((good + unreach))

	check "(v$V) charon deletes the IKE SA; the gateway removes its pair" \
		ss_swanctl "$SSD" --terminate --ike gw --timeout 10 >/dev/null 2>&1
	check "(v$V) no SA left on the gateway" wait_gw_children 0 10

	gw_stop TERM
	check "(v$V) the gateway stops cleanly" test "$GW_RC" = 0
	if [ "$FAILS" -ne 0 ]; then
		echo "# gateway log (tail):"
		tail -30 "$TMP/gw-nat$V.log" | sed 's/^/# /'
		echo "# charon log (tail):"
		tail -30 "$SSD/charon.log" | sed 's/^/# /'
	fi
	finish
}

run 2 aes128-sha256-ecp256
run 1 aes128-sha256-modp2048
finish
