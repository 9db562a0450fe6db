#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Throughput benchmark: fastipsec against DPDK's ipsec-secgw (and testpmd's io
# forwarding floor) on one worker core, without a NIC: a net_pcap vdev replays
# a pcap forever as the input port, a net_null vdev is the sink; rates come from
# /ethdev/stats over telemetry.  Two scenarios: one SA and one flow, and many
# SAs (1,000) with many flows over them; beside each figure the raw
# intel-ipsec-mb cost (tests/bench/bench_crypto_mb) and the overhead left, then
# the anti-replay micro-benchmark and the targets.  Not part of the test suite.
#
# usage: scripts/bench.sh [--quick] [--scenario single|many|all]
#   --quick     3 runs per figure, shorter windows (default 5 runs)
#   --scenario  single: 1 SA, 1 flow; many: BENCH_MANY_SAS SAs (default 1000); all (default)
# env: BENCH_SIZES (subset of "64 512 1420 imix"), BENCH_MANY_SAS, BENCH_SRC (the
#   source tree to build, default this one), BENCH_BUILD (default $BENCH_SRC/build-bench) and
#   BENCH_ONLY (a regular expression: only the figures whose key matches, e.g.
#   'floor-(fip|tp-plain)|out-gcm'; for a quick look while changing the code).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HERE=$TOP/scripts/bench
SRC=${BENCH_SRC:-$TOP}
BUILD=${BENCH_BUILD:-$SRC/build-bench}
SCRATCH=$BUILD/bench-scratch
PY=/usr/bin/python3
RUNS=5
WARM=2
WINDOW=2
CRYPTO_BURSTS=5000  # bench_crypto_mb bursts per run
REPLAY_PKTS=4000000 # bench_antireplay packets per run
SCENARIOS="single many"
usage() {
	echo "usage: $0 [--quick] [--scenario single|many|all]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--quick)
		RUNS=3
		WARM=1
		WINDOW=1
		CRYPTO_BURSTS=2000
		REPLAY_PKTS=1000000
		;;
	--scenario)
		[ $# -ge 2 ] || usage
		case "$2" in
		single | many) SCENARIOS=$2 ;;
		all) SCENARIOS="single many" ;;
		*) usage ;;
		esac
		shift
		;;
	*) usage ;;
	esac
	shift
done

# Keys (the scapy generator and both gateways use the same ones).
GCM_OUT=ffeeddccbbaa99887766554433221100a1a2a3a4
GCM_IN=00112233445566778899aabbccddeeff01020304
CBC_OUT_E=303132333435363738393a3b3c3d3e3f
CBC_OUT_I=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
CBC_IN_E=000102030405060708090a0b0c0d0e0f
CBC_IN_I=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
PCAP_MAC=02:70:63:61:70:00 # net_pcap's MAC for the first pcap vdev
SIZES=${BENCH_SIZES:-64 512 1420 imix} # BENCH_SIZES: a subset, for a quicker look
read -r VSIZE _ <<<"$SIZES"            # the size the output checks use
EAL_COMMON="--no-pci --socket-mem 256 --huge-unlink"
# Many SAs: SA i carries the flows to UDP port 10000+i (one policy each), 100
# flows per SA each way (source ports 20000..20099): 100,000 flows with the
# default 1,000 SAs.  Every frame of an infinite_rx pcap stays in an mbuf of the
# gateway's own pool for the whole run, so on those pcaps every gateway (and
# testpmd) gets a pool of MANY_POOL mbufs, its default working set (fastipsec's
# holds 16383 with one worker and two ports) on top of the frames, and the
# hugepage memory for it (MANY_SOCKET_MEM MB: about 2.5 KB an mbuf, 256 MB more).
MANY_SAS=${BENCH_MANY_SAS:-1000}
MANY_OUT_PER_SA=100
MANY_IN_PER_SA=100
MANY_POOL=$((MANY_SAS * (MANY_OUT_PER_SA > MANY_IN_PER_SA ? MANY_OUT_PER_SA : MANY_IN_PER_SA) + 16384))
MANY_SOCKET_MEM=$(((MANY_POOL * 2560 >> 20) + 256))

# many_pcap PCAP: is it a many-SA pcap (its frames need MANY_POOL mbufs)?
many_pcap() {
	case $(basename "$1") in many-*) return 0 ;; esac
	return 1
}

