#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv1 against a real strongSwan: charon (kernel-libipsec) in one network
# namespace at 192.0.2.1, the IKEv1 engine on kernel sockets
# (tests/tools/ike_sock) in another at 192.0.2.2, joined by a veth.  Main
# mode with a pre-shared key, then quick mode, each side initiating in
# turn; the SPIs the engine reports must be the ones charon lists, mirrored.
# Deletes travel both ways (a hard lifetime and our shutdown on one side,
# swanctl --terminate on the other), INITIAL-CONTACT after our crash makes
# charon drop the stale SAs, a wrong key gives no SA on either side, and one
# case runs over IPv6.  Then certificates (pki-made): RSA and ECDSA P-256
# signatures each way, and a certificate of an unknown CA that leaves no SA.  KEEP_TMP=1 keeps the logs of both sides.  strongSwan 5.9.8 with libipsec fakes NAT detection
# (LAB-NOTES.md), so every exchange floats to UDP 4500 and the CHILD SAs
# are UDP-encapsulated.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"

HS=$BUILD/tests/tools/ike_sock
[ "$(id -u)" -eq 0 ] || skip_all "test_ikev1_strongswan: needs root for network namespaces"
ss_available || skip_all "test_ikev1_strongswan: $SS_WHY"
[ -x "$HS" ] || skip_all "test_ikev1_strongswan: $HS not built"

ID=$$
SSNS=fiss-ss-$ID
USNS=fiss-us-$ID
TMP=$(mktemp -d)
SSD=$TMP/charon
HS_PID=
PSK=fastipsec-interop-psk-0123456789

cleanup() {
	if [ -n "$HS_PID" ] && kill -0 "$HS_PID" 2>/dev/null; then
		kill -9 "$HS_PID" 2>/dev/null
		wait "$HS_PID" 2>/dev/null
	fi
	ss_stop "$SSD"
	lab_del "$SSNS" "$USNS"
	# KEEP_TMP=1 keeps both sides' logs and configurations for a look.
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

lab_ns "$SSNS"
lab_ns "$USNS"
lab_veth "$SSNS" ss$ID "$USNS" us$ID
ip -n "$SSNS" addr add 192.0.2.1/24 dev ss$ID
ip -n "$USNS" addr add 192.0.2.2/24 dev us$ID
ip -n "$SSNS" -6 addr add 2001:db8:0:2::1/64 dev ss$ID nodad
ip -n "$USNS" -6 addr add 2001:db8:0:2::2/64 dev us$ID nodad
# kernel-libipsec wants an address of its own inside each local selector.
ss_ts_address "$SSNS" 198.51.100.1/32 2001:db8:51::1/128

mkdir -p "$SSD"
if ! ss_start "$SSD" "$SSNS"; then
	notok "charon starts in its namespace"
	sed 's/^/# /' "$SSD/charon.out"
	ss_log_tail "$SSD"
	exit 1
fi
ok "charon starts in its namespace (strongSwan $(ss_swanctl "$SSD" --version 2>/dev/null | grep -o '5\.[0-9.]*' | head -n 1))"

# ---- configuration of both sides ----

# ss_conn FILE IKE_PROPOSAL ESP_PROPOSAL PSK [LOCAL REMOTE LTS RTS]: charon's swanctl.conf,
# connection "gw" with child "net", IKEv1 main mode, PSK, IP address identities.
ss_conn() {
	local f=$1 ike=$2 esp=$3 psk=$4 l=${5:-192.0.2.1} r=${6:-192.0.2.2}
	local lts=${7:-198.51.100.0/24} rts=${8:-203.0.113.0/24}
	cat >"$f" <<EOF
connections {
	gw {
		version = 1
		aggressive = no
		local_addrs = $l
		remote_addrs = $r
		proposals = $ike
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = psk
			id = $l
		}
		remote {
			auth = psk
			id = $r
		}
		children {
			net {
				mode = tunnel
				local_ts = $lts
				remote_ts = $rts
				esp_proposals = $esp
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = $l
		id-2 = $r
		secret = "$psk"
	}
}
EOF
}

# us_conn FILE IKE_PROPOSAL ESP_PROPOSAL PSK START_ACTION [LOCAL REMOTE LTS RTS]: ours.
us_conn() {
	local f=$1 ike=$2 esp=$3 psk=$4 start=$5 l=${6:-192.0.2.2} r=${7:-192.0.2.1}
	local lts=${8:-203.0.113.0/24} rts=${9:-198.51.100.0/24}
	cat >"$f" <<EOF
instance: fiss$ID
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24, "2001:db8:113::1/64"]}
ike:
  retransmit_timeout: 1s
  retransmit_tries: 2
  retransmit_base: 1.4
connections:
  gw:
    version: 1
    local_addrs: ["$l"]
    remote_addrs: ["$r"]
    proposals: [$ike]
    local: {auth: psk, id: "$l"}
    remote: {auth: psk, id: "$r"}
    dpd_delay: 0
    children:
      net:
        mode: tunnel
        local_ts: ["$lts"]
        remote_ts: ["$rts"]
        esp_proposals: [$esp]
        start_action: $start
secrets:
  - {type: ike, ids: ["$l", "$r"], secret: "$psk"}
EOF
}

