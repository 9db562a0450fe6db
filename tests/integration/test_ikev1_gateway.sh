#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The appliance against a real strongSwan, end to end: fastipsec (DPDK,
# af_packet ports) between a host at 203.0.113.2 and charon at 192.0.2.1,
# which protects 198.51.100.0/24 (its own 198.51.100.1) with its userspace
# data path.  IKEv1 main mode (PSK) and quick mode are negotiated with
# either side initiating (charon; start_action start; a trap raised by the
# first packet), then traffic crosses the tunnel both ways: pings, and a
# TCP transfer of a few MB whose content is compared.  The outside wire
# must carry only IKE, ESP-in-UDP (charon's libipsec always floats to 4500,
# LAB-NOTES.md) and ARP; deletes travel both ways and leave no SA on either
# side; the log shows the seed's normal-operation sequence.  Then the same
# with certificates made by the test (strongSwan's pki): RSA with charon
# initiating, ECDSA with the gateway initiating.  KEEP_TMP=1 keeps both
# sides' logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev1_gateway: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev1_gateway: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev1_gateway: $SS_WHY"

ikl_setup fikg
PSK=fastipsec-gateway-psk-0123456789

# tcp_transfer MB: MB random megabytes from the host to charon's 198.51.100.1 and back; compare digests.
tcp_transfer() {
	head -c "$(($1 * 1048576))" /dev/urandom >"$TMP/blob"
	ip netns exec "$SS" $PY - "$TMP/recv" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.1", 5001))
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
with open(sys.argv[1], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
c.close()
EOF
	local srv=$! i
	for ((i = 0; i < 20; i++)); do
		ip netns exec "$SS" ss -ltn 2>/dev/null | grep -q '198.51.100.1:5001' && break
		sleep 0.1
	done
	ip netns exec "$IN" timeout 60 $PY -c '
import socket, sys
s = socket.create_connection(("198.51.100.1", 5001), timeout=30)
with open(sys.argv[1], "rb") as f:
    s.sendall(f.read())
s.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()' "$TMP/blob"
	wait "$srv"
	cmp -s "$TMP/blob" "$TMP/recv"
}

# ---- (a) charon initiates: aes128-sha256-modp2048 / esp aes128-sha256 ----
gw_conf_psk aes128-sha256-modp2048 aes128-sha256 none
ss_conn_psk aes128-sha256-modp2048 aes128-sha256 || notok "(a) charon loads its configuration"
if ! gw_up a --diagnostics; then
	notok "(a) the gateway starts with an IKEv1 connection"
	sed 's/^/# /' "$TMP/gw-a.log"
	exit 1
fi
ok "(a) the gateway starts with an IKEv1 connection"
dump_start
T0=$(date +%s%N)
if ss_initiate "$SSD" net gw 20 >"$TMP/init-a.out" 2>&1; then
	ok "(a) charon initiates main mode + quick mode: established"
else
	notok "(a) charon initiates main mode + quick mode: established"
	tail -n 5 "$TMP/init-a.out" | sed 's/^/# /'
	ss_log_tail "$SSD"
fi
check "(a) the gateway installs the SA pair" wait_gw_children 2 5
echo "# (a) charon's initiate to both SAs installed: $((($(date +%s%N) - T0) / 1000000)) ms"
check "(a) the SPIs match, mirrored" spis_match
R=$(ping_both 5)
echo "# (a) pings received (host -> charon, charon -> host): $R"
check "(a) pings cross the tunnel both ways" test "$R" = "5 5"
check "(a) a 4 MB TCP transfer host -> charon arrives intact" tcp_transfer 4
L=$(tel "$PREFIX" /fastipsec/ike/list)
check "(a) /fastipsec/ike/list: one established IKEv1 SA, responder, with its IPsec SAs" \
	jtrue "$L" 'r["/fastipsec/ike/list"]["total"] == 1 and r["/fastipsec/ike/list"]["ike_0"]["state"] == "established" and r["/fastipsec/ike/list"]["ike_0"]["role"] == "responder" and r["/fastipsec/ike/list"]["ike_0"]["proposal"] == "aes128-sha256-modp2048" and "in=0x" in r["/fastipsec/ike/list"]["ike_0"]["child_sas"]'
COOKIE=$(jget "$L" 'r["/fastipsec/ike/list"]["ike_0"]["spi_i"]')
check "(a) /fastipsec/ike/info,<cookie> shows it" \
	jtrue "$(tel "$PREFIX" "/fastipsec/ike/info,$COOKIE")" 'r["/fastipsec/ike/info"]["spi_i"] == "'"$COOKIE"'" and r["/fastipsec/ike/info"]["ipsec_sas"] == 1'
ss_terminate "$SSD" ike gw >/dev/null 2>&1
check "(a) delete from charon's side: the gateway removes its SAs" wait_gw_children 0 5
check "(a) ... and its IKE SA" wait_ike_sas 0 5
dump_stop
check "(a) the outside wire carries only IKE and ESP-in-UDP" wire_only_ike_esp
gw_stop TERM
check "(a) the gateway stops with exit 0" test "$GW_RC" = 0

# The seed's normal-operation sequence, as responder, in order; diagnostics were on.
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-a.txt" 2>&1
check "(a) the log shows the responder's sequence in order" seq_in_order "$TMP/log-a.txt" \
	"Starting IKE main mode responder negotiation" "IKE SA proposal" \
	"IKE Phase-1 responder done" "IKE Phase-2 responder done" "Delete notification received"
check "(a) no key material in the log" bash -c "! grep -qiE 'key=|secret|$PSK' '$TMP/log-a.txt'"

# ---- (b) the gateway initiates (start_action start): aes256-sha384-ecp384 / aes128gcm16 ----
gw_conf_psk aes256-sha384-ecp384 aes128gcm16 start
ss_conn_psk aes256-sha384-ecp384 aes128gcm16 || notok "(b) charon loads its configuration"
T0=$(date +%s%N)
if gw_up b --diagnostics && wait_gw_children 2 15; then
	ok "(b) start_action start: the gateway negotiates and installs the SA pair"
else
	notok "(b) start_action start: the gateway negotiates and installs the SA pair"
	sed 's/^/# /' "$TMP/gw-b.log" | tail -n 20
	ss_log_tail "$SSD"
fi
echo "# (b) gateway start to both SAs installed: $((($(date +%s%N) - T0) / 1000000)) ms"
check "(b) charon lists the CHILD SA with the gateway's SPIs, mirrored" spis_match
R=$(ping_both 5)
echo "# (b) pings received: $R"
check "(b) pings cross the AES-GCM tunnel both ways" test "$R" = "5 5"
check "(b) a 4 MB TCP transfer arrives intact" tcp_transfer 4
gw_stop TERM
check "(b) the gateway stops with exit 0" test "$GW_RC" = 0
check "(b) our shutdown deletes: charon lists no IKE SA" ss_wait_count "$SSD" ike 0 5
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-b.txt" 2>&1
check "(b) the log shows the initiator's sequence in order" seq_in_order "$TMP/log-b.txt" \
	"SA traffic selectors local" "IKE SA proposal" "Starting IKE main mode initiator negotiation" \
	"IKE Phase-1 initiator done" "IKE Phase-2 initiator done" "Sending delete notification"

# ---- (c) trap: the first packet from the host starts the negotiation ----
gw_conf_psk aes128-sha256-modp2048 aes128gcm16 trap
ss_conn_psk aes128-sha256-modp2048 aes128gcm16 || notok "(c) charon loads its configuration"
gw_up c || notok "(c) the gateway starts (diagnostics off)"
check "(c) start_action trap: nothing negotiated before traffic" test "$(gw_children | wc -l)" = 0
ip netns exec "$IN" ping -c 3 -i 0.3 -W 1 198.51.100.1 >/dev/null 2>&1
check "(c) the first packets raise an acquire and the SA pair comes up" wait_gw_children 2 10
check "(c) SPIs mirrored" spis_match
R=$(ping_both 5)
echo "# (c) pings received: $R"
check "(c) then pings cross the tunnel both ways" test "$R" = "5 5"
S=$(tel "$PREFIX" /fastipsec/ike/stats)
check "(c) /fastipsec/ike/stats counted the acquire and the phase-1 and phase-2 done" \
	jtrue "$S" 'r["/fastipsec/ike/stats"]["acquires"] >= 1 and r["/fastipsec/ike/stats"]["ikev1"]["p1_done"] == 1 and r["/fastipsec/ike/stats"]["ikev1"]["p2_done"] == 1'
gw_stop TERM
check "(c) the gateway stops with exit 0" test "$GW_RC" = 0
check "(c) charon lists no SA afterwards" ss_wait_count "$SSD" ike 0 5
"$BUILD/fastipsec-log" --instance "$INSTANCE" >"$TMP/log-c.txt" 2>&1
check "(c) diagnostics off: the sequence without its diagnostics-only messages" seq_in_order \
	"$TMP/log-c.txt" "Starting IKE main mode initiator negotiation" "IKE Phase-1 initiator done" \
	"IKE Phase-2 initiator done"
check "(c) ... no 'SA traffic selectors local', 'IKE SA proposal' or 'Sending delete notification'" \
	bash -c "! grep -qE 'SA traffic selectors local|IKE SA proposal|Sending delete notification' '$TMP/log-c.txt'"

# ---- (d), (e) certificates (RSA, ECDSA), made here with strongSwan's pki ----
PKI=$TMP/pki
DN_SS="C=CH, O=fastipsec test, CN=charon.example.org"
DN_GW="C=CH, O=fastipsec test, CN=gw.example.org"

# mk_pki TYPE SIZE: TYPE-ca, TYPE-ss (charon's) and TYPE-gw (ours), keys and certificates.
mk_pki() {
	local t=$1 n=$2
	mkdir -p "$PKI"
	(
		cd "$PKI" || exit 1
		pki --gen --type "$t" --size "$n" --outform pem >"$t-ca.key" &&
			pki --self --ca --lifetime 3650 --in "$t-ca.key" --type "$t" \
				--dn "C=CH, O=fastipsec test, CN=fastipsec test CA" --outform pem >"$t-ca.pem" &&
			pki --gen --type "$t" --size "$n" --outform pem >"$t-ss.key" &&
			pki --issue --cacert "$t-ca.pem" --cakey "$t-ca.key" --type priv --in "$t-ss.key" \
				--dn "$DN_SS" --san 192.0.2.1 --lifetime 30 --outform pem >"$t-ss.pem" &&
			pki --gen --type "$t" --size "$n" --outform pem >"$t-gw.key" &&
			pki --issue --cacert "$t-ca.pem" --cakey "$t-ca.key" --type priv --in "$t-gw.key" \
				--dn "$DN_GW" --san 192.0.2.2 --lifetime 30 --outform pem >"$t-gw.pem"
	) 2>"$PKI/pki.err"
}

# ss_conn_cert TYPE IKE_PROPOSAL ESP_PROPOSAL: charon's connection with certificates.
# swanctl --file takes private keys from the file's directory's private/.
ss_conn_cert() {
	mkdir -p "$SSD/cert/private"
	cp "$PKI/$1-ss.key" "$SSD/cert/private/"
	cat >"$SSD/cert/swanctl.conf" <<EOF
connections {
	gw {
		version = 1
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = $2
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = pubkey
			certs = $PKI/$1-ss.pem
		}
		remote {
			auth = pubkey
			cacerts = $PKI/$1-ca.pem
			id = "$DN_GW"
		}
		children {
			net {
				mode = tunnel
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = $3
				rekey_time = 0
			}
		}
	}
}
EOF
	ss_swanctl "$SSD" --terminate --ike gw --timeout 5 >/dev/null 2>&1
	ss_load "$SSD" "$SSD/cert/swanctl.conf"
}