# eal PCAP: the EAL options every run shares, with the memory a run on PCAP needs.
eal() {
	if many_pcap "$1"; then
		echo "--no-pci --socket-mem $MANY_SOCKET_MEM --huge-unlink"
	else
		echo "$EAL_COMMON"
	fi
}

GW_PID=
VERIFY=
PREFIX=
INSTANCE=
declare -A MPPS=() MPPSC=() FRAME=() DROPS=() EARLY=() NOTE=() CHECK=() RES=() RESC=() PCAP=() RAWC=()

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
		meson setup "$BUILD" "$SRC" -Dbuildtype=release >"$SCRATCH/meson.log" 2>&1
	else
		# A build directory made before the project's default b_ndebug: as a new one is.
		meson configure "$BUILD" -Dbuildtype=release -Db_ndebug=if-release >"$SCRATCH/meson.log" 2>&1
	fi
	ninja -C "$BUILD" -j2 fastipsec tests/bench/bench_crypto_mb tests/bench/bench_antireplay \
	    >"$SCRATCH/ninja.log" 2>&1 || {
		cat "$SCRATCH/ninja.log" >&2
		exit 1
	}
	gcc -O2 -o "$SCRATCH/tsc_hz" "$HERE/tsc_hz.c"
	if SECGW=$("$TOP/scripts/build-secgw.sh" "$SCRATCH" 2>"$SCRATCH/secgw-why.log"); then
		SECGW_WHY=
	else
		SECGW=
		SECGW_WHY=$(cat "$SCRATCH/secgw-why.log")
	fi
	TESTPMD=$(command -v dpdk-testpmd || true)
}

# gen_single: the one-SA, one-flow pcaps (PCAP[single-KIND-SIZE], KIND plain|gcm|cbc).
gen_single() {
	local s
	for s in $SIZES; do
		PCAP[single-plain-$s]=$SCRATCH/plain-$s.pcap
		PCAP[single-gcm-$s]=$SCRATCH/esp-gcm-$s.pcap
		PCAP[single-cbc-$s]=$SCRATCH/esp-cbc-$s.pcap
		FRAME[single-$s]=$($PY "$HERE/gen_pcap.py" "${PCAP[single-plain-$s]}" "$s" "$PCAP_MAC")
		$PY "$HERE/gen_pcap.py" "${PCAP[single-gcm-$s]}" "$s" "$PCAP_MAC" esp gcm "$GCM_IN" 0x2001 >/dev/null
		$PY "$HERE/gen_pcap.py" "${PCAP[single-cbc-$s]}" "$s" "$PCAP_MAC" esp cbc "$CBC_IN_E" "$CBC_IN_I" \
		    0x2002 >/dev/null
	done
}

# gen_many: the many-SA pcaps, kept in SCRATCH under a name that holds every
# parameter and the generator's hash (a rerun reuses them), and both gateways'
# configs (gen_many.py writes them in no time: always afresh).
gen_many() {
	local s kind per out ver dir alg t0
	ver=$(md5sum "$HERE/gen_many.py" | cut -c1-8)
	for s in $SIZES; do
		for kind in plain gcm cbc; do
			per=$MANY_IN_PER_SA
			[ "$kind" != plain ] || per=$MANY_OUT_PER_SA
			out=$SCRATCH/many-$kind-$s-${MANY_SAS}x$per-$ver.pcap
			PCAP[many-$kind-$s]=$out
			if [ -s "$out" ] && [ -s "$out.len" ]; then
				log "many: $kind $s: cached $(basename "$out")"
			else
				t0=$SECONDS
				$PY "$HERE/gen_many.py" pcap "$out.tmp" "$kind" "$s" "$MANY_SAS" "$per" "$PCAP_MAC" \
				    >"$out.len.tmp"
				mv "$out.tmp" "$out"
				mv "$out.len.tmp" "$out.len"
				log "many: $kind $s: $((MANY_SAS * per)) frames generated in $((SECONDS - t0)) s"
			fi
		done
		read -r "FRAME[many-$s]" _ <"${PCAP[many-plain-$s]}.len"
	done
	for dir in out in; do
		for alg in gcm cbc; do
			$PY "$HERE/gen_many.py" fastipsec "$SCRATCH/many-fastipsec-$dir-$alg.yaml.in" "$dir" "$alg" \
			    "$MANY_SAS"
			$PY "$HERE/gen_many.py" secgw "$SCRATCH/many-secgw-$dir-$alg.cfg.in" "$dir" "$alg" "$MANY_SAS"
		done
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
	local key=$1 kind=$2 glog=$3 out pkts dt drops early cpu
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
	out=$($PY "$HERE/sample.py" "$PREFIX" 1 "$WINDOW" "$kind" "$GW_PID") || {
		stop_gw
		return 1
	}
	stop_gw
	read -r pkts dt drops early cpu <<<"$out"
	RES[$key]="${RES[$key]:-} $($PY -c "print('%.4f' % ($pkts / $dt / 1e6))")"
	if [ "${cpu:--}" != "-" ]; then
		RESC[$key]="${RESC[$key]:-} $($PY -c "print('%.4f' % ($pkts / $cpu / 1e6))")"
	fi
	if [ "$drops" != "-" ]; then
		DROPS[$key]="${DROPS[$key]:-}${DROPS[$key]:+ }$drops"
	fi
	if [ "$early" != "-" ]; then
		EARLY[$key]="${EARLY[$key]:-}${EARLY[$key]:+ }$early"
	fi
}

