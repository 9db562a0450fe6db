#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv1 interop beyond one tunnel, against a real strongSwan: the appliance
# (DPDK, af_packet ports) between hosts 203.0.113.2 and 203.0.113.130 and
# charon at 192.0.2.1, which protects its own 198.51.100.1 and
# 198.51.100.129 with libipsec (ikev1_lab.sh).
#  1. Two children in one ISAKMP SA (203.0.113.0/25 <-> 198.51.100.0/25 and
#     203.0.113.128/25 <-> 198.51.100.128/25), charon initiating both, then
#     the gateway (start_action start on both): one ISAKMP SA a side, two
#     mirrored pairs, each child's pings move only its own SA counters;
#     charon deleting one child leaves the other working; deleting the IKE
#     SA removes everything.
#  2. Kilobyte lifetimes (RFC 2407 §4.5; strongSwan counts a kilobyte as
#     1000 bytes, we as 1024): charon proposes life_bytes/rekey_bytes, the
#     gateway installs the hard byte limit and a 4 MB TCP transfer crosses
#     rekeys; then the gateway's child has them and initiates: what charon
#     received, our limits, our own rekeys under a transfer.
#  3. CRLs: a CA, a gateway certificate and two charon certificates made
#     with pki, one revoked in the CRL the gateway loads: the good
#     one comes up, the revoked one is refused (log, counter, no SA on
#     either side) while the good tunnel carries on; an expired CRL still
#     revokes (the engine does not check CRL dates); a missing CRL file is
#     a config error.
# KEEP_TMP=1 keeps both sides' logs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev1_interop: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev1_interop: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev1_interop: $SS_WHY"

T_ALL=$(date +%s%N)
ikl_setup fiki
PSK=fastipsec-interop-psk-0123456789
# The second child's hosts: 203.0.113.130 behind us, 198.51.100.129 at charon.
ip -n "$IN" addr add 203.0.113.130/24 dev pi$ID
ss_ts_address "$SS" 198.51.100.129/32

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# ss_children2 ESP: charon's children net1 (lower halves) and net2 (upper halves).
ss_children2() {
	local n
	echo "		children {"
	for n in 1 2; do
		cat <<EOF
			net$n {
				mode = tunnel
				local_ts = 198.51.100.$(((n - 1) * 128))/25
				remote_ts = 203.0.113.$(((n - 1) * 128))/25
				esp_proposals = $1
				rekey_time = 0
			}
EOF
	done
	echo "		}"
}

# gw_children2 ESP START_ACTION: the gateway's children net1 and net2.
gw_children2() {
	local n
	echo "    children:"
	for n in 1 2; do
		cat <<EOF
      net$n:
        mode: tunnel
        local_ts: [203.0.113.$(((n - 1) * 128))/25]
        remote_ts: [198.51.100.$(((n - 1) * 128))/25]
        esp_proposals: [$1]
        start_action: $2
        rekey_time: 0
EOF
	done
}

# gw_sas: the gateway's IKE-made SAs as "NAME DIRECTION SPI PACKETS BYTES" lines.
gw_sas() {
	tel "$PREFIX" /fastipsec/sa/list | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/sa/list"]
for v in r.values():
    if isinstance(v, dict) and "ike_sa" in v:
        print(v["name"], v["direction"], v["spi"][2:], v["packets"], v["bytes"])'
}

# pkts CHILD DIRECTION: packets of the gateway's SAs of gw/CHILD in that direction.
pkts() {
	gw_sas | awk -v n="gw/$1" -v d="$2" '$1 == n && $2 == d {s += $4} END {print s + 0}'
}

