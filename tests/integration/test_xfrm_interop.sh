#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Static-SA interop with the Linux kernel's IPsec (XFRM): fastipsec (DPDK,
# af_packet ports) between a host (203.0.113.2, 2001:db8:0:113::2) and a
# peer namespace whose kernel holds, set with `ip xfrm`, the mirror of each
# of the gateway's SA pairs and the policies that send its own addresses
# through them (the peer is its own host behind the tunnel).  Tunnel mode,
# six pairs: AES-128-GCM (rfc4106(gcm(aes))); AES-128-CBC with
# HMAC-SHA-256-128 and ESN; AES-128-GCM in UDP 4500 (NAT-T, espinudp); AH
# with HMAC-SHA-256-128 (when the kernel has AH); AES-256-GCM, IPv6 in
# IPv6; AES-256-CBC with HMAC-SHA-256-128, IPv4 in IPv6.  Each carries
# pings both ways and UDP and TCP exchanges started from each side; then
# the gateway's SA counters must equal the kernel's state counters, neither
# side may count an ICV, replay or XFRM error, and the outside wire must
# carry only ESP, AH and ESP-in-UDP.
#
# The peer needs a kernel with ESP (CONFIG_INET_ESP, CONFIG_INET6_ESP; AH:
# CONFIG_INET_AH).  A probe in a scratch namespace first adds every state
# and policy the peer gets.  A kernel without ESP refuses the states: the
# test then checks what it can there (the policies are taken, iproute2
# parses every state line and the kernel refuses it only for the type or
# algorithm it lacks, the gateway's config is valid) and skips the rest,
# saying why.  KEEP_TMP=1 keeps the logs and the capture.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_xfrm_interop: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_xfrm_interop: $BUILD/fastipsec not built"

XP=$TOP/tests/integration/xfrm_peer.py
ALL_CASES=(gcm cbc natt ah gcm6 cbc46)
SRV_PID=
ENCAP_PID=

# xfrm_cleanup: this test's own processes (by PID), then the lab's (ikl_cleanup).
xfrm_cleanup() {
	local p
	for p in $SRV_PID $ENCAP_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ikl_cleanup
}

# hexkey BYTES SEED: a key of BYTES bytes SEED, SEED+1, ... (mod 256) as
# 0x and hex; nothing for 0 bytes.
hexkey() {
	local i b k=0x
	[ "$1" -gt 0 ] || return 0
	for ((i = 0; i < $1; i++)); do
		printf -v b %02x $((($2 + i) & 255))
		k+=$b
	done
	echo "$k"
}