run_fastipsec() { # run_fastipsec KEY SCENARIO DIR(out|in) WHAT PCAP
	# WHAT: single outbound, the policy's action ("bypass", "protect, sa: gcm-out");
	# single inbound, the policy's SA; many, the algorithm (gcm|cbc).
	local key=$1 scen=$2 dir=$3 what=$4 pcap=$5 cfg
	PREFIX=bench-fip-$$-$RANDOM
	INSTANCE=benchfip$$
	cfg=$SCRATCH/$INSTANCE.yaml
	if [ "$scen" = many ]; then
		subst "$SCRATCH/many-fastipsec-$dir-$what.yaml.in" "$cfg" -e "s/@INSTANCE@/$INSTANCE/" \
		    ${VERIFY:+-e s/net_null0/net_pcap1/}
	elif [ "$dir" = out ]; then
		subst "$HERE/fastipsec-out.yaml.in" "$cfg" -e "s/@INSTANCE@/$INSTANCE/" \
		    -e "s/@GCM_KEY@/$GCM_OUT/; s/@CBC_KEY@/$CBC_OUT_E/; s/@CBC_INTEG@/$CBC_OUT_I/" \
		    -e "s/@ACTION@/$what/" ${VERIFY:+-e s/net_null0/net_pcap1/}
	else
		subst "$HERE/fastipsec-in.yaml.in" "$cfg" -e "s/@INSTANCE@/$INSTANCE/" \
		    -e "s/@GCM_KEY@/$GCM_IN/; s/@CBC_KEY@/$CBC_IN_E/; s/@CBC_INTEG@/$CBC_IN_I/" \
		    -e "s/@SA@/$what/" ${VERIFY:+-e s/net_null0/net_pcap1/}
	fi
	! many_pcap "$pcap" || echo "mbufs: $MANY_POOL" >>"$cfg"
	measure "$key" fastipsec "$SCRATCH/$key.log" "$BUILD/fastipsec" -l 0-1 $(eal "$pcap") \
	    --file-prefix "$PREFIX" --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
	    --vdev "$(sink)" -- --config "$cfg"
}