# ---- the harness ----

# hs_start NAME YAML ARGS...: run ike_sock in our namespace; output in $TMP/NAME.{out,err}.
hs_start() {
	local name=$1 yaml=$2 i
	shift 2
	HS_OUT=$TMP/$name.out
	HS_ERR=$TMP/$name.err
	ip netns exec "$USNS" "$HS" --config "$yaml" --diagnostics --timeout 60 "$@" \
		>"$HS_OUT" 2>"$HS_ERR" </dev/null &
	HS_PID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q '"event":"ready"' "$HS_OUT" 2>/dev/null && return 0
		kill -0 "$HS_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# hs_stop: SIGTERM (twice, as timeout(1) may), wait at most 5 s; sets HS_RC.
hs_stop() {
	local i
	HS_RC=0
	[ -n "$HS_PID" ] || return 0
	kill -TERM "$HS_PID" 2>/dev/null
	kill -TERM "$HS_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$HS_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$HS_PID" 2>/dev/null; then
		kill -9 "$HS_PID" 2>/dev/null
		wait "$HS_PID" 2>/dev/null
		HS_RC=124
	else
		wait "$HS_PID" 2>/dev/null
		HS_RC=$?
	fi
	HS_PID=
}

# hs_kill: SIGKILL, as a crash: the engine sends nothing.
hs_kill() {
	[ -n "$HS_PID" ] || return 0
	kill -9 "$HS_PID" 2>/dev/null
	wait "$HS_PID" 2>/dev/null
	HS_PID=
}

# hs_event EVENT CHILD: the last such JSON line of the running harness (empty if none).
hs_event() {
	grep "\"event\":\"$1\"" "$HS_OUT" 2>/dev/null | grep "\"child\":\"$2\"" | tail -n 1
}

# hs_wait EVENT CHILD SECONDS
hs_wait() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ -n "$(hs_event "$1" "$2")" ] && return 0
		sleep 0.1
	done
	return 1
}

# diag: both sides' last words, after a failed check.
diag() {
	echo "# --- charon log (last lines)"
	ss_log_tail "$SSD" 25
	echo "# --- ike_sock stderr (last lines)"
	tail -n 25 "$HS_ERR" 2>/dev/null | sed 's/^/# /'
	echo "# --- ike_sock stdout"
	sed 's/^/# /' "$HS_OUT" 2>/dev/null
}

# mirrored CHILD_JSON: charon's CHILD SA "net" has our SPIs mirrored (its in is our out).
mirrored() {
	local spis ours
	spis=$(ss_child_spis "$SSD" net)
	ours=$(jget "$1" '"%s %s" % (r["spi_out"], r["spi_in"])')
	echo "# charon: in out = $spis; ike_sock: out in = $ours"
	[ -n "$spis" ] && [ "$(wc -l <<<"$spis")" -eq 1 ] && [ "$spis" = "$ours" ]
}

