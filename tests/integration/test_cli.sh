#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Command-line behaviour of fastipsec and fastipsec-log: versions, config
# checks, bad arguments, a missing port, SIGINT, --diagnostics and two
# workers, on net_null ports (no namespaces needed).
set -u
. "$(dirname "$0")/common.sh"

[ -x "$BUILD/fastipsec" ] || skip_all "test_cli: $BUILD/fastipsec not built"
ID=$$
TMP=$(mktemp -d)
GW_PID=
INSTANCES=()
cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -9 "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	for i in "${INSTANCES[@]}"; do
		rm -f "/dev/shm/fastipsec-$i.log"
		rm -rf "/var/run/dpdk/$i"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# cfg INSTANCE PORT0 PORT1: a two-port config file.
cfg() {
	cat >"$TMP/$1.yaml" <<YAML
instance: $1
interfaces:
  - {name: outside, port: $2, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: $3, role: protected, addresses: [203.0.113.1/24]}
YAML
	INSTANCES+=("$1")
}

V=$("$BUILD/fastipsec" --version)
check "--version names fastipsec, DPDK, intel-ipsec-mb and OpenSSL" \
	bash -c "grep -q '^fastipsec [0-9]' <<<'$V' && grep -q '^DPDK 22.11' <<<'$V' &&
		grep -q '^intel-ipsec-mb 1.3' <<<'$V' && grep -q '^OpenSSL 3' <<<'$V'"

cfg ok$ID net_null0 net_null1
check "--check-config on a good file prints 'FILE: OK' and exits 0" \
	bash -c "[ \"\$('$BUILD/fastipsec' --check-config '$TMP/ok$ID.yaml')\" = '$TMP/ok$ID.yaml: OK' ]"
printf 'instance: x\ninterfaces:\n  - name: a\n    port: p\n    role: sideways\n    addresses: [192.0.2.300/24]\n' >"$TMP/bad.yaml"
"$BUILD/fastipsec" --check-config "$TMP/bad.yaml" >"$TMP/bad.out" 2>&1
rc=$?
check "--check-config on a bad file exits 1" test $rc -eq 1
check "... and names line, column and key of each error" \
	bash -c "grep -q '^$TMP/bad.yaml:5:11: interfaces\[0\].role: ' '$TMP/bad.out' &&
		grep -q '^$TMP/bad.yaml:6:17: interfaces\[0\].addresses\[0\]: ' '$TMP/bad.out'"
"$BUILD/fastipsec" --check-config "$TMP/absent.yaml" >"$TMP/absent.out" 2>&1
rc=$?
check "--check-config on a missing file: one line, exit 1" \
	bash -c "[ $rc -eq 1 ] && [ \$(wc -l <'$TMP/absent.out') -eq 1 ] && grep -q 'absent.yaml' '$TMP/absent.out'"
"$BUILD/fastipsec" -- --frobnicate >"$TMP/usage.out" 2>&1
rc=$?
check "an unknown option is refused with usage, exit 2" \
	bash -c "[ $rc -eq 2 ] && grep -q 'unknown option' '$TMP/usage.out' && grep -q '^usage:' '$TMP/usage.out'"

"$BUILD/fastipsec-log" --instance "nosuch$ID" >"$TMP/nolog.out" 2>&1
rc=$?
check "fastipsec-log without a ring exits 1 with a clear message" \
	bash -c "[ $rc -eq 1 ] && grep -q \"no log ring for instance 'nosuch$ID'\" '$TMP/nolog.out'"

EAL=(--no-pci --socket-mem 128 --huge-unlink --log-level=error)
cfg miss$ID net_null0 net_nosuch
timeout 30 "$BUILD/fastipsec" -l 0-1 "${EAL[@]}" --file-prefix "miss$ID" \
	--vdev net_null0,no-rx=1 -- --config "$TMP/miss$ID.yaml" >"$TMP/miss.out" 2>&1
rc=$?
check "a port that does not exist: exit 1, naming the ports that do" \
	bash -c "[ $rc -eq 1 ] && grep -q \"no DPDK port 'net_nosuch'; ports: net_null0\" '$TMP/miss.out'"

cfg int$ID net_null0 net_null1
"$BUILD/fastipsec" -l 0-1 "${EAL[@]}" --file-prefix "int$ID" --vdev net_null0,no-rx=1 \
	--vdev net_null1,no-rx=1 -- --config "$TMP/int$ID.yaml" --diagnostics >"$TMP/int.out" 2>&1 &
