#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The appliance's IKEv2 engine with certificates against a real strongSwan,
# in the lab of test_ikev2_gateway.sh (ikev1_lab.sh): fastipsec between a
# host at 203.0.113.2 and charon at 192.0.2.1 (198.51.100.0/24, libipsec).
# The test PKI is make_certs.sh's: charon holds gw1 (RSA: with the
# intermediate rsa-int, which it sends), the gateway gw2, each trusts the
# CA only and names the other by its DN.  IKE_AUTH with certificates is
# bigger than one datagram, so it goes in RFC 7383 fragments both ways:
#   (a) RSA, charon initiates (RFC 7427 signatures), fragment_size 1280
#       (charon's default and ours);
#   (b) RSA, the gateway initiates (start_action start);
#   (c) ECDSA P-256, charon initiates, fragment_size 576 on both ends
#       (ECDSA messages fit in 1280 bytes);
#   (d) ECDSA P-256, the gateway initiates, fragment_size 576;
#   (e) RSA with auth method 1 (charon's signature_authentication = no,
#       so no SIGNATURE_HASH_ALGORITHMS from it), charon initiates.
# Each time: both ends established, the SA pair installed with charon's
# SPIs mirrored, pings both ways; the gateway's counters show fragments
# sent and reassembled and none dropped, charon's log shows it reassembled
# ours and split its own, the wire shows SKF payloads from both ends and
# no IP packet over the fragment size (so no IP fragments), and charon's
# log names the signature scheme both ends used.  KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_cert_gateway: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev2_cert_gateway: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev2_cert_gateway: $SS_WHY"
command -v openssl >/dev/null 2>&1 || skip_all "test_ikev2_cert_gateway: no openssl CLI"
command -v tcpdump >/dev/null 2>&1 || skip_all "test_ikev2_cert_gateway: no tcpdump"

SS_VERSION=2
GW_VERSION=2
# charon's retransmissions (4 of 2 s, 2.8 s, ...: about 22 s) and the waits
# below ride out a gateway that a loaded machine stalls for seconds.
SS_RETRANSMIT="4 2 1.4"
ikl_setup fik2c
PSK=unused-with-certificates-0123456789
PKI=$TMP/pki
if ! sh "$TOP/tests/unit/slowpath/ike/make_certs.sh" "$PKI" >"$TMP/pki.out" 2>&1; then
	notok "the test PKI is made (make_certs.sh)"
	tail -n 5 "$TMP/pki.out" | sed 's/^/# /'
	exit 1
fi
SS_DN="C=CH, O=fastipsec test, CN=gw1.example.org"
GW_DN="C=CH, O=fastipsec test, CN=gw2.example.org"

# ike2 KEY: the gateway's ikev2 counter KEY from /fastipsec/ike/stats.
ike2() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" "r['/fastipsec/ike/stats']['ikev2']['$1']"
}

# ss_restart EXTRA: charon again with EXTRA lines in its charon { } section.
ss_restart() {
	ss_stop "$SSD"
	SS_EXTRA_CHARON=$1 SS_INSTALL_ROUTES=yes ss_conf "$SSD"
	if ! ss_start "$SSD" "$SS"; then
		notok "charon restarts with: $1"
		sed 's/^/# /' "$SSD/charon.out"
		exit 1
	fi
}

# ss_conn_cert ALG (rsa | ec256): charon's connection gw with its gw1 certificate.
ss_conn_cert() {
	local alg=$1
	rm -rf "$SSD/x509ca" "$SSD/private"
	mkdir -p "$SSD/x509ca" "$SSD/private"
	cp "$PKI/$alg-ca.pem" "$SSD/x509ca/"
	# The intermediate in charon's store: it sends it after its certificate.
	[ "$alg" = rsa ] && cp "$PKI/rsa-int.pem" "$SSD/x509ca/"
	cp "$PKI/$alg-gw1.key" "$SSD/private/"
	cat >"$SSD/swanctl.conf" <<EOF
connections {
	gw {
		version = 2
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = aes128-sha256-ecp256
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		mobike = no
		fragmentation = yes
		send_cert = always
		local {
			auth = pubkey
			certs = $PKI/$alg-gw1.pem
			id = "$SS_DN"
		}
		remote {
			auth = pubkey
			id = "$GW_DN"
			cacerts = $PKI/$alg-ca.pem
		}
		children {
			net {
				mode = tunnel
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes128gcm16
				rekey_time = 0
			}
		}
	}
}
EOF
	ss_swanctl "$SSD" --terminate --ike gw --force --timeout 2 >/dev/null 2>&1
	ss_load "$SSD" "$SSD/swanctl.conf"
}

