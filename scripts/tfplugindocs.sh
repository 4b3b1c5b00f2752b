#!/usr/bin/env bash
# Runs a pinned tfplugindocs (hashicorp/terraform-plugin-docs) with the given
# arguments, installing it into a per-version cache directory first if needed.
#
# Usage: scripts/tfplugindocs.sh generate --provider-name signalfx
#        scripts/tfplugindocs.sh validate --provider-name signalfx
#        scripts/tfplugindocs.sh --print-path
# Env:   TFPLUGINDOCS_VERSION overrides the pinned version.
#
# Working offline: `generate` and `validate` build the provider, then get its
# schema by running `terraform init -plugin-dir=... && terraform providers
# schema -json` in a temp dir. Which terraform binary is decided in
# internal/provider/generate.go (terraformProviderSchemaFromTerraform, v0.25.0):
#   - with --tf-version X it ALWAYS downloads X from releases.hashicorp.com
#     (impossible here), so never pass --tf-version;
#   - without it, hc-install's fs.AnyVersion{Product: terraform} takes the first
#     `terraform` found on PATH, and only if there is none does it download the
#     latest release via checkpoint.hashicorp.com.
# So: terraform must be on PATH, and --tf-version must not be given. This script
# refuses to run without terraform on PATH for generate/validate rather than let
# tfplugindocs try the network. (Alternatively --providers-schema FILE takes the
# output of `terraform providers schema -json` and skips building and the CLI.)
# The init uses -plugin-dir, so no registry is contacted. The provider is
# installed as registry.terraform.io/hashicorp/<name>, which is why the docs
# still resolve although our real address is registry.terraform.io/orgtokens/signalfx.
set -euo pipefail

TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.25.0}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-signalfx/tfplugindocs-$TFPLUGINDOCS_VERSION"
bin="$cache_dir/tfplugindocs"

if ! [[ -x "$bin" ]]; then
  printf 'tfplugindocs.sh: installing tfplugindocs %s into %s\n' "$TFPLUGINDOCS_VERSION" "$cache_dir" >&2
  mkdir -p "$cache_dir"
  tmp_gobin="$(mktemp -d "$cache_dir/.install.XXXXXX")"
  trap 'rm -rf "$tmp_gobin"' EXIT
  GOFLAGS= GOBIN="$tmp_gobin" go install \
    "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$TFPLUGINDOCS_VERSION" >&2
  mv -f "$tmp_gobin/tfplugindocs" "$bin"
  rm -rf "$tmp_gobin"
  trap - EXIT
fi

case "${1:-}" in
  --print-path)
    printf '%s\n' "$bin"
    exit 0
    ;;
  generate | validate)
    if ! command -v terraform >/dev/null 2>&1; then
      printf 'tfplugindocs.sh: terraform is not on PATH; tfplugindocs would try to download it (no network here)\n' >&2
      exit 1
    fi
    for arg in "$@"; do
      case "$arg" in
        --tf-version | --tf-version=* | -tf-version | -tf-version=*)
          printf 'tfplugindocs.sh: --tf-version makes tfplugindocs download Terraform; leave it out to use the terraform on PATH\n' >&2
          exit 1
          ;;
      esac
    done
    # Our own empty CLI config, so neither the caller's TF_CLI_CONFIG_FILE (which
    # may point nowhere) nor a ~/.terraformrc with provider_installation
    # overrides changes what `terraform init` does.
    cfg_dir="$(mktemp -d "${TMPDIR:-/tmp}/tfplugindocs-cli.XXXXXX")"
    trap 'rm -rf "$cfg_dir"' EXIT
    : >"$cfg_dir/cli.tfrc"
    export TF_CLI_CONFIG_FILE="$cfg_dir/cli.tfrc"
    export CHECKPOINT_DISABLE=1
    "$bin" "$@"
    ;;
  *)
    exec "$bin" "$@"
    ;;
esac