GW_PID=$!
if lab_wait_telemetry "int$ID" 20 && sleep 0.5; then
	INFO=$(tel "int$ID" /fastipsec/info)
	check "--diagnostics starts with diagnostics on" \
		test "$(jget "$INFO" 'r["/fastipsec/info"]["diagnostics"]')" = on
	check "... and logs that, naming the command line" \
		bash -c "'$BUILD/fastipsec-log' --instance int$ID | grep -q 'IPsec diagnostics enabled source=command_line'"
	check "a port with a spare tx queue gives the control core its own queue" \
		test "$(jget "$INFO" 'r["/fastipsec/info"]["port_0"]["control_tx"]')" = queue
else
	notok "gateway on net_null ports answers telemetry"
fi
gw_stop INT
check "SIGINT stops it with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
check "the stop is logged as a System record" \
	bash -c "'$BUILD/fastipsec-log' --instance int$ID --json | grep '\"facility\": \"System\"' | grep -q 'fastipsec stopped'"
GW_PID=

# Two workers: lcores 1 and 2 share CPU 1.
cfg two$ID net_null0 net_null1
"$BUILD/fastipsec" --lcores 0@0,1@1,2@1 "${EAL[@]}" --file-prefix "two$ID" \
	--vdev net_null0,no-rx=1 --vdev net_null1,no-rx=1 -- --config "$TMP/two$ID.yaml" \
	>"$TMP/two.out" 2>&1 &
GW_PID=$!
if lab_wait_telemetry "two$ID" 20 && sleep 0.5; then
	INFO=$(tel "two$ID" /fastipsec/info)
	check "two worker lcores: two workers, two rx queues per port" \
		test "$(jget "$INFO" '(r["/fastipsec/info"]["workers"], r["/fastipsec/info"]["port_1"]["rx_queues"])')" = "(2, 2)"
	ST=$(tel "two$ID" /fastipsec/stats)
	check "/fastipsec/stats has a summary per worker with its lcore" \
		test "$(jget "$ST" '(r["/fastipsec/stats"]["worker_0"]["lcore"], r["/fastipsec/stats"]["worker_1"]["lcore"])')" = "(1, 2)"
	check "/fastipsec/stats,1 gives worker 1 alone; a bad index is refused" test \
		"$(jget "$(tel "two$ID" /fastipsec/stats,1)" 'r["/fastipsec/stats"]["lcore"]') $(jget "$(tel "two$ID" /fastipsec/stats,9)" '"error" in r["/fastipsec/stats"]')" = "2 True"
else
	notok "gateway with two workers answers telemetry"
fi
gw_stop TERM
check "two workers stop on SIGTERM with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
GW_PID=

# A gateway killed with SIGKILL leaves its log ring readable.
cfg kill$ID net_null0 net_null1
"$BUILD/fastipsec" -l 0-1 "${EAL[@]}" --file-prefix "kill$ID" --vdev net_null0,no-rx=1 \
	--vdev net_null1,no-rx=1 -- --config "$TMP/kill$ID.yaml" >"$TMP/kill.out" 2>&1 &
GW_PID=$!
lab_wait_telemetry "kill$ID" 20 && sleep 0.5
kill -9 "$GW_PID"
wait "$GW_PID" 2>/dev/null
GW_PID=
check "after SIGKILL, fastipsec-log still reads the startup record" \
	bash -c "'$BUILD/fastipsec-log' --instance kill$ID | grep -q 'fastipsec started .*instance=kill$ID'"
# mbufs: the pool size from the config; below what the queues hold, a warning.
cfg mb$ID net_null0 net_null1
echo "mbufs: 1500" >>"$TMP/mb$ID.yaml"
"$BUILD/fastipsec" -l 0-1 "${EAL[@]}" --file-prefix "mb$ID" --vdev net_null0,no-rx=1 \
	--vdev net_null1,no-rx=1 -- --config "$TMP/mb$ID.yaml" >"$TMP/mb.out" 2>&1 &
GW_PID=$!
if lab_wait_telemetry "mb$ID" 20 && sleep 0.5; then
	ok "mbufs: 1500 starts the gateway with a pool of that size"
	check "... and warns that it is below what the queues, caches and rings hold" \
		grep -q 'mbufs: 1500 is below the' "$TMP/mb.out"
else
	notok "mbufs: 1500 starts the gateway with a pool of that size"
	sed 's/^/# /' "$TMP/mb.out" | tail -n 5
fi
gw_stop TERM
GW_PID=

finish
