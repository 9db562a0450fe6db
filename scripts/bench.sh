#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Throughput benchmark: fastipsec against DPDK's ipsec-secgw (and testpmd's io
# forwarding floor) on one worker core, without a NIC: a net_pcap vdev replays
# a pcap forever as the input port, a net_null vdev is the sink; rates come from
# /ethdev/stats over telemetry.  Not part of the test suite.
#
# usage: scripts/bench.sh [--quick]     (--quick: 3 runs per figure, shorter windows)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HERE=$TOP/scripts/bench
BUILD=$TOP/build-bench
SCRATCH=$BUILD/bench-scratch
PY=/usr/bin/python3
RUNS=5
WARM=2
WINDOW=2
if [ "${1:-}" = "--quick" ]; then
	RUNS=3
	WARM=1
	WINDOW=1
elif [ -n "${1:-}" ]; then
	echo "usage: $0 [--quick]" >&2
	exit 2
fi

# Keys (the scapy generator and both gateways use the same ones).
GCM_OUT=ffeeddccbbaa99887766554433221100a1a2a3a4
GCM_IN=00112233445566778899aabbccddeeff01020304
CBC_OUT_E=303132333435363738393a3b3c3d3e3f
CBC_OUT_I=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
CBC_IN_E=000102030405060708090a0b0c0d0e0f
CBC_IN_I=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
PCAP_MAC=02:70:63:61:70:00 # net_pcap's MAC for the first pcap vdev
SIZES=${BENCH_SIZES:-64 512 1420 imix} # BENCH_SIZES: a subset, for a quicker look
EAL_COMMON="--no-pci --socket-mem 256 --huge-unlink"

GW_PID=
VERIFY=
PREFIX=
INSTANCE=
declare -A MPPS=() FRAME=() DROPS=() EARLY=() NOTE=() CHECK=() RES=()

cleanup() {
	stop_gw
}
trap cleanup EXIT

log() {
	echo "bench: $*" >&2
}

# stop_gw: end the gateway we started (by PID) and remove its runtime files.
stop_gw() {
	local i
	if [ -n "$GW_PID" ]; then
		kill -TERM "$GW_PID" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$GW_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$GW_PID" 2>/dev/null || true
		wait "$GW_PID" 2>/dev/null || true
		GW_PID=
	fi
	if [ -n "$PREFIX" ]; then
		rm -rf "/var/run/dpdk/$PREFIX"
		PREFIX=
	fi
	if [ -n "$INSTANCE" ]; then
		rm -f "/dev/shm/fastipsec-$INSTANCE.log"
		INSTANCE=
	fi
}

colon() {
	echo "$1" | sed 's/../&:/g; s/:$//'
}

subst() { # subst TEMPLATE OUT [SED-EXPR...]
	local in=$1 out=$2
	shift 2
	sed "$@" "$in" >"$out"
}

build() {
	mkdir -p "$SCRATCH"
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" "$TOP" -Dbuildtype=release >"$SCRATCH/meson.log" 2>&1
	fi
	ninja -C "$BUILD" fastipsec >"$SCRATCH/ninja.log" 2>&1 || {
		cat "$SCRATCH/ninja.log" >&2
		exit 1
	}
	gcc -O2 -o "$SCRATCH/tsc_hz" "$HERE/tsc_hz.c"
	SECGW=
	if [ ! -d /usr/share/dpdk/examples/ipsec-secgw ]; then
		log "installing dpdk-doc for the ipsec-secgw sources"
		DEBIAN_FRONTEND=noninteractive apt-get install -y dpdk-doc >"$SCRATCH/apt.log" 2>&1 || true
	fi
	if [ -d /usr/share/dpdk/examples/ipsec-secgw ]; then
		rm -rf "$SCRATCH/ipsec-secgw"
		cp -r /usr/share/dpdk/examples/ipsec-secgw "$SCRATCH/"
		# Virtual ports offer no RX checksum offload: do not ask for it.
		sed -i 's/^\(\s*\)\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/\1.offloads = 0,/' \
		    "$SCRATCH/ipsec-secgw/ipsec-secgw.c"
		if make -C "$SCRATCH/ipsec-secgw" -j2 >"$SCRATCH/secgw-build.log" 2>&1; then
			SECGW=$SCRATCH/ipsec-secgw/build/ipsec-secgw
		else
			SECGW_WHY="build failed, see $SCRATCH/secgw-build.log"
		fi
	else
		SECGW_WHY="no dpdk-doc sources"
	fi
	TESTPMD=$(command -v dpdk-testpmd || true)
}

