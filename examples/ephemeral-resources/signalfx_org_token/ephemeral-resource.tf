# Read the secret of an existing org token at plan and apply time without storing it in the
# plan or the state (Terraform 1.10 and later). Opening the ephemeral resource only reads the
# token: it never creates, rotates or changes it.
ephemeral "signalfx_org_token" "collector" {
  name = "otel-collector-prod"
}

# Pass the secret to a write-only argument (Terraform 1.11 and later), here the Kubernetes
# secret the OpenTelemetry Collector reads its access token from. Write-only arguments are
# sent to the provider but never saved, so the secret lands in no state file.
resource "kubernetes_secret_v1" "collector_token" {
  metadata {
    name      = "splunk-otel-collector"
    namespace = "observability"
  }

  data_wo = {
    splunk_observability_access_token = ephemeral.signalfx_org_token.collector.secret
  }

  # Write-only values are not compared between runs: bump the revision after rotating the
  # token so that the new secret is written.
  data_wo_revision = var.collector_token_revision
}

variable "collector_token_revision" {
  description = "Increase after rotating the otel-collector-prod token to push its new secret."
  type        = number
  default     = 1
}
