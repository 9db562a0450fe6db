#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tests/unit/slowpath/ike/make_certs.sh DIR: test PKIs made with the openssl CLI, for
# test_ike_cert and test_ikev1_cert.  Documentation names and addresses only.
#
#   rsa-ca (RSA-2048) -- rsa-int -- rsa-gw1   C=CH, O=fastipsec test, CN=gw1.example.org
#                    |                        SAN gw1.example.org, gw1@example.org, 192.0.2.1, 2001:db8::1
#                    +-- rsa-gw2              CN=gw2.example.org, SAN gw2.example.org, 192.0.2.2
#                    +-- rsa-expired          (2020-01-01 .. 2021-01-01)
#                    +-- rsa-revoked          (listed in rsa-ca.crl)
#                    +-- rsa-nosig            (keyUsage keyEncipherment only)
#   other-ca -------------- other-gw2         same subject as rsa-gw2, unknown CA
#   ec256-ca (P-256) ------ ec256-gw1, ec256-gw2
#   ec384-ca (P-384) ------ ec384-gw1, ec384-gw2
# Each NAME has NAME.pem and NAME.key; rsa-gw1-chain.pem is rsa-gw1 then rsa-int.
set -eu
D=$1
mkdir -p "$D"
cd "$D"
O="fastipsec test"

cnf() { # CADIR
	mkdir -p "$1/newcerts"
	: >"$1/index.txt"
	echo 1000 >"$1/serial"
	echo 1000 >"$1/crlnumber"
	cat >"$1/ca.cnf" <<CNF
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 3650
default_crl_days = 3650
policy = policy_any
unique_subject = no
preserve = yes
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
CNF
}

key() { # NAME ALG
	case $2 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
	p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
	esac
}

ca() { # NAME ALG CN
	key "$1" "$2"
	cnf "$PWD/$1.d"
	openssl req -config "$1.d/ca.cnf" -x509 -new -key "$1.key" -subj "/C=CH/O=$O/CN=$3" \
		-days 3650 -extensions v3_ca -out "$1.pem"
}

# issue CA NAME ALG SUBJECT EXTENSIONS [openssl ca validity options...]
issue() {
	ca=$1 name=$2 alg=$3 subj=$4 ext=$5
	shift 5
	key "$name" "$alg"
	openssl req -config "$ca.d/ca.cnf" -new -key "$name.key" -subj "$subj" -out "$name.csr"
	printf '[ ext ]\n%s\n' "$ext" >"$name.ext"
	openssl ca -config "$ca.d/ca.cnf" -batch -notext -cert "$ca.pem" -keyfile "$ca.key" \
		-in "$name.csr" -out "$name.pem" -extfile "$name.ext" -extensions ext "$@" 2>/dev/null
	rm -f "$name.csr" "$name.ext"
}

EE="basicConstraints = CA:FALSE
keyUsage = digitalSignature"
san1="subjectAltName = DNS:gw1.example.org,email:gw1@example.org,IP:192.0.2.1,IP:2001:db8::1"
san2="subjectAltName = DNS:gw2.example.org,IP:192.0.2.2"

ca rsa-ca rsa "fastipsec test RSA CA"
issue rsa-ca rsa-int rsa "/C=CH/O=$O/CN=fastipsec test RSA intermediate" \
	"basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign"
cnf "$PWD/rsa-int.d"
issue rsa-int rsa-gw1 rsa "/C=CH/O=$O/CN=gw1.example.org" "$EE
$san1"
cat rsa-gw1.pem rsa-int.pem >rsa-gw1-chain.pem
issue rsa-ca rsa-gw2 rsa "/C=CH/O=$O/CN=gw2.example.org" "$EE
$san2"
issue rsa-ca rsa-expired rsa "/C=CH/O=$O/CN=gw2.example.org" "$EE
$san2" -startdate 20200101000000Z -enddate 20210101000000Z
issue rsa-ca rsa-revoked rsa "/C=CH/O=$O/CN=gw2.example.org" "$EE
$san2"
issue rsa-ca rsa-nosig rsa "/C=CH/O=$O/CN=gw2.example.org" "basicConstraints = CA:FALSE
keyUsage = keyEncipherment
$san2"
openssl ca -config rsa-ca.d/ca.cnf -batch -cert rsa-ca.pem -keyfile rsa-ca.key \
	-revoke rsa-revoked.pem 2>/dev/null
openssl ca -config rsa-ca.d/ca.cnf -batch -cert rsa-ca.pem -keyfile rsa-ca.key \
	-gencrl -out rsa-ca.crl 2>/dev/null

ca other-ca rsa "fastipsec test RSA CA"
issue other-ca other-gw2 rsa "/C=CH/O=$O/CN=gw2.example.org" "$EE
$san2"

for c in 256 384; do
	ca ec$c-ca p$c "fastipsec test P-$c CA"
	issue ec$c-ca ec$c-gw1 p$c "/C=CH/O=$O/CN=gw1.example.org" "$EE
$san1"
	issue ec$c-ca ec$c-gw2 p$c "/C=CH/O=$O/CN=gw2.example.org" "$EE
$san2"
done
rm -rf ./*.d