# the_child CHILD_JSON ESP_PROPOSAL LTS RTS: what the engine reports matches the config.
the_child() {
	test "$(jget "$1" '(r["proposal"], r["mode"], r["encap"], r["local_port"], r["remote_port"], r["local_ts"], r["remote_ts"])')" = \
		"('$2', 'tunnel', True, 4500, 4500, ['$3'], ['$4'])"
}

# one_sa: charon lists exactly one IKE SA and one CHILD SA.
one_sa() {
	ss_wait_count "$SSD" ike 1 3 && ss_wait_count "$SSD" child 1 1
}

# clean_slate: no SA left on charon, no harness running.
clean_slate() {
	hs_stop
	ss_swanctl "$SSD" --terminate --ike gw --timeout 5 >/dev/null 2>&1 || true
	ss_wait_count "$SSD" ike 0 5 || true
}

# ---- (a) charon initiates; we answer ----
CASE="charon initiates main mode + quick mode, aes128-sha256-modp2048 / esp aes128-sha256"
ss_conn "$TMP/a.conf" aes128-sha256-modp2048 aes128-sha256 "$PSK"
us_conn "$TMP/a.yaml" aes128-sha256-modp2048 aes128-sha256 "$PSK" none
check "(a) charon loads its configuration" ss_load "$SSD" "$TMP/a.conf"
if hs_start a "$TMP/a.yaml" --expire 2; then
	ok "(a) ike_sock loads its configuration and binds 500 and 4500"
	if ss_initiate "$SSD" net gw 20 >"$TMP/a.init" 2>&1; then ok "(a) $CASE: charon's initiate succeeds"; else
		notok "(a) $CASE: charon's initiate succeeds"
		tail -n 5 "$TMP/a.init" | sed 's/^/# /'
		diag
	fi
	if hs_wait child_up net 5; then
		ok "(a) ike_sock reports child_up for net"
		UP=$(hs_event child_up net)
		check "(a) the SPIs ike_sock reports are charon's, mirrored" mirrored "$UP"
		check "(a) proposal, mode, UDP encapsulation on 4500 and selectors as configured" \
			the_child "$UP" aes128-sha256 203.0.113.0/24 198.51.100.0/24
		check "(a) no keys in the events without --print-keys" bash -c "! grep -q '\"enc_in\"' '$HS_OUT'"
	else
		notok "(a) ike_sock reports child_up for net"
		diag
	fi
	# (d, ours) --expire 2: two seconds after child_up the harness reports
	# the inbound SA's hard lifetime as a worker would, and the engine
	# deletes the pair towards charon (RFC 2408 §4.8).
	if hs_wait child_down net 6 && ss_wait_count "$SSD" child 0 5; then
		ok "(d) delete from our side (hard lifetime): child_down here, charon lists no CHILD SA"
		check "(d) ... charon received a delete for our SPI" \
			grep -Eq "received DELETE for ESP CHILD_SA with SPI ($(jget "$UP" 'r["spi_in"] + "|" + r["spi_out"]'))" "$SSD/charon.log"
	else
		notok "(d) delete from our side (hard lifetime): child_down here, charon lists no CHILD SA"
		ss_sas "$SSD" | sed 's/^/# /'
		diag
	fi
	# SIGTERM: ikev1_destroy() deletes what is left (the ISAKMP SA) on the way out.
	hs_stop
	check "(a) ike_sock exits 0 on SIGTERM (under ASAN: no leak)" test "$HS_RC" -eq 0
	if ss_wait_count "$SSD" ike 0 5; then ok "(d) SIGTERM: our shutdown deletes the ISAKMP SA, charon lists no IKE SA"; else
		notok "(d) SIGTERM: our shutdown deletes the ISAKMP SA, charon lists no IKE SA"
		ss_sas "$SSD" | sed 's/^/# /'
		diag
	fi
else
	notok "(a) ike_sock loads its configuration and binds 500 and 4500"
	diag
fi
hs_stop

