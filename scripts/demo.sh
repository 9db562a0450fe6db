#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: on a Debian 12 machine, as root, install what is missing, build,
# and run the gateway on its embedded default config (config/demo.yaml) in
# network namespaces made here, with strongSwan as its IKEv1 peer:
#
#   fip-demo-out (charon)            fip-demo-gw (fastipsec)              fip-demo-in
#   192.0.2.1        ---veth---   outside 192.0.2.2 | inside 203.0.113.1  ---veth---  203.0.113.2
#   198.51.100.1 (behind charon)  2001:db8:0:2::2   | 2001:db8:0:113::1              2001:db8:0:113::2
#
# The gateway negotiates an IKEv1 tunnel (main mode, PSK, quick mode) with
# charon at start; pings cross it both ways.  It also pings the gateway from
# both hosts and through it (bypass policy), sends ESP through its static-SA
# tunnel with scapy playing that peer, shows the SAs and state through
# telemetry and charon's swanctl, prints the log of the IKE negotiation
# (the seed's normal-operation sequence: diagnostics are on), then stops.
# --ikev2 runs the same demo with IKEv2 on both sides: the embedded config
# with its connection switched to `version: 2` (written to a temporary file
# and passed with --config), charon's connection likewise; the tunnel is
# IKE_SA_INIT + IKE_AUTH with the first Child SA, and at the stop the
# gateway's IKEv2 delete removes charon's SAs.
# --hold keeps it running until Ctrl-C.  FASTIPSEC_BUILD=DIR uses a build
# directory made already, and DEMO_NO_SETUP=1 skips scripts/setup.sh and the
# build (the test suite runs the demo so).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
HOLD=0
IKE_V=1
for arg in "$@"; do
	case "$arg" in
	--hold) HOLD=1 ;;
	--ikev2) IKE_V=2 ;;
	*)
		echo "usage: scripts/demo.sh [--ikev2] [--hold]" >&2
		exit 2
		;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (namespaces, hugepages)" >&2; exit 1; }

B=${FASTIPSEC_BUILD:-build}
if [ "${DEMO_NO_SETUP:-0}" != 1 ]; then
	scripts/setup.sh
	[ -f "$B/build.ninja" ] || meson setup "$B"
	ninja -C "$B" fastipsec fastipsec-log
fi

. scripts/lab.sh
# shellcheck source=../tests/integration/strongswan.sh
. tests/integration/strongswan.sh
ss_available || { echo "demo.sh: $SS_WHY" >&2; exit 1; }
GW=fip-demo-gw OUT=fip-demo-out IN=fip-demo-in
GW_PID=
GW_STARTED=
SSD=$(mktemp -d /tmp/fip-demo-charon.XXXXXX)
cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -TERM "$GW_PID" 2>/dev/null || true
		wait "$GW_PID" 2>/dev/null || true
	fi
	# The gateway's DPDK runtime directory (its instance name is the prefix); the log ring stays.
	[ -z "$GW_STARTED" ] || rm -rf /var/run/dpdk/demo
	ss_stop "$SSD"
	lab_del "$GW" "$OUT" "$IN"
	rm -rf "$SSD"
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
# The outside host (charon's namespace) is the config's static neighbour 192.0.2.1 / 02:00:00:00:00:01.
ip -n "$OUT" link set fipd-h-out address 02:00:00:00:00:01
lab_host "$OUT" fipd-h-out 192.0.2.1/24 192.0.2.2 2001:db8:0:2::1/64 2001:db8:0:2::2
lab_host "$IN" fipd-h-in 203.0.113.2/24 203.0.113.1 2001:db8:0:113::2/64 2001:db8:0:113::1