run_secgw() { # run_secgw KEY SCENARIO DIR ALG PCAP
	local key=$1 scen=$2 dir=$3 alg=$4 pcap=$5 cfg type lib=() pool=() umask
	PREFIX=bench-sg-$$-$RANDOM
	cfg=$SCRATCH/secgw-$scen-$dir-$alg.cfg
	# Fastest correct mode per algorithm: GCM in library mode with cpu-crypto;
	# CBC with no-offload (22.11's cpu-crypto path repeats CBC IVs).
	if [ "$alg" = gcm ]; then
		type=cpu-crypto
		lib=(-l)
	else
		type=no-offload
	fi
	if [ "$scen" = many ]; then
		# The keys are in the generated file; its default pool (8512) cannot
		# hold the many-flow pcap.
		subst "$SCRATCH/many-secgw-$dir-$alg.cfg.in" "$cfg" -e "s/@TYPE@/$type/"
		pool=(-s "$MANY_POOL")
	elif [ "$dir" = out ]; then
		subst "$HERE/secgw-$dir-$alg.cfg.in" "$cfg" -e "s/@GCM_KEY@/$(colon $GCM_OUT)/" \
		    -e "s/@CBC_KEY@/$(colon $CBC_OUT_E)/; s/@CBC_INTEG@/$(colon $CBC_OUT_I)/; s/@TYPE@/$type/"
	else
		subst "$HERE/secgw-$dir-$alg.cfg.in" "$cfg" -e "s/@GCM_KEY@/$(colon $GCM_IN)/" \
		    -e "s/@CBC_KEY@/$(colon $CBC_IN_E)/; s/@CBC_INTEG@/$(colon $CBC_IN_I)/; s/@TYPE@/$type/"
	fi
	umask=0x1
	[ "$dir" != out ] || umask=0x2
	# One lcore: ipsec-secgw's main lcore forwards too (lcore 1); a second lcore
	# would want a second TX queue the pcap port does not have.
	measure "$key" secgw "$SCRATCH/$key.log" "$SECGW" -l 1 $(eal "$pcap") --file-prefix "$PREFIX" \
	    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "$(sink)" \
	    --vdev crypto_aesni_mb0 -- -p 0x3 -u "$umask" --config "(0,0,1),(1,0,1)" -f "$cfg" \
	    "${lib[@]}" "${pool[@]}"
}

run_testpmd() { # run_testpmd KEY PCAP
	PREFIX=bench-tp-$$-$RANDOM
	local mbufs=16384
	! many_pcap "$2" || mbufs=$MANY_POOL
	measure "$1" testpmd "$SCRATCH/$1.log" "$TESTPMD" -l 0-1 $(eal "$2") --file-prefix "$PREFIX" \
	    --vdev "net_pcap0,rx_pcap=$2,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
	    --forward-mode=io --nb-cores=1 --rxq=1 --txq=1 --total-num-mbufs=$mbufs --stats-period 3600
}

# verify GATEWAY SCENARIO DIR ALG: one short run into a pcap file, checked with
# scapy's independent ESP (outbound: decrypts to the flow, with many SAs each
# packet under the SA its SPI names, to a flow of that SA; inbound: the
# decrypted flows).
verify() {
	local gw=$1 scen=$2 dir=$3 alg=$4 key=check-$1-$2-$3-$4 res args what pcap
	VERIFY=$SCRATCH/verify.pcap
	rm -f "$VERIFY"
	if [ "$dir" = out ]; then
		pcap=${PCAP[$scen-plain-$VSIZE]}
		what="protect, sa: $alg-out"
	else
		pcap=${PCAP[$scen-$alg-$VSIZE]}
		what=$alg-in
	fi
	[ "$scen" = single ] || what=$alg
	if [ "$gw" = fip ]; then
		run_fastipsec "$key" "$scen" "$dir" "$what" "$pcap"
	else
		run_secgw "$key" "$scen" "$dir" "$alg" "$pcap"
	fi
	if [ "$scen" = many ]; then
		res=$($PY "$HERE/gen_many.py" check "$VERIFY" "$dir" "$alg" "$MANY_SAS" 2>&1 | tail -1) || true
	else
		if [ "$dir" = out ] && [ "$alg" = gcm ]; then
			args=(gcm "$GCM_OUT" 0x1001)
		elif [ "$dir" = out ]; then
			args=(cbc "$CBC_OUT_E" "$CBC_OUT_I" 0x1002)
		else
			args=(plain)
		fi
		res=$($PY "$HERE/check_esp.py" "$VERIFY" "${args[@]}" 2>&1 | tail -1) || true
	fi
	CHECK[$gw-$scen-$dir-$alg]=${res:-bad: no output}
	log "check $gw $scen $dir $alg: ${CHECK[$gw-$scen-$dir-$alg]}"
	rm -f "$VERIFY"
	VERIFY=
}

