# Before: two org tokens managed by the splunk-terraform/signalfx provider.
terraform {
  required_providers {
    signalfx = {
      source  = "splunk-terraform/signalfx"
      version = "~> 9.0"
    }
  }
}

provider "signalfx" {}

resource "signalfx_org_token" "collectors" {
  name        = "otel-collectors-prod"
  description = "OpenTelemetry collectors in production."
  auth_scopes = ["INGEST"]

  notifications = [
    "Email,platform-team@example.com",
    "Slack,EXAMPLESLACKID,observability-alerts",
  ]

  dpm_limits {
    dpm_limit                  = 500000
    dpm_notification_threshold = 400000
  }
}

resource "signalfx_org_token" "clusters" {
  name        = "k8s-clusters"
  description = "Kubernetes clusters."
  auth_scopes = ["INGEST"]

  notifications = ["PagerDuty,EXAMPLEPAGERDUTYID"]

  host_or_usage_limits {
    host_limit                  = 200
    host_notification_threshold = 180
    container_limit             = 4000
  }
}
