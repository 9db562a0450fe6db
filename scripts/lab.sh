#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Network-namespace lab helpers, sourced by scripts/demo.sh and tests/integration/.
# Everything uses documentation addresses only, inside namespaces made here.

# lab_veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces, up, with
# every offload off (af_packet + veth checksum offload breaks UDP, LAB-NOTES.md).
lab_veth() {
	local nsa=$1 ifa=$2 nsb=$3 ifb=$4
	ip link add "$ifa" netns "$nsa" type veth peer name "$ifb" netns "$nsb"
	ip -n "$nsa" link set "$ifa" up
	ip -n "$nsb" link set "$ifb" up
	ip netns exec "$nsa" ethtool -K "$ifa" tx off rx off tso off gso off gro off sg off >/dev/null 2>&1 || true
	ip netns exec "$nsb" ethtool -K "$ifb" tx off rx off tso off gso off gro off sg off >/dev/null 2>&1 || true
}

# lab_ns NAME: a namespace with loopback up and IPv6 router solicitations off.
lab_ns() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 >/dev/null 2>&1 || true
}

# lab_gw_port NS IF: a veth end that DPDK's af_packet drives: the kernel
# there keeps no addresses, no IPv6 and answers nothing.
lab_gw_port() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null 2>&1 || true
}

# lab_host NS IF ADDR4/LEN GW4 ADDR6/LEN GW6: a host behind one gateway port.
lab_host() {
	local ns=$1 ifn=$2
	ip -n "$ns" addr add "$3" dev "$ifn"
	ip -n "$ns" route add default via "$4"
	ip -n "$ns" -6 addr add "$5" dev "$ifn" nodad
	ip -n "$ns" -6 route add default via "$6"
}

# lab_bridge NS BR PORT...: a bridge BR in namespace NS over its ports (veth
# ends already there), up.  Its offloads go off too: the gateway's af_packet
# port would get the UDP of an address on the bridge without its checksum.
lab_bridge() {
	local ns=$1 br=$2 p
	shift 2
	ip -n "$ns" link add "$br" type bridge
	for p in "$@"; do
		ip -n "$ns" link set "$p" master "$br"
	done
	ip -n "$ns" link set "$br" up
	ip netns exec "$ns" ethtool -K "$br" tx off rx off tso off gso off sg off >/dev/null 2>&1 || true
}

# lab_del NS...: remove namespaces (their veths go with them).
lab_del() {
	local ns
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

# lab_wait_telemetry PREFIX SECONDS: wait for the DPDK telemetry socket.
lab_wait_telemetry() {
	local sock=/var/run/dpdk/$1/dpdk_telemetry.v2 i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# Writing a peer's or the gateway's configuration:

# lab_settings ARRAY WHO KEY=VALUE...: set keys of the associative array
# named ARRAY (a writer's defaults) to the values given; a KEY it does not
# hold is an error of WHO's (returns 1).
lab_settings() {
	local -n lab_s=$1
	local who=$2 kv key
	shift 2
	for kv in "$@"; do
		key=${kv%%=*}
		if [ "$key" = "$kv" ] || [ -z "${lab_s[$key]+set}" ]; then
			echo "$who: unknown setting $kv" >&2
			return 1
		fi
		lab_s["$key"]=${kv#*=}
	done
}

# lab_lines INDENT TEXT: each line of TEXT that is not blank, its leading
# white space replaced by INDENT.
lab_lines() {
	local l
	while IFS= read -r l; do
		l=${l#"${l%%[![:space:]]*}"}
		[ -z "$l" ] || printf '%s%s\n' "$1" "$l"
	done <<<"$2"
}
