#!/usr/bin/env bash
# Runs a pinned golangci-lint v2 with the given arguments, installing it into
# a per-version cache directory first if needed. Install progress goes to stderr.
#
# Usage: scripts/golangci-lint.sh run ./...
#        scripts/golangci-lint.sh --print-path   (install if needed, print the binary path)
# Env:   GOLANGCI_LINT_VERSION overrides the pinned version.
set -euo pipefail

GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-signalfx/golangci-lint-$GOLANGCI_LINT_VERSION"
bin="$cache_dir/golangci-lint"

if ! { [[ -x "$bin" ]] && "$bin" version >/dev/null 2>&1; }; then
  printf 'golangci-lint.sh: installing golangci-lint %s into %s\n' "$GOLANGCI_LINT_VERSION" "$cache_dir" >&2
  mkdir -p "$cache_dir"
  # Install into a temporary GOBIN and rename, so an interrupted install never
  # leaves a half-written binary at the cached path. GOFLAGS is cleared so
  # caller flags such as -mod=vendor do not apply to the tool's own module.
  tmp_gobin="$(mktemp -d "$cache_dir/.install.XXXXXX")"
  trap 'rm -rf "$tmp_gobin"' EXIT
  GOFLAGS= GOBIN="$tmp_gobin" go install \
    "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION" >&2
  mv -f "$tmp_gobin/golangci-lint" "$bin"
  rm -rf "$tmp_gobin"
  trap - EXIT
fi

if [[ "${1:-}" == "--print-path" ]]; then
  printf '%s\n' "$bin"
  exit 0
fi
exec "$bin" "$@"
