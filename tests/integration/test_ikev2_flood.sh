#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A flood of IKEv2 IKE_SA_INIT requests against the appliance (issue 5, DoS
# protection): the lab of ikev1_lab.sh (the gateway between a host at
# 203.0.113.2 and charon at 192.0.2.1), an IKEv2 tunnel up with charon and
# a numbered UDP stream through it both ways at 200 packets a second.  The
# gateway asks for cookies (RFC 7296 §2.6) from cookie_threshold 20
# half-open IKE SAs on, with half_open_max 200, half_open_per_source 5 and
# half_open_timeout 5 s.  scapy-built IKE_SA_INITs (ike_flood.py flood2: a
# proposal the gateway's "anyone" connection takes, a valid X25519 KE, a
# fresh SPIi each) come from spoofed sources:
#   198.51.100.2-254  routed via charon (the gateway's route), where a
#                     blackhole route drops the gateway's answers;
#   2001:db8:f1::/48  4000 IPv6 sources routed via charon's
#                     2001:db8:0:2::1, blackholed there.
# The sink in charon's namespace counts the gateway's answers on the wire.
# A burst of 20,000 more at 50,000 a second follows.
# While the flood runs (at least 20,000 requests, about 10 s) charon brings
# up a second IKEv2 connection from 192.0.2.3 (probe): it must get and
# return a cookie and come up.  Checked: cookies switch on (cookies_sent,
# cookies_valid for the probe), half_open never above the threshold (no
# state for requests without a cookie), the gateway's VmRSS bounded,
# every request the workers saw punted or counted as dropped
# (ike_ring_full), half_open 0 again after the timeout, and the stream
# through the tunnel lost at most 1 % through flood and burst.
# FLOOD_RATE (requests a second, default 2000), BURST_RATE (default 50000)
# and KEEP_TMP=1 are knobs.
set -u
. "$(dirname "$0")/common.sh"
# shellcheck source=strongswan.sh
. "$(dirname "$0")/strongswan.sh"
# shellcheck source=ikev1_lab.sh
. "$(dirname "$0")/ikev1_lab.sh"

[ "$(id -u)" -eq 0 ] || skip_all "test_ikev2_flood: needs root for network namespaces"
[ -x "$BUILD/fastipsec" ] || skip_all "test_ikev2_flood: $BUILD/fastipsec not built"
ss_available || skip_all "test_ikev2_flood: $SS_WHY"
$PY -c 'import scapy.contrib.ikev2' 2>/dev/null || skip_all "test_ikev2_flood: no scapy for $PY"

HERE=$(cd "$(dirname "$0")" && pwd)
HO_MAX=200
HO_SRC=5
HO_S=5
COOKIE_TH=20
RATE=${FLOOD_RATE:-2000}
BURST_RATE=${BURST_RATE:-50000}
STREAM_RATE=200
PSK=fastipsec-flood2-psk-0123456789ab

ikl_setup fi2f
# The flood's requests match the gateway's connection for anyone: half-open
# SAs made until cookies switch on.
ikl_flood_lab 2 aes128-sha256-ecp256 aes128-sha256-x25519 half_open_max=$HO_MAX \
	half_open_per_source=$HO_SRC half_open_timeout=${HO_S}s cookie_threshold=$COOKIE_TH ||
	notok "charon loads its configuration"