gen_pcaps() {
	local s
	for s in $SIZES; do
		FRAME[$s]=$($PY "$HERE/gen_pcap.py" "$SCRATCH/plain-$s.pcap" "$s" "$PCAP_MAC")
		$PY "$HERE/gen_pcap.py" "$SCRATCH/esp-gcm-$s.pcap" "$s" "$PCAP_MAC" esp gcm "$GCM_IN" 0x2001 >/dev/null
		$PY "$HERE/gen_pcap.py" "$SCRATCH/esp-cbc-$s.pcap" "$s" "$PCAP_MAC" esp cbc "$CBC_IN_E" "$CBC_IN_I" \
		    0x2002 >/dev/null
	done
}

# wait_flow SECONDS: the started gateway is alive and its port 1 sends.
wait_flow() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$GW_PID" 2>/dev/null || return 1
		if $PY "$TOP/scripts/telemetry.py" "$PREFIX" /ethdev/stats,1 2>/dev/null |
		    $PY -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["/ethdev/stats"]["opackets"] > 0 else 1)' \
		    2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_file FILE SECONDS: FILE has grown past 100 kB.
wait_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$GW_PID" 2>/dev/null || return 1
		[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -lt 100000 ] || return 0
		sleep 0.1
	done
	return 1
}

# sink: the output port's vdev; with VERIFY set, a pcap file to check instead of the null sink.
sink() {
	if [ -n "$VERIFY" ]; then
		echo "net_pcap1,tx_pcap=$VERIFY"
	else
		echo "net_null0,no-rx=1"
	fi
}

# measure KEY KIND LOG CMD...: start CMD, warm up, sample; appends Mpps to RES[KEY].
measure() {
	local key=$1 kind=$2 glog=$3 out pkts dt drops early
	shift 3
	"$@" </dev/null >"$glog" 2>&1 &
	GW_PID=$!
	if [ -n "$VERIFY" ]; then
		wait_file "$VERIFY" 15 || log "$key: no output to check (see $glog)"
		stop_gw
		return 0
	fi
	if ! wait_flow 20; then
		log "$key: no output (see $glog)"
		stop_gw
		return 1
	fi
	sleep "$WARM"
	out=$($PY "$HERE/sample.py" "$PREFIX" 1 "$WINDOW" "$kind") || {
		stop_gw
		return 1
	}
	stop_gw
	read -r pkts dt drops early <<<"$out"
	RES[$key]="${RES[$key]:-} $($PY -c "print('%.4f' % ($pkts / $dt / 1e6))")"
	if [ "$drops" != "-" ]; then
		DROPS[$key]="${DROPS[$key]:-}${DROPS[$key]:+ }$drops"
	fi
	if [ "$early" != "-" ]; then
		EARLY[$key]="${EARLY[$key]:-}${EARLY[$key]:+ }$early"
	fi
}

