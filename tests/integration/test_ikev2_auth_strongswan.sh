#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv2 proposals, traffic selectors and AUTH against a real strongSwan,
# before the IKEv2 state machine exists: tests/tools/ikev2_auth_peer runs
# IKE_SA_INIT and IKE_AUTH as initiator, built from ikev2_prop (offers,
# the check of charon's choice, selectors), ikev2_auth (PSK and signature
# AUTH, RFC 7427), ike_id, ikev2_msg and ikev2_crypt, against charon
# (kernel-libipsec) as responder in another network namespace.  Each case
# passes when charon accepts our AUTH (its IKE SA is ESTABLISHED with the
# CHILD SA INSTALLED on our SPI) and we accept charon's (its AUTH
# verifies, its ESP choice is one of ours, its selectors lie inside ours).
# PSK with AES-CBC and AES-GCM, INVALID_KE_PAYLOAD and a retry, a wrong
# key, narrowed selectors; RSA (with an intermediate CA) and ECDSA P-256 /
# P-384 certificates, with SIGNATURE_HASH_ALGORITHMS (auth method 14) and
# without (methods 1, 9).  KEEP_TMP=1 keeps the logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"

PEER=$BUILD/tests/tools/ikev2_auth_peer
[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_auth_strongswan: needs root for network namespaces"
ss_available || skip_all "test_ikev2_auth_strongswan: $SS_WHY"
[ -x "$PEER" ] || skip_all "test_ikev2_auth_strongswan: $PEER not built"
command -v openssl >/dev/null 2>&1 || skip_all "test_ikev2_auth_strongswan: no openssl CLI"

ID=$$
SSNS=fiv2-ss-$ID
USNS=fiv2-us-$ID
TMP=$(mktemp -d)
SSD=$TMP/charon
PKI=$TMP/pki
PSK=fastipsec-ikev2-psk-0123456789

cleanup() {
	ss_stop "$SSD"
	lab_del "$SSNS" "$USNS"
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

lab_ns "$SSNS"
lab_ns "$USNS"
lab_veth "$SSNS" s2$ID "$USNS" u2$ID
ip -n "$SSNS" addr add 192.0.2.1/24 dev s2$ID
ip -n "$USNS" addr add 192.0.2.2/24 dev u2$ID
ss_ts_address "$SSNS" 198.51.100.1/32

mkdir -p "$SSD"
if ! ss_start "$SSD" "$SSNS"; then
	notok "charon starts in its namespace"
	sed 's/^/# /' "$SSD/charon.out"
	exit 1
fi
ok "charon starts in its namespace"

if ! sh "$TOP/tests/unit/slowpath/ike/make_certs.sh" "$PKI" >/dev/null 2>&1; then
	notok "the test PKI is made (make_certs.sh)"
	PKI=
fi

# ss_conf2 FILE IKE ESP LOCAL_AUTH REMOTE_AUTH [LTS]: charon's connection "gw" (IKEv2, responder).
ss_conf2() {
	local f=$1 ike=$2 esp=$3 la=$4 ra=$5 lts=${6:-198.51.100.0/24}
	mkdir -p "$(dirname "$f")/private"
	cat >"$f" <<EOF
connections {
	gw {
		version = 2
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = $ike
		dpd_delay = 0
		rekey_time = 0
		mobike = no
		send_cert = always
		local {
$la
		}
		remote {
$ra
		}
		children {
			net {
				mode = tunnel
				local_ts = $lts
				remote_ts = 203.0.113.0/24
				esp_proposals = $esp
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = 192.0.2.1
		id-2 = 192.0.2.2
		id-3 = gw1.example.org
		id-4 = gw2.example.org
		secret = "$PSK"
	}
}
EOF
}

# us_conf2 FILE IKE ESP LOCAL REMOTE [PSK] [RTS]: ours (the YAML the tool loads).
us_conf2() {
	local f=$1 ike=$2 esp=$3 l=$4 r=$5 psk=${6:-$PSK} rts=${7:-198.51.100.0/24}
	cat >"$f" <<EOF
instance: fiv2$ID
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
connections:
  gw:
    version: 2
    local_addrs: [192.0.2.2]
    remote_addrs: [192.0.2.1]
    proposals: [$ike]
    local: $l
    remote: $r
    children:
      net:
        local_ts: [203.0.113.0/24]
        remote_ts: ["$rts"]
        esp_proposals: [$esp]
secrets:
  - {type: ike, ids: ["192.0.2.1", "192.0.2.2", "gw1.example.org", "gw2.example.org"], secret: "$psk"}
EOF
}

# clean: no SA left at charon.
clean() {
	ss_swanctl "$SSD" --terminate --ike gw --force --timeout 2 >/dev/null 2>&1 || true
	ss_wait_count "$SSD" ike 0 5 || true
}

# run TAG ARGS...: the tool in our namespace; its JSON line in $OUT, stderr in $TMP/TAG.err.
run() {
	local tag=$1
	shift
	OUT=$(ip netns exec "$USNS" "$PEER" --config "$TMP/$tag.yaml" --timeout 3 "$@" \
		2>"$TMP/$tag.err" </dev/null)
	RC=$?
	echo "# $tag: $OUT"
}

# j EXPR: evaluate EXPR on the JSON line as r.
j() {
	$PY -c 'import json,sys; r=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$OUT" "$1" 2>/dev/null
}

# The CHILD SA's outbound SPI at charon (ss_child_spis prints "in out").
ss_out_spi() {
	ss_child_spis "$SSD" net | awk '{print $2}' | head -n 1
}

check_case() { # TAG EXPR_ON_JSON WHAT
	check "($1) $3" test "$(j "$2")" = True
}

established() { # TAG
	local tag=$1
	check "($tag) the tool accepts charon's answer and AUTH" test "$RC" -eq 0 -a "$(j 'r["ok"]')" = True
	check "($tag) charon's IKE SA is established" ss_wait_count "$SSD" ike 1 5
	check "($tag) charon's CHILD SA sends on our SPI" test -n "$(j 'r["spi_in"]')" -a "$(ss_out_spi)" = "$(j 'r["spi_in"]')"
}

# ---- (a) PSK, AES-CBC: charon narrows our /23 to its /24 ----
ss_conf2 "$TMP/a/swanctl.conf" aes256-sha256-ecp256 aes128-sha256 \
	"auth = psk
			id = 192.0.2.1" "auth = psk
			id = 192.0.2.2"
us_conf2 "$TMP/a.yaml" aes256-sha256-ecp256 aes128-sha256 '{auth: psk, id: "192.0.2.2"}' \
	'{auth: psk, id: "192.0.2.1"}' "$PSK" 198.51.100.0/23
if ss_load "$SSD" "$TMP/a/swanctl.conf"; then
	run a
	established a
	check_case a 'r["auth_sent"] == 2 and r["auth_got"] == 2' "PSK AUTH both ways"
	check_case a 'set(r["ike"].split("-")) == {"aes256", "sha256", "prfsha256", "ecp256"}' "charon chose our IKE proposal"
	check_case a 'set(r["esp"].split("-")) == {"aes128", "sha256", "noesn"}' "charon chose our ESP proposal"
	check_case a 'r["tsr"] == ["198.51.100.0/24"] and r["tsi"] == ["203.0.113.0/24"]' \
		"charon's narrowing is inside ours and installs as its /24"
else
	notok "(a) charon loads its configuration"
fi
clean

# ---- (b) PSK, AES-GCM, FQDN identities; our ESN-only proposal is passed over
# (kernel-libipsec cannot install ESN SAs) ----
mkdir -p "$TMP/b"
ss_conf2 "$TMP/b/swanctl.conf" aes128gcm16-prfsha384-ecp384 aes256gcm16 \
	"auth = psk
			id = gw1.example.org" "auth = psk
			id = gw2.example.org"
us_conf2 "$TMP/b.yaml" aes128gcm16-prfsha384-ecp384 "aes256gcm16-esn, aes256gcm16-esn-noesn" \
	'{auth: psk, id: "@gw2.example.org"}' '{auth: psk, id: "@gw1.example.org"}'
if ss_load "$SSD" "$TMP/b/swanctl.conf"; then
	run b
	established b
	check_case b 'set(r["ike"].split("-")) == {"aes128gcm16", "prfsha384", "ecp384"}' "AES-GCM IKE SA, no INTEG transform"
	check_case b 'set(r["esp"].split("-")) == {"aes256gcm16", "noesn"} and not r["esn"]' "no ESN, as charon chose"
else
	notok "(b) charon loads its configuration"
fi
clean

# ---- (c) INVALID_KE_PAYLOAD: our KE is modp2048, charon takes ecp256 only ----
ss_conf2 "$TMP/c/swanctl.conf" aes128-sha256-ecp256 aes128-sha256 \
	"auth = psk
			id = 192.0.2.1" "auth = psk
			id = 192.0.2.2"
us_conf2 "$TMP/c.yaml" "aes128-sha256-modp2048, aes128-sha256-ecp256" aes128-sha256 \
	'{auth: psk, id: "192.0.2.2"}' '{auth: psk, id: "192.0.2.1"}'
if ss_load "$SSD" "$TMP/c/swanctl.conf"; then
	run c
	established c
	check "(c) charon asked for ecp256 and we followed" grep -q "INVALID_KE_PAYLOAD, retrying with group 19" "$TMP/c.err"
	check_case c 'r["ike"].endswith("ecp256")' "the second IKE_SA_INIT used ecp256"
else
	notok "(c) charon loads its configuration"
fi
clean

# ---- (d) a wrong pre-shared key: no SA anywhere ----
us_conf2 "$TMP/d.yaml" aes256-sha256-ecp256 aes128-sha256 '{auth: psk, id: "192.0.2.2"}' \
	'{auth: psk, id: "192.0.2.1"}' not-the-key-0123456789
if ss_load "$SSD" "$TMP/a/swanctl.conf"; then
	run d
	check "(d) the tool fails" test "$RC" -ne 0
	check_case d 'r["why"] == "AUTHENTICATION_FAILED"' "charon answers AUTHENTICATION_FAILED"
	check "(d) charon has no IKE SA" ss_wait_count "$SSD" ike 0 3
	check "(d) charon's log says why" grep -q "shared key .* but MAC mismatched" "$SSD/charon.log"
fi
clean

# ---- certificates ----
# cert_case TAG TYPE SSCERT USCERT_FILE USKEY SIGHASH WANT_SENT WANT_GOT
cert_case() {
	local tag=$1 t=$2 sscert=$3 uscert=$4 uskey=$5 sighash=$6 sent=$7 got=$8 ca usdn ssdn
	ca=$PKI/$t-ca.pem
	ssdn="C=CH, O=fastipsec test, CN=gw2.example.org"
	usdn="C=CH, O=fastipsec test, CN=gw1.example.org"
	mkdir -p "$TMP/$tag/private"
	cp "$PKI/$sscert.key" "$TMP/$tag/private/"
	ss_conf2 "$TMP/$tag/swanctl.conf" aes128-sha256-ecp256 aes128gcm16 \
		"auth = pubkey
			certs = $PKI/$sscert.pem" "auth = pubkey
			id = \"$usdn\"
			cacerts = $ca"
	us_conf2 "$TMP/$tag.yaml" aes128-sha256-ecp256 aes128gcm16 \
		"{auth: pubkey, certs: [\"$PKI/$uscert\"], key: \"$PKI/$uskey\"}" \
		"{auth: pubkey, cacerts: [\"$ca\"], id: \"$ssdn\"}"
	if ! ss_load "$SSD" "$TMP/$tag/swanctl.conf"; then
		notok "($tag) charon loads its certificate configuration"
		return
	fi
	if [ "$sighash" = yes ]; then run "$tag"; else run "$tag" --no-sighash; fi
	established "$tag"
	check_case "$tag" "r['auth_sent'] == $sent and r['auth_got'] == $got" \
		"$t: we signed with auth method $sent, charon with $got"
	clean
}

if [ -n "$PKI" ]; then
	# Ours is rsa-gw1 sent with its intermediate (rsa-gw1-chain.pem), charon's rsa-gw2.
	cert_case e rsa rsa-gw2 rsa-gw1-chain.pem rsa-gw1.key yes 14 14
	check_case e 'r["hash_sent"] == 2 and r["hash_got"] in (2, 3, 4)' "RFC 7427 with SHA2 hashes"
	cert_case f rsa rsa-gw2 rsa-gw1-chain.pem rsa-gw1.key no 1 1
	cert_case g ec256 ec256-gw2 ec256-gw1.pem ec256-gw1.key no 9 9
	cert_case h ec384 ec384-gw2 ec384-gw1.pem ec384-gw1.key yes 14 14
	check_case h 'r["hash_sent"] == 3' "P-384 signs with SHA2-384"
fi

ss_stop "$SSD"
finish
