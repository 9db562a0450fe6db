#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lab of the IKEv1 tests against the appliance, sourced after common.sh
# and strongswan.sh: fastipsec (DPDK, af_packet ports) in one namespace
# between a host at 203.0.113.2 and charon at 192.0.2.1, which protects its
# own 198.51.100.1 with libipsec (strongSwan's userspace data path, always
# on UDP 4500: LAB-NOTES.md).  This file makes the namespaces, starts
# charon, writes both ends' configs (the tests give what differs) and gives
# the helpers the tests share.  The IKEv2 tests use it too: SS_VERSION and
# GW_VERSION (default 1) set the version ss_conn_psk and gw_conf_psk write.

# ikl_init TAG VAR...: a lab's names and its exit trap (ikl_cleanup): ID,
# PREFIX (the gateway's file prefix), INSTANCE, $TMP, and for each VAR
# (GW, SS, IN, ...) the namespace TAG-var-ID, made here.
ikl_init() {
	local tag=$1 v
	shift
	ID=$$
	PREFIX=$tag-$ID
	INSTANCE=$tag$ID
	TMP=$(mktemp -d)
	GW_PID=
	DUMP_PID=
	IKL_NS=()
	trap ikl_cleanup EXIT
	for v in "$@"; do
		printf -v "$v" '%s' "$tag-${v,,}-$ID"
		IKL_NS+=("${!v}")
		lab_ns "${!v}"
	done
}

# ikl_gw_ports NS IF [LEN]: the gateway's af_packet ports: the outside eo$ID
# to IF in NS, the inside ei$ID to the host's pi$ID in $IN, where the host
# is 203.0.113.2/LEN (default 24) and routes through the gateway.
ikl_gw_ports() {
	lab_veth "$GW" eo$ID "$1" "$2"
	lab_veth "$GW" ei$ID "$IN" pi$ID
	lab_gw_port "$GW" eo$ID
	lab_gw_port "$GW" ei$ID
	ip -n "$IN" addr add "203.0.113.2/${3:-24}" dev pi$ID
	ip -n "$IN" route add default via 203.0.113.1
}

# ikl_setup TAG: ikl_init TAG GW SS IN, the gateway's ports to charon at
# 192.0.2.1 and to the host, charon's directory $SSD; charon started
# (ikl_charon).
ikl_setup() {
	ikl_init "$1" GW SS IN
	SSD=$TMP/charon
	ikl_gw_ports "$SS" so$ID
	ip -n "$SS" addr add 192.0.2.1/24 dev so$ID
	# charon's own address inside its selector: its pings and its TCP end use it.
	ss_ts_address "$SS" 198.51.100.1/32
	ikl_charon
}

# ikl_charon: charon started in $SS on $SSD (its routes installed: the data
# path); exits the test when it does not start.
ikl_charon() {
	mkdir -p "$SSD"
	SS_INSTALL_ROUTES=yes ss_conf "$SSD"
	if ! ss_start "$SSD" "$SS"; then
		notok "charon starts in its namespace"
		sed 's/^/# /' "$SSD/charon.out"
		exit 1
	fi
	ok "charon starts in its namespace"
}

