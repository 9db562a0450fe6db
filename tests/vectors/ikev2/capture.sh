#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/vectors/ikev2/capture.sh: regenerate the strongSwan IKEv2 vectors
# (README.md).  Two charons in two network namespaces made here, on a veth
# pair with documentation addresses, negotiate IKEv2 with a PSK; charon's
# filelog at ike/enc/net level 4 holds the raw datagrams, the SK_* keys and
# the decrypted payloads, which capture_extract.py turns into
# strongswan_ikev2.h.  Usage (root): capture.sh OUTDIR
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../integration/strongswan.sh
. "$TOP/tests/integration/strongswan.sh"
out=${1:?usage: capture.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ss_available || { echo "strongSwan unavailable: $SS_WHY" >&2; exit 1; }
ns1=v2cap-i.$$
ns2=v2cap-r.$$
work=$(mktemp -d "${TMPDIR:-/tmp}/v2cap.XXXXXX")
cleanup() {
	ss_stop "$work/i" || true
	ss_stop "$work/r" || true
	ip netns del "$ns1" 2>/dev/null || true
	ip netns del "$ns2" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
ip netns add "$ns1"
ip netns add "$ns2"
ip -n "$ns1" link add v2ci type veth peer name v2cr netns "$ns2"
ip -n "$ns1" addr add 192.0.2.1/24 dev v2ci
ip -n "$ns2" addr add 192.0.2.2/24 dev v2cr
for n in "$ns1" "$ns2"; do
	ip -n "$n" link set lo up
done
ip -n "$ns1" link set v2ci up
ip -n "$ns2" link set v2cr up

export SS_LOGLEVEL=1 SS_IKE_LOGLEVEL=4 SS_ENC_LOGLEVEL=4
mkdir -p "$work/i" "$work/r"
ss_conf "$work/i"
ss_conf "$work/r"
ss_ts_address "$ns1" 198.51.100.1/32
ss_ts_address "$ns2" 203.0.113.1/32

# One connection per encryption algorithm: CBC+HMAC and GCM.
conf() { # $1 local $2 remote $3 local ts $4 remote ts
	cat <<EOC
connections {
	cbc {
		version = 2
		local_addrs = $1
		remote_addrs = $2
		proposals = aes256-sha256-prfsha256-ecp256
		local { auth = psk
			id = $1 }
		remote { auth = psk
			id = $2 }
		children { cbc { local_ts = $3
			remote_ts = $4
			esp_proposals = aes128-sha256 } }
	}
	gcm {
		version = 2
		local_addrs = $1
		remote_addrs = $2
		proposals = aes128gcm16-prfsha384-ecp256
		local { auth = psk
			id = gcm-$1 }
		remote { auth = psk
			id = gcm-$2 }
		children { gcm { local_ts = $3
			remote_ts = $4
			esp_proposals = aes128gcm16 } }
	}
}
secrets {
	ike-1 { id-1 = 192.0.2.1
		id-2 = 192.0.2.2
		id-3 = gcm-192.0.2.1
		id-4 = gcm-192.0.2.2
		secret = "fastipsec-vector-psk" }
}
EOC
}
conf 192.0.2.1 192.0.2.2 198.51.100.1/32 203.0.113.1/32 >"$work/i/swanctl.conf"
conf 192.0.2.2 192.0.2.1 203.0.113.1/32 198.51.100.1/32 >"$work/r/swanctl.conf"
ss_start "$work/i" "$ns1"
ss_start "$work/r" "$ns2"
ss_load "$work/i" "$work/i/swanctl.conf"
ss_load "$work/r" "$work/r/swanctl.conf"
ss_initiate "$work/i" cbc cbc 20 >/dev/null
ss_initiate "$work/i" gcm gcm 20 >/dev/null
sleep 1
cp "$work/i/charon.log" "$out/initiator.log"
cp "$work/r/charon.log" "$out/responder.log"

# Second round: RFC 7383 fragments.  Both charons again, with a fragment
# size so small that every IKE_AUTH message travels as SKF fragments.
ss_stop "$work/i"
ss_stop "$work/r"
export SS_EXTRA_CHARON="	fragment_size = 200"
ss_conf "$work/i"
ss_conf "$work/r"
ss_start "$work/i" "$ns1"
ss_start "$work/r" "$ns2"
ss_load "$work/i" "$work/i/swanctl.conf"
ss_load "$work/r" "$work/r/swanctl.conf"
ss_initiate "$work/i" cbc cbc 20 >/dev/null
sleep 1
cp "$work/i/charon.log" "$out/initiator-frag.log"
cp "$work/r/charon.log" "$out/responder-frag.log"
echo "logs in $out"