# micro: the two micro-benchmarks, once: bench_crypto_mb's raw intel-ipsec-mb
# cycles per packet (RAWC[ALG-DIR-PAYLOAD]) and bench_antireplay's table.
micro() {
	local prop dir len cm raw rest
	log "bench_crypto_mb ($CRYPTO_BURSTS bursts per run)"
	"$BUILD/tests/bench/bench_crypto_mb" "$CRYPTO_BURSTS" >"$SCRATCH/bench_crypto_mb.txt" 2>&1 ||
	    log "bench_crypto_mb failed, see $SCRATCH/bench_crypto_mb.txt"
	while read -r prop dir len cm raw rest; do
		case "$prop-$dir" in
		aes128gcm16-encrypt) RAWC[gcm-out-$len]=$raw ;;
		aes128gcm16-decrypt) RAWC[gcm-in-$len]=$raw ;;
		aes128-sha256-encrypt) RAWC[cbc-out-$len]=$raw ;;
		aes128-sha256-decrypt) RAWC[cbc-in-$len]=$raw ;;
		esac
	done <"$SCRATCH/bench_crypto_mb.txt"
	log "bench_antireplay ($REPLAY_PKTS packets per run)"
	"$BUILD/tests/bench/bench_antireplay" "$REPLAY_PKTS" >"$SCRATCH/bench_antireplay.txt" 2>&1 ||
	    log "bench_antireplay failed, see $SCRATCH/bench_antireplay.txt"
}

# raw_cost ALG DIR SIZE: raw intel-ipsec-mb cycles per packet for plaintext
# frames of SIZE (imix: the 7:4:1 mean), or "-".  The ESP payload a tunnel-mode
# SA encrypts is the inner IP packet + 2 trailer bytes, padded to 4 (GCM) or 16
# (CBC) (RFC 4303 2.4); bench_crypto_mb measured 64, 512 and 1420 (CBC: 1424)
# byte payloads: straight lines between its points (and beyond the end ones).
raw_cost() {
	local alg=$1 dir=$2 s=$3 y1=${RAWC[$1-$2-64]:-} y2=${RAWC[$1-$2-512]:-} y3=${RAWC[$1-$2-1420]:-}
	if [ -z "$y1" ] || [ -z "$y2" ] || [ -z "$y3" ]; then
		echo -
		return
	fi
	awk -v a="$alg" -v s="$s" -v y1="$y1" -v y2="$y2" -v y3="$y3" '
	function cost(f,   l, x3) {
		l = f - 14 + 2
		l = (a == "gcm") ? int((l + 3) / 4) * 4 : int((l + 15) / 16) * 16
		x3 = (a == "gcm") ? 1420 : 1424
		if (l <= 512)
			return y1 + (y2 - y1) * (l - 64) / (512 - 64)
		return y2 + (y3 - y2) * (l - 512) / (x3 - 512)
	}
	BEGIN {
		if (s == "imix")
			printf "%.0f", (7 * cost(64) + 4 * cost(594) + cost(1420)) / 12
		else
			printf "%.0f", cost(s)
	}'
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
	[[ $1 =~ ${BENCH_ONLY:-.} ]] || return 0
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
		# shellcheck disable=SC2086
		MPPSC[$key]=$(median ${RESC[$key]:-})
		[ -n "${MPPS[$key]}" ] || NOTE[$key]="no run produced output"
		log "$key: runs [${RES[$key]:-} ] median ${MPPS[$key]:-none} Mpps"
	done
}

# fig KEY FRAME_LEN: "Mpps Gbps cycles" or "- - -"
fig() {
	local m=${MPPS[$1]:-}
	[ -n "$m" ] || {
		echo "- - -"
		return
	}
	awk -v m="$m" -v f="$2" -v hz="$TSC_HZ" \
	    'BEGIN {printf "%.3f %.2f %.0f", m, m * 1e6 * f * 8 / 1e9, hz / (m * 1e6)}'
}

# cycles KEY: the median's TSC cycles per packet, or "-"
cycles() {
	local mp gb cy
	read -r mp gb cy <<<"$(fig "$1" 0)"
	echo "$cy"
}

# overhead CYCLES CRYPTO FLOOR: CYCLES - CRYPTO - FLOOR, or "-" when one is missing
overhead() {
	case "$1 $2 $3" in
	*-*) echo - ;;
	*) echo $(($1 - $2 - $3)) ;;
	esac
}

