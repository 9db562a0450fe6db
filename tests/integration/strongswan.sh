#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# strongSwan as a real IKE peer, sourced by the integration tests: a charon
# per network namespace, each with everything of its own.
#
# An instance is a directory the test made (ss_start DIR NS): charon's
# strongswan.conf, its vici socket, its log, its PID and its private /run
# all live there, so several charons run side by side and nothing outside
# the directory is touched.  charon ignores `piddir` and refuses to start
# while /var/run/charon.pid exists (LAB-NOTES.md): it runs in a mount
# namespace of its own with DIR/run bind-mounted over /run (/var/run links
# there on Debian).  Control goes through swanctl on the instance's vici
# socket (a path in DIR, reachable from any namespace).
#
# The data path is kernel-libipsec (the kernel here has no ESP): Debian 12's
# strongSwan 5.9.8 then always floats to UDP 4500 and asks for ESP-in-UDP
# (it fakes NAT detection), so its peer must do NAT-T.
#
# Knobs, read by ss_start:
#   SS_CHARON          the daemon (default /usr/lib/ipsec/charon)
#   SS_LOGLEVEL        charon.filelog default level (default 1)
#   SS_IKE_LOGLEVEL    ike/cfg/knl/chd/net levels (default 2)
#   SS_ENC_LOGLEVEL    enc level (default 1: message summaries; 2 dumps
#                      every field of every payload, 3 adds hex)
#   SS_INSTALL_ROUTES  yes|no (default no: tests of IKE need no data path)
#   SS_RETRANSMIT      "TRIES TIMEOUT BASE" (default "2 1 1.4": a dead
#                      negotiation ends within about 8 s)
#   SS_EXTRA_CHARON    more lines for the charon { } section

# shellcheck disable=SC2034 # SS_WHY and the like are read by the scripts that source this
SS_CHARON=${SS_CHARON:-/usr/lib/ipsec/charon}
SS_PLUGINS=${SS_PLUGINS:-/usr/lib/ipsec/plugins}
SS_PY=${PY:-/usr/bin/python3}
SS_WHY=

# ss_available: 0 when charon, swanctl and the plugins a test needs are
# installed and a TUN device exists; else 1 with the reason in SS_WHY.
ss_available() {
	local p
	SS_WHY=
	if [ ! -x "$SS_CHARON" ]; then
		SS_WHY="strongSwan charon not installed ($SS_CHARON; scripts/setup.sh installs it)"
		return 1
	fi
	if ! command -v swanctl >/dev/null 2>&1; then
		SS_WHY="swanctl not installed (strongswan-swanctl)"
		return 1
	fi
	for p in kernel-libipsec kernel-netlink socket-default vici openssl nonce random; do
		if [ ! -e "$SS_PLUGINS/libstrongswan-$p.so" ]; then
			SS_WHY="strongSwan plugin $p missing ($SS_PLUGINS)"
			return 1
		fi
	done
	if [ ! -c /dev/net/tun ]; then
		SS_WHY="no /dev/net/tun for kernel-libipsec"
		return 1
	fi
	return 0
}

# ss_conf DIR: write DIR/strongswan.conf (charon and swanctl sections).
ss_conf() {
	local dir=$1 lvl=${SS_LOGLEVEL:-1} ike=${SS_IKE_LOGLEVEL:-2} enc=${SS_ENC_LOGLEVEL:-1}
	local routes=${SS_INSTALL_ROUTES:-no} tries timeout base
	read -r tries timeout base <<<"${SS_RETRANSMIT:-2 1 1.4}"
	mkdir -p "$dir/run"
	cat >"$dir/strongswan.conf" <<EOF
# strongswan.conf of the test instance in $dir
charon {
	# kernel-libipsec first: it takes the IPsec half of the kernel
	# interface, kernel-netlink the rest (addresses, routes).
	load = random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 pkcs8 x509 pubkey revocation constraints kdf socket-default kernel-libipsec kernel-netlink vici
	port = 500
	port_nat_t = 4500
	install_routes = $routes
	install_virtual_ip = no
	retransmit_tries = $tries
	retransmit_timeout = $timeout
	retransmit_base = $base
	# Whole negotiations only: half-open SAs die with the test.
	half_open_timeout = 10
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
		kernel-libipsec {
			allow_peer_ts = yes
		}
	}
	syslog {
		identifier = charon-test
		daemon {
			default = -1
		}
	}
	filelog {
		test {
			path = $dir/charon.log
			time_format = %T
			ike_name = yes
			append = no
			flush_line = yes
			default = $lvl
			ike = $ike
			cfg = $ike
			knl = $ike
			chd = $ike
			net = $ike
			enc = $enc
		}
	}
${SS_EXTRA_CHARON:-}
}
swanctl {
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
}
EOF
}