# ikl_cleanup: the processes the test started (by PID), every charon of
# $TMP, the namespaces of ikl_init and the gateway's leftovers.
ikl_cleanup() {
	local f
	streams_kill
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -9 "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	if [ -n "$DUMP_PID" ] && kill -0 "$DUMP_PID" 2>/dev/null; then
		kill "$DUMP_PID" 2>/dev/null
		wait "$DUMP_PID" 2>/dev/null
	fi
	for f in "$TMP"/*/charon.ss-pid; do
		[ -e "$f" ] && ss_stop "${f%/charon.ss-pid}"
	done
	lab_del "${IKL_NS[@]}"
	rm -f "/dev/shm/fastipsec-$INSTANCE.log"
	rm -rf "/var/run/dpdk/$PREFIX"
	# KEEP_TMP=1 keeps both sides' logs and configurations for a look.
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}

# ss_conn_psk IKE_PROPOSAL ESP_PROPOSAL [KEY=VALUE...] ($PSK, $SS_VERSION):
# charon's swanctl.conf, connection gw / child net (ss_psk_conn with the
# KEY=VALUEs), loaded.
ss_conn_psk() {
	local ike=$1 esp=$2
	shift 2
	ss_psk_conf "$SSD/swanctl.conf" "192.0.2.1 192.0.2.2" \
		"$(ss_psk_conn gw version="${SS_VERSION:-1}" proposals="$ike" esp="$esp" "$@")"
	ss_swanctl "$SSD" --terminate --ike gw --timeout 5 >/dev/null 2>&1
	ss_load "$SSD" "$SSD/swanctl.conf"
}

# ikl_gw_head [KEY=VALUE...]: the gateway config's first lines on stdout:
# the instance, the ports (outside 192.0.2.2/24, inside 203.0.113.1/24),
# the route to 198.51.100.0/24 via charon and the ike: section.  KEYs:
#   tries (3) and base (1.4; empty: the gateway's default): retransmit_*
#   routes=no: no routes (the peers' selectors are reached through their SAs)
#   v6=yes: the outside also 2001:db8:0:2::2/64, 2001:db8:f1::/48 routed
#     via 2001:db8:0:2::1 (charon's)
#   any other KEY: one more line "KEY: VALUE" of ike:.
ikl_gw_head() {
	local kv tries=3 base=1.4 routes=yes v6=no out=192.0.2.2/24 more=()
	for kv in "$@"; do
		case $kv in
		tries=*) tries=${kv#*=} ;;
		base=*) base=${kv#*=} ;;
		routes=*) routes=${kv#*=} ;;
		v6=*) v6=${kv#*=} ;;
		?*=*) more+=("  ${kv%%=*}: ${kv#*=}") ;;
		*)
			echo "ikl_gw_head: not KEY=VALUE: $kv" >&2
			return 1
			;;
		esac
	done
	[ "$v6" != yes ] || out="$out, 2001:db8:0:2::2/64"
	cat <<EOF
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [$out]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24]}
EOF
	if [ "$routes" = yes ]; then
		echo "routes:"
		echo "  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}"
		[ "$v6" != yes ] || echo "  - {destination: 2001:db8:f1::/48, gateway: 2001:db8:0:2::1}"
	fi
	echo "ike:"
	echo "  retransmit_timeout: 1s"
	echo "  retransmit_tries: $tries"
	[ -z "$base" ] || echo "  retransmit_base: $base"
	[ ${#more[@]} = 0 ] || printf '%s\n' "${more[@]}"
}

# ikl_gw_child NAME LOCAL_TS REMOTE_TS ESP_PROPOSALS START_ACTION [LINES]:
# one tunnel child of a gateway connection on stdout; LINES (one setting
# a line, "rekey_time: 0" and the like) end it.
ikl_gw_child() {
	cat <<EOF
      $1:
        mode: tunnel
        local_ts: [$2]
        remote_ts: [$3]
        esp_proposals: [$4]
        start_action: $5
EOF
	lab_lines '        ' "${6:-}"
}

# ikl_gw_conn NAME [KEY=VALUE...]: one PSK connection of the gateway's
# connections: on stdout, its local id 192.0.2.2.  KEYs and their defaults:
#   version ${GW_VERSION:-1}; local 192.0.2.2 (local_addrs; empty: none);
#   remote 192.0.2.1 (the peer's id, and remote_addrs unless remote_addrs
#   is given; %any: any peer); proposals aes128-sha256-modp2048;
#   lines: the connection's lines before its children;
#   child net, local_ts 203.0.113.0/24, remote_ts 198.51.100.0/24,
#   esp aes128gcm16, start none, child_lines "rekey_time: 0": its one child
#   (ikl_gw_child); children: ikl_gw_child texts instead of that one.
# A value of several lines has one setting a line.
ikl_gw_conn() {
	local name=$1 remote
	local -A k=([version]=${GW_VERSION:-1} [local]=192.0.2.2 [remote]=192.0.2.1 [remote_addrs]=-
		[proposals]=aes128-sha256-modp2048 [lines]="" [child]=net [local_ts]=203.0.113.0/24
		[remote_ts]=198.51.100.0/24 [esp]=aes128gcm16 [start]=none [child_lines]='rekey_time: 0'
		[children]="")
	shift
	lab_settings k ikl_gw_conn "$@" || return 1
	remote=${k[remote]}
	[ "$remote" != %any ] || remote='"%any"'
	[ "${k[remote_addrs]}" != - ] || k[remote_addrs]=$remote
	echo "  $name:"
	echo "    version: ${k[version]}"
	[ -z "${k[local]}" ] || echo "    local_addrs: [${k[local]}]"
	[ -z "${k[remote_addrs]}" ] || echo "    remote_addrs: [${k[remote_addrs]}]"
	echo "    proposals: [${k[proposals]}]"
	echo "    local: {auth: psk, id: 192.0.2.2}"
	echo "    remote: {auth: psk, id: $remote}"
	lab_lines '    ' "${k[lines]}"
	echo "    children:"
	if [ -n "${k[children]}" ]; then
		printf '%s\n' "${k[children]}"
	else
		ikl_gw_child "${k[child]}" "${k[local_ts]}" "${k[remote_ts]}" "${k[esp]}" "${k[start]}" \
			"${k[child_lines]}"
	fi
}

# ikl_gw_yaml IDS CONNECTIONS [KEY=VALUE...] ($PSK): write $TMP/gw.yaml: its
# head (ikl_gw_head with the KEY=VALUEs), CONNECTIONS (ikl_gw_conn's texts)
# and the one secret for the peer identities IDS (a YAML list's body; none:
# any peer).
ikl_gw_yaml() {
	local ids=$1 conns=$2
	shift 2
	{
		ikl_gw_head "$@" || return 1
		echo "connections:"
		printf '%s\n' "$conns"
		echo "secrets:"
		if [ -n "$ids" ]; then
			echo "  - {type: ike, ids: [$ids], secret: \"$PSK\"}"
		else
			echo "  - {type: ike, secret: \"$PSK\"}"
		fi
	} >"$TMP/gw.yaml"
}

# gw_conf_psk IKE_PROPOSAL ESP_PROPOSAL START_ACTION [KEY=VALUE...] ($PSK,
# $GW_VERSION): the gateway's config, its connection gw / child net to
# charon (ikl_gw_conn with the KEY=VALUEs).  IKE_PROPOSAL may be a YAML
# list body ("a, b").
gw_conf_psk() {
	local ike=$1 esp=$2 start=$3
	shift 3
	ikl_gw_yaml 192.0.2.1 "$(ikl_gw_conn gw proposals="$ike" esp="$esp" start="$start" "$@")"
}

# ikl_flood_lab VERSION PROPOSALS ANYONE_PROPOSALS [KEY=VALUE...] ($PSK):
# the flood tests' lab, after ikl_setup.  The outside link gets IPv6 too;
# charon's namespace blackholes the spoofed sources' prefixes routed to it
# (silently: no ICMP back) and holds 192.0.2.3 for the probe connection.
# Charon has two connections to the gateway: gw (child net,
# 198.51.100.0/26) and from 192.0.2.3 probe (child probe, 198.51.100.64/26),
# loaded (the status is ss_load's).  The gateway has those two and one for
# anyone (198.51.100.128/25, ANYONE_PROPOSALS: the flood's requests match
# it), and the KEY=VALUEs in ike: (ikl_gw_head).  The exit trap also ends
# the flood's sink and sampler (SINK_PID, SAMPLER_PID).
ikl_flood_lab() {
	local v=$1 p=$2 any=$3
	shift 3
	SINK_PID=
	SAMPLER_PID=
	trap ikl_flood_cleanup EXIT
	ip -n "$SS" -6 addr add 2001:db8:0:2::1/64 dev so$ID nodad
	ip -n "$SS" addr add 192.0.2.3/24 dev so$ID
	ip -n "$SS" route add blackhole 198.51.100.0/24
	ip -n "$SS" -6 route add blackhole 2001:db8:f1::/48
	ss_ts_address "$SS" 198.51.100.65/32
	ikl_gw_yaml "192.0.2.1, 192.0.2.3" "$(
		ikl_gw_conn gw version="$v" proposals="$p" remote_ts=198.51.100.0/26
		ikl_gw_conn probe version="$v" proposals="$p" remote=192.0.2.3 child=probe \
			remote_ts=198.51.100.64/26
		ikl_gw_conn anyone version="$v" proposals="$any" local= remote=%any child=any \
			remote_ts=198.51.100.128/25 child_lines=
	)" v6=yes "$@" || return 1
	ss_psk_conf "$SSD/swanctl.conf" "192.0.2.1 192.0.2.2 192.0.2.3" \
		"$(ss_psk_conn gw version="$v" proposals="$p" local_ts=198.51.100.0/26)" \
		"$(ss_psk_conn probe version="$v" local=192.0.2.3 proposals="$p" child=probe \
			local_ts=198.51.100.64/26)"
	ss_load "$SSD" "$SSD/swanctl.conf"
}

# ikl_flood_cleanup: the flood's sink and sampler (by PID), then ikl_cleanup.
ikl_flood_cleanup() {
	local p
	for p in $SINK_PID $SAMPLER_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ikl_cleanup
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

# gw_peaks SECONDS: sampled every second for SECONDS, the most inbound
# IKE-made SAs (MAXP) and IKE SAs (MAXI) the gateway held at once.
gw_peaks() {
	local t n
	MAXP=0
	MAXI=0
	for ((t = 0; t < $1; t++)); do
		sleep 1
		n=$(gw_children | grep -c inbound)
		[ "$n" -gt "$MAXP" ] && MAXP=$n
		n=$(ike_total)
		[ "$n" -gt "$MAXI" ] && MAXI=$n
	done
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

# v1stat NAME / v2stat NAME: a counter of the IKEv1 / IKEv2 engine (/fastipsec/ike/stats).
v1stat() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev1"]["'"$1"'"]'
}
v2stat() {
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["ikev2"]["'"$1"'"]'
}

# Numbered UDP streams (udp_stream.py) through the tunnel, each by a NAME:
# its receiver writes $TMP/recv-NAME, its sender $TMP/sent-NAME.
STREAM_PIDS=()
# stream_recv NS ADDR PORT NAME SECONDS
stream_recv() {
	ip netns exec "$1" $PY "$TOP/tests/integration/udp_stream.py" recv "$2" "$3" "$5" "$TMP/recv-$4" &
	STREAM_PIDS+=($!)
}
# stream_send NS SRC DST PORT NAME RATE SECONDS
stream_send() {
	ip netns exec "$1" $PY "$TOP/tests/integration/udp_stream.py" send "$2" "$3" "$4" "$6" "$7" \
		"$TMP/sent-$5" &
	STREAM_PIDS+=($!)
}
# streams_ready FILE...: wait (5 s at most) until each receiver (NAME) or other FILE.ready is there.
streams_ready() {
	local i f n
	for ((i = 0; i < 50; i++)); do
		n=0
		for f in "$@"; do
			[ -e "$TMP/recv-$f.ready" ] || [ -e "$TMP/$f.ready" ] && n=$((n + 1))
		done
		[ "$n" = $# ] && return 0
		sleep 0.1
	done
	return 1
}
# streams_wait: until every stream process ended.
streams_wait() {
	[ ${#STREAM_PIDS[@]} -eq 0 ] || wait "${STREAM_PIDS[@]}" 2>/dev/null
	STREAM_PIDS=()
}
# streams_kill: the stream processes still running (at cleanup).
streams_kill() {
	local p
	for p in "${STREAM_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	STREAM_PIDS=()
}
# stream_result NAME LABEL: sets S_SENT S_RCV S_UNI S_DUP S_LOST of stream NAME
# and prints them, with where its gaps are, as "# LABEL: ..." lines.
stream_result() {
	read -r _ S_SENT <"$TMP/sent-$1"
	read -r _ S_RCV _ S_UNI _ S_DUP <"$TMP/recv-$1"
	S_LOST=$((S_SENT - S_UNI))
	echo "# $2: sent $S_SENT received $S_RCV unique $S_UNI duplicates $S_DUP lost $S_LOST"
	sed -n 's/^gaps/# '"$2"': gaps/p' "$TMP/recv-$1"
}

# gw_drops LABEL: the gateway's drop counters that are not zero, for a loss's diagnosis.
gw_drops() {
	tel "$PREFIX" /fastipsec/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/stats"]
d = {k: v for k, v in (r.get("drops") or {}).items() if isinstance(v, int) and v}
print("# %s drops:" % sys.argv[1], d or "none")' "$1" 2>/dev/null
}

# pairs_match: charon's CHILD SAs (but those it lists as DELETED: gone from
# libipsec, kept a moment for the listing) are the gateway's pairs, SPI for SPI.
pairs_match() {
	local ss gw
	ss=$(ss_sas "$SSD" | $PY -c '
import json, sys
for ike in json.load(sys.stdin):
    for c in ike["children"]:
        if c.get("state") == "DELETED":
            continue
        print("outbound %08x" % int(c["spi-in"], 16))
        print("inbound %08x" % int(c["spi-out"], 16))' | sort)
	gw=$(gw_children | awk '{print $1, $2}' | sort)
	[ -n "$gw" ] && [ "$ss" = "$gw" ]
}
# pairs_show: both ends' pairs, for a failed comparison.
pairs_show() {
	echo "# charon: $(ss_sas "$SSD" | $PY -c '
import json, sys
print(["%s:%s/%s(%s)" % (ike.get("uniqueid"), c["spi-in"], c["spi-out"], c.get("state")) for ike in json.load(sys.stdin) for c in ike["children"]])')"
	echo "# gateway: $(gw_children | tr '\n' ' ') IKE SAs $(ike_total)"
}

# rows_on_live_ike: every pair's "ike_sa" in /fastipsec/sa/list is an
# established IKE SA of /fastipsec/ike/list (adoptions and IKE rekeys
# update it) that names the pair among its child_sas.
rows_on_live_ike() {
	$PY -c '
import json, sys
sa = json.loads(sys.argv[1])["/fastipsec/sa/list"]
ike = json.loads(sys.argv[2])["/fastipsec/ike/list"]
live = {v["id"]: v.get("child_sas", "") for v in ike.values() if isinstance(v, dict) and v.get("state") == "established"}
rows = [v for v in sa.values() if isinstance(v, dict) and "ike_sa" in v]
bad = [(v["spi"], v["ike_sa"]) for v in rows if v["ike_sa"] not in live or v["spi"][2:] not in live[v["ike_sa"]]]
if bad or not rows:
    print("# rows on no live IKE SA:", bad, "live:", live)
sys.exit(1 if bad or not rows else 0)' "$(tel "$PREFIX" /fastipsec/sa/list)" "$(tel "$PREFIX" /fastipsec/ike/list)"
}
# wait_rows_on_live_ike: rows_on_live_ike within 5 s (a rekey moves them a moment later).
wait_rows_on_live_ike() {
	local i
	for ((i = 0; i < 20; i++)); do
		rows_on_live_ike >/dev/null && return 0
		sleep 0.25
	done
	rows_on_live_ike
}