# ---- (b) we initiate (start_action: start); charon answers ----
CASE="ike_sock initiates (start_action: start), aes128-sha256-modp2048 / esp aes128-sha256"
ss_conn "$TMP/b.conf" aes128-sha256-modp2048 aes128-sha256 "$PSK"
us_conn "$TMP/b.yaml" aes128-sha256-modp2048 aes128-sha256 "$PSK" start
ss_load "$SSD" "$TMP/b.conf" || notok "(b) charon loads its configuration"
if hs_start b "$TMP/b.yaml" --start && hs_wait child_up net 15; then
	ok "(b) $CASE: child_up"
	UP=$(hs_event child_up net)
	check "(b) charon lists the CHILD SA with ike_sock's SPIs, mirrored" mirrored "$UP"
	check "(b) charon lists one IKE SA" ss_wait_count "$SSD" ike 1 3
	check "(b) proposal, mode, encapsulation and selectors as configured" \
		the_child "$UP" aes128-sha256 203.0.113.0/24 198.51.100.0/24
	# (d, theirs) swanctl --terminate: charon's deletes take our SAs down.
	ss_terminate "$SSD" ike gw >/dev/null 2>&1
	if hs_wait child_down net 5; then
		ok "(d) delete from charon's side (swanctl --terminate): ike_sock reports child_down"
		DOWN=$(hs_event child_down net)
		check "(d) ... for the same SPIs" test "$(jget "$DOWN" '(r["spi_in"], r["spi_out"])')" = \
			"$(jget "$UP" '(r["spi_in"], r["spi_out"])')"
	else
		notok "(d) delete from charon's side (swanctl --terminate): ike_sock reports child_down"
		diag
	fi
else
	notok "(b) $CASE: child_up"
	diag
fi
hs_stop
check "(b) ike_sock exits 0" test "$HS_RC" -eq 0
clean_slate

# ---- (c) aes256-sha384-ecp384 with esp aes128gcm16; PFS modp2048 the other way ----
CASE="charon initiates aes256-sha384-ecp384 / esp aes128gcm16"
ss_conn "$TMP/c1.conf" aes256-sha384-ecp384 aes128gcm16 "$PSK"
us_conn "$TMP/c1.yaml" aes256-sha384-ecp384 aes128gcm16 "$PSK" none
ss_load "$SSD" "$TMP/c1.conf" || notok "(c) charon loads its configuration"
if hs_start c1 "$TMP/c1.yaml" && ss_initiate "$SSD" net gw 20 >"$TMP/c1.init" 2>&1 &&
	hs_wait child_up net 5; then
	ok "(c) $CASE"
	UP=$(hs_event child_up net)
	check "(c) SPIs mirrored" mirrored "$UP"
	check "(c) charon's IKE SA is AES_CBC-256 / HMAC_SHA2_384_192 / ECP_384" test \
		"$(ss_sas "$SSD" | $PY -c 'import json,sys; i=json.load(sys.stdin)[0]; print(i["encr-alg"], i["encr-keysize"], i["integ-alg"], i["dh-group"])')" = \
		"AES_CBC 256 HMAC_SHA2_384_192 ECP_384"
	check "(c) ike_sock reports aes128gcm16" the_child "$UP" aes128gcm16 203.0.113.0/24 198.51.100.0/24
	# A crash (SIGKILL) sends no delete: charon keeps its SAs until our
	# next main mode's INITIAL-CONTACT (RFC 2407 §4.6.3.3) replaces them.
	hs_kill
	check "(c) after our crash charon still lists its SAs" one_sa
else
	notok "(c) $CASE"
	tail -n 5 "$TMP/c1.init" 2>/dev/null | sed 's/^/# /'
	diag
fi
hs_stop