run_fastipsec() { # run_fastipsec KEY DIR(out|in) ACTION/SA PCAP
	local key=$1 dir=$2 what=$3 pcap=$4 cfg
	PREFIX=bench-fip-$$-$RANDOM
	INSTANCE=benchfip$$
	cfg=$SCRATCH/$INSTANCE.yaml
	if [ "$dir" = out ]; then
		subst "$HERE/fastipsec-out.yaml.in" "$cfg" -e "s/@INSTANCE@/$INSTANCE/" \
		    -e "s/@GCM_KEY@/$GCM_OUT/; s/@CBC_KEY@/$CBC_OUT_E/; s/@CBC_INTEG@/$CBC_OUT_I/" \
		    -e "s/@ACTION@/$what/" ${VERIFY:+-e s/net_null0/net_pcap1/}
	else
		subst "$HERE/fastipsec-in.yaml.in" "$cfg" -e "s/@INSTANCE@/$INSTANCE/" \
		    -e "s/@GCM_KEY@/$GCM_IN/; s/@CBC_KEY@/$CBC_IN_E/; s/@CBC_INTEG@/$CBC_IN_I/" \
		    -e "s/@SA@/$what/" ${VERIFY:+-e s/net_null0/net_pcap1/}
	fi
	measure "$key" fastipsec "$SCRATCH/$key.log" "$BUILD/fastipsec" -l 0-1 $EAL_COMMON \
	    --file-prefix "$PREFIX" --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
	    --vdev "$(sink)" -- --config "$cfg"
}

run_secgw() { # run_secgw KEY DIR ALG PCAP
	local key=$1 dir=$2 alg=$3 pcap=$4 cfg type lib=() umask
	PREFIX=bench-sg-$$-$RANDOM
	cfg=$SCRATCH/secgw-$dir-$alg.cfg
	# Fastest correct mode per algorithm: GCM in library mode with cpu-crypto;
	# CBC with no-offload (22.11's cpu-crypto path repeats CBC IVs).
	if [ "$alg" = gcm ]; then
		type=cpu-crypto
		lib=(-l)
	else
		type=no-offload
	fi
	if [ "$dir" = out ]; then
		subst "$HERE/secgw-$dir-$alg.cfg.in" "$cfg" -e "s/@GCM_KEY@/$(colon $GCM_OUT)/" \
		    -e "s/@CBC_KEY@/$(colon $CBC_OUT_E)/; s/@CBC_INTEG@/$(colon $CBC_OUT_I)/; s/@TYPE@/$type/"
		umask=0x2
	else
		subst "$HERE/secgw-$dir-$alg.cfg.in" "$cfg" -e "s/@GCM_KEY@/$(colon $GCM_IN)/" \
		    -e "s/@CBC_KEY@/$(colon $CBC_IN_E)/; s/@CBC_INTEG@/$(colon $CBC_IN_I)/; s/@TYPE@/$type/"
		umask=0x1
	fi
	# One lcore: ipsec-secgw's main lcore forwards too (lcore 1); a second lcore
	# would want a second TX queue the pcap port does not have.
	measure "$key" secgw "$SCRATCH/$key.log" "$SECGW" -l 1 $EAL_COMMON --file-prefix "$PREFIX" \
	    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "$(sink)" \
	    --vdev crypto_aesni_mb0 -- -p 0x3 -u "$umask" --config "(0,0,1),(1,0,1)" -f "$cfg" "${lib[@]}"
}

run_testpmd() { # run_testpmd KEY PCAP
	PREFIX=bench-tp-$$-$RANDOM
	measure "$1" testpmd "$SCRATCH/$1.log" "$TESTPMD" -l 0-1 $EAL_COMMON --file-prefix "$PREFIX" \
	    --vdev "net_pcap0,rx_pcap=$2,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
	    --forward-mode=io --nb-cores=1 --rxq=1 --txq=1 --total-num-mbufs=16384 --stats-period 3600
}

