terraform {
  required_providers {
    signalfx = {
      source = "orgtokens/signalfx"
    }
  }
}

# Credentials come from the environment, so nothing secret lives in this file:
#   SFX_AUTH_TOKEN  an org administrator's session token (a user API access token;
#                   org tokens cannot manage org tokens)
#   SFX_REALM       your realm, such as us1 or eu0 (or SFX_API_URL for a full API URL)
provider "signalfx" {}

# A token for the OpenTelemetry collectors that send metrics. Its usage is capped and the
# platform team is emailed before the cap is reached. Changing var.rotation rotates its
# secret in place; the old secret keeps working for a day so collectors can be rolled.
resource "signalfx_org_token" "collectors" {
  name        = "quickstart/otel collectors"
  description = "OpenTelemetry collectors of the quickstart environment."
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
  ]

  rotation_trigger      = var.rotation
  rotation_grace_period = "24h"
}

# A token for a CI pipeline that calls the SignalFx API. Its secret expires after 90 days
# (counted again from every rotation), and one team may read it besides the admins.
resource "signalfx_org_token" "ci" {
  name        = "quickstart/ci pipeline"
  description = "CI pipeline that manages dashboards and detectors."
  auth_scopes = ["API"]
  lifetime    = "2160h"

  permissions = [
    {
      principal_id   = var.reader_team_id
      principal_type = "TEAM"
      actions        = ["READ"]
    },
  ]

  rotation_trigger = var.rotation
}
