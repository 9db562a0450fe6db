#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lab of the IKEv1 tests against the appliance, sourced after common.sh
# and strongswan.sh: fastipsec (DPDK, af_packet ports) in one namespace
# between a host at 203.0.113.2 and charon at 192.0.2.1, which protects its
# own 198.51.100.1 with libipsec (strongSwan's userspace data path, always
# on UDP 4500: LAB-NOTES.md).  The tests write their own charon connection
# and gateway config; this file makes the namespaces, starts charon and
# gives the helpers they share.  The IKEv2 tests use it too: SS_VERSION and
# GW_VERSION (default 1) set the version ss_conn_psk and gw_conf_psk write.

# ikl_setup TAG: namespaces TAG-gw/ss/in-PID, the gateway's instance and
# file prefix, $TMP and charon's directory $SSD, the exit trap; charon
# started (exits the test when it does not start).
ikl_setup() {
	local tag=$1
	ID=$$
	GW=$tag-gw-$ID
	SS=$tag-ss-$ID
	IN=$tag-in-$ID
	PREFIX=$tag-$ID
	INSTANCE=$tag$ID
	TMP=$(mktemp -d)
	SSD=$TMP/charon
	GW_PID=
	DUMP_PID=
	trap ikl_cleanup EXIT
	lab_ns "$GW"
	lab_ns "$SS"
	lab_ns "$IN"
	lab_veth "$GW" eo$ID "$SS" so$ID
	lab_veth "$GW" ei$ID "$IN" pi$ID
	lab_gw_port "$GW" eo$ID
	lab_gw_port "$GW" ei$ID
	ip -n "$SS" addr add 192.0.2.1/24 dev so$ID
	ip -n "$IN" addr add 203.0.113.2/24 dev pi$ID
	ip -n "$IN" route add default via 203.0.113.1
	# charon's own address inside its selector: its pings and its TCP end use it.
	ss_ts_address "$SS" 198.51.100.1/32
	mkdir -p "$SSD"
	SS_INSTALL_ROUTES=yes ss_conf "$SSD"
	if ! ss_start "$SSD" "$SS"; then
		notok "charon starts in its namespace"
		sed 's/^/# /' "$SSD/charon.out"
		exit 1
	fi
	ok "charon starts in its namespace"
}

# ikl_cleanup: everything ikl_setup made and the processes the test started (by PID).
ikl_cleanup() {
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -9 "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	if [ -n "$DUMP_PID" ] && kill -0 "$DUMP_PID" 2>/dev/null; then
		kill "$DUMP_PID" 2>/dev/null
		wait "$DUMP_PID" 2>/dev/null
	fi
	ss_stop "$SSD"
	lab_del "$GW" "$SS" "$IN"
	rm -f "/dev/shm/fastipsec-$INSTANCE.log"
	rm -rf "/var/run/dpdk/$PREFIX"
	# KEEP_TMP=1 keeps both sides' logs and configurations for a look.
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}

# ss_conn_psk IKE_PROPOSAL ESP_PROPOSAL ($PSK, $SS_VERSION): charon's swanctl.conf, connection gw / child net.
ss_conn_psk() {
	cat >"$SSD/swanctl.conf" <<EOF
connections {
	gw {
		version = ${SS_VERSION:-1}
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = $1
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
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
				mode = tunnel
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = $2
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = 192.0.2.1
		id-2 = 192.0.2.2
		secret = "$PSK"
	}
}
EOF
	ss_swanctl "$SSD" --terminate --ike gw --timeout 5 >/dev/null 2>&1
	ss_load "$SSD" "$SSD/swanctl.conf"
}

# gw_conf_psk IKE_PROPOSAL ESP_PROPOSAL START_ACTION ($PSK, $GW_VERSION): the gateway's config.
# IKE_PROPOSAL may be a YAML list body ("a, b").
gw_conf_psk() {
	cat >"$TMP/gw.yaml" <<EOF
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
ike:
  retransmit_timeout: 1s
  retransmit_tries: 3
  retransmit_base: 1.4
connections:
  gw:
    version: ${GW_VERSION:-1}
    local_addrs: [192.0.2.2]
    remote_addrs: [192.0.2.1]
    proposals: [$1]
    local: {auth: psk, id: 192.0.2.2}
    remote: {auth: psk, id: 192.0.2.1}
    children:
      net:
        mode: tunnel
        local_ts: [203.0.113.0/24]
        remote_ts: [198.51.100.0/24]
        esp_proposals: [$2]
        start_action: $3
        rekey_time: 0
secrets:
  - {type: ike, ids: [192.0.2.1], secret: "$PSK"}
EOF
}