# verify GATEWAY DIR ALG: one short run into a pcap file, checked with scapy's
# independent ESP (outbound: decrypts to the flow; inbound: the decrypted flow).
verify() {
	local gw=$1 dir=$2 alg=$3 key=check-$1-$2-$3 res args
	VERIFY=$SCRATCH/verify.pcap
	rm -f "$VERIFY"
	if [ "$dir" = out ]; then
		if [ "$gw" = fip ]; then
			run_fastipsec "$key" out "protect, sa: $alg-out" "$SCRATCH/plain-64.pcap"
		else
			run_secgw "$key" out "$alg" "$SCRATCH/plain-64.pcap"
		fi
		if [ "$alg" = gcm ]; then
			args=(gcm "$GCM_OUT" 0x1001)
		else
			args=(cbc "$CBC_OUT_E" "$CBC_OUT_I" 0x1002)
		fi
	else
		if [ "$gw" = fip ]; then
			run_fastipsec "$key" in "$alg-in" "$SCRATCH/esp-$alg-64.pcap"
		else
			run_secgw "$key" in "$alg" "$SCRATCH/esp-$alg-64.pcap"
		fi
		args=(plain)
	fi
	res=$($PY "$HERE/check_esp.py" "$VERIFY" "${args[@]}" 2>&1 | tail -1) || true
	CHECK[$gw-$dir-$alg]=${res:-bad: no output}
	log "check $gw $dir $alg: ${CHECK[$gw-$dir-$alg]}"
	rm -f "$VERIFY"
	VERIFY=
}

