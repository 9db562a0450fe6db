#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# AH against scapy's independent implementation: scapy verifies what
# ah_outbound_burst() made (as sent, and after a router changed the mutable
# fields), fastipsec's ah_inbound_burst() verifies what scapy made (after the
# same router), through hex files (ah_xcheck <-> ah_scapy.py).  HMAC-SHA1-96,
# SHA-256/384/512 through scapy; AES-128-GMAC through python3-cryptography
# (scapy 2.5 has no GMAC for AH); tunnel (4in4, 6in6, 4in6, 6in4) and
# transport (v4, v6, and v4 with options: Record Route changed on the way,
# Router Alert covered; v6 behind hop-by-hop, destination options and
# routing headers with options that may change en route, changed on the
# way in the hop-by-hop header); ESN off and on.  No namespaces, no NIC.
set -u
. "$(dirname "$0")/common.sh"

XC=$BUILD/tests/unit/fastpath/ah_xcheck
[ -x "$XC" ] || skip_all "test_ah_scapy: $XC not built"
$PY -c 'import scapy.layers.ipsec, cryptography' 2>/dev/null ||
	skip_all "test_ah_scapy: $PY has no scapy (python3-scapy) or cryptography"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if "$XC" gen >"$TMP/ours.txt" 2>"$TMP/gen.err"; then
	ok "ah_xcheck gen: $(wc -l <"$TMP/ours.txt") packets from ah_outbound_burst"
else
	notok "ah_xcheck gen: $(tail -n 1 "$TMP/gen.err")"
	finish
	exit
fi
# scapy's verdicts on ours, then fastipsec's on scapy's; each prints ok / not ok lines.
$PY "$TOP/tests/integration/ah_scapy.py" "$TMP/ours.txt" "$TMP/theirs.txt" >"$TMP/py.out" 2>&1
cat "$TMP/py.out"
FAILS=$((FAILS + $(grep -c '^not ok' "$TMP/py.out")))
if [ ! -s "$TMP/theirs.txt" ]; then
	notok "ah_scapy.py made no packets: $(tail -n 1 "$TMP/py.out")"
	finish
	exit
fi
"$XC" check "$TMP/theirs.txt" >"$TMP/c.out" 2>&1
cat "$TMP/c.out"
FAILS=$((FAILS + $(grep -c '^not ok' "$TMP/c.out")))
n=$(grep -c '^ok' "$TMP/c.out")
[ "$n" -eq "$(wc -l <"$TMP/theirs.txt")" ] || notok "fastipsec verified $n of $(wc -l <"$TMP/theirs.txt") scapy packets"
finish
