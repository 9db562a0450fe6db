#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Idempotent set-up of a Debian 12 machine for building, testing and running
# fastipsec: build and test packages, and hugepages.  Safe to run twice.
# strongSwan is an IKE peer for the integration tests: charon runs with its
# userspace data path (kernel-libipsec, in libcharon-extra-plugins; AES-GCM
# and the openssl plugin are in libstrongswan-standard-plugins).  The tests
# start their own charon in a namespace with a private /run, so a system
# charon (if a service manager started one) does not disturb them.
set -euo pipefail

PKGS=(
	build-essential meson ninja-build pkg-config python3
	clang clang-format libclang-rt-14-dev valgrind
	libdpdk-dev dpdk dpdk-dev libipsec-mb-dev libssl-dev libyaml-dev libcunit1-dev
	iproute2 ethtool iputils-ping procps kmod util-linux
	python3-scapy python3-cryptography tcpdump dpdk-doc openssl nftables conntrack
	strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
	libstrongswan-standard-plugins
)
HUGEPAGES=${FASTIPSEC_HUGEPAGES:-512} # 2 MiB pages: 1 GiB

if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: run as root (it installs packages and reserves hugepages)" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Hugepages for DPDK: reserve, then mount hugetlbfs if nothing is mounted.
cur=$(cat /proc/sys/vm/nr_hugepages)
if [ "$cur" -lt "$HUGEPAGES" ]; then
	echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages || true
	cur=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$cur" -lt "$HUGEPAGES" ]; then
		echo "setup.sh: warning: only $cur of $HUGEPAGES hugepages could be reserved" >&2
	fi
fi
if ! grep -q '^[^ ]* [^ ]* hugetlbfs ' /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi
echo "setup.sh: ready ($(cat /proc/sys/vm/nr_hugepages) hugepages)"