# xcase NAME: the settings of case NAME in C_* variables:
#   C_DESC, C_KIND (what the kernel must have for it), C_PROTO (esp | ah),
#   C_PROP (the gateway's proposal), C_N (SPI 0x100N gateway -> peer,
#   0x200N peer -> gateway, reqid N at the peer), C_ESN, C_NATT (yes | no),
#   the outer addresses C_GWO and C_PEERO, the peer's network C_NET and its
#   address there C_ADDR, the host's network C_HNET and address C_HOST, and
#   the keys: C_EOUT C_IOUT (encryption, integrity; gateway -> peer), C_EIN
#   C_IIN (peer -> gateway).  An AES-GCM encryption key ends with its
#   4-byte salt (RFC 4106 §8.1), in the gateway's config as in ip xfrm's.
xcase() {
	local enc=0 int=0 v6=no
	C_PROTO=esp C_ESN=no C_NATT=no
	case $1 in
	gcm) C_N=1 C_PROP=aes128gcm16 enc=20 C_NET=198.51.100.0/27 C_ADDR=198.51.100.1 \
		C_DESC="AES-128-GCM, IPv4" ;;
	cbc) C_N=2 C_PROP=aes128-sha256 enc=16 int=32 C_ESN=yes C_NET=198.51.100.64/26 \
		C_ADDR=198.51.100.65 C_DESC="AES-128-CBC + HMAC-SHA-256-128 with ESN, IPv4" ;;
	natt) C_N=3 C_PROP=aes128gcm16 enc=20 C_NATT=yes C_NET=198.51.100.128/26 \
		C_ADDR=198.51.100.129 C_DESC="AES-128-GCM in UDP 4500, IPv4" ;;
	ah) C_N=4 C_PROTO=ah C_PROP=sha256 int=32 C_NET=198.51.100.32/27 C_ADDR=198.51.100.33 \
		C_DESC="AH HMAC-SHA-256-128, IPv4" ;;
	gcm6) C_N=5 C_PROP=aes256gcm16 enc=36 v6=yes C_NET=2001:db8:51::/64 C_ADDR=2001:db8:51::1 \
		C_DESC="AES-256-GCM, IPv6 in IPv6" ;;
	cbc46) C_N=6 C_PROP=aes256-sha256 enc=32 int=32 v6=yes C_NET=198.51.100.192/26 \
		C_ADDR=198.51.100.193 C_DESC="AES-256-CBC + HMAC-SHA-256-128, IPv4 in IPv6" ;;
	*)
		echo "xcase: no case $1" >&2
		return 1
		;;
	esac
	if [ "$v6" = yes ]; then
		C_GWO=2001:db8:0:2::2 C_PEERO=2001:db8:0:2::1
	else
		C_GWO=192.0.2.2 C_PEERO=192.0.2.1
	fi
	case $C_NET in
	*:*) C_HNET=2001:db8:0:113::/64 C_HOST=2001:db8:0:113::2 ;;
	*) C_HNET=203.0.113.0/24 C_HOST=203.0.113.2 ;;
	esac
	case $C_PROP in
	*gcm16) C_KIND="ESP rfc4106(gcm(aes))" ;;
	*-sha256) C_KIND="ESP cbc(aes)+hmac(sha256)" ;;
	*) C_KIND="AH hmac(sha256)" ;;
	esac
	[ "$v6" = yes ] && C_KIND+=" over IPv6" || C_KIND+=" over IPv4"
	# Four different keys a case and a case apart: a direction or case mixed up fails.
	C_EOUT=$(hexkey $enc $((C_N * 40))) C_EIN=$(hexkey $enc $((C_N * 40 + 100)))
	C_IOUT=$(hexkey $int $((C_N * 40 + 7))) C_IIN=$(hexkey $int $((C_N * 40 + 107)))
}

# xfrm_alg ENC_KEY INT_KEY: the algorithm of the current case as ip-xfrm(8)
# spells it: "aead rfc4106(gcm(aes)) KEY+SALT ICV-BITS" for AES-GCM-16;
# "enc cbc(aes) KEY auth-trunc hmac(sha256) KEY 128" for AES-CBC with
# HMAC-SHA-256-128 (RFC 4868: the HMAC truncated to 128 bits); for AH
# the auth-trunc part alone.  Key sizes are the keys' own: 128 or 256-bit
# AES (and the salt) from the length, as the kernel reads them.
xfrm_alg() {
	case $C_PROP in
	*gcm16) echo "aead rfc4106(gcm(aes)) $1 128" ;;
	*-sha256) echo "enc cbc(aes) $1 auth-trunc hmac(sha256) $2 128" ;;
	sha256) echo "auth-trunc hmac(sha256) $2 128" ;;
	esac
}

