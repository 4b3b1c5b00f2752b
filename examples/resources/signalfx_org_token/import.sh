# Org tokens are imported by name. Quote names that contain spaces or shell characters.
terraform import signalfx_org_token.collector "otel-collector-prod"