echo "== starting strongSwan's charon at 192.0.2.1 (it protects 198.51.100.0/25, its own 198.51.100.1)"
ss_ts_address "$OUT" 198.51.100.1/32
# charon's userspace data path routes 203.0.113.0/24 into its TUN device (table 220)
# for the tunnel; its own address 192.0.2.1 talks to the inside host in the clear.
ip -n "$OUT" rule add from 192.0.2.1 lookup main pref 100
SS_INSTALL_ROUTES=yes ss_conf "$SSD"
ss_start "$SSD" "$OUT" || { echo "demo.sh: charon did not start" >&2; cat "$SSD/charon.out" >&2; exit 1; }
cat >"$SSD/swanctl.conf" <<EOF
connections {
	gw {
		version = $IKE_V
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = aes128-sha256-modp2048
		dpd_delay = 30s
		local {
			auth = psk
			id = 192.0.2.1
		}
		remote {
			auth = psk
			id = 192.0.2.2
		}
		children {
			net {
				local_ts = 198.51.100.0/25
				remote_ts = 203.0.113.0/24
				esp_proposals = aes128gcm16,aes128-sha256
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = 192.0.2.2
		secret = "fastipsec-demo-psk (public: demo only)"
	}
}
EOF
ss_load "$SSD" "$SSD/swanctl.conf" || { echo "demo.sh: charon refused its configuration" >&2; exit 1; }

CONF_ARGS=()
if [ "$IKE_V" = 2 ]; then
	# The embedded config, its IKEv1 connection made an IKEv2 one.
	sed 's/^    version: 1$/    version: 2/' config/demo.yaml >"$SSD/demo-ikev2.yaml"
	grep -q '^    version: 2$' "$SSD/demo-ikev2.yaml" || { echo "demo.sh: config/demo.yaml has no version: 1 connection" >&2; exit 1; }
	CONF_ARGS=(--config "$SSD/demo-ikev2.yaml")
	echo "== starting fastipsec on the demo config with IKEv2 ($SSD/demo-ikev2.yaml; IPsec diagnostics on)"
else
	echo "== starting fastipsec on the embedded demo config (IPsec diagnostics on)"
fi
"$B/fastipsec" --version
T0=$(date +%s%N)
ip netns exec "$GW" "$B/fastipsec" -l 0-1 --no-pci --socket-mem 128 --huge-unlink \
	--vdev net_af_packet0,iface=fipd-gw-out --vdev net_af_packet1,iface=fipd-gw-in -- --diagnostics "${CONF_ARGS[@]}" &
GW_PID=$!
GW_STARTED=1
lab_wait_telemetry demo 20 || { echo "demo.sh: the gateway did not start" >&2; exit 1; }

if [ "$IKE_V" = 2 ]; then
	echo "== the IKEv2 tunnel: fastipsec initiates IKE_SA_INIT + IKE_AUTH (start_action: start)"
else
	echo "== the IKEv1 tunnel: fastipsec initiates main mode + quick mode (start_action: start)"
fi
up=0
for ((i = 0; i < 100; i++)); do
	if [ "$(ss_child_spis "$SSD" net | wc -l)" -ge 1 ]; then
		up=1
		break
	fi
	sleep 0.1
done
if [ "$up" -ne 1 ]; then
	echo "demo.sh: no tunnel within 10 s; charon's log:" >&2
	tail -n 30 "$SSD/charon.log" >&2
	exit 1
fi
echo "   established in $((($(date +%s%N) - T0) / 1000000)) ms from the gateway's start"
sleep 0.5
echo "== pings through the tunnel: the inside host to charon's network, and back"
ip netns exec "$IN" ping -c 3 -i 0.2 198.51.100.1
ip netns exec "$OUT" ping -c 3 -i 0.2 -I 198.51.100.1 203.0.113.2

echo "== ping the gateway from both sides"
ip netns exec "$OUT" ping -c 3 -i 0.2 192.0.2.2
ip netns exec "$IN" ping -c 3 -i 0.2 203.0.113.1
ip netns exec "$OUT" ping -6 -c 3 -i 0.2 2001:db8:0:2::2
ip netns exec "$IN" ping -6 -c 3 -i 0.2 2001:db8:0:113::1

echo "== through the gateway: the inside host pings the outside host (bypass policy)"
ip netns exec "$IN" ping -c 3 -i 0.2 192.0.2.1

echo "== the static-SA tunnel (198.51.100.128/25): scapy's ESP plays that peer"
GWMAC=$(ip netns exec "$OUT" ip neigh show 192.0.2.2 | awk '{print $5}')
ip netns exec "$OUT" /usr/bin/python3 tests/integration/esp_peer.py fipd-h-out "$GWMAC" \
	192.0.2.1 192.0.2.2 198.51.100.135 203.0.113.2 gcm \
	0x2001 5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b05060708 \
	0x1001 4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a01020304 5
echo "   (5 echo requests from 198.51.100.135 went in as ESP; the replies came back as ESP and decrypted)"

echo "== telemetry (dpdk-telemetry.py -f demo)"
printf '/fastipsec/info\n/fastipsec/stats\n/fastipsec/neighbors\n/fastipsec/ike/stats\n' | dpdk-telemetry.py -f demo
echo "== the SA table: /fastipsec/ike/list and /fastipsec/sa/list"
printf '/fastipsec/ike/list\n/fastipsec/sa/list\n' | dpdk-telemetry.py -f demo
echo "== charon's view (swanctl --list-sas)"
ss_swanctl "$SSD" --list-sas

echo "== the IKE negotiation in the log (fastipsec-log --instance demo --facility IKE)"
"$B/fastipsec-log" --instance demo --facility IKE
"$B/fastipsec-log" --instance demo --facility IKE --json | /usr/bin/python3 -c '
import datetime, json, sys
t = {}
for line in sys.stdin:
    r = json.loads(line)
    for key in ("SA traffic selectors local", "IKE Phase-2 initiator done"):
        if r["text"].startswith(key) and key not in t:
            t[key] = datetime.datetime.fromisoformat(r["time"][:26])
a, b = t.get("SA traffic selectors local"), t.get("IKE Phase-2 initiator done")
if a and b:
    print("   first IKE record to tunnel up: %.1f ms" % ((b - a).total_seconds() * 1000))
'
echo "== the whole log (fastipsec-log --instance demo)"
"$B/fastipsec-log" --instance demo

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
"$B/fastipsec-log" --instance demo | tail -n 4
if [ "$IKE_V" = 2 ]; then
	# The gateway's IKEv2 delete at its stop: charon keeps no IKE SA.
	for ((i = 0; i < 30; i++)); do
		[ "$(ss_count "$SSD" ike)" = 0 ] && break
		sleep 0.1
	done
	echo "== charon's IKE SAs after the gateway's stop: $(ss_count "$SSD" ike)"
	[ "$(ss_count "$SSD" ike)" = 0 ] || rc=1
fi
exit "$rc"