CASE="ike_sock initiates aes256-sha384-ecp384 / esp aes128gcm16 with PFS modp2048"
ss_conn "$TMP/c2.conf" aes256-sha384-ecp384 aes128gcm16-modp2048 "$PSK"
us_conn "$TMP/c2.yaml" aes256-sha384-ecp384 aes128gcm16-modp2048 "$PSK" start
ss_load "$SSD" "$TMP/c2.conf" || notok "(c) charon loads its configuration (PFS)"
if hs_start c2 "$TMP/c2.yaml" --start && hs_wait child_up net 15; then
	ok "(c) $CASE"
	UP=$(hs_event child_up net)
	check "(c) PFS: SPIs mirrored" mirrored "$UP"
	check "(c) INITIAL-CONTACT: charon replaced the SAs left over from our crash, one of each is left" \
		one_sa
	check "(c) ... as charon's log says" grep -q "destroying duplicate IKE_SA for peer '192.0.2.2', received INITIAL_CONTACT" "$SSD/charon.log"
	check "(c) PFS: charon's CHILD SA used MODP_2048" test \
		"$(ss_sas "$SSD" | $PY -c 'import json,sys; c=json.load(sys.stdin)[0]["children"][0]; print(c["encr-alg"], c.get("dh-group"))')" = \
		"AES_GCM_16 MODP_2048"
else
	notok "(c) $CASE"
	diag
fi
clean_slate

# ---- (e) wrong PSK: no SA on either side ----
ss_conn "$TMP/e.conf" aes128-sha256-modp2048 aes128-sha256 "not-the-$PSK"
us_conn "$TMP/e.yaml" aes128-sha256-modp2048 aes128-sha256 "$PSK" none
ss_load "$SSD" "$TMP/e.conf" || notok "(e) charon loads its configuration (wrong PSK)"
if hs_start e "$TMP/e.yaml"; then
	if ss_initiate "$SSD" net gw 15 >"$TMP/e.init" 2>&1; then
		notok "(e) wrong PSK: charon's initiate fails"
		diag
	else
		ok "(e) wrong PSK: charon's initiate fails"
	fi
	sleep 1
	check "(e) wrong PSK: ike_sock reports no child_up" test -z "$(hs_event child_up net)"
	check "(e) wrong PSK: charon keeps no SA" ss_wait_count "$SSD" ike 0 10
	hs_stop
	check "(e) ike_sock exits 0" test "$HS_RC" -eq 0
	check "(e) the engine counted the authentication failure" test \
		"$(jget "$(grep '"event":"stats"' "$HS_OUT")" 'r["p1_failed"] >= 1 and r["dropped"].get("auth", 0) >= 1 and r["p1_done"] == 0')" = True
else
	notok "(e) ike_sock starts"
	diag
fi
clean_slate

# ---- (f) IPv6 outer addresses, charon initiates ----
CASE="IPv6: charon initiates over 2001:db8:0:2::1 <-> ::2"
ss_conn "$TMP/f.conf" aes128-sha256-modp2048 aes128gcm16 "$PSK" 2001:db8:0:2::1 2001:db8:0:2::2 \
	2001:db8:51::/64 2001:db8:113::/64
us_conn "$TMP/f.yaml" aes128-sha256-modp2048 aes128gcm16 "$PSK" none 2001:db8:0:2::2 2001:db8:0:2::1 \
	2001:db8:113::/64 2001:db8:51::/64
ss_load "$SSD" "$TMP/f.conf" || notok "(f) charon loads its configuration (IPv6)"
if hs_start f "$TMP/f.yaml" && ss_initiate "$SSD" net gw 20 >"$TMP/f.init" 2>&1 &&
	hs_wait child_up net 5; then
	ok "(f) $CASE"
	UP=$(hs_event child_up net)
	check "(f) IPv6: SPIs mirrored" mirrored "$UP"
	check "(f) IPv6: addresses and selectors" test \
		"$(jget "$UP" '(r["local"], r["remote"], r["local_ts"], r["remote_ts"])')" = \
		"('2001:db8:0:2::2', '2001:db8:0:2::1', ['2001:db8:113::/64'], ['2001:db8:51::/64'])"
else
	notok "(f) $CASE"
	tail -n 5 "$TMP/f.init" 2>/dev/null | sed 's/^/# /'
	diag
fi
clean_slate

