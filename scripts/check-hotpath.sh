#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# STYLE.md rule 13: the objects of per-packet files must not allocate, lock,
# print or log.  Usage: check-hotpath.sh BUILD_DIR
set -u
build=${1:-build}
cd "$(dirname "$0")/.."
files=$(sed -n "s/^fastpath_hot_objects = \[\(.*\)\]/\1/p" fastpath/meson.build | tr -d "' ")
forbidden='^(malloc|calloc|realloc|free|rte_malloc|rte_zmalloc|rte_zmalloc_socket|rte_calloc|rte_free|pthread_mutex_.*|pthread_spin_.*|rte_spinlock_.*|printf|fprintf|puts|syslog|log_event|log_text|rte_log)$'
bad=0
n=0
for src in $(echo "$files" | tr ',' ' '); do
	obj=$(find "$build/fastpath" -name "*${src}.o" | head -n 1)
	if [ -z "$obj" ]; then
		echo "check-hotpath: no object for fastpath/$src in $build"
		bad=1
		continue
	fi
	n=$((n + 1))
	hits=$(nm -u "$obj" | awk '{print $NF}' | grep -E "$forbidden" || true)
	if [ -n "$hits" ]; then
		echo "check-hotpath: fastpath/$src calls: $(echo $hits)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "check-hotpath: $n per-packet objects clean"
exit $bad
