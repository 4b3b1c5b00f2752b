terraform {
  required_providers {
    signalfx = {
      source  = "orgtokens/signalfx"
      version = "~> 0.1"
    }
  }
}

# Everything comes from the environment, so no credential lives in the configuration:
#
#   export SFX_AUTH_TOKEN=...   # an org administrator's session token (user API access token)
#   export SFX_REALM=us1        # your realm; or SFX_API_URL=https://api.us1.signalfx.com
provider "signalfx" {}
