#!/usr/bin/env bash
# Cross-compiles the provider for every os/arch that .goreleaser.yml releases,
# with the same env, flags and ldflags (version "dev"), into a temp dir that is
# deleted afterwards. Stops at the first failing target.
#
# The matrix is not repeated here: it is read from the single `builds` entry of
# .goreleaser.yml (goos x goarch minus ignore, goarm), as are env, flags and
# ldflags. Every resulting target is checked against `go tool dist list`, so a
# matrix that goreleaser could not build fails here too.
#
# Usage: scripts/crossbuild.sh [--list] [PACKAGE]   (PACKAGE defaults to .)
#   --list   print the targets and the build settings parsed from .goreleaser.yml, build nothing
# Env:   GORELEASER_CONFIG (default: .goreleaser.yml at the repo root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${GORELEASER_CONFIG:-$root/.goreleaser.yml}"
list_only=0
if [[ "${1:-}" == "--list" ]]; then
  list_only=1
  shift
fi
pkg="${1:-.}"

die() { printf 'crossbuild.sh: %s\n' "$*" >&2; exit 1; }
[[ -f "$config" ]] || die "no goreleaser config at $config"

# Emits "<key> <value>" lines for the list items of the first build:
#   goos/goarch/goarm/flags/ldflags/env <item>, and "ignore <goos>/<goarch>[/<goarm>]".
# Only block-style lists are understood (see the note in .goreleaser.yml).
parse_build() {
  awk '
    function unquote(s) {
      sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
      sub(/[ \t]+#.*$/, "", s)
      if (s ~ /^".*"$/ || s ~ /^\047.*\047$/) s = substr(s, 2, length(s) - 2)
      return s
    }
    function flush_ignore() {
      if (ig_os != "" || ig_arch != "") print "ignore " ig_os "/" ig_arch (ig_arm != "" ? "/" ig_arm : "")
      ig_os = ""; ig_arch = ""; ig_arm = ""
    }
    /^[ \t]*#/ || /^[ \t]*$/ { next }
    /^[^ \t]/ {                                   # top-level key
      if (section == "ignore") flush_ignore()
      inbuilds = ($0 ~ /^builds:/); section = ""; next
    }
    !inbuilds { next }
    {
      line = $0
      match(line, /^[ \t]*/); indent = RLENGTH
      body = substr(line, indent + 1)
    }
    body ~ /^- / && builditem_indent == "" { builditem_indent = indent }
    body ~ /^- / && indent == builditem_indent {   # a new build entry
      nbuilds++
      if (nbuilds > 1) { print "error more than one build in builds:"; exit }
      body = substr(body, 3); indent += 2; keyindent = indent
    }
    keyindent != "" && indent == keyindent && body ~ /^[A-Za-z_]+:/ {
      if (section == "ignore") flush_ignore()
      key = body; sub(/:.*/, "", key)
      val = body; sub(/^[A-Za-z_]+:[ \t]*/, "", val); val = unquote(val)
      section = key
      if (val != "" && (key == "goos" || key == "goarch" || key == "goarm" || key == "flags" || key == "ldflags" || key == "env" || key == "ignore"))
        print "error flow-style or scalar " key " is not supported: " val
      next
    }
    section == "goos" || section == "goarch" || section == "goarm" || section == "flags" || section == "ldflags" || section == "env" {
      if (body ~ /^- /) print section " " unquote(substr(body, 3))
      next
    }
    section == "ignore" {
      if (body ~ /^- /) { flush_ignore(); body = substr(body, 3) }
      k = body; sub(/:.*/, "", k); v = body; sub(/^[A-Za-z_]+:[ \t]*/, "", v); v = unquote(v)
      if (k == "goos") ig_os = v; else if (k == "goarch") ig_arch = v; else if (k == "goarm") ig_arm = v
      next
    }
    END { if (section == "ignore") flush_ignore() }
  ' "$config"
}

parsed="$(parse_build)"
if grep -q '^error ' <<<"$parsed"; then
  die "cannot parse $config: $(grep '^error ' <<<"$parsed" | head -n1 | cut -d' ' -f2-)"
fi
values() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print }' <<<"$parsed"; }

mapfile -t goos_list < <(values goos)
mapfile -t goarch_list < <(values goarch)
mapfile -t goarm_list < <(values goarm)
mapfile -t ignores < <(values ignore)
mapfile -t flags < <(values flags)
mapfile -t ldflags_list < <(values ldflags)
mapfile -t env_list < <(values env)
((${#goos_list[@]} > 0)) || die "no goos parsed from $config"
((${#goarch_list[@]} > 0)) || die "no goarch parsed from $config"
((${#goarm_list[@]} > 0)) || goarm_list=(6) # goreleaser's default

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none)"
version="${CROSSBUILD_VERSION:-0.0.0-dev}"
ldflags="${ldflags_list[*]}"
# The goreleaser template fields used in ldflags; any other template is an error.
ldflags="$(sed -E -e "s/\{\{ *\.Version *\}\}/$version/g" -e "s/\{\{ *\.Commit *\}\}/$commit/g" <<<"$ldflags")"
[[ "$ldflags" != *"{{"* ]] || die "unsupported template in ldflags: $ldflags"

valid="$(go tool dist list)"
targets=()
for os in "${goos_list[@]}"; do
  for arch in "${goarch_list[@]}"; do
    arms=("")
    [[ "$arch" == arm ]] && arms=("${goarm_list[@]}")
    for arm in "${arms[@]}"; do
      skip=0
      for ig in "${ignores[@]}"; do
        IFS=/ read -r ig_os ig_arch ig_arm <<<"$ig"
        if [[ ( -z "$ig_os" || "$ig_os" == "$os" ) && ( -z "$ig_arch" || "$ig_arch" == "$arch" ) && ( -z "$ig_arm" || "$ig_arm" == "$arm" ) ]]; then
          skip=1
        fi
      done
      ((skip)) && continue
      grep -qx "$os/$arch" <<<"$valid" ||
        die "$os/$arch is in $config but is not a Go port ($(go env GOVERSION)); add it to ignore"
      targets+=("$os/$arch${arm:+/$arm}")
    done
  done
done

if ((list_only)); then
  printf 'env:     %s\n' "${env_list[*]}"
  printf 'flags:   %s\n' "${flags[*]}"
  printf 'ldflags: %s\n' "$ldflags"
  printf '%s\n' "${targets[@]}"
  exit 0
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/crossbuild.XXXXXX")"
trap 'rm -rf "$out"' EXIT

cd "$root"
start=$SECONDS
n=0
for t in "${targets[@]}"; do
  IFS=/ read -r os arch arm <<<"$t"
  ext=""
  [[ "$os" == windows ]] && ext=.exe
  printf 'crossbuild: %-18s' "$t"
  t0=$SECONDS
  # env -i is not used: the caller's GOPATH/GOCACHE/GOFLAGS etc. are kept;
  # goreleaser's env entries (CGO_ENABLED=0) are applied on top.
  if ! env "${env_list[@]}" GOOS="$os" GOARCH="$arch" ${arm:+GOARM="$arm"} \
    go build "${flags[@]}" -ldflags "$ldflags" \
    -o "$out/$os-$arch${arm:+v$arm}/terraform-provider-signalfx_v$version$ext" "$pkg"; then
    printf '\n'
    die "build failed for $t"
  fi
  printf ' ok (%ds)\n' "$((SECONDS - t0))"
  n=$((n + 1))
done
printf 'crossbuild: %d targets built in %ds\n' "$n" "$((SECONDS - start))"