# gw_conf_cert TYPE IKE_PROPOSAL ESP_PROPOSAL START_ACTION: ours, with certificates.
gw_conf_cert() {
	gw_conf_psk "$2" "$3" "$4"
	sed -i -e "s|    local: {auth: psk, id: 192.0.2.2}|    local: {auth: pubkey, certs: [\"$PKI/$1-gw.pem\"], key: \"$PKI/$1-gw.key\"}|" \
		-e "s|    remote: {auth: psk, id: 192.0.2.1}|    remote: {auth: pubkey, cacerts: [\"$PKI/$1-ca.pem\"], id: \"$DN_SS\"}|" \
		-e '/^secrets:/,$d' "$TMP/gw.yaml"
}

# cert_case TAG TYPE SIZE IKE_PROPOSAL ESP_PROPOSAL WHO SCHEME: one tunnel with certificates.
cert_case() {
	local tag=$1 t=$2 ike=$4 esp=$5 who=$6 scheme=$7 start=none R
	[ "$who" = gateway ] && start=start
	local what="($tag) $t certificates, $ike / $esp, $who initiates"
	gw_conf_cert "$t" "$ike" "$esp" "$start"
	if ! ss_conn_cert "$t" "$ike" "$esp"; then
		notok "$what: charon loads its configuration"
		return
	fi
	gw_up "$tag" --diagnostics || { notok "$what: the gateway starts"; sed 's/^/# /' "$TMP/gw-$tag.log" | tail -n 5; return; }
	[ "$who" = charon ] && ss_initiate "$SSD" net gw 20 >"$TMP/init-$tag.out" 2>&1
	if wait_gw_children 2 15; then
		ok "$what: the SA pair is installed"
	else
		notok "$what: the SA pair is installed"
		grep -iE 'cert|auth|signature' "$TMP/gw-$tag.log" | tail -n 5 | sed 's/^/# /'
		ss_log_tail "$SSD" 10
	fi
	check "($tag) SPIs mirrored" spis_match
	check "($tag) charon verified our $scheme signature for our DN" \
		grep -q "authentication of '$DN_GW' with $scheme successful" "$SSD/charon.log"
	check "($tag) Phase-1 done with auth=pubkey" grep -q "Phase-1 .* done .*auth=pubkey" "$TMP/gw-$tag.log"
	R=$(ping_both 5)
	echo "# ($tag) pings received: $R"
	check "($tag) pings cross the tunnel both ways" test "$R" = "5 5"
	gw_stop TERM
	check "($tag) the gateway stops with exit 0" test "$GW_RC" = 0
	check "($tag) our shutdown deletes: charon lists no IKE SA" ss_wait_count "$SSD" ike 0 5
}

