#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The test command: set up the machine, build (normal and ASAN/UBSAN), run
# every test.  The last line is "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
PASS=0
FAIL=0
FAILED=()

step() { echo "=== $*"; }
count() { # count NAME RC
	if [ "$2" -eq 0 ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		FAILED+=("$1")
	fi
}
summary() {
	echo
	[ ${#FAILED[@]} -gt 0 ] && printf 'failed: %s\n' "${FAILED[@]}"
	echo "$PASS passed, $FAIL failed"
}
trap summary EXIT

step "setup"
if [ "$(id -u)" -eq 0 ]; then
	scripts/setup.sh || { count setup 1; exit 1; }
else
	echo "not root: skipping scripts/setup.sh (packages and hugepages must be there)"
fi

step "build (gcc, release as shipped: -O3, NDEBUG, -Werror)"
# The integration tests run the gateway as it is shipped; the sanitizer build keeps the asserts.
[ -f build/build.ninja ] || meson setup build >/dev/null || { count build 1; exit 1; }
meson configure build -Dbuildtype=release -Db_ndebug=if-release >/dev/null || { count build 1; exit 1; }
ninja -C build || { count build 1; exit 1; }
step "build (clang, address+undefined sanitizers, fuzzers)"
if [ ! -f build-asan/build.ninja ]; then
	CC=clang meson setup build-asan -Db_sanitize=address,undefined -Dfuzz=true \
		-Dbuildtype=debug >/dev/null || { count build-asan 1; exit 1; }
fi
ninja -C build-asan || { count build-asan 1; exit 1; }

step "format (clang-format --dry-run -Werror)"
scripts/check-format.sh
count format $?
step "per-packet objects: no allocation, locks or logging (nm)"
scripts/check-hotpath.sh build
count hotpath $?

# meson test: each registered test counts once.
run_meson() { # run_meson BUILD_DIR LABEL
	local dir=$1 label=$2 r name
	meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 >/dev/null
	while IFS=$'\t' read -r r name; do
		echo "$r $label $name"
		if [ "$r" = OK ] || [ "$r" = EXPECTEDFAIL ]; then count "$label $name" 0; else count "$label $name" 1; fi
	done < <(/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    print("%s\t%s" % (t["result"], t["name"]))' "$dir/meson-logs/testlog.json")
}
step "unit tests (gcc build)"
run_meson build unit
step "unit tests and fuzzers (sanitizer build)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run_meson build-asan asan

step "integration tests"
for t in tests/integration/test_*.sh; do
	echo "--- $t"
	out=$(timeout 600 bash "$t" 2>&1)
	rc=$?
	echo "$out"
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) count "$t: ${line#ok - }" 0 ;;
		"not ok - "*) count "$t: ${line#not ok - }" 1 ;;
		esac
	done <<<"$out"
	# A script that died without reporting a failure still fails.
	if [ $rc -ne 0 ] && ! grep -q '^not ok - ' <<<"$out"; then count "$t (exit $rc)" 1; fi
done

[ "$FAIL" -eq 0 ]
