#!/usr/bin/env bash
# Runs every Go fuzz target in the repository for a short while each, for CI.
#
# Targets are found, not listed: every `func FuzzXxx(f *testing.F)` in a *_test.go file
# under the repository root. `go test -fuzz` takes one target per invocation, so each runs
# on its own: go test -run='^$' -fuzz='^FuzzXxx$' -fuzztime=$FUZZ_TIME ./pkg
# Their seed corpora (testdata/fuzz/FuzzXxx/ beside the test) also run under plain
# `go test`. A failing input is written by go test to testdata/fuzz/FuzzXxx/ in the
# package: commit it with the fix, so that it stays a regression test.
#
# Usage: scripts/fuzz.sh [--list] [PATTERN]
#   --list    print "package target" lines and run nothing
#   PATTERN   run only targets whose name matches this extended regexp
# Env:   FUZZ_TIME   budget per target in go test's -fuzztime syntax (default 20000x: 20,000
#                     executions, 5 to 30 s each here; a duration such as 10s works too)
#
# The default is a count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report "context deadline exceeded" and fail a target at the end of -fuzztime without any
# failing input, when the machine is busy (golang/go#75804, fixed in Go 1.27). A count has no
# deadline to race. Minimization is bounded by a count for the same reason.
# Every target runs even after one fails; the exit status is non-zero if any failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

list_only=0
if [[ "${1:-}" == "--list" ]]; then
  list_only=1
  shift
fi
pattern="${1:-.}"
fuzz_time="${FUZZ_TIME:-20000x}"

# "<package dir> <target>" per target, sorted, skipping vendored and hidden directories.
targets="$(
  find . -type d \( -name vendor -o -name testdata -o -name '.*' -a ! -name . \) -prune -o \
    -type f -name '*_test.go' -print |
    while IFS= read -r file; do
      sed -nE 's/^func (Fuzz[A-Za-z0-9_]+)\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\).*/\1/p' "$file" |
        while IFS= read -r target; do
          printf '%s %s\n' "$(dirname "$file")" "$target"
        done
    done | awk -v re="$pattern" '$2 ~ re' | LC_ALL=C sort
)"

if [[ -z "$targets" ]]; then
  echo "fuzz.sh: no fuzz targets match '$pattern'" >&2
  exit 1
fi
if ((list_only)); then
  printf '%s\n' "$targets"
  exit 0
fi

failed=()
count=0
while read -r dir target; do
  count=$((count + 1))
  printf '\n=== fuzz %s %s (%s)\n' "$dir" "$target" "$fuzz_time"
  if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzz_time" -fuzzminimizetime=2000x -parallel=1 "$dir"; then
    failed+=("$dir $target")
  fi
done <<<"$targets"

printf '\n=== fuzz summary: %d targets, %d failed\n' "$count" "${#failed[@]}"
if ((${#failed[@]})); then
  printf '  FAILED %s\n' "${failed[@]}"
  echo "failing inputs are under testdata/fuzz/<target>/ in each package: run them with go test -run=<target>/<file>"
  exit 1
fi