FMT='%-20s %-17s %7s %7s %8s %7s %6s %8s %9s\n'
row() { # row CASE GATEWAY KEY FRAME_LEN CRYPTO FLOOR RATIO: the line; OVH is its overhead
	local mp gb cy
	read -r mp gb cy <<<"$(fig "$3" "$4")"
	OVH=-
	[ -z "$5" ] || OVH=$(overhead "$cy" "$5" "$6")
	printf "$FMT" "$1" "$2" "$mp" "$gb" "$cy" "$5" "$6" "${OVH/#-/${5:+-}}" "$7"
}

# fip_what SCENARIO DIR ALG: run_fastipsec's WHAT for a protected case.
fip_what() {
	if [ "$1" = many ]; then
		echo "$3"
	elif [ "$2" = out ]; then
		echo "protect, sa: $3-out"
	else
		echo "$3-in"
	fi
}

# in_pcap SCENARIO DIR ALG SIZE: the case's input pcap.
in_pcap() {
	if [ "$2" = out ]; then
		echo "${PCAP[$1-plain-$4]}"
	else
		echo "${PCAP[$1-$3-$4]}"
	fi
}

# queue SCENARIO: the scenario's jobs (floors, then every case and gateway).
queue() {
	local scen=$1 s dir alg kind key pcap
	for s in $SIZES; do
		key=$scen-floor-fip-$s
		job "$key" run_fastipsec "$key" single out bypass "${PCAP[$scen-plain-$s]}"
		if [ -n "$TESTPMD" ]; then
			for kind in plain gcm cbc; do
				key=$scen-floor-tp-$kind-$s
				job "$key" run_testpmd "$key" "${PCAP[$scen-$kind-$s]}"
			done
		fi
	done
	for dir in out in; do
		for s in $SIZES; do
			for alg in gcm cbc; do
				pcap=$(in_pcap "$scen" "$dir" "$alg" "$s")
				job "$scen-$dir-$alg-$s-fip" run_fastipsec "$scen-$dir-$alg-$s-fip" "$scen" "$dir" \
				    "$(fip_what "$scen" "$dir" "$alg")" "$pcap"
				if [ -n "$SECGW" ]; then
					job "$scen-$dir-$alg-$s-sg" run_secgw "$scen-$dir-$alg-$s-sg" "$scen" "$dir" "$alg" \
					    "$pcap"
				fi
			done
		done
	done
}

# log_tail KEY: the last lines of the key's log (its last run), IPsec info records left out.
log_tail() {
	grep -v 'IPsec info' "$SCRATCH/$1.log" 2>/dev/null | tail -n 4 | sed 's/^/      | /' || true
}

declare -A RATIO=() OVERHEAD=()
# table SCENARIO: the scenario's lines; keeps RATIO[] and OVERHEAD[] for the targets.
table() {
	local scen=$1 s dir alg kind fkey skey crypto floor ratio f
	echo
	if [ "$scen" = single ]; then
		echo "== 1 SA, 1 UDP flow =="
	else
		echo "== $MANY_SAS SAs of one direction, each with its own policy (one UDP destination port); outbound"
		echo "   $((MANY_SAS * MANY_OUT_PER_SA)) flows, inbound $((MANY_SAS * MANY_IN_PER_SA)) flows, frames shuffled over the SAs =="
	fi
	printf "$FMT" case gateway Mpps Gbps cyc/pkt crypto floor overhead fip/secgw
	for s in $SIZES; do
		f=${FRAME[$scen-$s]}
		row "io-floor $s plain" fastipsec-bypass "$scen-floor-fip-$s" "$f" "" "" ""
		if [ -n "$TESTPMD" ]; then
			for kind in plain gcm cbc; do
				row "io-floor $s ${kind/#[gc]/esp-&}" testpmd-io "$scen-floor-tp-$kind-$s" "$f" "" "" ""
			done
		fi
	done
	for dir in out in; do
		for alg in gcm cbc; do
			for s in $SIZES; do
				f=${FRAME[$scen-$s]}
				fkey=$scen-$dir-$alg-$s-fip
				skey=$scen-$dir-$alg-$s-sg
				crypto=$(raw_cost "$alg" "$dir" "$s")
				kind=plain
				[ "$dir" = out ] || kind=$alg
				floor=$(cycles "$scen-floor-tp-$kind-$s")
				row "$dir $alg $s" fastipsec "$fkey" "$f" "$crypto" "$floor" ""
				OVERHEAD[$fkey]=$OVH
				[ -n "${MPPS[$fkey]:-}" ] || {
					echo "  ^ fastipsec: ${NOTE[$fkey]:-no figure}; the end of $SCRATCH/$fkey.log:"
					log_tail "$fkey"
				}
				case "${CHECK[fip-$scen-$dir-$alg]:-}" in
				ok*) ;;
				*) echo "  ^ fastipsec output check failed: ${CHECK[fip-$scen-$dir-$alg]:-not run}" ;;
				esac
				if [ -z "$SECGW" ]; then
					echo "ipsec-secgw: not run ($SECGW_WHY)"
				elif [ -z "${MPPS[$skey]:-}" ]; then
					echo "ipsec-secgw: not run (${NOTE[$skey]:-no figure}, see $SCRATCH/$skey.log)"
				else
					ratio=-
					if [ -n "${MPPS[$fkey]:-}" ]; then
						ratio=$(awk -v a="${MPPS[$fkey]}" -v b="${MPPS[$skey]}" 'BEGIN {printf "%.2f", a / b}')
					fi
					RATIO[$scen-$dir-$alg-$s]=$ratio
					row "$dir $alg $s" "ipsec-secgw" "$skey" "$f" "$crypto" "$floor" "$ratio"
					OVERHEAD[$skey]=$OVH
					case "${CHECK[sg-$scen-$dir-$alg]:-}" in
					ok*) ;;
					*) echo "  ^ ipsec-secgw output check failed: ${CHECK[sg-$scen-$dir-$alg]:-not run}" ;;
					esac
				fi
			done
		done
	done
}