# ss_psk_child NAME LOCAL_TS REMOTE_TS ESP_PROPOSALS [LINES]: one tunnel
# child of a swanctl.conf connection on stdout; LINES (one setting a line,
# "rekey_time = 0" and the like) end it.
ss_psk_child() {
	cat <<EOF
			$1 {
				mode = tunnel
				local_ts = $2
				remote_ts = $3
				esp_proposals = $4
EOF
	lab_lines $'\t\t\t\t' "${5:-}"
	printf '\t\t\t}\n'
}

# ss_psk_conn NAME [KEY=VALUE...]: one connection of a swanctl.conf's
# connections { } on stdout, PSK both ways, each end's address its id.
# KEYs and their defaults:
#   version 1; local 192.0.2.1; remote 192.0.2.2 (%any: any peer);
#   proposals aes128-sha256-modp2048; dpd 0 (dpd_delay);
#   ike "rekey_time = 0 / reauth_time = 0" (the lines after dpd_delay);
#   child net, local_ts 198.51.100.0/24, remote_ts 203.0.113.0/24,
#   esp aes128gcm16, child_lines "rekey_time = 0": its one child (ss_psk_child);
#   children: ss_psk_child texts instead of that one child.
# A value of several lines has one setting a line.
ss_psk_conn() {
	local name=$1
	local -A k=([version]=1 [local]=192.0.2.1 [remote]=192.0.2.2
		[proposals]=aes128-sha256-modp2048 [dpd]=0 [ike]=$'rekey_time = 0\nreauth_time = 0'
		[child]=net [local_ts]=198.51.100.0/24 [remote_ts]=203.0.113.0/24 [esp]=aes128gcm16
		[child_lines]='rekey_time = 0' [children]="")
	shift
	lab_settings k ss_psk_conn "$@" || return 1
	cat <<EOF
	$name {
		version = ${k[version]}
		local_addrs = ${k[local]}
		remote_addrs = ${k[remote]}
		proposals = ${k[proposals]}
		dpd_delay = ${k[dpd]}
EOF
	lab_lines $'\t\t' "${k[ike]}"
	cat <<EOF
		local {
			auth = psk
			id = ${k[local]}
		}
		remote {
			auth = psk
			id = ${k[remote]}
		}
		children {
EOF
	if [ -n "${k[children]}" ]; then
		printf '%s\n' "${k[children]}"
	else
		ss_psk_child "${k[child]}" "${k[local_ts]}" "${k[remote_ts]}" "${k[esp]}" "${k[child_lines]}"
	fi
	printf '\t\t}\n\t}\n'
}

# ss_psk_conf FILE IDS CONNECTION...: write FILE, a swanctl.conf with these
# connections (ss_psk_conn's texts) and the one secret $PSK for the
# identities IDS (separated by spaces; none: for any identity).
ss_psk_conf() {
	local file=$1 ids=$2 id n=0
	shift 2
	{
		echo "connections {"
		printf '%s\n' "$@"
		echo "}"
		echo "secrets {"
		if [ -n "$ids" ]; then
			printf '\tike-gw {\n'
			for id in $ids; do
				n=$((n + 1))
				printf '\t\tid-%d = %s\n' "$n" "$id"
			done
		else
			printf '\tike-any {\n'
		fi
		printf '\t\tsecret = "%s"\n\t}\n}\n' "$PSK"
	} >"$file"
}

# ss_ts_address NS ADDR/LEN...: give charon's namespace an address inside
# each local traffic selector (on lo).  kernel-libipsec routes outbound
# policies through its TUN device from such an address and fails to
# install a CHILD SA ("error installing route with policy") without one.
ss_ts_address() {
	local ns=$1 a
	shift
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev lo
	done
}

# ss_pid DIR: the PID of the charon ss_start started there (empty if none).
ss_pid() {
	cat "$1/charon.ss-pid" 2>/dev/null
}

# ss_swanctl DIR ARGS...: swanctl against the instance in DIR.
ss_swanctl() {
	local dir=$1
	shift
	STRONGSWAN_CONF=$dir/strongswan.conf swanctl "$@" --uri "unix://$dir/charon.vici"
}

# ss_start DIR NS: start a charon in namespace NS for the instance in DIR
# (writes strongswan.conf unless one is there) and wait, at most 10 s, until
# it answers on vici.  Returns 1 (log in DIR/charon.out, DIR/charon.log)
# when it does not come up.
ss_start() {
	local dir=$1 ns=$2 pid i
	[ -f "$dir/strongswan.conf" ] || ss_conf "$dir"
	mkdir -p "$dir/run"
	rm -f "$dir/charon.vici" "$dir/run/charon.pid"
	# ip netns exec and unshare exec in place: $! is charon's PID.
	# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$ns" \
		unshare -m --propagation private /bin/sh -c \
		'mount --bind "$1" /run && exec "$2"' ss-charon "$dir/run" "$SS_CHARON" \
		>"$dir/charon.out" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/charon.ss-pid"
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			rm -f "$dir/charon.ss-pid"
			return 1
		fi
		if [ -S "$dir/charon.vici" ] && ss_swanctl "$dir" --stats >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	ss_stop "$dir"
	return 1
}

# ss_stop DIR: SIGTERM the instance's charon (by its PID), SIGKILL after
# 5 s; a no-op when it is not running.
ss_stop() {
	local dir=$1 pid i
	pid=$(ss_pid "$dir")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/charon.ss-pid"
}

# ss_load DIR FILE: load the connections and secrets of a swanctl.conf;
# swanctl's chatter goes to DIR/swanctl-load.out, shown only on failure.
ss_load() {
	if ! ss_swanctl "$1" --load-all --noprompt --file "$2" >"$1/swanctl-load.out" 2>&1; then
		grep -v "^opening directory" "$1/swanctl-load.out" | sed 's/^/# /'
		return 1
	fi
}

# ss_initiate DIR CHILD [IKE] [SECONDS]: initiate CHILD (of connection IKE)
# and wait for the outcome, at most SECONDS (default 20).
ss_initiate() {
	local dir=$1 child=$2 ike=${3:-} t=${4:-20}
	if [ -n "$ike" ]; then
		ss_swanctl "$dir" --initiate --child "$child" --ike "$ike" --timeout "$t"
	else
		ss_swanctl "$dir" --initiate --child "$child" --timeout "$t"
	fi
}

# ss_terminate DIR ike|child NAME [SECONDS]: terminate the IKE SA (and its
# children) or the CHILD SA of that configuration name.
ss_terminate() {
	local dir=$1 what=$2 name=$3 t=${4:-10}
	ss_swanctl "$dir" --terminate "--$what" "$name" --timeout "$t"
}

# ss_sas DIR: the IKE and CHILD SAs as JSON, parsed from `swanctl
# --list-sas --raw`: a list of IKE SAs, each the vici dictionary with its
# name in "name" and its children as a list in "children", e.g.
#   [{"name": "gw", "version": "1", "state": "ESTABLISHED",
#     "children": [{"name": "net", "state": "INSTALLED",
#                   "spi-in": "c0ffee01", "spi-out": "...",
#                   "local-ts": ["198.51.100.0/24"], ...}]}]
ss_sas() {
	ss_swanctl "$1" --list-sas --raw 2>/dev/null | $SS_PY -c '
import json, re, sys

# The raw form: "list-sa event {NAME {key=value list=[a b] sub {...}}}",
# one event a line, values without spaces (swanctl prints them so).
TOK = re.compile(r"\s*(\{|\}|\[|\]|[^\s{}\[\]=]+=[^\s{}\[\]]*|[^\s{}\[\]]+)")

def parse(tokens, i):
    d = {}
    while i < len(tokens):
        t = tokens[i]
        if t == "}":
            return d, i + 1
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t.endswith("=") and nxt == "[":
            j = i + 2
            vals = []
            while j < len(tokens) and tokens[j] != "]":
                vals.append(tokens[j])
                j += 1
            d[t[:-1]] = vals
            i = j + 1
        elif "=" in t:
            k, v = t.split("=", 1)
            d[k] = v
            i += 1
        elif nxt == "{":
            d[t], i = parse(tokens, i + 2)
        else:
            i += 1
    return d, i

out = []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("list-sa event"):
        continue
    tokens = TOK.findall(line[len("list-sa event"):])
    ev, _ = parse(tokens[1:], 0) if tokens and tokens[0] == "{" else ({}, 0)
    for name, ike in ev.items():
        if not isinstance(ike, dict):
            continue
        ike = dict(ike)
        ike["name"] = name
        children = []
        for cname, c in (ike.pop("child-sas", {}) or {}).items():
            c = dict(c)
            c.setdefault("name", cname)
            c["id"] = cname
            children.append(c)
        ike["children"] = children
        out.append(ike)
print(json.dumps(out))
'
}

# ss_child_spis DIR CHILD: "SPI_IN SPI_OUT" (lower-case hex, 8 digits) of
# every installed CHILD SA named CHILD, one a line.
ss_child_spis() {
	ss_sas "$1" | $SS_PY -c '
import json, sys
for ike in json.load(sys.stdin):
    for c in ike["children"]:
        if c.get("name") == sys.argv[1] and c.get("state") == "INSTALLED":
            print("%08x %08x" % (int(c["spi-in"], 16), int(c["spi-out"], 16)))
' "$2"
}

# ss_count DIR [ike|child]: how many IKE SAs (default) or CHILD SAs exist.
ss_count() {
	ss_sas "$1" | $SS_PY -c '
import json, sys
sas = json.load(sys.stdin)
print(len(sas) if sys.argv[1] == "ike" else sum(len(i["children"]) for i in sas))
' "${2:-ike}"
}

# ss_wait_count DIR ike|child N SECONDS: wait until exactly N such SAs exist.
ss_wait_count() {
	local i n
	for ((i = 0; i < $4 * 5; i++)); do
		n=$(ss_count "$1" "$2")
		[ "$n" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

# ss_log_tail DIR [N]: the last N (default 30) lines of charon's log, for
# a failure's diagnostics (prefixed "# ").
ss_log_tail() {
	tail -n "${2:-30}" "$1/charon.log" 2>/dev/null | sed 's/^/# /'
}
