# After: the same two tokens, moved to orgtokens/signalfx in one apply (Terraform 1.7 or
# later). The tokens are neither deleted nor recreated, and their secrets do not change.
terraform {
  required_providers {
    signalfx = {
      source  = "orgtokens/signalfx"
      version = "~> 0.1"
    }
    # The old provider, under another local name, for this one apply: the state still
    # names it as the provider of the old resources. Remove it once the apply is done.
    splunk = {
      source  = "splunk-terraform/signalfx"
      version = "~> 9.0"
    }
  }
}

provider "signalfx" {}

# The old provider reads SFX_AUTH_TOKEN and SFX_API_URL as before; copy any settings you had
# in its provider block here.
provider "splunk" {}

# Forget the old provider's resources without deleting the tokens in SignalFx.
removed {
  from = signalfx_org_token.collectors

  lifecycle {
    destroy = false
  }
}

removed {
  from = signalfx_org_token.clusters

  lifecycle {
    destroy = false
  }
}

# Adopt the same tokens, by name. The new resource blocks need new names: in one apply,
# an address cannot be both removed and imported.
import {
  to = signalfx_org_token.otel_collectors
  id = "otel-collectors-prod"
}

import {
  to = signalfx_org_token.k8s_clusters
  id = "k8s-clusters"
}

resource "signalfx_org_token" "otel_collectors" {
  name        = "otel-collectors-prod"
  description = "OpenTelemetry collectors in production."
  auth_scopes = ["INGEST"]

  notifications = [
    { type = "Email", email = "platform-team@example.com" },
    { type = "Slack", credential_id = "EXAMPLESLACKID", channel = "observability-alerts" },
  ]

  limits = {
    dpm_quota                  = 500000
    dpm_notification_threshold = 400000
  }
}

resource "signalfx_org_token" "k8s_clusters" {
  name        = "k8s-clusters"
  description = "Kubernetes clusters."
  auth_scopes = ["INGEST"]

  notifications = [
    { type = "PagerDuty", credential_id = "EXAMPLEPAGERDUTYID" },
  ]

  limits = {
    host_quota                  = 200
    host_notification_threshold = 180
    container_quota             = 4000
  }
}
