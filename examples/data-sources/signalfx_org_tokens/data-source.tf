# Every org token, without secrets.
data "signalfx_org_tokens" "all" {}

# Enabled ingest tokens whose names contain "prod" and that expire within 30 days.
data "signalfx_org_tokens" "expiring" {
  name_contains  = "prod"
  auth_scope     = "INGEST"
  disabled       = false
  expires_before = timeadd(plantimestamp(), "720h")
}

output "token_count" {
  value = length(data.signalfx_org_tokens.all.names)
}

output "expiring_soon" {
  value = {
    for t in data.signalfx_org_tokens.expiring.tokens : t.name => t.expires_at
  }
}

# Tokens nobody has changed in a year, for an audit.
locals {
  stale_tokens = [
    for t in data.signalfx_org_tokens.all.tokens : t.name
    if timecmp(t.last_updated_at, timeadd(plantimestamp(), "-8760h")) < 0
  ]
}
