#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The IKE SA setup benchmark, short (issue 5): scripts/bench-ike.sh --quick
# sets up 500 IKE SAs with their Child SAs (window 32) from the load
# generator (tests/tools/ike_loadgen, the project's IKEv2 initiator) against
# the gateway, then against charon, while a tunnel through the gateway
# carries a numbered UDP stream.  Checked: every attempted SA established
# on both responders, each Child SA narrowed to its initiator's /32, the
# gateway holding them all (/fastipsec/ike/list total and its established
# IKE SAs: the stream's tunnel and the 500), every pair installed into the
# workers (child_up) and none refused, the stream's loss at most 1 % each
# way, a rate for both and the gateway stopping cleanly.  The numbers are
# printed as "# ..." lines.  BENCH_IKE_COUNT (default 500) and
# BENCH_IKE_WINDOW (default 32) are knobs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ike_bench: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ike_bench: $BUILD/fastipsec not built"
[ -x "$BUILD/tests/tools/ike_loadgen" ] || skip_all "test_ike_bench: $BUILD/tests/tools/ike_loadgen not built"
ss_available || skip_all "test_ike_bench: $SS_WHY"

N=${BENCH_IKE_COUNT:-500}
W=${BENCH_IKE_WINDOW:-32}
RES=$(mktemp)
trap 'rm -f "$RES"' EXIT
FASTIPSEC_BUILD=$BUILD BENCH_IKE_RESULT=$RES timeout 300 bash "$TOP/scripts/bench-ike.sh" \
	--quick --count "$N" --window "$W"
RC=$?
check "scripts/bench-ike.sh --quick runs to the end (exit $RC)" test "$RC" = 0

r() { # KEY: a number of the result file (empty when missing)
	sed -n "s/^$1=//p" "$RES"
}
pos() { # VALUE...: each a number above 0
	$PY -c 'import sys; sys.exit(0 if all(float(a or 0) > 0 for a in sys.argv[1:]) else 1)' "$@" 2>/dev/null
}
check "fastipsec: all $N IKE SAs established, none failed ($(r fastipsec_established), $(r fastipsec_failed) failed)" \
	test "$(r fastipsec_established)" = "$N" -a "$(r fastipsec_failed)" = 0
check "charon: all $N IKE SAs established, none failed ($(r charon_established), $(r charon_failed) failed)" \
	test "$(r charon_established)" = "$N" -a "$(r charon_failed)" = 0
check "both responders narrowed each Child SA to the initiator's /32 ($(r fastipsec_narrowed), $(r charon_narrowed))" \
	test "$(r fastipsec_narrowed)" = "$N" -a "$(r charon_narrowed)" = "$N"
check "the gateway holds them: /fastipsec/ike/list total $(r gw_ike_total), established $(r gw_ike_established) (the stream's tunnel and $N)" \
	test "$(r gw_ike_total)" = $((N + 1)) -a "$(r gw_ike_established)" = $((N + 1))
check "charon holds them ($(r charon_ike_sas) IKE SAs)" test "$(r charon_ike_sas)" = "$N"
check "the gateway installed $N pairs into the workers, none refused (child_up +$(r gw_child_up), failed $(r gw_child_up_failed))" \
	test "$(r gw_child_up)" = "$N" -a "$(r gw_child_up_failed)" = 0
check "a setup rate for both and the ratio ($(r fastipsec_rate), $(r charon_rate), $(r ratio))" \
	pos "$(r fastipsec_rate)" "$(r charon_rate)" "$(r ratio)"
check "an install rate and the installer's capacity ($(r install_rate), $(r install_capacity) pairs/s)" \
	pos "$(r install_capacity)"
SI=$(r stream_sent_in)
SO=$(r stream_sent_out)
LI=$(r stream_lost_in)
LO=$(r stream_lost_out)
check "the stream ran through the whole setup ($(r stream_covered))" test "$(r stream_covered)" = yes
check "the stream inside -> peer lost at most 1 % ($LI of $SI)" \
	test "${SI:-0}" -gt 0 -a $((${LI:-1} * 100)) -le $((${SI:-0}))
check "the stream peer -> inside lost at most 1 % ($LO of $SO)" \
	test "${SO:-0}" -gt 0 -a $((${LO:-1} * 100)) -le $((${SO:-0}))
check "the gateway stopped with exit 0" test "$(r gw_rc)" = 0
finish
