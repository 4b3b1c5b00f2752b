# Fingerprints identify a secret without revealing it: compare them before and after a
# rotation. Hand the secrets themselves to their consumers through a resource, for example
# a secret store entry with value = signalfx_org_token.collectors.secret.
output "collectors_secret_fingerprint" {
  description = "First 12 hex digits of the SHA-256 of the collectors token's secret."
  value       = nonsensitive(substr(sha256(signalfx_org_token.collectors.secret), 0, 12))
}

output "ci_secret_fingerprint" {
  description = "First 12 hex digits of the SHA-256 of the CI token's secret."
  value       = nonsensitive(substr(sha256(signalfx_org_token.ci.secret), 0, 12))
}

output "collectors_expires_at" {
  description = "When the collectors token's current secret expires (the organization's default lifetime)."
  value       = signalfx_org_token.collectors.expires_at
}

output "ci_expires_at" {
  description = "When the CI token's current secret expires (90 days after its creation or latest rotation)."
  value       = signalfx_org_token.ci.expires_at
}
