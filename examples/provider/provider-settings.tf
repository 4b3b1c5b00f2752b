# The same settings in the provider block. A value set here wins over the environment, so
# this configuration always talks to eu0, whatever SFX_REALM or SFX_API_URL say.
provider "signalfx" {
  realm      = "eu0"
  auth_token = var.signalfx_auth_token

  # Optional: more patience for a slow network or a busy organization.
  timeout_seconds        = 60
  retry_max_attempts     = 6
  retry_wait_max_seconds = 60

  # Optional: wait up to 15 minutes per call under the API's rate limit (429) before failing.
  rate_limit_timeout_seconds = 900
}

variable "signalfx_auth_token" {
  description = "An org administrator's session token (user API access token), not an org token."
  type        = string
  sensitive   = true
}
