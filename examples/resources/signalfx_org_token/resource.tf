# An ingest token for the OpenTelemetry collectors in production. Its usage is capped, and
# the platform team is told by email and in Slack before the cap is reached.
resource "signalfx_org_token" "collectors" {
  name        = "otel-collectors-prod"
  description = "OpenTelemetry collectors in production."
  auth_scopes = ["INGEST"]

  limits = {
    dpm_quota                  = 500000
    dpm_notification_threshold = 400000
  }

  notifications = [
    {
      type  = "Email"
      email = "platform-team@example.com"
    },
    {
      type          = "Slack"
      credential_id = "EXAMPLESLACKID" # ID of the Slack integration in SignalFx
      channel       = "observability-alerts"
    },
  ]
}

# An API token for the CI pipeline that deploys dashboards and detectors. Its secret
# expires 90 days after creation (and after every rotation), it may start at most 30
# SignalFlow jobs a minute, and one team may read it besides the org administrators.
resource "signalfx_org_token" "ci" {
  name        = "ci-dashboards-deploy"
  description = "CI pipeline that deploys dashboards and detectors."
  auth_scopes = ["API"]
  lifetime    = "2160h"

  limits = {
    jobs_per_minute = 30
  }

  permissions = [
    {
      principal_id   = "EXAMPLETEAMID" # ID of the team that owns the pipeline
      principal_type = "TEAM"
      actions        = ["READ"]
    },
  ]
}

# The secret is sensitive. Hand it to its consumers through another resource, such as a
# secret-store entry with value = signalfx_org_token.collectors.secret.
output "ci_token_expires_at" {
  value = signalfx_org_token.ci.expires_at
}
