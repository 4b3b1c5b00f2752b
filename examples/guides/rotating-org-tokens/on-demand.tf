# Rotate on demand: change the generation and apply, for example with
#   terraform apply -var="collectors_secret_generation=2"
# Only a change from one value to another rotates the secret. Setting rotation_trigger on
# a token that had none, or removing it, does not.
variable "collectors_secret_generation" {
  description = "Change this value to rotate the collectors token's secret on the next apply."
  type        = number
  default     = 1
}

resource "signalfx_org_token" "collectors" {
  name        = "otel-collectors-prod"
  description = "OpenTelemetry collectors in production."
  auth_scopes = ["INGEST"]

  rotation_trigger      = var.collectors_secret_generation
  rotation_grace_period = "24h"
}
