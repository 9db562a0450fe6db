#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/run_fuzz.sh: run a libFuzzer target on a seed corpus without writing into it.
# Usage: run_fuzz.sh FUZZER CORPUS_DIR [libFuzzer options...]
set -eu
fuzzer=$1
corpus=$2
shift 2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
# New inputs go to the scratch directory (the first one); the seeds are only read.
"$fuzzer" "$@" "$scratch" "$corpus"
