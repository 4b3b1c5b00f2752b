#!/usr/bin/env bash
# Prints the path of a pinned OpenTofu binary on stdout, building it from source
# first if it is not cached. All progress goes to stderr.
#
# Why build from source: the only registries reachable here are the Go module
# proxy, Debian and npm, so OpenTofu's release archives cannot be downloaded.
# `go install github.com/opentofu/opentofu/cmd/tofu@vX` fails because
# opentofu's go.mod has a replace directive, so the module is downloaded,
# copied out of the read-only module cache and built inside its own module.
#
# The proxy's version list for opentofu is incomplete (it did not list any
# v1.11.x); v1.11.7 is the newest v1.11.x it serves when asked by version.
#
# Usage: scripts/tofu.sh            -> prints e.g. ~/.cache/terraform-provider-signalfx/tofu-v1.11.7/tofu
# Env:   TOFU_VERSION overrides the pinned version.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-v1.11.7}"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-signalfx"
cache_dir="$cache_root/tofu-$TOFU_VERSION"
bin="$cache_dir/tofu"

log() { printf 'tofu.sh: %s\n' "$*" >&2; }

# Our own empty CLI config, so the caller's TF_CLI_CONFIG_FILE (which may name
# a missing file: a warning on every command) or ~/.tofurc does not leak in.
# OpenTofu v1.11.7 reads only TF_CLI_CONFIG_FILE (falling back to the legacy
# TERRAFORM_CONFIG); TOFU_CLI_CONFIG_FILE is ignored (checked: a TOFU_CLI_CONFIG_FILE
# naming a missing or malformed file changes nothing; see cliConfigFileOverride
# in internal/command/cliconfig/cliconfig.go).
work="$(mktemp -d "${TMPDIR:-/tmp}/tofu-build.XXXXXX")"
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
: >"$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export CHECKPOINT_DISABLE=1

# A usable binary runs `tofu version` and reports exactly the pinned release
# (not a "-dev" build from before the ldflags below were added).
works() {
  [[ -x "$1" ]] || return 1
  local out
  out="$("$1" version 2>/dev/null)" || return 1
  [[ "${out%%$'\n'*}" == "OpenTofu $TOFU_VERSION" ]]
}

if works "$bin"; then
  printf '%s\n' "$bin"
  exit 0
fi

command -v go >/dev/null || { log "go not found on PATH"; exit 1; }

log "building OpenTofu $TOFU_VERSION (takes several minutes on 2 cores)"
mod_json="$(cd "$work" && GOFLAGS= go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION")"
mod_dir="$(printf '%s\n' "$mod_json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "$mod_dir" || ! -d "$mod_dir" ]]; then
  log "could not locate the module directory for opentofu@$TOFU_VERSION:"
  printf '%s\n' "$mod_json" >&2
  exit 1
fi

cp -R "$mod_dir" "$work/src"
chmod -R u+w "$work/src"

mkdir -p "$cache_dir"
tmp_bin="$(mktemp "$cache_dir/.tofu.XXXXXX")"
# The cleanup trap also removes a half-written binary.
trap 'rm -f "$tmp_bin"; cleanup' EXIT
(
  cd "$work/src"
  # GOFLAGS from the caller (e.g. -mod=vendor) must not apply to opentofu's module.
  # -buildvcs=false: the copy is not a VCS checkout.
  # ldflags as in opentofu's own .goreleaser.yaml: without version.dev=no the
  # binary calls itself "1.11.7-dev", which terraform-plugin-testing's version
  # checks would read as a prerelease.
  GOFLAGS= CGO_ENABLED=0 go build -buildvcs=false -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$tmp_bin" ./cmd/tofu
) >&2
chmod 0755 "$tmp_bin"
if ! works "$tmp_bin"; then
  log "built binary does not report \"OpenTofu $TOFU_VERSION\" from 'tofu version':"
  "$tmp_bin" version >&2 || true
  exit 1
fi
mv -f "$tmp_bin" "$bin"
log "built $bin"
printf '%s\n' "$bin"
