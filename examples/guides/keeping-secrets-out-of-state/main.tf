# An ingest token whose secret is never written to the state file: the token keeps it out
# of state, the ephemeral resource reads it at plan and apply time, and it is passed to a
# write-only argument, which is not stored either.
variable "collector_secret_generation" {
  description = "Change this value to rotate the secret and push the new one to Kubernetes in the same apply."
  type        = number
  default     = 1
}

resource "signalfx_org_token" "collector" {
  name         = "otel-collector-prod"
  description  = "OpenTelemetry collector in production."
  auth_scopes  = ["INGEST"]
  store_secret = false

  rotation_trigger      = var.collector_secret_generation
  rotation_grace_period = "24h"
}

ephemeral "signalfx_org_token" "collector" {
  # The ID is unknown until the token exists, and so is this name on the first plan. That
  # makes Terraform read the secret after it has created the token, instead of during the
  # plan, when there is no token to read yet.
  name = signalfx_org_token.collector.id != null ? signalfx_org_token.collector.name : null
}

resource "kubernetes_secret_v1" "collector_token" {
  metadata {
    name      = "splunk-otel-collector"
    namespace = "observability"
  }

  data_wo = {
    splunk_observability_access_token = ephemeral.signalfx_org_token.collector.secret
  }

  # Terraform cannot compare write-only values between runs: the provider writes them again
  # only when the revision changes. The same generation rotates the secret and pushes it.
  data_wo_revision = var.collector_secret_generation
}
