# Adopt a token that was created in the UI (or by another tool) by its name. After the
# apply, Terraform manages it like a token it created: same ID, same secret.
import {
  to = signalfx_org_token.collector
  id = "otel-collector-prod"
}

resource "signalfx_org_token" "collector" {
  name        = "otel-collector-prod"
  description = "OpenTelemetry collector in production."
  auth_scopes = ["INGEST"]
}