# ---- (g..k) certificates (auth pubkey, RFC 2409 §5.1): RSA and ECDSA, both ways ----
# A PKI made here with strongSwan's pki: a CA per key type, charon's
# certificate (CN=charon.example.org) and ours (CN=gw.example.org), and an
# "other" CA of the same name that issues charon a certificate we do not
# trust.  Identities are the certificates' subjects (strongSwan's default
# with certificates); each side names the other's DN as its remote id.
PKI=$TMP/pki
mkdir -p "$PKI"
DN_SS="C=CH, O=fastipsec test, CN=charon.example.org"
DN_US="C=CH, O=fastipsec test, CN=gw.example.org"

# mk_pki TYPE SIZE: TYPE-ca, TYPE-ss (charon) and TYPE-us (ours), TYPE-bad (charon's from
# TYPE-other, with a key of its own), .pem and .key.
mk_pki() {
	local t=$1 n=$2 ca
	(
		cd "$PKI" || exit 1
		for ca in "$t-ca" "$t-other"; do
			pki --gen --type "$t" --size "$n" --outform pem >"$ca.key" &&
				pki --self --ca --lifetime 3650 --in "$ca.key" --type "$t" \
					--dn "C=CH, O=fastipsec test, CN=fastipsec test CA" --outform pem >"$ca.pem" || exit 1
		done
		pki --gen --type "$t" --size "$n" --outform pem >"$t-ss.key" &&
			pki --issue --cacert "$t-ca.pem" --cakey "$t-ca.key" --type priv --in "$t-ss.key" \
				--dn "$DN_SS" --san charon.example.org --san 192.0.2.1 --lifetime 30 \
				--outform pem >"$t-ss.pem" &&
			pki --gen --type "$t" --size "$n" --outform pem >"$t-bad.key" &&
			pki --issue --cacert "$t-other.pem" --cakey "$t-other.key" --type priv \
				--in "$t-bad.key" --dn "$DN_SS" --san charon.example.org --lifetime 30 \
				--outform pem >"$t-bad.pem" &&
			pki --gen --type "$t" --size "$n" --outform pem >"$t-us.key" &&
			pki --issue --cacert "$t-ca.pem" --cakey "$t-ca.key" --type priv --in "$t-us.key" \
				--dn "$DN_US" --san gw.example.org --san 192.0.2.2 --lifetime 30 \
				--outform pem >"$t-us.pem"
	) 2>"$PKI/pki.err"
}