if ! command -v pki >/dev/null 2>&1; then
	echo "# skipped the certificate cases: pki (strongswan-pki) not installed"
elif ! mk_pki rsa 2048 || ! mk_pki ecdsa 384; then
	notok "the test PKI is made with pki"
	sed 's/^/# /' "$PKI/pki.err"
else
	cert_case d rsa 2048 aes128-sha256-modp2048 aes128-sha256 charon RSA_EMSA_PKCS1_NULL
	cert_case e ecdsa 384 aes256-sha384-ecp384 aes128gcm16 gateway ECDSA_WITH_NULL
fi

# ---- (f), (g) IKEv1 fragmentation: MM5 / MM6 over 2 KB on IPv4 ----
# RSA-4096 certificates under an intermediate CA that we send in our chain
# (charon anchors at the root, we at the intermediate):
# MM5 is about 3.5 KB, charon's MM6 about 2.1 KB.  af_packet hands the
# gateway reassembled IPv4 in 2 KB frames at most, so these messages cross
# only as IKE fragments (strongSwan's, payload 132): charon announces
# FRAGMENTATION (fragmentation = yes, or force) and so do we.

# mk_pki_chain: big-root (RSA-3072) -- big-ca (RSA-4096 intermediate) -- big-ss, big-gw
# (RSA-4096).  Both ends anchor at the intermediate; we also send it (big-int).
mk_pki_chain() {
	mkdir -p "$PKI"
	(
		cd "$PKI" || exit 1
		pki --gen --type rsa --size 3072 --outform pem >big-root.key &&
			pki --self --ca --lifetime 3650 --in big-root.key --type rsa \
				--dn "C=CH, O=fastipsec test, CN=fastipsec test root" --outform pem >big-root.pem &&
			pki --gen --type rsa --size 4096 --outform pem >big-ca.key &&
			pki --issue --cacert big-root.pem --cakey big-root.key --type priv --in big-ca.key --ca \
				--dn "C=CH, O=fastipsec test, CN=fastipsec test intermediate" --lifetime 365 \
				--outform pem >big-ca.pem &&
			cp big-ca.pem big-int.pem &&
			for who in ss gw; do
				pki --gen --type rsa --size 4096 --outform pem >big-$who.key || exit 1
			done &&
			pki --issue --cacert big-ca.pem --cakey big-ca.key --type priv --in big-ss.key \
				--dn "$DN_SS" --san 192.0.2.1 --lifetime 30 --outform pem >big-ss.pem &&
			pki --issue --cacert big-ca.pem --cakey big-ca.key --type priv --in big-gw.key \
				--dn "$DN_GW" --san 192.0.2.2 --lifetime 30 --outform pem >big-gw.pem
	) 2>"$PKI/pki.err"
}