# gw_conf_cert ALG START_ACTION [FRAGMENT_SIZE]: the gateway with its gw2 certificate.
gw_conf_cert() {
	gw_conf_psk aes128-sha256-ecp256 aes128gcm16 "$2"
	sed -i -e "s|    local: {auth: psk, id: 192.0.2.2}|    local: {auth: pubkey, certs: [\"$PKI/$1-gw2.pem\"], key: \"$PKI/$1-gw2.key\"}|" \
		-e "s|    remote: {auth: psk, id: 192.0.2.1}|    remote: {auth: pubkey, cacerts: [\"$PKI/$1-ca.pem\"], id: \"$SS_DN\"}|" \
		-e "s|^  retransmit_tries: 3$|  retransmit_tries: 5|" "$TMP/gw.yaml"
	[ -n "${3:-}" ] && sed -i "s|^ike:$|ike:\n  fragment_size: $3|" "$TMP/gw.yaml"
	grep -q "auth: pubkey, certs" "$TMP/gw.yaml"
}

# pings_cross: 4 pings each way (3 s to answer: the lab shares its cores); at least 3 each way.
pings_cross() {
	local a b
	a=$(ip netns exec "$IN" ping -c 4 -i 0.3 -W 3 198.51.100.1 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
	b=$(ip netns exec "$SS" ping -c 4 -i 0.3 -W 3 -I 198.51.100.1 203.0.113.2 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
	echo "# ($1) pings received of 4 (host -> charon, charon -> host): ${a:-0} ${b:-0}"
	[ "${a:-0}" -ge 3 ] && [ "${b:-0}" -ge 3 ]
}

# gw_diag TAG: the gateway's IKEv2 counters that moved and its log's tail, after a failure.
gw_diag() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'dict((k, v) for k, v in r["/fastipsec/ike/stats"]["ikev2"].items() if v)' | sed "s/^/# ($1) ikev2 counters: /"
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'dict((k, v) for k, v in r["/fastipsec/ike/stats"].items() if k.startswith("ike_tx") or k.startswith("ike_rx"))' | sed "s/^/# ($1) transport: /"
	tail -n 10 "$TMP/gw-$1.log" | sed 's/^/# /'
}

# charon_says TEXT: lines of charon's log holding TEXT since the case began.
charon_says() {
	tail -n +"$SS_LINE0" "$SSD/charon.log" | grep -c -- "$1"
}

# wire_checks TAG SIZE: SKF from both ends on the outside wire, no IP packet over SIZE.
wire_checks() {
	local tag=$1 size=$2 f=$TMP/wire-$1.pcap skf_gw skf_ss big
	# IKE on 4500 behind the zero non-ESP marker: the IKE header's Next Payload is udp[28].
	skf_gw=$(tcpdump -r "$f" -n 'src 192.0.2.2 and udp port 4500 and udp[8:4] = 0 and udp[28] = 53' 2>/dev/null | wc -l)
	skf_ss=$(tcpdump -r "$f" -n 'src 192.0.2.1 and udp port 4500 and udp[8:4] = 0 and udp[28] = 53' 2>/dev/null | wc -l)
	big=$(tcpdump -r "$f" -n "ip and (ip[2:2] > $size or ip[6:2] & 0x3fff != 0)" 2>/dev/null | wc -l)
	echo "# ($tag) wire: SKF datagrams $skf_gw from the gateway, $skf_ss from charon; $big IP packets over $size bytes or fragmented"
	check "($tag) the wire carries SKF fragments both ways" test "$skf_gw" -ge 2 -a "$skf_ss" -ge 2
	check "($tag) no IP packet over $size bytes, no IP fragment" test "$big" = 0
	check "($tag) the outside wire carries only IKE and ESP-in-UDP" wire_only_ike_esp "$f"
}

# run_case TAG ALG WHO (charon | gateway) FRAGMENT_SIZE SCHEME: one negotiation and its checks;
# SCHEME is how charon's log names the signatures ("RSA_EMSA_PKCS1_SHA2_256", "RSA signature").
run_case() {
	local tag=$1 alg=$2 who=$3 size=$4 scheme=$5 start=none t0 L
	[ "$who" = gateway ] && start=start
	if ! ss_conn_cert "$alg"; then
		notok "($tag) charon loads its $alg certificate configuration"
		return
	fi
	if [ "$size" = 1280 ]; then gw_conf_cert "$alg" "$start"; else gw_conf_cert "$alg" "$start" "$size"; fi
	SS_LINE0=$(($(wc -l <"$SSD/charon.log") + 1))
	dump_start "$TMP/wire-$tag.pcap"
	t0=$(date +%s%N)
	if ! gw_up "$tag" --diagnostics; then
		notok "($tag) the gateway starts with its $alg certificate"
		tail -n 20 "$TMP/gw-$tag.log" | sed 's/^/# /'
		dump_stop
		return
	fi
	if [ "$who" = charon ]; then
		if ss_initiate "$SSD" net gw 30 >"$TMP/init-$tag.out" 2>&1; then
			ok "($tag) charon initiates with $alg certificates: established"
		else
			notok "($tag) charon initiates with $alg certificates: established"
			tail -n 5 "$TMP/init-$tag.out" | sed 's/^/# /'
			ss_log_tail "$SSD" 10
			gw_diag "$tag"
		fi
	fi
	if wait_gw_children 2 20; then
		ok "($tag) the gateway installs the SA pair ($who initiated, $alg)"
	else
		notok "($tag) the gateway installs the SA pair ($who initiated, $alg)"
		[ "$who" = gateway ] && gw_diag "$tag"
	fi
	echo "# ($tag) gateway start to both SAs installed: $((($(date +%s%N) - t0) / 1000000)) ms"
	check "($tag) charon's IKE SA is IKEv2 and established" \
		jtrue "$(ss_sas "$SSD")" 'len(r) == 1 and r[0]["version"] == "2" and r[0]["state"] == "ESTABLISHED"'
	check "($tag) the SPIs match, mirrored" spis_match
	check "($tag) pings cross the tunnel both ways" pings_cross "$tag"
	dump_stop
	L=$(tel "$PREFIX" /fastipsec/ike/stats)
	echo "# ($tag) ikev2: $(jget "$L" 'dict((k, v) for k, v in r["/fastipsec/ike/stats"]["ikev2"].items() if k.startswith("frag") or k in ("ike_done", "auth_failed", "retransmits", "replies_resent"))')"
	echo "# ($tag) transport: $(jget "$L" 'dict((k, v) for k, v in r["/fastipsec/ike/stats"].items() if k.startswith("ike_tx") or k.startswith("ike_rx"))')"
	check "($tag) the gateway sent IKE_AUTH in fragments and reassembled charon's, none dropped" \
		jtrue "$L" 'r["/fastipsec/ike/stats"]["ikev2"]["frag_tx_msgs"] >= 1 and r["/fastipsec/ike/stats"]["ikev2"]["frag_tx"] >= 2 and r["/fastipsec/ike/stats"]["ikev2"]["frag_reassembled"] >= 1 and r["/fastipsec/ike/stats"]["ikev2"]["frag_rx"] >= 2 and r["/fastipsec/ike/stats"]["ikev2"]["frag_dropped"] == 0 and r["/fastipsec/ike/stats"]["ikev2"]["ike_done"] == 1'
	check "($tag) charon reassembled the gateway's fragments" test "$(charon_says 'reassembled fragmented IKE message')" -ge 1
	check "($tag) charon split its own IKE_AUTH into fragments" test "$(charon_says 'into [0-9]* fragments')" -ge 1
	check "($tag) charon verified the gateway with $scheme" \
		test "$(charon_says "authentication of '$GW_DN' with $scheme successful")" = 1
	check "($tag) charon signed with $scheme" \
		test "$(charon_says "authentication of '$SS_DN' (myself) with $scheme successful")" = 1
	wire_checks "$tag" "$size"
	gw_stop TERM
	check "($tag) the gateway stops with exit 0" test "$GW_RC" = 0
	ss_swanctl "$SSD" --terminate --ike gw --force --timeout 2 >/dev/null 2>&1
	ss_wait_count "$SSD" ike 0 5 || notok "($tag) charon's SAs go"
}

T_ALL=$(date +%s)
run_case a rsa charon 1280 RSA_EMSA_PKCS1_SHA2_256
run_case b rsa gateway 1280 RSA_EMSA_PKCS1_SHA2_256
ss_restart "	fragment_size = 576"
run_case c ec256 charon 576 ECDSA_WITH_SHA256_DER
run_case d ec256 gateway 576 ECDSA_WITH_SHA256_DER
ss_restart "	signature_authentication = no"
run_case e rsa charon 1280 "RSA signature"
check "(e) charon's IKE_SA_INIT request went without SIGNATURE_HASH_ALGORITHMS" \
	test "$(charon_says 'generating IKE_SA_INIT request 0')" -ge 1 -a "$(charon_says 'generating IKE_SA_INIT request 0 .*N(HASH_ALG)')" = 0
echo "# all cases: $(($(date +%s) - T_ALL)) s"

finish