# verdict VALUE OP LIMIT: "met", "missed" or "-" (no value)
verdict() {
	case "$1" in
	'' | -) echo - ;;
	*) awk -v v="$1" -v l="$3" -v op="$2" \
	    'BEGIN {print ((op == ">=" ? v >= l : v <= l) ? "met" : "missed")}' ;;
	esac
}

# replay_report: bench_antireplay's table and its worst figures against the target.
replay_report() {
	echo
	echo "anti-replay check + update (tests/bench/bench_antireplay, TSC cycles/pkt; net = minus the"
	echo "reference loop; burst = as esp_inbound_burst() calls them; target: <= 10):"
	sed 's/^/  /' "$SCRATCH/bench_antireplay.txt"
	awk '$(NF - 7) == "on" || $(NF - 7) == "off" {
		n++
		if ($(NF - 4) > in_w) in_w = $(NF - 4)
		if ($(NF - 2) > bu_w) bu_w = $(NF - 2)
		if ($1 == "in-order") {
			if ($(NF - 4) > in_o) in_o = $(NF - 4)
			if ($(NF - 2) > bu_o) bu_o = $(NF - 2)
		}
	}
	function v(x) { return x <= 10 ? "met" : "missed" }
	END {
		if (!n) { print "  no result"; exit }
		printf "  in-order streams: inline net <= %.2f %s, burst net <= %.2f %s\n", in_o, v(in_o), bu_o, v(bu_o)
		printf "  every stream:     inline net <= %.2f %s, burst net <= %.2f %s\n", in_w, v(in_w), bu_w, v(bu_w)
	}' "$SCRATCH/bench_antireplay.txt"
}

# targets: per scenario and case, the ratio and overhead targets.
targets() {
	local scen dir alg s need r o so name
	echo
	echo "targets: fastipsec/ipsec-secgw >= 1.3 at 64 B and imix, >= 1.1 at 1420 B (none at 512 B);"
	echo "fastipsec overhead (cyc/pkt - crypto - floor) <= 60 cycles/pkt, ipsec-secgw's beside it:"
	for scen in $SCENARIOS; do
		name="1 SA"
		[ "$scen" = single ] || name="$MANY_SAS SAs"
		for dir in out in; do
			for alg in gcm cbc; do
				for s in $SIZES; do
					case "$s" in
					64 | imix) need=1.3 ;;
					1420) need=1.1 ;;
					*) need= ;;
					esac
					r=${RATIO[$scen-$dir-$alg-$s]:--}
					o=${OVERHEAD[$scen-$dir-$alg-$s-fip]:--}
					so=${OVERHEAD[$scen-$dir-$alg-$s-sg]:--}
					printf '  %-9s %-14s ratio %5s %-13s overhead %5s (<= 60) %-7s ipsec-secgw %5s\n' \
					    "$name" "$dir $alg $s" "$r" \
					    "${need:+(>= $need) }$([ -n "$need" ] && verdict "$r" '>=' "$need" || echo '')" \
					    "$o" "$(verdict "$o" '<=' 60)" "$so"
				done
			done
		done
	done
}

