#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ESP against scapy's independent implementation: scapy decrypts what
# esp_outbound_burst() made, fastipsec's esp_inbound_burst() decrypts what
# scapy made, through hex files (esp_xcheck <-> esp_scapy.py).  GCM, CBC and
# CTR with HMAC-SHA1/256/512, ChaCha20-Poly1305, NULL; tunnel (4in4, 6in6,
# 4in6, 6in4) and transport (v4, v6, and v6 behind hop-by-hop, destination
# options and routing headers: ESP where scapy puts it); NAT-T on and off;
# ESN with the AEADs.
# No namespaces, no NIC.
set -u
. "$(dirname "$0")/common.sh"

XC=$BUILD/tests/unit/fastpath/esp_xcheck
[ -x "$XC" ] || skip_all "test_esp_scapy: $XC not built"
$PY -c 'import scapy.layers.ipsec, cryptography' 2>/dev/null ||
	skip_all "test_esp_scapy: $PY has no scapy (python3-scapy) or cryptography"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if "$XC" gen >"$TMP/ours.txt" 2>"$TMP/gen.err"; then
	ok "esp_xcheck gen: $(wc -l <"$TMP/ours.txt") packets from esp_outbound_burst"
else
	notok "esp_xcheck gen: $(tail -n 1 "$TMP/gen.err")"
	finish
	exit
fi
# scapy's verdicts on ours, then fastipsec's on scapy's; each prints ok / not ok lines.
$PY "$TOP/tests/integration/esp_scapy.py" "$TMP/ours.txt" "$TMP/theirs.txt" >"$TMP/py.out" 2>&1
cat "$TMP/py.out"
FAILS=$((FAILS + $(grep -c '^not ok' "$TMP/py.out")))
if [ ! -s "$TMP/theirs.txt" ]; then
	notok "esp_scapy.py made no packets: $(tail -n 1 "$TMP/py.out")"
	finish
	exit
fi
"$XC" check "$TMP/theirs.txt" >"$TMP/c.out" 2>&1
cat "$TMP/c.out"
FAILS=$((FAILS + $(grep -c '^not ok' "$TMP/c.out")))
n=$(grep -c '^ok' "$TMP/c.out")
[ "$n" -eq "$(wc -l <"$TMP/theirs.txt")" ] || notok "fastipsec decrypted $n of $(wc -l <"$TMP/theirs.txt") scapy packets"
finish