# mirrored CHILD...: for each CHILD, charon's installed CHILD SAs and the
# gateway's SAs of gw/CHILD are the same pairs (charon's in = our out).
mirrored() {
	local g s
	g=$(gw_sas)
	s=$(ss_sas "$SSD")
	$PY - "$g" "$s" "$@" <<'EOF'
import json, sys
g = [l.split() for l in sys.argv[1].splitlines() if l.strip()]
s = json.loads(sys.argv[2])
ok = True
for name in sys.argv[3:]:
    go = sorted(x[2] for x in g if x[0] == "gw/" + name and x[1] == "outbound")
    gi = sorted(x[2] for x in g if x[0] == "gw/" + name and x[1] == "inbound")
    cs = [c for ike in s for c in ike["children"] if c.get("name") == name and c.get("state") == "INSTALLED"]
    ci = sorted("%08x" % int(c["spi-in"], 16) for c in cs)
    co = sorted("%08x" % int(c["spi-out"], 16) for c in cs)
    print("# %s: charon in %s out %s; gateway out %s in %s" % (name, ci, co, go, gi))
    ok = ok and len(ci) > 0 and ci == go and co == gi
sys.exit(0 if ok else 1)
EOF
}

# ping_via NS SRC DST N: N pings from SRC in NS to DST; prints how many came back.
ping_via() {
	local r
	r=$(ip netns exec "$1" ping -c "$4" -i 0.2 -W 1 -I "$2" "$3" 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
	echo "${r:-0}"
}


# child_ping TAG N SRC DST OTHER: pings SRC -> DST and back over child N; its
# SA counters move by at least 10 each way, the OTHER child's not at all.
child_ping() {
	local tag=$1 n=$2 src=$3 dst=$4 o=$5 i0 o0 x0 a b
	i0=$(pkts "net$n" inbound)
	o0=$(pkts "net$n" outbound)
	x0=$(($(pkts "net$o" inbound) + $(pkts "net$o" outbound)))
	a=$(ping_via "$IN" "$src" "$dst" 5)
	b=$(ping_via "$SS" "$dst" "$src" 5)
	echo "# ($tag) net$n: pings $src -> $dst $a/5, back $b/5; net$n packets in +$(($(pkts "net$n" inbound) - i0)) out +$(($(pkts "net$n" outbound) - o0)), net$o +$(($(pkts "net$o" inbound) + $(pkts "net$o" outbound) - x0))"
	check "($tag) pings cross child net$n both ways" test "$a $b" = "5 5"
	check "($tag) ... on net$n's SA pair (in and out moved by >= 10), net$o's counters unchanged" \
		test "$(($(pkts "net$n" inbound) - i0))" -ge 10 -a "$(($(pkts "net$n" outbound) - o0))" -ge 10 \
		-a "$(($(pkts "net$o" inbound) + $(pkts "net$o" outbound)))" = "$x0"
}

# tcp_push MB: MB random megabytes host -> charon's 198.51.100.1 over TCP,
# paced at PUSH_KBPS kilobytes a second; succeeds when they arrive intact;
# prints the time taken.  Unpaced, a transfer crosses the 10-25 % of a 2 MB
# limit left for a rekey in a few milliseconds, less than a quick mode
# takes against charon's userspace libipsec on a loaded machine, and
# charon's own socket drops IKE among the ESP it decrypts.
PUSH_KBPS=${PUSH_KBPS:-1024}
tcp_push() {
	local t0 srv rc i
	head -c "$(($1 * 1048576))" /dev/urandom >"$TMP/blob"
	ip netns exec "$SS" $PY - "$TMP/recv" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.1", 5001))
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
with open(sys.argv[1], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
c.close()
EOF
	srv=$!
	for ((i = 0; i < 20; i++)); do
		ip netns exec "$SS" ss -ltn 2>/dev/null | grep -q '198.51.100.1:5001' && break
		sleep 0.1
	done
	t0=$(date +%s%N)
	ip netns exec "$IN" timeout 60 $PY -c '
import socket, sys, time
s = socket.create_connection(("198.51.100.1", 5001), source_address=("203.0.113.2", 0), timeout=30)
rate = int(sys.argv[2]) * 1024
with open(sys.argv[1], "rb") as f:
    data = f.read()
t0 = time.monotonic()
for off in range(0, len(data), 16384):
    s.sendall(data[off:off + 16384])
    ahead = (off + 16384) / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
s.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()' "$TMP/blob" "$PUSH_KBPS"
	wait "$srv"
	echo "# $1 MB in $(ms_since "$t0") ms"
	cmp -s "$TMP/blob" "$TMP/recv"
	rc=$?
	rm -f "$TMP/blob" "$TMP/recv"
	return $rc
}

# sa_life SPI: "soft_bytes hard_bytes" of the gateway's SA with that SPI.
sa_life() {
	jget "$(tel "$PREFIX" "/fastipsec/sa/info,$1")" \
		'" ".join(str(v["soft_bytes"]) + " " + str(v["hard_bytes"]) for k, v in r["/fastipsec/sa/info"].items() if k.startswith("sa_"))'
}

# settle N SECONDS: until the gateway holds N IKE-made SAs and charon one installed child net.
settle() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		[ "$(gw_sas | wc -l)" = "$1" ] && [ "$(ss_child_spis "$SSD" net | wc -l)" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}

# ===== 1. two children in one ISAKMP SA =====
gw_conf_psk aes128-sha256-modp2048 aes128-sha256 none
gw_children2 aes128-sha256 none | ikl_children "$TMP/gw.yaml"
ss_conn_psk aes128-sha256-modp2048 aes128-sha256 >/dev/null 2>&1
ss_children2 aes128-sha256 | ikl_children "$SSD/swanctl.conf"
ss_load "$SSD" "$SSD/swanctl.conf" || notok "(1a) charon loads two children"
T0=$(date +%s%N)
if ! gw_up 1a; then
	notok "(1a) the gateway starts with two children"
	sed 's/^/# /' "$TMP/gw-1a.log" | tail -n 10
	exit 1
fi
echo "# (1a) gateway start: $(ms_since "$T0") ms"
T0=$(date +%s%N)
ss_initiate "$SSD" net1 gw 20 >"$TMP/init-1a1.out" 2>&1
T1=$(ms_since "$T0")
T0=$(date +%s%N)
ss_initiate "$SSD" net2 gw 20 >"$TMP/init-1a2.out" 2>&1
echo "# (1a) charon's initiate: net1 (main mode + quick mode) $T1 ms, net2 (quick mode) $(ms_since "$T0") ms"
check "(1a) charon initiates net1 then net2: the gateway installs two pairs" wait_gw_children 4 5
check "(1a) one ISAKMP SA on the gateway" wait_ike_sas 1 5
echo "# (1a) /fastipsec/ike/list total: $(ike_total)"
check "(1a) one IKE SA at charon, with two CHILD SAs" test "$(ss_count "$SSD" ike) $(ss_count "$SSD" child)" = "1 2"
check "(1a) /fastipsec/ike/list: the ISAKMP SA holds both pairs" \
	jtrue "$(tel "$PREFIX" /fastipsec/ike/list)" 'r["/fastipsec/ike/list"]["ike_0"]["ipsec_sas"] == 2 and "gw/net1" in r["/fastipsec/ike/list"]["ike_0"]["child_sas"] and "gw/net2" in r["/fastipsec/ike/list"]["ike_0"]["child_sas"]'
check "(1a) both pairs mirrored" mirrored net1 net2
child_ping 1a 1 203.0.113.2 198.51.100.1 2
child_ping 1a 2 203.0.113.130 198.51.100.129 1
ss_terminate "$SSD" child net1 >/dev/null 2>&1
check "(1a) charon deletes child net1: the gateway removes that pair only" \
	eval 'for i in $(seq 25); do [ "$(gw_sas | wc -l)" = 2 ] && break; sleep 0.2; done; ! gw_sas | grep -q "^gw/net1 "'
check "(1a) ... net2 still mirrored, the ISAKMP SA still up" eval 'mirrored net2 && [ "$(ike_total)" = 1 ]'
R=$(ping_via "$IN" 203.0.113.130 198.51.100.129 3)
check "(1a) ... and net2 carries pings ($R/3)" test "$R" = 3
ss_terminate "$SSD" ike gw >/dev/null 2>&1
check "(1a) charon deletes the IKE SA: the gateway removes all its SAs" wait_gw_children 0 5
check "(1a) ... and its ISAKMP SA" wait_ike_sas 0 5
gw_stop TERM
check "(1a) the gateway stops with exit 0" test "$GW_RC" = 0

# The gateway initiates: both children start at once, on one main mode.
gw_children2 aes128-sha256 start | ikl_children "$TMP/gw.yaml"
T0=$(date +%s%N)
if gw_up 1b && wait_gw_children 4 15; then
	ok "(1b) start_action start on both children: the gateway negotiates both pairs"
else
	notok "(1b) start_action start on both children: the gateway negotiates both pairs"
	ss_log_tail "$SSD" 10
fi
echo "# (1b) gateway start to four SAs installed: $(ms_since "$T0") ms"
check "(1b) one main mode, two quick modes (p1_done 1, p2_done 2)" test "$(v1stat p1_done) $(v1stat p2_done)" = "1 2"
check "(1b) one ISAKMP SA on the gateway" test "$(ike_total)" = 1
check "(1b) one IKE SA at charon, with two CHILD SAs" test "$(ss_count "$SSD" ike) $(ss_count "$SSD" child)" = "1 2"
check "(1b) both pairs mirrored" mirrored net1 net2
child_ping 1b 1 203.0.113.2 198.51.100.1 2
child_ping 1b 2 203.0.113.130 198.51.100.129 1
gw_stop TERM
check "(1b) the gateway stops with exit 0 and charon lists no SA" \
	eval '[ "$GW_RC" = 0 ] && ss_wait_count "$SSD" ike 0 5'

# ===== 2. kilobyte lifetimes =====
# (2a) charon's child has rekey_bytes 1.5 MB, life_bytes 2 MB: it sends 2000 KB.
gw_conf_psk aes128-sha256-modp2048 aes128gcm16 none
ss_conn_psk aes128-sha256-modp2048 aes128gcm16 >/dev/null 2>&1
sed -i 's/^\t\t\t\trekey_time = 0$/&\n\t\t\t\trekey_bytes = 1500000\n\t\t\t\tlife_bytes = 2000000/' "$SSD/swanctl.conf"
ss_load "$SSD" "$SSD/swanctl.conf" || notok "(2a) charon loads a child with byte limits"
gw_up 2a || notok "(2a) the gateway starts"
ss_initiate "$SSD" net gw 20 >"$TMP/init-2a.out" 2>&1
check "(2a) charon initiates with life_bytes: the pair is installed" wait_gw_children 2 5
check "(2a) SPIs mirrored" mirrored net
IN_SPI=$(gw_sas | awk '$2 == "inbound" {print $3}')
OUT_SPI=$(gw_sas | awk '$2 == "outbound" {print $3}')
L_IN=$(sa_life "$IN_SPI")
L_OUT=$(sa_life "$OUT_SPI")
echo "# (2a) gateway SA soft/hard bytes: inbound $L_IN, outbound $L_OUT (charon sent 2000 KB; a KB is 1024 bytes to us)"
check "(2a) both SAs carry the hard byte limit 2000 KB = 2048000 bytes" \
	test "${L_IN#* } ${L_OUT#* }" = "2048000 2048000"
check "(2a) ... and a soft limit below it (our child has none: the engine rekeys before the peer's hard limit)" \
	eval '[ "${L_IN%% *}" -gt 0 ] && [ "${L_IN%% *}" -lt 2048000 ]'
R0=$(v1stat p2_rekeys)
D0=$(v1stat p2_done)
check "(2a) a 4 MB TCP transfer host -> charon arrives intact across the rekeys" tcp_push 4
check "(2a) the old pairs go: one pair left, mirrored with charon's" settle 2 12
check "(2a) ... SPIs mirrored" mirrored net
REKEYS=$(($(v1stat p2_rekeys) - R0))
DONE=$(($(v1stat p2_done) - D0))
SSREKEY=$(grep -c "creating rekey job for CHILD_SA" "$SSD/charon.log")
echo "# (2a) phase-2 pairs negotiated during the transfer: $DONE, replacing an older one at the gateway: $REKEYS; rekeys charon's libipsec asked for (its rekey_bytes): $SSREKEY; started by the gateway: $(grep -c "rekeying child net SA pair" "$TMP/gw-2a.log")"
echo "# (2a) gateway drops: $(jget "$(tel "$PREFIX" /fastipsec/stats)" '{k: v for k, v in r["/fastipsec/stats"]["drops"].items() if v}'), control frames deferred for a full tx queue: $(jget "$(tel "$PREFIX" /fastipsec/stats)" 'r["/fastipsec/stats"]["control_tx_deferred"]'); ike: $(jget "$(tel "$PREFIX" /fastipsec/ike/stats)" '{k: v for k, v in r["/fastipsec/ike/stats"].items() if k.startswith("ike_tx") and v}')"
# A pair can also die of its hard limit before its successor is up (a race
# with charon's libipsec at full speed), so count the new pairs, not the replacements.
check "(2a) at least one phase-2 rekey happened on the volume limit" test "$DONE" -ge 1
check "(2a) the first pair is gone from the gateway" eval '! gw_sas | grep -q "$IN_SPI"'
R=$(ping_via "$IN" 203.0.113.2 198.51.100.1 3)
check "(2a) traffic continues after the rekeys ($R/3 pings)" test "$R" = 3
gw_stop TERM
check "(2a) the gateway stops with exit 0" test "$GW_RC" = 0
ss_wait_count "$SSD" ike 0 5

# (2b) the gateway's child has rekey_bytes 1.5 MB, life_bytes 2 MB and initiates; charon's none.
gw_conf_psk aes128-sha256-modp2048 aes128gcm16 start
sed -i 's/^        rekey_time: 0$/&\n        rekey_bytes: 1500000\n        life_bytes: 2000000/' "$TMP/gw.yaml"
ss_conn_psk aes128-sha256-modp2048 aes128gcm16 || notok "(2b) charon loads its configuration"
if gw_up 2b && wait_gw_children 2 15; then
	ok "(2b) the gateway initiates with life_bytes: the pair is installed"
else
	notok "(2b) the gateway initiates with life_bytes: the pair is installed"
fi
check "(2b) SPIs mirrored" mirrored net
IN_SPI=$(gw_sas | awk '$2 == "inbound" {print $3}')
L_IN=$(sa_life "$IN_SPI")
L_OUT=$(sa_life "$(gw_sas | awk '$2 == "outbound" {print $3}')")
RCV=$(grep -o 'received [0-9]* lifebytes, configured [0-9]*' "$SSD/charon.log" | tail -n 1)
echo "# (2b) charon: '$RCV' (we sent 2000000/1024 = 1953 KB; charon counts 1000 bytes a KB); gateway soft/hard: inbound $L_IN, outbound $L_OUT"
check "(2b) charon received our kilobytes lifetime (1953 KB)" test "$RCV" = "received 1953000 lifebytes, configured 0"
echo "# (2b) charon's libipsec installs its own configured limits (none here), not the negotiated ones; swanctl --list-sas shows no byte limits"
check "(2b) our SAs: soft 1500000, hard 1953 KB = 1999872 bytes" test "$L_IN $L_OUT" = "1500000 1999872 1500000 1999872"
R0=$(v1stat p2_rekeys)
check "(2b) a 4 MB TCP transfer arrives intact across our rekeys" tcp_push 4
check "(2b) the old pairs go: one pair left, mirrored with charon's" settle 2 12
check "(2b) ... SPIs mirrored" mirrored net
REKEYS=$(($(v1stat p2_rekeys) - R0))
OURS=$(grep -c "rekeying child net SA pair" "$TMP/gw-2b.log")
echo "# (2b) phase-2 rekeys at the gateway: $REKEYS, $OURS of them started by the gateway on its soft byte limit"
check "(2b) the gateway rekeyed on its soft byte limit" test "$OURS" -ge 1 -a "$REKEYS" -ge 1
R=$(ping_via "$IN" 203.0.113.2 198.51.100.1 3)
check "(2b) traffic continues ($R/3 pings)" test "$R" = 3
gw_stop TERM
check "(2b) the gateway stops with exit 0 and charon lists no SA" \
	eval '[ "$GW_RC" = 0 ] && ss_wait_count "$SSD" ike 0 5'

# ===== 3. CRLs =====
PKI=$TMP/pki
DN_SS="C=CH, O=fastipsec test, CN=charon.example.org"
DN_REV="C=CH, O=fastipsec test, CN=charon-revoked.example.org"
DN_GW="C=CH, O=fastipsec test, CN=gw.example.org"

# mk_crl_pki: ECDSA P-256 CA, gw, ss-good and ss-bad (each its own DN:
# charon picks a certificate by its identity); ca.crl revokes ss-bad;
# expired.crl too, with its nextUpdate passed.
mk_crl_pki() {
	mkdir -p "$PKI"
	(
		cd "$PKI" || exit 1
		pki --gen --type ecdsa --size 256 --outform pem >ca.key &&
			pki --self --ca --lifetime 3650 --in ca.key --type ecdsa \
				--dn "C=CH, O=fastipsec test, CN=fastipsec CRL CA" --outform pem >ca.pem || exit 1
		for n in gw ss-good ss-bad; do
			dn=$DN_SS san=192.0.2.1
			[ $n = ss-bad ] && dn=$DN_REV
			[ $n = gw ] && dn=$DN_GW san=192.0.2.2
			pki --gen --type ecdsa --size 256 --outform pem >$n.key &&
				pki --issue --cacert ca.pem --cakey ca.key --type priv --in $n.key \
					--dn "$dn" --san $san --lifetime 30 --outform pem >$n.pem || exit 1
		done
		pki --signcrl --cacert ca.pem --cakey ca.key --cert ss-bad.pem --reason key-compromise \
			--outform pem >ca.crl &&
			pki --signcrl --cacert ca.pem --cakey ca.key --cert ss-bad.pem --reason key-compromise \
				--dateform %s --this-update $(($(date +%s) - 172800)) \
				--next-update $(($(date +%s) - 86400)) --outform pem >expired.crl
	) 2>"$PKI/pki.err"
}

# ss_conn_crl: charon's connections good and bad (certificates ss-good / ss-bad), child net each.
ss_conn_crl() {
	local n
	mkdir -p "$SSD/crl/private"
	cp "$PKI/ss-good.key" "$PKI/ss-bad.key" "$SSD/crl/private/"
	{
		echo "connections {"
		for n in good bad; do
			cat <<EOF
	$n {
		version = 1
		local_addrs = 192.0.2.1
		remote_addrs = 192.0.2.2
		proposals = aes128-sha256-ecp256
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = pubkey
			certs = $PKI/ss-$n.pem
		}
		remote {
			auth = pubkey
			cacerts = $PKI/ca.pem
			id = "$DN_GW"
		}
		children {
			net {
				mode = tunnel
				local_ts = 198.51.100.0/24
				remote_ts = 203.0.113.0/24
				esp_proposals = aes128gcm16
				rekey_time = 0
			}
		}
	}
EOF
		done
		echo "}"
	} >"$SSD/crl/swanctl.conf"
	ss_swanctl "$SSD" --terminate --ike gw --timeout 5 >/dev/null 2>&1
	ss_load "$SSD" "$SSD/crl/swanctl.conf"
}

# gw_conf_crl CRL_FILE: the gateway with certificates, the CRL listed for
# the remote end, which is anyone with a certificate of the CA (id %any).
gw_conf_crl() {
	gw_conf_psk aes128-sha256-ecp256 aes128gcm16 none
	sed -i -e "s|    local: {auth: psk, id: 192.0.2.2}|    local: {auth: pubkey, certs: [\"$PKI/gw.pem\"], key: \"$PKI/gw.key\"}|" \
		-e "s|    remote: {auth: psk, id: 192.0.2.1}|    remote: {auth: pubkey, cacerts: [\"$PKI/ca.pem\"], crls: [\"$1\"], id: \"%any\"}|" \
		-e '/^secrets:/,$d' "$TMP/gw.yaml"
}

# refused TAG: charon's "bad" connection is refused by the gateway, the good tunnel undisturbed.
refused() {
	local tag=$1 a0 f0 before t0 out pat n0
	pat="received [A-Z_]+ error notify|giving up after [0-9]+ retransmits"
	n0=$(grep -cE "$pat" "$SSD/charon.log")
	a0=$(v1stat drop_auth)
	f0=$(v1stat p1_failed)
	before=$(gw_sas | awk '{print $3}' | sort | tr '\n' ' ')
	t0=$(date +%s%N)
	if ss_initiate "$SSD" net bad 15 >"$TMP/init-$tag-bad.out" 2>&1; then
		notok "($tag) the revoked certificate: charon's initiate fails"
	else
		ok "($tag) the revoked certificate: charon's initiate fails"
	fi
	out=$(grep -oE "$pat" "$SSD/charon.log" | tail -n 1)
	echo "# ($tag) charon's initiate ended after $(ms_since "$t0") ms; charon: '$out'"
	check "($tag) ... charon was told (AUTHENTICATION_FAILED or INVALID_CERTIFICATE) or gave up" \
		test "$(grep -cE "$pat" "$SSD/charon.log")" -gt "$n0"
	check "($tag) the gateway logs the refusal: revoked" \
		grep -q "certificate of peer .*refused: revoked" "$TMP/gw-$tag.log"
	check "($tag) ... counted: drop_auth and p1_failed rose" \
		test "$(v1stat drop_auth)" -gt "$a0" -a "$(v1stat p1_failed)" -gt "$f0"
	check "($tag) no SA for it on either side: charon lists only the good IKE SA" \
		eval '[ "$(ss_count "$SSD" ike)" = 1 ] && ss_sas "$SSD" | grep -q "\"name\": \"good\""'
	check "($tag) ... the gateway holds one ISAKMP SA and the good pair, unchanged" \
		eval '[ "$(ike_total)" = 1 ] && [ "$(gw_sas | awk "{print \$3}" | sort | tr "\n" " ")" = "$before" ]'
	out=$(ping_via "$IN" 203.0.113.2 198.51.100.1 3)
	check "($tag) ... the good tunnel still carries pings ($out/3)" test "$out" = 3
}

# good_up TAG: charon's "good" connection comes up through the gateway.
good_up() {
	local t0 r
	t0=$(date +%s%N)
	ss_initiate "$SSD" net good 20 >"$TMP/init-$1-good.out" 2>&1
	if wait_gw_children 2 5; then
		ok "($1) the good certificate: the SA pair is installed"
	else
		notok "($1) the good certificate: the SA pair is installed"
		grep -iE 'cert|auth' "$TMP/gw-$1.log" | tail -n 5 | sed 's/^/# /'
	fi
	echo "# ($1) charon's main mode with certificates + quick mode: $(ms_since "$t0") ms"
	check "($1) SPIs mirrored" mirrored net
	r=$(ping_via "$IN" 203.0.113.2 198.51.100.1 3)
	check "($1) pings cross ($r/3)" test "$r" = 3
}

if ! command -v pki >/dev/null 2>&1; then
	echo "# skipped the CRL cases: pki (strongswan-pki) not installed"
elif ! mk_crl_pki; then
	notok "(3) the test PKI and CRLs are made with pki"
	sed 's/^/# /' "$PKI/pki.err"
else
	ss_conn_crl || notok "(3) charon loads the good and bad connections"
	gw_conf_crl "$PKI/ca.crl"
	gw_up 3a || notok "(3a) the gateway starts with a CRL"
	good_up 3a
	refused 3a
	ss_terminate "$SSD" ike good >/dev/null 2>&1
	gw_stop TERM
	check "(3a) the gateway stops with exit 0" test "$GW_RC" = 0
	ss_wait_count "$SSD" ike 0 5

	# An expired CRL (nextUpdate passed): its revocations still hold.
	gw_conf_crl "$PKI/expired.crl"
	gw_up 3b || notok "(3b) the gateway starts with an expired CRL"
	echo "# (3b) the engine does not check a CRL's thisUpdate/nextUpdate: an expired or open-ended CRL keeps revoking"
	good_up 3b
	refused 3b
	ss_terminate "$SSD" ike good >/dev/null 2>&1
	gw_stop TERM
	ss_wait_count "$SSD" ike 0 5

	# A CRL file that is not there: the config is refused, naming it.
	gw_conf_crl "$PKI/missing.crl"
	OUT=$("$BUILD/fastipsec" --check-config "$TMP/gw.yaml" 2>&1)
	RC=$?
	echo "$OUT" | head -n 3 | sed 's/^/# /'
	check "(3c) a missing CRL file: --check-config fails and names it" \
		bash -c "[ $RC != 0 ] && grep -q 'missing.crl' <<<\"\$1\"" _ "$OUT"
fi

echo "# whole test: $(ms_since "$T_ALL") ms"
finish
