#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: on a Debian 12 machine, as root, install what is missing, build,
# and run the gateway on its embedded default config (config/demo.yaml) in
# network namespaces made here:
#
#   fip-demo-out                fip-demo-gw (fastipsec)              fip-demo-in
#   192.0.2.1      ---veth---   outside 192.0.2.2 | inside 203.0.113.1  ---veth---  203.0.113.2
#   2001:db8:0:2::1             2001:db8:0:2::2   | 2001:db8:0:113::1              2001:db8:0:113::2
#
# It pings the gateway from both hosts, pings through it (bypass policy),
# sends ESP through its static-SA tunnel with scapy playing the peer, shows
# its state through telemetry and its log through fastipsec-log, then stops it.  --hold keeps it running until
# Ctrl-C (try: ip netns exec fip-demo-out ping 192.0.2.2).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
HOLD=0
case "${1:-}" in
--hold) HOLD=1 ;;
"") ;;
*)
	echo "usage: scripts/demo.sh [--hold]" >&2
	exit 2
	;;
esac
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (namespaces, hugepages)" >&2; exit 1; }

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build fastipsec fastipsec-log

. scripts/lab.sh
GW=fip-demo-gw OUT=fip-demo-out IN=fip-demo-in
GW_PID=
cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -TERM "$GW_PID" 2>/dev/null || true
		wait "$GW_PID" 2>/dev/null || true
	fi
	lab_del "$GW" "$OUT" "$IN"
}
trap cleanup EXIT
lab_del "$GW" "$OUT" "$IN"
lab_ns "$GW"
lab_ns "$OUT"
lab_ns "$IN"
lab_veth "$GW" fipd-gw-out "$OUT" fipd-h-out
lab_veth "$GW" fipd-gw-in "$IN" fipd-h-in
lab_gw_port "$GW" fipd-gw-out
lab_gw_port "$GW" fipd-gw-in
# The outside host is the config's static neighbour 192.0.2.1 / 02:00:00:00:00:01.
ip -n "$OUT" link set fipd-h-out address 02:00:00:00:00:01
lab_host "$OUT" fipd-h-out 192.0.2.1/24 192.0.2.2 2001:db8:0:2::1/64 2001:db8:0:2::2
lab_host "$IN" fipd-h-in 203.0.113.2/24 203.0.113.1 2001:db8:0:113::2/64 2001:db8:0:113::1

echo "== starting fastipsec on the embedded demo config"
build/fastipsec --version
ip netns exec "$GW" build/fastipsec -l 0-1 --no-pci --socket-mem 128 --huge-unlink \
	--vdev net_af_packet0,iface=fipd-gw-out --vdev net_af_packet1,iface=fipd-gw-in &
GW_PID=$!
lab_wait_telemetry demo 20 || { echo "demo.sh: the gateway did not start" >&2; exit 1; }
sleep 1

echo "== ping the gateway from both sides"
ip netns exec "$OUT" ping -c 3 -i 0.2 192.0.2.2
ip netns exec "$IN" ping -c 3 -i 0.2 203.0.113.1
ip netns exec "$OUT" ping -6 -c 3 -i 0.2 2001:db8:0:2::2
ip netns exec "$IN" ping -6 -c 3 -i 0.2 2001:db8:0:113::1

echo "== through the gateway: the inside host pings the outside host (bypass policy)"
ip netns exec "$IN" ping -c 3 -i 0.2 192.0.2.1

echo "== the static-SA tunnel: scapy's ESP plays the branch peer 192.0.2.1"
GWMAC=$(ip netns exec "$OUT" ip neigh show 192.0.2.2 | awk '{print $5}')
ip netns exec "$OUT" /usr/bin/python3 tests/integration/esp_peer.py fipd-h-out "$GWMAC" \
	192.0.2.1 192.0.2.2 198.51.100.7 203.0.113.2 gcm \
	0x2001 5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b05060708 \
	0x1001 4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a01020304 5
echo "   (5 echo requests from 198.51.100.7 went in as ESP; the replies came back as ESP and decrypted)"

echo "== telemetry (dpdk-telemetry.py -f demo)"
printf '/fastipsec/info\n/fastipsec/stats\n/fastipsec/neighbors\n/fastipsec/sa/list\n/fastipsec/diagnostics,on\n' | dpdk-telemetry.py -f demo

echo "== log (fastipsec-log --instance demo)"
build/fastipsec-log --instance demo

if [ "$HOLD" -eq 1 ]; then
	echo "== running; Ctrl-C stops it"
	trap 'echo; echo "== stopping"' INT
	wait "$GW_PID" || true
fi
echo "== stopping (SIGTERM)"
kill -TERM "$GW_PID"
rc=0
wait "$GW_PID" || rc=$?
GW_PID=
echo "fastipsec exited with $rc"
build/fastipsec-log --instance demo | tail -n 3
exit "$rc"
