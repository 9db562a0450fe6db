#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Shared by the integration tests: TAP-style checks and the gateway's lifecycle.
# Each check prints "ok - what" or "not ok - what"; scripts/test.sh counts them.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${FASTIPSEC_BUILD:-$TOP/build}
# shellcheck source=../../scripts/lab.sh
. "$TOP/scripts/lab.sh"
PY=/usr/bin/python3
FAILS=0

ok() { echo "ok - $*"; }
notok() {
	echo "not ok - $*"
	FAILS=$((FAILS + 1))
}
# check "what" command...: ok when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}
skip_all() {
	echo "skip - $*"
	exit 0
}
finish() {
	[ "$FAILS" -eq 0 ]
}

# gw_start NS PREFIX LOG ARGS...: start the gateway in namespace NS; sets GW_PID.
gw_start() {
	local ns=$1 prefix=$2 log=$3
	shift 3
	ip netns exec "$ns" "$BUILD/fastipsec" -l 0-1 --no-pci --socket-mem 128 --huge-unlink \
		--file-prefix "$prefix" "$@" >"$log" 2>&1 &
	GW_PID=$!
}

# gw_wait_ready PREFIX SECONDS: telemetry answers and every port's link is up.
gw_wait_ready() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$GW_PID" 2>/dev/null || return 1
		if $PY "$TOP/scripts/telemetry.py" "$1" /fastipsec/info 2>/dev/null |
			grep -q '"link": "up"' &&
			! $PY "$TOP/scripts/telemetry.py" "$1" /fastipsec/info 2>/dev/null |
			grep -q '"link": "down"'; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# gw_stop SIGNALS...: send each signal (by PID, ours), then wait at most 10 s
# for the exit; sets GW_RC (124 when it did not exit in time).
gw_stop() {
	local sig i
	for sig in "$@"; do
		kill -s "$sig" "$GW_PID" 2>/dev/null || true
	done
	# The gateway's own deadline is SHUTDOWN_DEADLINE_MS (2 s); a loaded machine
	# (or a sanitizer build) gets more: the EAL's cleanup and the unmapping of
	# hugepages come after it.
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$GW_PID" 2>/dev/null; then
			wait "$GW_PID"
			GW_RC=$?
			return 0
		fi
		sleep 0.1
	done
	GW_RC=124
	kill -9 "$GW_PID" 2>/dev/null || true
	wait "$GW_PID" 2>/dev/null || true
	return 1
}

# tel PREFIX COMMAND: one telemetry reply as JSON.
tel() {
	$PY "$TOP/scripts/telemetry.py" "$1" "$2"
}

# jget JSON PYEXPR: evaluate PYEXPR on the parsed reply (bound to r).
jget() {
	$PY -c 'import json,sys; r=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
