#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The IKEv2 codec against a real strongSwan: charon (responder) in one
# network namespace at 192.0.2.1, tests/tools/ikev2_frag_peer in another at
# 192.0.2.2.  The tool builds IKE_SA_INIT with our codec, then sends
# IKE_AUTH (PSK) as RFC 7383 Encrypted Fragments made by
# ikev2_crypt_protect_frags(); charon must reassemble and accept them, and
# its answer, which charon fragments too (fragment_size 200), must verify,
# reassemble and parse on our side.  For AES-CBC + HMAC-SHA-256 and for
# AES-GCM-16.  KEEP_TMP=1 keeps charon's log.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"

TOOL=$BUILD/tests/tools/ikev2_frag_peer
[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_codec_strongswan: needs root for network namespaces"
ss_available || skip_all "test_ikev2_codec_strongswan: $SS_WHY"
[ -x "$TOOL" ] || skip_all "test_ikev2_codec_strongswan: $TOOL not built"

ID=$$
SSNS=fiv2c-ss-$ID
USNS=fiv2c-us-$ID
TMP=$(mktemp -d)
SSD=$TMP/charon
PSK=fastipsec-v2codec-psk-0123456789

cleanup() {
	ss_stop "$SSD"
	lab_del "$SSNS" "$USNS"
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

lab_ns "$SSNS"
lab_ns "$USNS"
lab_veth "$SSNS" ss$ID "$USNS" us$ID
ip -n "$SSNS" addr add 192.0.2.1/24 dev ss$ID
ip -n "$USNS" addr add 192.0.2.2/24 dev us$ID
ss_ts_address "$SSNS" 203.0.113.1/32

mkdir -p "$SSD"
SS_EXTRA_CHARON="	fragment_size = 200" ss_conf "$SSD"
if ! ss_start "$SSD" "$SSNS"; then
	notok "charon starts in its namespace"
	sed 's/^/# /' "$SSD/charon.out"
	exit 1
fi
cat >"$SSD/swanctl.conf" <<EOC
connections {
	cbc {
		version = 2
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		fragmentation = yes
		proposals = aes256-sha256-prfsha256-ecp256
		local { auth = psk
			id = 192.0.2.1 }
		remote { auth = psk
			id = 192.0.2.2 }
		children { cbc { local_ts = 203.0.113.1/32
			remote_ts = 198.51.100.1/32
			esp_proposals = aes128-sha256,aes128gcm16 } }
	}
}
secrets {
	ike-1 { id-1 = 192.0.2.1
		id-2 = 192.0.2.2
		secret = "$PSK" }
}
EOC
# gcm: the same identities; charon picks the connection by the proposal.
sed -e 's/proposals = aes256-sha256-prfsha256-ecp256/proposals = aes256-sha256-prfsha256-ecp256,aes128gcm16-prfsha256-ecp256/' \
	-i "$SSD/swanctl.conf"
if ! ss_load "$SSD" "$SSD/swanctl.conf"; then
	notok "charon loads the connection"
	exit 1
fi

for alg in cbc gcm; do
	out=$(ip netns exec "$USNS" timeout 20 "$TOOL" 192.0.2.2 192.0.2.1 "$PSK" "$alg" 120 2>&1)
	echo "# $alg: $out"
	case $out in
	"ok frags_sent="*)
		ok "($alg) charon accepts our fragmented IKE_AUTH and its AUTH verifies"
		;;
	*)
		notok "($alg) charon accepts our fragmented IKE_AUTH and its AUTH verifies"
		ss_log_tail "$SSD" 40
		;;
	esac
	sent=$(sed -n 's/.*frags_sent=\([0-9]*\).*/\1/p' <<<"$out")
	got=$(sed -n 's/.*frags_got=\([0-9]*\).*/\1/p' <<<"$out")
	check "($alg) our IKE_AUTH went as several fragments (${sent:-0})" test "${sent:-0}" -ge 2
	check "($alg) charon's answer came as fragments we reassembled (${got:-0})" test "${got:-0}" -ge 2
done
check "charon reassembled our fragments" grep -q "reassembled fragmented IKE message" "$SSD/charon.log"
check "charon established both IKE SAs" ss_wait_count "$SSD" ike 2 5
finish