iostat() { # NAME: a counter of /fastipsec/ike/stats itself
	jget "$(tel "$PREFIX" /fastipsec/ike/stats)" 'r["/fastipsec/ike/stats"]["'"$1"'"]'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status" 2>/dev/null; }

if ! gw_up flood2; then
	notok "the gateway starts"
	sed 's/^/# /' "$TMP/gw-flood2.log"
	exit 1
fi
ok "the gateway starts"
GW_MAC=$(ip -n "$GW" -o link show eo$ID | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)

# ---- (a) the tunnel and the stream ----
if ss_initiate "$SSD" net gw 20 >"$TMP/init.out" 2>&1 && wait_gw_children 2 5; then
	ok "(a) charon initiates IKEv2: the tunnel is up"
else
	notok "(a) charon initiates IKEv2: the tunnel is up"
	ss_log_tail "$SSD"
fi
R=$(ping_both 2)
check "(a) pings cross it ($R)" test "$R" = "2 2"
check "(a) no cookie asked below the threshold" test "$(v2stat cookies_sent)" = 0

STREAM_S=28 # the flood, the probe and the burst run under it (checked below)
stream_recv "$SS" 198.51.100.1 5002 in $((STREAM_S + 4))
stream_recv "$IN" 203.0.113.2 5003 out $((STREAM_S + 4))
ip netns exec "$SS" $PY "$HERE/ike_flood.py" sink so$ID 192.0.2.100 1 "$TMP/sink" 120 &
SINK_PID=$!
streams_ready in out sink
stream_send "$IN" 203.0.113.2 198.51.100.1 5002 in $STREAM_RATE $STREAM_S
stream_send "$SS" 198.51.100.1 203.0.113.2 5003 out $STREAM_RATE $STREAM_S
STREAM_END=$(($(date +%s) + STREAM_S))

# The sampler: every 0.2 s "TIME half_open cookies_sent VmRSS ike_ring_full
# drop_half_open", until $TMP/stop.
cat >"$TMP/sampler.py" <<'EOF'
import os, sys, time
sys.path.insert(0, sys.argv[1])
import telemetry
prefix, pid, out, stop = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with open(out, "w") as f:
    while not os.path.exists(stop):
        try:
            r = telemetry.query(prefix, ["/fastipsec/ike/stats"])[0]["/fastipsec/ike/stats"]
            rss = [l.split()[1] for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS:")][0]
            v2 = r["ikev2"]
            f.write("%.3f %d %d %s %d %d\n" % (time.time(), v2["half_open"], v2["cookies_sent"],
                    rss, r["ike_ring_full"], v2["drop_half_open"]))
            f.flush()
        except (OSError, ValueError, KeyError, IndexError):
            pass
        time.sleep(0.2)
EOF
sleep 2
RSS0=$(rss_kb)
PUNT0=$(iostat ike_punted)
RING0=$(iostat ike_ring_full)
RX0=$(v2stat rx)

# ---- (b) the flood; charon's probe connection in the middle of it ----
# 198.51.100.2-254 send 20 each and 4000 IPv6 sources V6_EACH each, spread
# over about 10 s at RATE.
V6_EACH=$(((RATE * 10 - 253 * 20) / 4000))
[ "$V6_EACH" -ge 4 ] || V6_EACH=4
$PY "$TMP/sampler.py" "$TOP/scripts" "$PREFIX" "$GW_PID" "$TMP/samples" "$TMP/stop" &
SAMPLER_PID=$!
ip netns exec "$SS" $PY "$HERE/ike_flood.py" flood2 so$ID "$GW_MAC" 192.0.2.2 2001:db8:0:2::2 \
	198.51.100.2/253/20,2001:db8:f1::1/4000/$V6_EACH "$RATE" "$TMP/flood" &
FLOOD_PID=$!
sleep 3
HO_AT_PROBE=$(v2stat half_open)
VALID0=$(v2stat cookies_valid)
t0=$(date +%s%N)
if ss_initiate "$SSD" probe probe 15 >"$TMP/probe.out" 2>&1; then PROBE=up; else PROBE=failed; fi
PROBE_MS=$((($(date +%s%N) - t0) / 1000000))
VALID1=$(v2stat cookies_valid)
FLOOD_RUNNING=no
kill -0 "$FLOOD_PID" 2>/dev/null && FLOOD_RUNNING=yes
wait "$FLOOD_PID"
read -r _ SENT _ NSRC _ FSEC _ FRATE _ FEND <"$TMP/flood"
echo "# (b) flood: $SENT IKE_SA_INIT requests from $NSRC sources in $FSEC s ($FRATE a second)"
echo "# (b) charon's probe (half_open $HO_AT_PROBE when it started): $PROBE after $PROBE_MS ms; the flood still running then: $FLOOD_RUNNING"
COOKIES=$(v2stat cookies_sent)
check "(b) at least 20000 requests from at least 4000 sources" test "$SENT" -ge 20000 -a "$NSRC" -ge 4000
check "(b) the stream ran all through the flood" test "${FEND%.*}" -lt "$STREAM_END"
check "(b) cookies switched on: the flood's requests answered with cookies ($COOKIES)" \
	test "$COOKIES" -ge $((SENT / 2))
check "(b) charon's probe comes up during the flood, returning a cookie (cookies_valid +$((VALID1 - VALID0)))" \
	test "$PROBE" = up -a "$FLOOD_RUNNING" = yes -a "$HO_AT_PROBE" -ge "$COOKIE_TH" -a $((VALID1 - VALID0)) -ge 1
if [ "$PROBE" != up ]; then
	tail -n 5 "$TMP/probe.out" | sed 's/^/# /'
fi
check "(b) charon holds the probe's IKEv2 SA, established" \
	jtrue "$(ss_sas "$SSD")" 'len([s for s in r if s["version"] == "2" and s["state"] == "ESTABLISHED"]) == 2'

# ---- (c) a burst at BURST_RATE: the punt ring fills ----
# 20000 more requests from 4000 IPv6 sources, back to back: the workers
# enqueue what the IKE ring holds and count the rest (ike_ring_full); the
# stream keeps flowing.
COOKIES_B0=$(v2stat cookies_sent)
PUNT_F=$(($(iostat ike_punted) - PUNT0))
RING_F=$(($(iostat ike_ring_full) - RING0))
ip netns exec "$SS" $PY "$HERE/ike_flood.py" flood2 so$ID "$GW_MAC" 192.0.2.2 2001:db8:0:2::2 \
	2001:db8:f1:b::1/4000/5 "$BURST_RATE" "$TMP/burst"
read -r _ BSENT _ _ _ BSEC _ BRATE _ FEND <"$TMP/burst"
sleep 1
COOKIES_B=$(($(v2stat cookies_sent) - COOKIES_B0))
PUNT_B=$(($(iostat ike_punted) - PUNT0 - PUNT_F))
RING_B=$(($(iostat ike_ring_full) - RING0 - RING_F))
echo "# (c) burst: $BSENT requests in $BSEC s ($BRATE a second); the workers punted $PUNT_B and dropped $RING_B (ike_ring_full), the rest went in the kernel; cookies sent $COOKIES_B"
# Whether the punt ring fills depends on how fast the control core drains
# it on this machine (a quiet one answers 50,000 a second): not checked,
# only that what the workers got of the burst was punted or counted.
check "(c) the workers punted or counted every burst request they got ($PUNT_B + $RING_B of $BSENT sent)" \
	test "$((PUNT_B + RING_B))" -gt 0 -a "$((PUNT_B + RING_B))" -le "$BSENT"
check "(c) every request punted was answered with a cookie ($COOKIES_B of $PUNT_B)" test "$COOKIES_B" -ge $((PUNT_B - 25)) -a "$COOKIES_B" -le "$PUNT_B"
check "(c) the stream ran all through the burst" test "${FEND%.*}" -lt "$STREAM_END"

# ---- (d) back to quiet: the timeout, memory, the punt ring ----
zero_after() {
	awk -v end="$FEND" '$1 > end && $2 == 0 {printf "%d\n", ($1 - end) * 1000; exit}' "$TMP/samples"
}
for ((i = 0; i < (HO_S + 5) * 5; i++)); do
	[ -n "$(zero_after)" ] && break
	sleep 0.2
done
touch "$TMP/stop"
wait "$SAMPLER_PID"
SAMPLER_PID=
ZERO=$(zero_after)
echo "# (d) half_open back to 0 ${ZERO:-never} ms after the burst's last request (half_open_timeout $HO_S s)"
check "(d) half_open is 0 again once half_open_timeout has passed" \
	test -n "$ZERO" -a "${ZERO:-99999}" -le $(((HO_S + 2) * 1000))
read -r NS HO_PEAK RSS_PEAK < <(awk '{n++; if ($2 > h) h = $2; if ($4 > r) r = $4} END {print n, h, r}' "$TMP/samples")
RSS1=$(rss_kb)
PUNTED=$(($(iostat ike_punted) - PUNT0))
RING=$(($(iostat ike_ring_full) - RING0))
RX=$(($(v2stat rx) - RX0))
echo "# (d) $NS telemetry samples: half_open at most $HO_PEAK (cookie_threshold $COOKIE_TH, half_open_max $HO_MAX)"
echo "# (d) in all the workers punted $PUNTED IKE datagrams and dropped $RING (ike_ring_full); the IKEv2 engine took $RX"
echo "# gateway VmRSS: before $RSS0 kB, peak $RSS_PEAK kB, after $RSS1 kB"
check "(d) half_open reached the threshold and never passed it but by charon's probe ($HO_PEAK)" \
	test "$HO_PEAK" -ge "$COOKIE_TH" -a "$HO_PEAK" -le $((COOKIE_TH + 1))
check "(d) each request of the flood was punted or counted in ike_ring_full ($PUNT_F + $RING_F >= 95 % of $SENT)" \
	test $(((PUNT_F + RING_F) * 100)) -ge $((SENT * 95))
check "(d) the engine saw what the workers punted (rx $RX, punted $PUNTED)" test "$RX" -le "$PUNTED" -a "$RX" -ge $((PUNTED * 9 / 10))
if grep -q __asan_init "$BUILD/fastipsec"; then
	echo "# (d) an AddressSanitizer build: the RSS bound is not checked"
else
	check "(d) the gateway's RSS stays bounded (peak - before <= 16 MB)" test $((RSS_PEAK - RSS0)) -le 16384
fi

# ---- (e) the stream, the wire ----
streams_wait
stream_result in "stream host -> charon"
SENT_IN=$S_SENT LOST_IN=$S_LOST
stream_result out "stream charon -> host"
SENT_OUT=$S_SENT LOST_OUT=$S_LOST
# An AddressSanitizer build's workers are several times slower: the
# af_packet ring of the outside port overflows under the burst and takes
# stream packets with it.  The bound is 5 % there, 1 % otherwise.
LOSS_PCT=1
grep -q __asan_init "$BUILD/fastipsec" && LOSS_PCT=5
check "(e) the stream host -> charon lost at most $LOSS_PCT % through flood and burst" test "$SENT_IN" -ge $((STREAM_RATE * STREAM_S * 95 / 100)) -a $((LOST_IN * 100)) -le $((SENT_IN * LOSS_PCT))
check "(e) the stream charon -> host lost at most $LOSS_PCT % through flood and burst" test "$SENT_OUT" -ge $((STREAM_RATE * STREAM_S * 95 / 100)) -a $((LOST_OUT * 100)) -le $((SENT_OUT * LOSS_PCT))
kill "$SINK_PID" 2>/dev/null
wait "$SINK_PID" 2>/dev/null
SINK_PID=
read -r _ ANS _ NDST _ MAXDST _ <"$TMP/sink" 2>/dev/null
COOKIES=$(v2stat cookies_sent)
echo "# the sink saw $ANS IKE answers to $NDST spoofed addresses, at most $MAXDST to one"
# The sink is scapy on a socket: during the burst's 50,000 answers a second
# its receive buffer overflows now and then (a CI run saw 89.98 %), while
# the gateway counted every one sent (ike_tx): the bound is 3/4.
check "(e) the cookie answers are on the wire ($ANS >= 75 % of $COOKIES cookies sent)" test "${ANS:-0}" -ge $((COOKIES * 3 / 4))
tel "$PREFIX" /fastipsec/ike/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/ike/stats"]
v = r.pop("ikev2")
r.pop("ikev1", None)
print("# ike:", {k: x for k, x in r.items() if x})
print("# ikev2:", {k: x for k, x in v.items() if x})'
tel "$PREFIX" /fastipsec/stats | $PY -c '
import json, sys
r = json.load(sys.stdin)["/fastipsec/stats"]
print("# gateway drops:", {k: v for k, v in (r.get("drops") or {}).items() if isinstance(v, int) and v} or "none")' 2>/dev/null

gw_stop TERM
check "the gateway stops with exit 0" test "$GW_RC" = 0
finish
