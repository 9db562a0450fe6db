#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build DPDK's ipsec-secgw example (from Debian's dpdk-doc sources) into
# DIR and print the binary's path.  Used by scripts/bench.sh and by the
# interop test.  Virtual ports offer no RX checksum offload, so the copy
# asks for none.  Exit 1 with the reason on stderr when it cannot be built.
#
# usage: scripts/build-secgw.sh DIR
set -eu
[ $# -eq 1 ] || {
	echo "usage: $0 DIR" >&2
	exit 2
}
DIR=$1
SRC=/usr/share/dpdk/examples/ipsec-secgw
BIN=$DIR/ipsec-secgw/build/ipsec-secgw
if [ ! -d "$SRC" ] && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpdk-doc >/dev/null 2>&1 || true
fi
if [ ! -d "$SRC" ]; then
	echo "build-secgw: no ipsec-secgw sources ($SRC): install dpdk-doc" >&2
	exit 1
fi
# Rebuild when the sources are newer than the binary (a dpdk-doc update).
if [ -x "$BIN" ] && [ -z "$(find "$SRC" -newer "$BIN" -print -quit)" ]; then
	echo "$BIN"
	exit 0
fi
mkdir -p "$DIR"
rm -rf "$DIR/ipsec-secgw"
cp -r "$SRC" "$DIR/"
sed -i 's/^\(\s*\)\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/\1.offloads = 0,/' \
	"$DIR/ipsec-secgw/ipsec-secgw.c"
if ! make -C "$DIR/ipsec-secgw" -j2 >"$DIR/secgw-build.log" 2>&1; then
	echo "build-secgw: build failed, see $DIR/secgw-build.log" >&2
	exit 1
fi
echo "$BIN"