# xfrm_lines CASE: the peer's XFRM for case CASE, the words after "ip xfrm",
# a command a line: its two states, then its out and in policies.  Every
# XFRM command of the test comes from here (the probe's and the peer's).
# Tunnel states get af-unspec, as strongSwan's do: their selector takes
# either inner family (IPv4 in IPv6 needs it).  iproute2 wants a replay
# window with esn, also on the outbound state.
xfrm_lines() {
	local st w=32 wout=""
	xcase "$1" || return 1
	st="proto $C_PROTO reqid $C_N mode tunnel flag af-unspec"
	if [ "$C_ESN" = yes ]; then
		st+=" esn"
		w=128
		wout=" replay-window $w"
	fi
	[ "$C_NATT" = no ] || st+=" encap espinudp 4500 4500 0.0.0.0"
	echo "state add src $C_PEERO dst $C_GWO spi 0x200$C_N $st$wout $(xfrm_alg "$C_EIN" "$C_IIN")"
	echo "state add src $C_GWO dst $C_PEERO spi 0x100$C_N $st replay-window $w $(xfrm_alg "$C_EOUT" "$C_IOUT")"
	echo "policy add src $C_NET dst $C_HNET dir out tmpl src $C_PEERO dst $C_GWO proto $C_PROTO reqid $C_N mode tunnel"
	echo "policy add src $C_HNET dst $C_NET dir in tmpl src $C_GWO dst $C_PEERO proto $C_PROTO reqid $C_N mode tunnel"
}

# gw_sa NAME DIRECTION SPI ENC_KEY INT_KEY: one static SA of the current case.
gw_sa() {
	local l="  - {name: $1, direction: $2, spi: $3, local: \"$C_GWO\", remote: \"$C_PEERO\""
	[ "$C_PROTO" = esp ] || l+=", protocol: $C_PROTO"
	l+=", proposal: $C_PROP"
	[ -z "$4" ] || l+=", encryption_key: $4"
	[ -z "$5" ] || l+=", integrity_key: $5"
	[ "$C_ESN" = no ] || l+=", esn: true"
	[ "$C_NATT" = no ] || l+=", encap: {type: udp}"
	echo "$l}"
}

# gw_yaml CASE...: the gateway's config for these cases on stdout: the pair
# NAME-out / NAME-in of each and its two policies.
gw_yaml() {
	local c
	cat <<EOF
instance: $INSTANCE
interfaces:
  - {name: outside, port: net_af_packet0, role: unprotected, addresses: [192.0.2.2/24, "2001:db8:0:2::2/64"]}
  - {name: inside, port: net_af_packet1, role: protected, addresses: [203.0.113.1/24, "2001:db8:0:113::1/64"]}
routes:
  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}
  - {destination: "2001:db8:51::/64", gateway: "2001:db8:0:2::1"}
static_sas:
EOF
	for c in "$@"; do
		xcase "$c" || return 1
		gw_sa "$c-out" outbound "0x100$C_N" "$C_EOUT" "$C_IOUT"
		gw_sa "$c-in" inbound "0x200$C_N" "$C_EIN" "$C_IIN"
	done
	echo "policies:"
	for c in "$@"; do
		xcase "$c"
		echo "  - {name: $c-o, direction: outbound, source: \"$C_HNET\", destination: \"$C_NET\"," \
			"action: protect, sa: $c-out}"
		echo "  - {name: $c-i, direction: inbound, source: \"$C_NET\", destination: \"$C_HNET\"," \
			"action: protect, sa: $c-in}"
	done
}

# GW: fastipsec; SS: the kernel peer (the name ikev1_lab.sh's helpers give
# the peer's namespace); IN: the host behind the gateway; PR: the probe.
ikl_init fxi GW SS IN PR
trap xfrm_cleanup EXIT

gw_yaml "${ALL_CASES[@]}" >"$TMP/gw.yaml"
OUT=$("$BUILD/fastipsec" --check-config "$TMP/gw.yaml" 2>&1)
check "the gateway's config of the six cases is valid (fastipsec --check-config)" \
	test "$OUT" = "$TMP/gw.yaml: OK"
[ "$OUT" = "$TMP/gw.yaml: OK" ] || echo "# ${OUT//$'\n'/$'\n'# }"

# ---- the probe: every XFRM line of every case in the scratch namespace ----
if ! OUT=$(ip -n "$PR" xfrm state count 2>&1); then
	skip_all "test_xfrm_interop: this kernel has no XFRM (ip xfrm said: $OUT); the XFRM interop" \
		"test needs a kernel with CONFIG_XFRM_USER and CONFIG_INET_ESP/INET6_ESP/INET_AH"
