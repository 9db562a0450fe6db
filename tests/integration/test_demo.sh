#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command: scripts/demo.sh (without its setup and build:
# the test command did both), and then scripts/demo.sh --ikev2, must negotiate the tunnel with
# strongSwan, get pings through it and through the bypass policy, pass
# scapy's ESP through the static-SA tunnel, print the seed's
# normal-operation sequence and the SA table, and stop cleanly.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_demo: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_demo: $BUILD/fastipsec not built"
ss_available || skip_all "test_demo: $SS_WHY"
for ns in fip-demo-gw fip-demo-out fip-demo-in; do
	ip netns list | grep -qw "$ns" && skip_all "test_demo: namespace $ns exists (a demo is running)"
done

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
DEMO_NO_SETUP=1 FASTIPSEC_BUILD=$BUILD timeout 180 "$TOP/scripts/demo.sh" >"$OUT" 2>&1
RC=$?
check "scripts/demo.sh exits 0 (rc=$RC)" test "$RC" = 0
[ "$RC" = 0 ] || tail -n 30 "$OUT" | sed 's/^/# /'
grep -o 'established in [0-9]* ms.*' "$OUT" | sed 's/^/# /'
grep -o 'first IKE record to tunnel up: .*' "$OUT" | sed 's/^/# /'
# The pings: tunnel both ways, the gateway from both sides (4), bypass: 7 runs of 3.
check "every ping of the demo is answered (7 x 3 replies)" \
	test "$(grep -c '3 packets transmitted, 3 received' "$OUT")" = 7
check "scapy's ESP through the static-SA tunnel decrypts both ways" grep -q '"match": true' "$OUT"
check "the log shows the seed's normal-operation sequence, in order" $PY - "$OUT" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
want = ["SA traffic selectors local:", "IKE SA proposal", "Starting IKE main mode initiator negotiation",
        "IKE Phase-1 initiator done", "IKE Phase-2 initiator done"]
start = next(i for i, l in enumerate(lines) if l.startswith("== the IKE negotiation in the log"))
pos = start
for w in want:
    pos = next((i for i in range(pos, len(lines)) if w in lines[i]), None)
    if pos is None:
        print("# missing: " + w)
        sys.exit(1)
PY
check "the SA table shows the IKE SA and the IKE-made SAs" \
	bash -c "grep -q '\"state\": \"established\"' '$OUT' && grep -q '\"name\": \"branch/net\"' '$OUT'"
check "charon lists the tunnel as installed" grep -q 'INSTALLED, TUNNEL' "$OUT"
check "the gateway exits 0" grep -q 'fastipsec exited with 0' "$OUT"
check "nothing of the demo is left behind" \
	bash -c '! ip netns list | grep -qE "fip-demo-(gw|out|in)" && [ ! -e /var/run/dpdk/demo ]'

# scripts/demo.sh --ikev2: the same demo over IKEv2.
DEMO_NO_SETUP=1 FASTIPSEC_BUILD=$BUILD timeout 180 "$TOP/scripts/demo.sh" --ikev2 >"$OUT" 2>&1
RC=$?
check "scripts/demo.sh --ikev2 exits 0 (rc=$RC)" test "$RC" = 0
[ "$RC" = 0 ] || tail -n 30 "$OUT" | sed 's/^/# /'
grep -o 'established in [0-9]* ms.*' "$OUT" | sed 's/^/# (ikev2) /'
check "--ikev2: every ping of the demo is answered (7 x 3 replies)" \
	test "$(grep -c '3 packets transmitted, 3 received' "$OUT")" = 7
check "--ikev2: the log shows the IKEv2 sequence, in order" $PY - "$OUT" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
want = ["SA traffic selectors local:", "IKE SA proposal", "Starting IKEv2 initiator negotiation",
        "IKE Phase-1 initiator done", "IKE Phase-2 initiator done"]
start = next(i for i, l in enumerate(lines) if l.startswith("== the IKE negotiation in the log"))
pos = start
for w in want:
    pos = next((i for i in range(pos, len(lines)) if w in lines[i]), None)
    if pos is None:
        print("# missing: " + w)
        sys.exit(1)
PY
check "--ikev2: charon's SA is IKEv2 and its child installed" \
	bash -c "grep -q 'IKEv2' '$OUT' && grep -q 'INSTALLED, TUNNEL' '$OUT'"
check "--ikev2: the gateway exits 0 and its delete leaves charon no IKE SA" \
	bash -c "grep -q 'fastipsec exited with 0' '$OUT' && grep -q \"charon's IKE SAs after the gateway's stop: 0\" '$OUT'"
check "--ikev2: nothing of the demo is left behind" \
	bash -c '! ip netns list | grep -qE "fip-demo-(gw|out|in)" && [ ! -e /var/run/dpdk/demo ]'
finish