# ss_conn_cert FILE TYPE [CERT]: charon's connection "gw" with certificates of TYPE (rsa,
# ecdsa).  swanctl --file takes credentials from the file's directory: the
# private key goes into its private/ (certificates are named by absolute path).
ss_conn_cert() {
	local f=$1 t=$2 cert=${3:-$2-ss}
	mkdir -p "$(dirname "$f")/private"
	cp "$PKI/$cert.key" "$(dirname "$f")/private/"
	cat >"$f" <<EOC
connections {
	gw {
		version = 1
		aggressive = no
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = aes128-sha256-ecp256
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = pubkey
			certs = $PKI/$cert.pem
		}
		remote {
			auth = pubkey
			cacerts = $PKI/$t-ca.pem
			id = "$DN_US"
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
EOC
}

# us_conn_cert FILE TYPE START_ACTION: ours.
us_conn_cert() {
	local f=$1 t=$2 start=$3
	cat >"$f" <<EOC
instance: fiss$ID
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
ike:
  retransmit_timeout: 1s
  retransmit_tries: 2
  retransmit_base: 1.4
connections:
  gw:
    version: 1
    local_addrs: [192.0.2.2]
    remote_addrs: [192.0.2.1]
    proposals: [aes128-sha256-ecp256]
    local: {auth: pubkey, certs: ["$PKI/$t-us.pem"], key: "$PKI/$t-us.key"}
    remote: {auth: pubkey, cacerts: ["$PKI/$t-ca.pem"], id: "$DN_SS"}
    dpd_delay: 0
    children:
      net:
        mode: tunnel
        local_ts: [203.0.113.0/24]
        remote_ts: [198.51.100.0/24]
        esp_proposals: [aes128gcm16]
        start_action: $start
EOC
}

# cert_case TAG TYPE WHO SCHEME: one negotiation with certificates, WHO (charon, us) initiating.
cert_case() {
	local tag=$1 t=$2 who=$3 scheme=$4 start=none args=() case
	case="($tag) $t certificates, $who initiates"
	[ "$who" = us ] && start=start && args=(--start)
	ss_conn_cert "$TMP/$tag/swanctl.conf" "$t"
	us_conn_cert "$TMP/$tag.yaml" "$t" "$start"
	if ! ss_load "$SSD" "$TMP/$tag/swanctl.conf"; then
		notok "$case: charon loads its certificate configuration"
		return
	fi
	if hs_start "$tag" "$TMP/$tag.yaml" "${args[@]}" &&
		{ [ "$who" = us ] || ss_initiate "$SSD" net gw 20 >"$TMP/$tag.init" 2>&1; } &&
		hs_wait child_up net 15; then
		ok "$case: child_up"
		UP=$(hs_event child_up net)
		check "($tag) SPIs mirrored" mirrored "$UP"
		check "($tag) charon verified our signature ($scheme) for our DN" \
			grep -q "authentication of '$DN_US' with $scheme successful" "$SSD/charon.log"
		check "($tag) the engine names charon by its certificate's DN" \
			grep -q "peer C=CH, O=fastipsec test, CN=charon.example.org authenticated with certificate" "$HS_ERR"
		check "($tag) Phase-1 done with auth=pubkey" grep -q "Phase-1 .* done .*auth=pubkey" "$HS_ERR"
	else
		notok "$case: child_up"
		tail -n 5 "$TMP/$tag.init" 2>/dev/null | sed 's/^/# /'
		diag
	fi
	clean_slate
	check "($tag) ike_sock exits 0 (under ASAN: no leak)" test "$HS_RC" -eq 0
}

if ! command -v pki >/dev/null 2>&1; then
	ok "# SKIP certificate cases: pki (strongswan-pki) not installed"
elif ! mk_pki rsa 2048 || ! mk_pki ecdsa 256; then
	notok "the test PKI is made with pki"
	sed 's/^/# /' "$PKI/pki.err"
else
	echo "# certificate sizes (DER): rsa $(openssl x509 -in "$PKI/rsa-us.pem" -outform der | wc -c), ecdsa $(openssl x509 -in "$PKI/ecdsa-us.pem" -outform der | wc -c) bytes"
	cert_case g rsa charon RSA_EMSA_PKCS1_NULL
	cert_case h rsa us RSA_EMSA_PKCS1_NULL
	cert_case i ecdsa charon ECDSA_WITH_NULL
	cert_case j ecdsa us ECDSA_WITH_NULL

	# (k) charon's certificate from a CA we do not trust: no SA on either side.
	ss_conn_cert "$TMP/k/swanctl.conf" rsa rsa-bad
	us_conn_cert "$TMP/k.yaml" rsa none
	ss_load "$SSD" "$TMP/k/swanctl.conf" || notok "(k) charon loads its configuration (unknown CA)"
	if hs_start k "$TMP/k.yaml"; then
		if ss_initiate "$SSD" net gw 15 >"$TMP/k.init" 2>&1; then
			notok "(k) unknown CA: charon's initiate fails"
			diag
		else
			ok "(k) unknown CA: charon's initiate fails"
		fi
		check "(k) unknown CA: ike_sock reports no child_up" test -z "$(hs_event child_up net)"
		check "(k) unknown CA: charon keeps no SA" ss_wait_count "$SSD" ike 0 10
		check "(k) the engine logs why" grep -q "refused: unknown CA" "$HS_ERR"
		check "(k) charon was told: INVALID_CERTIFICATE" grep -q "received INVALID_CERTIFICATE error notify" "$SSD/charon.log"
		hs_stop
		check "(k) ike_sock exits 0" test "$HS_RC" -eq 0
		check "(k) the engine counted the authentication failure" test \
			"$(jget "$(grep '"event":"stats"' "$HS_OUT")" 'r["p1_failed"] >= 1 and r["dropped"].get("auth", 0) >= 1 and r["p1_done"] == 0')" = True
	else
		notok "(k) ike_sock starts"
		diag
	fi
	clean_slate
fi

ss_stop "$SSD"
finish