fi
NPOL=0 NSTATE=0 NREFUSED=0
BAD=()
declare -A REFUSED=() # C_KIND -> what ip xfrm said
for c in "${ALL_CASES[@]}"; do
	xcase "$c"
	while read -ra w; do
		OUT=$(ip -n "$PR" xfrm "${w[@]}" 2>&1)
		rc=$?
		if [ "${w[0]}" = policy ]; then
			NPOL=$((NPOL + 1))
			[ $rc -eq 0 ] || BAD+=("$c: ip xfrm ${w[*]}: rc $rc: $OUT")
			continue
		fi
		NSTATE=$((NSTATE + 1))
		[ $rc -eq 0 ] && continue
		# iproute2 exits 2 when it parsed the line and the kernel said no;
		# a kernel without the type (ESP, AH) or the algorithm says which.
		if [ $rc -eq 2 ] && grep -Eq 'Requested (type|AEAD algorithm) not found|Protocol not supported|Function not implemented' <<<"$OUT"; then
			NREFUSED=$((NREFUSED + 1))
			[ -n "${REFUSED[$C_KIND]+set}" ] || REFUSED[$C_KIND]=$OUT
		else
			BAD+=("$c: ip xfrm ${w[*]}: rc $rc: $OUT")
		fi
	done < <(xfrm_lines "$c")
done
for b in "${BAD[@]}"; do echo "# $b"; done
check "the peer's $NPOL XFRM policies are taken by this kernel, and its $NSTATE states parse and are taken or refused only for the type or algorithm the kernel lacks ($NREFUSED refused)" \
	test ${#BAD[@]} -eq 0
[ "$FAILS" -eq 0 ] || exit 1

CASES=()
SAID=
for c in "${ALL_CASES[@]}"; do
	xcase "$c"
	if [ -z "${REFUSED[$C_KIND]+set}" ]; then
		CASES+=("$c")
	else
		case $SAID in *"$C_KIND:"*) ;; *) SAID+="${SAID:+; }$C_KIND: ${REFUSED[$C_KIND]}" ;; esac
		[ "$C_PROTO" = esp ] && NO_ESP=1
	fi
done
if [ -n "${NO_ESP:-}" ]; then
	skip_all "test_xfrm_interop: this kernel has no ESP/AH in XFRM (ip xfrm said: $SAID); the XFRM" \
		"interop test needs a kernel with CONFIG_INET_ESP/INET6_ESP/INET_AH"
fi
[ -z "$SAID" ] || echo "# left out, the kernel lacks it: $SAID"
ip netns del "$PR"

# ---- the lab ----
ikl_gw_ports "$SS" "so$ID"
ip -n "$IN" -6 addr add 2001:db8:0:113::2/64 dev "pi$ID" nodad
ip -n "$IN" -6 route add default via 2001:db8:0:113::1
ip -n "$SS" addr add 192.0.2.1/24 dev "so$ID"
ip -n "$SS" -6 addr add 2001:db8:0:2::1/64 dev "so$ID" nodad
ip -n "$SS" route add 203.0.113.0/24 via 192.0.2.2
ip -n "$SS" -6 route add 2001:db8:0:113::/64 via 2001:db8:0:2::2
BAD=()
for c in "${CASES[@]}"; do
	xcase "$c"
	ip -n "$SS" addr add "$C_ADDR" dev lo
	while read -ra w; do
		OUT=$(ip -n "$SS" xfrm "${w[@]}" 2>&1) || BAD+=("$c: ip xfrm ${w[*]}: $OUT")
	done < <(xfrm_lines "$c")