# ikev1_stat KEY: the gateway's ikev1 counter KEY from /fastipsec/ike/stats.
ikev1_stat() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" "r['/fastipsec/ike/stats']['ikev1']['$1']"
}

# frag_case TAG WHO CHARON_FRAGMENTATION: one tunnel whose MM5 / MM6 travel in fragments.
frag_case() {
	local tag=$1 who=$2 mode=$3 start=none R n_ours n_theirs n_ipfrag tx rs l0
	[ "$who" = gateway ] && start=start
	local what="($tag) IKEv1 fragments, RSA-4096 chain, charon fragmentation=$mode, $who initiates"
	gw_conf_cert big aes256-sha256-modp3072 aes128gcm16 "$start"
	sed -i -e "s|certs: \[\"$PKI/big-gw.pem\"\]|certs: [\"$PKI/big-gw.pem\", \"$PKI/big-int.pem\"]|" \
		-e 's|^    version: 1$|    version: 1\n    fragmentation: yes|' "$TMP/gw.yaml"
	if ! ss_conn_cert big aes256-sha256-modp3072 aes128gcm16 ||
		! sed -i -e "s|^\t\tversion = 1$|\t\tversion = 1\n\t\tfragmentation = $mode|" \
			-e "s|cacerts = $PKI/big-ca.pem|cacerts = $PKI/big-root.pem|" "$SSD/cert/swanctl.conf" ||
		! ss_load "$SSD" "$SSD/cert/swanctl.conf"; then
		notok "$what: charon loads its configuration"
		return
	fi
	l0=$(wc -l <"$SSD/charon.log")
	dump_start "$TMP/wire-$tag.pcap"
	gw_up "$tag" --diagnostics || { notok "$what: the gateway starts"; dump_stop; return; }
	[ "$who" = charon ] && ss_initiate "$SSD" net gw 20 >"$TMP/init-$tag.out" 2>&1
	if wait_gw_children 2 20; then
		ok "$what: the SA pair is installed"
	else
		notok "$what: the SA pair is installed"
		grep -iE 'frag|cert|auth' "$TMP/gw-$tag.log" | tail -n 5 | sed 's/^/# /'
		ss_log_tail "$SSD" 10
	fi
	check "($tag) SPIs mirrored" spis_match
	tail -n +"$((l0 + 1))" "$SSD/charon.log" >"$TMP/charon-$tag.log"
	check "($tag) charon verified our RSA signature for our DN" \
		grep -q "authentication of '$DN_GW' with RSA_EMSA_PKCS1_NULL successful" "$TMP/charon-$tag.log"
	R=$(ping_both 5)
	echo "# ($tag) pings received: $R"
	check "($tag) pings cross the tunnel both ways" test "$R" = "5 5"
	tx=$(ikev1_stat frag_tx)
	rs=$(ikev1_stat frag_reassembled)
	echo "# ($tag) gateway: frag_tx $tx in $(ikev1_stat frag_tx_msgs) messages," \
		"frag_rx $(ikev1_stat frag_rx), frag_reassembled $rs, frag_dropped $(ikev1_stat frag_dropped)"
	check "($tag) the gateway sent MM5/MM6 in fragments (frag_tx > 1)" test "${tx:-0}" -gt 1
	check "($tag) the gateway reassembled charon's MM5/MM6 (frag_reassembled >= 1)" test "${rs:-0}" -ge 1
	dump_stop
	# ISAKMP's next payload (offset 16) is 132: after the UDP header, and the non-ESP marker on 4500.
	local f='((udp port 500 and udp[24] = 132) or (udp port 4500 and udp[28] = 132))'
	n_ours=$(tcpdump -r "$TMP/wire-$tag.pcap" -n "src 192.0.2.2 and $f" 2>/dev/null | wc -l)
	n_theirs=$(tcpdump -r "$TMP/wire-$tag.pcap" -n "src 192.0.2.1 and $f" 2>/dev/null | wc -l)
	n_ipfrag=$(tcpdump -r "$TMP/wire-$tag.pcap" -n 'ip[6:2] & 0x3fff != 0' 2>/dev/null | wc -l)
	echo "# ($tag) wire: $n_ours fragment datagrams from us, $n_theirs from charon, $n_ipfrag IP fragments"
	check "($tag) fragment payloads on the wire both ways" test "$n_ours" -gt 1 -a "$n_theirs" -gt 1
	check "($tag) no IP fragments on the wire" test "$n_ipfrag" = 0
	check "($tag) charon reassembled our fragments" grep -q "reassembled fragmented IKE message" "$TMP/charon-$tag.log"
	gw_stop TERM
	check "($tag) the gateway stops with exit 0" test "$GW_RC" = 0
	check "($tag) our shutdown deletes: charon lists no IKE SA" ss_wait_count "$SSD" ike 0 5
}

if ! command -v pki >/dev/null 2>&1; then
	echo "# skipped the fragmentation cases: pki (strongswan-pki) not installed"
elif ! mk_pki_chain; then
	notok "the RSA-4096 test PKI is made with pki"
	sed 's/^/# /' "$PKI/pki.err"
else
	frag_case f charon yes
	frag_case g gateway force
fi

finish
