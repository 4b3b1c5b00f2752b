# Read a token that was created outside this configuration (in the UI, or by another
# workspace) by its exact name. Names are matched in full: "otel-collector" never finds
# "otel-collector-staging".
data "signalfx_org_token" "collector" {
  name = "otel-collector-prod"
}

# The data source's attributes are those of the signalfx_org_token resource.
output "collector_token" {
  value = {
    id          = data.signalfx_org_token.collector.id
    auth_scopes = data.signalfx_org_token.collector.auth_scopes
    disabled    = data.signalfx_org_token.collector.disabled
    expires_at  = data.signalfx_org_token.collector.expires_at
  }
}

# Warn at every plan and apply when the token expires within 30 days (a failed check block
# is a warning, not an error).
check "collector_token_expiry" {
  assert {
    condition     = timecmp(data.signalfx_org_token.collector.expires_at, timeadd(plantimestamp(), "720h")) > 0
    error_message = "The otel-collector-prod org token expires within 30 days: rotate it."
  }
}

# `secret` is sensitive, but a data source's attributes are stored in the state. To hand the
# secret to another system without storing it, use the signalfx_org_token ephemeral resource.