done
for b in "${BAD[@]}"; do echo "# $b"; done
check "the peer's kernel holds the states and policies of the cases (${CASES[*]})" test ${#BAD[@]} -eq 0
if [[ " ${CASES[*]} " == *" natt "* ]]; then
	# The kernel takes ESP in UDP only on a socket marked for it (an IKE daemon's).
	ip netns exec "$SS" "$PY" "$XP" encap 192.0.2.1 "$TMP/encap.ready" &
	ENCAP_PID=$!
	check "the peer holds a UDP_ENCAP_ESPINUDP socket on 192.0.2.1:4500" streams_ready encap
fi

gw_yaml "${CASES[@]}" >"$TMP/gw.yaml"
if ! gw_up xfrm; then
	notok "the gateway starts with the mirror SAs"
	sed 's/^/# /' "$TMP/gw-xfrm.log"
	exit 1
fi
ok "the gateway starts with the mirror SAs"
dump_start "$TMP/wire.pcap"

# pings NS DST [ARGS...]: 5 echo requests; prints how many were answered.
pings() {
	local ns=$1 dst=$2
	shift 2
	ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 "$@" "$dst" 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

UDP_N=20
TCP_BYTES=200000
# xchg NS SRC PEER_NS DST: xfrm_peer.py serves at DST in PEER_NS and is asked
# from SRC in NS ($UDP_N datagrams, $TCP_BYTES bytes); its JSON in R.
xchg() {
	rm -f "$TMP/xs.ready"
	ip netns exec "$3" "$PY" "$XP" serve "$4" 5001 30 "$TMP/xs.ready" >/dev/null &
	SRV_PID=$!
	if streams_ready xs; then
		R=$(ip netns exec "$1" timeout 60 "$PY" "$XP" ask "$2" "$4" 5001 $UDP_N $TCP_BYTES)
	else
		R='{"error": "the server did not start"}'
	fi
	wait "$SRV_PID"
	SRV_PID=
}
OKX='r["udp_echoed"] == r["udp_sent"] and r["tcp_same"] and r["tcp_echoed"] == r["tcp_sent"]'

for c in "${CASES[@]}"; do
	xcase "$c"
	a=$(pings "$IN" "$C_ADDR")
	b=$(pings "$SS" "$C_HOST" -I "$C_ADDR")
	check "$c ($C_DESC): pings cross both ways (host -> peer ${a:-0}/5, peer -> host ${b:-0}/5)" \
		test "${a:-0} ${b:-0}" = "5 5"
	xchg "$IN" "$C_HOST" "$SS" "$C_ADDR"
	echo "# $c, host -> peer: $R"
	check "$c: the host's $UDP_N UDP datagrams and $TCP_BYTES bytes over TCP come back intact" jtrue "$R" "$OKX"
	xchg "$SS" "$C_ADDR" "$IN" "$C_HOST"
	echo "# $c, peer -> host: $R"
	check "$c: the peer's $UDP_N UDP datagrams and $TCP_BYTES bytes over TCP come back intact" jtrue "$R" "$OKX"
done
sleep 0.5
dump_stop

# xfrm_state SRC DST SPI: "PACKETS REPLAY FAILED" of the peer's state (ip -s xfrm state get).
xfrm_state() {
	ip -s -n "$SS" xfrm state get src "$1" dst "$2" proto "$C_PROTO" spi "$3" 2>/dev/null | "$PY" -c '
import re, sys
t = sys.stdin.read()
p = re.search(r"lifetime current:\s*\n\s*\d+\(bytes\), (\d+)\(packets\)", t)
s = re.search(r"stats:\s*\n\s*replay-window \d+ replay (\d+) failed (\d+)", t)
print(p.group(1) if p else "?", *(s.groups() if s else ("?", "?")))'
}
SAL=$(tel "$PREFIX" /fastipsec/sa/list)
# gw_packets NAME: the packets of the gateway's SA NAME.
gw_packets() {
	jget "$SAL" 'next((v["packets"] for v in r["/fastipsec/sa/list"].values() if isinstance(v, dict) and v.get("name") == "'"$1"'"), "?")'
}
MIN=$((10 + 2 * UDP_N)) # each SA: 10 pings and 2 x UDP_N datagrams at least
# same_count A B: A and B are the same number, at least MIN.
same_count() {
	[[ "$1" =~ ^[0-9]+$ ]] && [ "$1" = "$2" ] && [ "$1" -ge $MIN ]
}
for c in "${CASES[@]}"; do
	xcase "$c"
	go=$(gw_packets "$c-out")
	gi=$(gw_packets "$c-in")
	read -r ki kir kif < <(xfrm_state "$C_GWO" "$C_PEERO" "0x100$C_N")
	read -r ko _ < <(xfrm_state "$C_PEERO" "$C_GWO" "0x200$C_N")
	echo "# $c: gateway out $go in $gi; kernel in $ki (replay $kir, failed $kif) out $ko"
	check "$c: the gateway's outbound SA and the kernel's inbound state count the same packets ($go, $ki; at least $MIN)" \
		same_count "$go" "$ki"
	check "$c: the kernel's outbound state and the gateway's inbound SA count the same packets ($ko, $gi; at least $MIN)" \
		same_count "$ko" "$gi"
	check "$c: the kernel's inbound state counted no replay or ICV failure" test "$kir $kif" = "0 0"
done
ST=$(tel "$PREFIX" /fastipsec/stats)
gw_drops "gateway"
check "the gateway counted no ICV, replay, padding, SA, peer, policy or UDP drops" test "$(jget "$ST" \
	'[r["/fastipsec/stats"]["drops"].get(k, 0) for k in ("icv", "replay", "replay_old", "seq_zero", "pad", "proto", "no_sa", "peer", "policy", "ah_len", "udp_len", "udp_csum")]')" \
	= "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"
if XS=$(ip netns exec "$SS" cat /proc/net/xfrm_stat 2>/dev/null); then
	XS=$(awk '$2 != 0 {printf "%s%s=%s", s, $1, $2; s = " "}' <<<"$XS")
	echo "# the peer's XFRM errors: ${XS:-none}"
	check "the peer's kernel counted no XFRM error (/proc/net/xfrm_stat)" test -z "$XS"
fi

# The wire at the peer's end sees both directions: the gateway's af_packet
# frames arrive there, the kernel's leave through its qdisc.
rd() { tcpdump -r "$TMP/wire.pcap" -n "$@" 2>/dev/null; }
ENDS='((host 192.0.2.1 and host 192.0.2.2) or (host 2001:db8:0:2::1 and host 2001:db8:0:2::2))'
ND='(icmp6 and ip6[40] >= 133 and ip6[40] <= 137)'
N_ESP=$(rd "esp" | wc -l)
N_AH=$(rd "ah" | wc -l)
N_UDP=$(rd "udp port 4500" | wc -l)
N_OTHER=$(rd "$ENDS and not (esp or ah or udp port 4500) and not $ND" | wc -l)
N_INNER=$(rd "net 198.51.100.0/24 or net 203.0.113.0/24 or net 2001:db8:51::/64 or net 2001:db8:0:113::/64" | wc -l)
echo "# wire: $N_ESP ESP, $N_AH AH, $N_UDP ESP-in-UDP; $N_OTHER others between the ends, $N_INNER with an inner address"
rd "$ENDS and not (esp or ah or udp port 4500) and not $ND" | head -5 | sed 's/^/# other: /'
check "the outside wire carries only ESP, AH and ESP in UDP 4500 between the two ends, and no inner address" \
	test "$N_OTHER" -eq 0 -a "$N_INNER" -eq 0 -a "$N_ESP" -gt 0
WIRE=$(rd)
for c in "${CASES[@]}"; do
	xcase "$c"
	o=$(grep -c "spi=0x0000100$C_N," <<<"$WIRE")
	i=$(grep -c "spi=0x0000200$C_N," <<<"$WIRE")
	check "$c: the wire carries its $C_PROTO both ways (SPI 0x100$C_N from the gateway: $o, 0x200$C_N from the kernel: $i)" \
		test "$o" -ge $MIN -a "$i" -ge $MIN
done

gw_stop TERM
check "the gateway stops with exit 0 (rc=$GW_RC)" test "$GW_RC" -eq 0
GW_PID=
finish
