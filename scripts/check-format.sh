#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fails when a C file of the project is not formatted with .clang-format (STYLE.md rule 29).
set -u
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r f; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (clang-format -i $f)"
		bad=1
	fi
done < <(git ls-files -co --exclude-standard -- 'fastpath/*.[ch]' 'slowpath/*.[ch]' \
	'common/*.[ch]' 'config/*.[ch]' 'tests/*.[ch]')
exit $bad