median() { # median VALUES...: prints the median, or nothing
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# job KEY RUNNER ARGS...: queue a measurement; run_jobs runs every queued job
# once per round, RUNS rounds, so that the gateways compared share the noise of
# this shared machine; MPPS[KEY] is then the median of the runs.
JOBS=()
job() {
	local IFS='|'
	JOBS+=("$*")
}

run_jobs() {
	local r j key a
	for ((r = 1; r <= RUNS; r++)); do
		log "round $r of $RUNS (${#JOBS[@]} cases)"
		for j in "${JOBS[@]}"; do
			IFS='|' read -r -a a <<<"$j"
			"${a[@]:1}" || true
		done
	done
	for j in "${JOBS[@]}"; do
		key=${j%%|*}
		# shellcheck disable=SC2086
		MPPS[$key]=$(median ${RES[$key]:-})
		[ -n "${MPPS[$key]}" ] || NOTE[$key]="no run produced output"
		log "$key: runs [${RES[$key]:-} ] median ${MPPS[$key]:-none} Mpps"
	done
}

# fig KEY SIZE: "Mpps Gbps cycles" or "-"
fig() {
	local m=${MPPS[$1]:-}
	[ -n "$m" ] || {
		echo "- - -"
		return
	}
	awk -v m="$m" -v f="${FRAME[$2]}" -v hz="$TSC_HZ" \
	    'BEGIN {printf "%.3f %.2f %.0f", m, m * 1e6 * f * 8 / 1e9, hz / (m * 1e6)}'
}

row() { # row CASE GATEWAY KEY SIZE RATIO FLOOR
	local mp gb cy
	read -r mp gb cy <<<"$(fig "$3" "$4")"
	printf '%-22s %-20s %8s %8s %9s %10s %9s\n' "$1" "$2" "$mp" "$gb" "$cy" "$5" "$6"
}

main() {
	local s alg dir key fkey skey ratio floor
	[ "$(id -u)" -eq 0 ] || {
		echo "bench.sh: needs root (hugepages, /var/run/dpdk)" >&2
		exit 1
	}
	log "building (release) into $BUILD"
	build
	TSC_HZ=$("$SCRATCH/tsc_hz")
	log "TSC $TSC_HZ Hz; generating pcaps"
	gen_pcaps
	for dir in out in; do
		for alg in gcm cbc; do
			verify fip "$dir" "$alg"
			[ -z "$SECGW" ] || verify sg "$dir" "$alg"
		done
	done
	log "$RUNS runs per figure, warm-up ${WARM}s, window ${WINDOW}s"

	for s in $SIZES; do
		job "floor-fip-$s" run_fastipsec "floor-fip-$s" out bypass "$SCRATCH/plain-$s.pcap"
		if [ -n "$TESTPMD" ]; then
			job "floor-tp-$s" run_testpmd "floor-tp-$s" "$SCRATCH/plain-$s.pcap"
		fi
		for alg in gcm cbc; do
			job "out-$alg-$s-fip" run_fastipsec "out-$alg-$s-fip" out "protect, sa: $alg-out" \
			    "$SCRATCH/plain-$s.pcap"
			if [ -n "$SECGW" ]; then
				job "out-$alg-$s-sg" run_secgw "out-$alg-$s-sg" out "$alg" "$SCRATCH/plain-$s.pcap"
			fi
		done
	done
	for s in $SIZES; do
		for alg in gcm cbc; do
			job "in-$alg-$s-fip" run_fastipsec "in-$alg-$s-fip" in "$alg-in" "$SCRATCH/esp-$alg-$s.pcap"
			if [ -n "$SECGW" ]; then
				job "in-$alg-$s-sg" run_secgw "in-$alg-$s-sg" in "$alg" "$SCRATCH/esp-$alg-$s.pcap"
			fi
		done
	done
	run_jobs

	echo
	echo "fastipsec vs DPDK 22.11 ipsec-secgw, one worker core, net_pcap -> net_null, median of $RUNS runs"
	echo "(TSC $TSC_HZ Hz; Gbps = plaintext frames without FCS; cycles = TSC cycles per packet"
	echo " on the worker core; floor = testpmd io-forwarding cycles/pkt on the same vdevs)"
	printf '%-22s %-20s %8s %8s %9s %10s %9s\n' case gateway Mpps Gbps cyc/pkt fip/secgw floor
	for s in $SIZES; do
		row "io-floor $s" "fastipsec-bypass" "floor-fip-$s" "$s" "" ""
		if [ -n "$TESTPMD" ]; then
			row "io-floor $s" "testpmd-io" "floor-tp-$s" "$s" "" ""
		fi
	done
	for dir in out in; do
		for alg in gcm cbc; do
			for s in $SIZES; do
				fkey=$dir-$alg-$s-fip
				skey=$dir-$alg-$s-sg
				floor=$(fig "floor-tp-$s" "$s" | awk '{print $3}')
				row "$dir $alg $s" fastipsec "$fkey" "$s" "" "$floor"
				case "${CHECK[fip-$dir-$alg]:-}" in
				ok*) ;;
				*) echo "  ^ fastipsec output check failed: ${CHECK[fip-$dir-$alg]:-not run}" ;;
				esac
				if [ -z "$SECGW" ]; then
					echo "ipsec-secgw: not run ($SECGW_WHY)"
				elif [ -z "${MPPS[$skey]:-}" ]; then
					echo "ipsec-secgw: not run (${NOTE[$skey]}, see $SCRATCH/$skey.log)"
				else
					ratio=-
					if [ -n "${MPPS[$fkey]:-}" ]; then
						ratio=$(awk -v a="${MPPS[$fkey]}" -v b="${MPPS[$skey]}" 'BEGIN {printf "%.2f", a / b}')
					fi
					row "$dir $alg $s" "ipsec-secgw" "$skey" "$s" "$ratio" "$floor"
					case "${CHECK[sg-$dir-$alg]:-}" in
					ok*) ;;
					*) echo "  ^ ipsec-secgw output check failed: ${CHECK[sg-$dir-$alg]:-not run}" ;;
					esac
				fi
			done
		done
	done
	echo
	echo "output checks (scapy decrypts the ESP out / sees the decrypted flow):"
	for key in "${!CHECK[@]}"; do
		echo "  $key: ${CHECK[$key]}"
	done | sort
	echo
	echo "fastipsec drop counters that rose during a sampling window:"
	for key in "${!DROPS[@]}"; do
		echo "  $key: ${DROPS[$key]}"
	done | sort
	[ ${#DROPS[@]} -gt 0 ] || echo "  none"
	echo "fastipsec drop counters already non-zero before the window (start-up, warm-up), per run:"
	for key in "${!EARLY[@]}"; do
		echo "  $key: ${EARLY[$key]}"
	done | sort
	[ ${#EARLY[@]} -gt 0 ] || echo "  none"
}

main
