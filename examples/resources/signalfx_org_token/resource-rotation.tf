# Rotate an ingest token's secret every 30 days, in place, with a three-day overlap.
#
# time_rotating (from the hashicorp/time provider) is recreated at the first plan after its
# 30 days are up, which gives it a new ID. The new ID changes rotation_trigger, and the
# apply rotates the secret: same token, same ID, new secret. The old secret keeps working
# for rotation_grace_period, so consumers have three days to pick up the new one.
resource "time_rotating" "gateway" {
  rotation_days = 30
}

resource "signalfx_org_token" "gateway" {
  name        = "otel-gateway-prod"
  description = "OpenTelemetry gateway in production, rotated every 30 days."
  auth_scopes = ["INGEST"]

  # Each secret is valid for 45 days and replaced after 30, so an apply that runs a
  # little late still rotates the secret before it expires.
  lifetime              = "1080h"
  rotation_trigger      = time_rotating.gateway.id
  rotation_grace_period = "72h"
}