# gw_up NAME [ARGS...]: start the gateway on $TMP/gw.yaml (log $TMP/gw-NAME.log) and wait for it.
gw_up() {
	local name=$1
	shift
	ip -n "$IN" neigh flush all
	ip -n "$SS" neigh flush all
	gw_start "$GW" "$PREFIX" "$TMP/gw-$name.log" --vdev "net_af_packet0,iface=eo$ID" \
		--vdev "net_af_packet1,iface=ei$ID" -- --config "$TMP/gw.yaml" "$@"
	gw_wait_ready "$PREFIX" 20
}

# gw_children: IKE-made SAs in /fastipsec/sa/list as "DIR SPI PACKETS" lines.
gw_children() {
	tel "$PREFIX" /fastipsec/sa/list | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/sa/list"]
for k, v in r.items():
    if isinstance(v, dict) and "ike_sa" in v:
        print(v["direction"], v["spi"][2:], v["packets"])'
}

# wait_gw_children N SECONDS: until the gateway holds exactly N IKE-made SAs.
wait_gw_children() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		[ "$(gw_children | wc -l)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# jtrue JSON PYEXPR: succeeds when PYEXPR (on the reply, bound to r) is true.
jtrue() {
	$PY -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

# ike_total: how many IKE SAs /fastipsec/ike/list holds.
ike_total() {
	jget "$(tel "$PREFIX" /fastipsec/ike/list)" 'r["/fastipsec/ike/list"]["total"]'
}

# wait_ike_sas N SECONDS: until /fastipsec/ike/list holds exactly N IKE SAs.
wait_ike_sas() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		[ "$(ike_total)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# spis_match: charon's one installed CHILD SA "in out" equals the gateway's one pair "out in".
spis_match() {
	local ss gi go
	ss=$(ss_child_spis "$SSD" net)
	gi=$(gw_children | awk '$1 == "inbound" {print $2}')
	go=$(gw_children | awk '$1 == "outbound" {print $2}')
	echo "# charon in out = $(echo $ss); gateway out in = $(echo $go $gi)"
	[ -n "$ss" ] && [ "$ss" = "$go $gi" ]
}

# ping_both N: N pings host -> charon and charon -> host; prints the two receive counts.
ping_both() {
	local a b
	a=$(ip netns exec "$IN" ping -c "$1" -i 0.2 -W 1 198.51.100.1 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
	b=$(ip netns exec "$SS" ping -c "$1" -i 0.2 -W 1 -I 198.51.100.1 203.0.113.2 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
	echo "${a:-0} ${b:-0}"
}

# dump_start [FILE]: capture the outside wire at charon's end into FILE (default
# $TMP/wire.pcap); the gateway's af_packet port bypasses the qdisc, so a capture
# on its side sees only what arrives.
dump_start() {
	ip netns exec "$SS" tcpdump -i so$ID -n -U --immediate-mode -w "${1:-$TMP/wire.pcap}" \
		>/dev/null 2>"$TMP/tcpdump.err" &
	DUMP_PID=$!
	sleep 1
}

dump_stop() {
	kill "$DUMP_PID" 2>/dev/null
	wait "$DUMP_PID" 2>/dev/null
	DUMP_PID=
}

# ikl_children FILE: replace the children of the one connection in FILE
# (charon's swanctl.conf as ss_conn_psk writes it, or gw.yaml as
# gw_conf_psk writes it) with the text on stdin; charon's file is not
# reloaded here (ss_load).
ikl_children() {
	$PY -c '
import sys
path, new = sys.argv[1], sys.argv[2]
lines = open(path).read().split("\n")
if path.endswith(".yaml"):
    a = lines.index("    children:")
    b = next((i for i in range(a + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
else:
    a = lines.index("\t\tchildren {")
    b = lines.index("\t\t}", a) + 1
open(path, "w").write("\n".join(lines[:a] + new.rstrip("\n").split("\n") + lines[b:]))' "$1" "$(cat)"
}

# wire_only_ike_esp [FILE]: every IPv4 packet in the capture (default
# $TMP/wire.pcap) is UDP 500/4500; prints the counts.
wire_only_ike_esp() {
	local f=${1:-$TMP/wire.pcap} all ok
	all=$(tcpdump -r "$f" -n ip 2>/dev/null | wc -l)
	ok=$(tcpdump -r "$f" -n 'ip and udp and (port 500 or port 4500)' 2>/dev/null | wc -l)
	echo "# wire: $all IPv4 packets, $ok of them IKE or ESP-in-UDP"
	[ "$all" -gt 0 ] && [ "$all" = "$ok" ]
}

# seq_in_order FILE TEXT...: each text appears in FILE on a line after the previous one's.
seq_in_order() {
	$PY - "$@" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
pos = 0
for t in sys.argv[2:]:
    for i in range(pos, len(lines)):
        if t in lines[i]:
            pos = i + 1
            break
    else:
        print("# missing after line %d: %s" % (pos, t))
        sys.exit(1)
EOF
}