# cpu_cycles KEY: TSC cycles per packet over the forwarding thread's own run
# time (median of the runs), or "-".
cpu_cycles() {
	local m=${MPPSC[$1]:-}
	[ -n "$m" ] || {
		echo -
		return
	}
	awk -v m="$m" -v hz="$TSC_HZ" 'BEGIN {printf "%.0f", hz / (m * 1e6)}'
}

# cpu_table SCENARIO: the same runs timed by the forwarding thread's own CPU
# time (sample.py): what each gateway costs per packet when it has its core to
# itself, which other processes on this shared machine do not skew.
cpu_table() {
	local scen=$1 s dir alg fc sc r
	echo
	echo "-- the same runs, per CPU-second of the forwarding thread (its schedstat run time) --"
	printf '%-20s %12s %12s %9s\n' case fip-cyc/pkt secgw-cyc/pkt fip/secgw
	for s in $SIZES; do
		printf '%-20s %12s %12s %9s\n' "io-floor $s" "$(cpu_cycles "$scen-floor-fip-$s")" \
		    "$(cpu_cycles "$scen-floor-tp-plain-$s")" "(testpmd)"
	done
	for dir in out in; do
		for alg in gcm cbc; do
			for s in $SIZES; do
				fc=$(cpu_cycles "$scen-$dir-$alg-$s-fip")
				sc=$(cpu_cycles "$scen-$dir-$alg-$s-sg")
				r=-
				case "$fc $sc" in
				*-*) ;;
				*) r=$(awk -v a="$fc" -v b="$sc" 'BEGIN {printf "%.2f", b / a}') ;;
				esac
				printf '%-20s %12s %12s %9s\n' "$dir $alg $s" "$fc" "$sc" "$r"
			done
		done
	done
}

report() {
	local scen key
	echo
	echo "fastipsec vs DPDK 22.11 ipsec-secgw, one worker core, net_pcap -> net_null, median of $RUNS runs"
	echo "(TSC $TSC_HZ Hz; Gbps = plaintext frames without FCS; cyc/pkt = TSC cycles per packet on the"
	echo " worker core; crypto = raw intel-ipsec-mb cycles/pkt for these frames, from bench_crypto_mb:"
	echo " $(head -n 1 "$SCRATCH/bench_crypto_mb.txt"); floor = testpmd io-forwarding"
	echo " cycles/pkt on the case's input pcap (plain, or esp-ALG inbound); overhead = cyc/pkt - crypto - floor)"
	for scen in $SCENARIOS; do
		table "$scen"
		cpu_table "$scen"
	done
	echo
	echo "raw crypto (tests/bench/bench_crypto_mb $CRYPTO_BURSTS; payload = ESP payload bytes):"
	sed -n '/^proposal/,$p' "$SCRATCH/bench_crypto_mb.txt" | sed 's/^/  /'
	replay_report
	targets
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

main() {
	local scen dir alg
	[ "$(id -u)" -eq 0 ] || {
		echo "bench.sh: needs root (hugepages, /var/run/dpdk)" >&2
		exit 1
	}
	log "building (release) into $BUILD"
	build
	TSC_HZ=$("$SCRATCH/tsc_hz")
	log "TSC $TSC_HZ Hz; generating pcaps"
	for scen in $SCENARIOS; do
		"gen_$scen"
	done
	for scen in $SCENARIOS; do
		for dir in out in; do
			for alg in gcm cbc; do
				verify fip "$scen" "$dir" "$alg"
				[ -z "$SECGW" ] || verify sg "$scen" "$dir" "$alg"
			done
		done
	done
	micro
	log "$RUNS runs per figure, warm-up ${WARM}s, window ${WINDOW}s"
	for scen in $SCENARIOS; do
		queue "$scen"
	done
	run_jobs
	report
}

main
