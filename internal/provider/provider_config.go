package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// Defaults of the provider settings; the schema descriptions (and so the docs) quote them.
const (
	defaultRealm          = "us0"
	defaultTimeoutSeconds = 30
	defaultRetryMax       = 4
	defaultRetryWaitMin   = 1
	defaultRetryWaitMax   = 30
	// defaultRateLimitTimeout lets an apply of a thousand tokens at a few requests per
	// second wait its turn rather than fail.
	defaultRateLimitTimeout = 300

	envRealm     = "SFX_REALM"
	envAPIURL    = "SFX_API_URL"
	envAuthToken = "SFX_AUTH_TOKEN"

	logSubsystem = "sfx"
)

var (
	realmPattern = regexp.MustCompile(`^[a-z]{2,3}[0-9]{1,2}$`)
	realmHint    = "must be a SignalFx realm such as us0, us1, us2, eu0, eu1, eu2, au0 or jp0 (two or three lowercase letters and a number)"
)

func osGetenv(key string) string { return os.Getenv(key) }

func itoa(n int) string { return strconv.Itoa(n) }

// realmURL is the API base URL of a realm.
func realmURL(realm string) string {
	return "https://api." + realm + ".signalfx.com"
}

// checkAPIURL returns why raw is not a usable API base URL, or "" when it is. Plain http is
// allowed only to a loopback host, so a token never crosses a network in the clear.
func checkAPIURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL: write it with its scheme and host, such as https://api.us1.signalfx.com.", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q must not contain credentials, a query or a fragment: give only the scheme, host and optional port.", redactURL(u))
	}
	if strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v2") {
		return fmt.Sprintf("%q ends with /v2: give the base URL without it, such as https://api.us1.signalfx.com.", raw)
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if isLoopback(u.Hostname()) {
			return ""
		}
		return fmt.Sprintf("%q uses plain http to a host that is not loopback: use https (http is allowed only for 127.0.0.1, ::1 or localhost).", raw)
	default:
		return fmt.Sprintf("%q has the scheme %q: use https.", raw, u.Scheme)
	}
}

func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.Fragment = ""
	return c.String()
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiURLValidator reports a bad api_url at plan time with what to write instead.
type apiURLValidator struct{}

func (apiURLValidator) Description(context.Context) string {
	return "must be an absolute https URL (or http to a loopback host) without /v2"
}

func (v apiURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (apiURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkAPIURL(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API URL", problem)
	}
}

// resolveClientConfig merges the configuration with the environment (configuration wins)
// and the defaults, and checks what the schema could not (values from the environment).
func resolveClientConfig(m providerModel, getenv func(string) string) (sfx.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	for name, unknown := range map[string]bool{
		"realm": m.Realm.IsUnknown(), "api_url": m.APIURL.IsUnknown(), "auth_token": m.AuthToken.IsUnknown(),
		"timeout_seconds": m.TimeoutSeconds.IsUnknown(), "retry_max_attempts": m.RetryMaxAttempts.IsUnknown(),
		"retry_wait_min_seconds": m.RetryWaitMinSeconds.IsUnknown(), "retry_wait_max_seconds": m.RetryWaitMaxSeconds.IsUnknown(),
		"rate_limit_timeout_seconds": m.RateLimitTimeout.IsUnknown(),
	} {
		if unknown {
			diags.AddAttributeError(path.Root(name), "Unknown Provider Setting",
				"The provider's "+name+" depends on a value that is known only after apply. Set it to a value known at plan time, "+
					"or apply the resources it depends on first with -target.")
		}
	}
	if diags.HasError() {
		return sfx.Config{}, diags
	}

	var cfg sfx.Config
	switch {
	case !m.APIURL.IsNull():
		cfg.BaseURL = m.APIURL.ValueString()
	case !m.Realm.IsNull():
		cfg.BaseURL = realmURL(m.Realm.ValueString())
	case getenv(envAPIURL) != "":
		cfg.BaseURL = getenv(envAPIURL)
		if problem := checkAPIURL(cfg.BaseURL); problem != "" {
			diags.AddAttributeError(path.Root("api_url"), "Invalid API URL", "The "+envAPIURL+" environment variable is invalid: "+problem)
		}
	case getenv(envRealm) != "":
		realm := getenv(envRealm)
		if !realmPattern.MatchString(realm) {
			diags.AddAttributeError(path.Root("realm"), "Invalid Realm",
				fmt.Sprintf("The %s environment variable is %q: it %s.", envRealm, realm, realmHint))
		}
		cfg.BaseURL = realmURL(realm)
	default:
		cfg.BaseURL = realmURL(defaultRealm)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")

	cfg.AuthToken = m.AuthToken.ValueString()
	if m.AuthToken.IsNull() {
		cfg.AuthToken = getenv(envAuthToken)
	}
	if cfg.AuthToken == "" {
		diags.AddAttributeError(path.Root("auth_token"), "Missing SignalFx Auth Token",
			"The provider needs an org administrator's session token: set auth_token in the provider block, "+
				"or set the "+envAuthToken+" environment variable.")
	}

	// sfx.Config reads zero as "the default" and a negative value as "none"; a 0 in the
	// provider block means none.
	cfg.Timeout = time.Duration(intOr(m.TimeoutSeconds, defaultTimeoutSeconds)) * time.Second
	cfg.RetryMax = int(noneIfZero(intOr(m.RetryMaxAttempts, defaultRetryMax)))
	cfg.RetryWaitMin = time.Duration(noneIfZero(intOr(m.RetryWaitMinSeconds, defaultRetryWaitMin))) * time.Second
	cfg.RetryWaitMax = time.Duration(noneIfZero(intOr(m.RetryWaitMaxSeconds, defaultRetryWaitMax))) * time.Second
	cfg.RateLimitTimeout = time.Duration(noneIfZero(intOr(m.RateLimitTimeout, defaultRateLimitTimeout))) * time.Second
	diags.Append(checkRetryWaits(m)...)
	return cfg, diags
}

// checkRetryWaits reports a minimum wait above the maximum, a setting left out counting as
// its default, on the attribute that was set (both at validation and at configuration, so
// terraform validate catches it too).
func checkRetryWaits(m providerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.RetryWaitMinSeconds.IsUnknown() || m.RetryWaitMaxSeconds.IsUnknown() {
		return diags
	}
	lo, hi := intOr(m.RetryWaitMinSeconds, defaultRetryWaitMin), intOr(m.RetryWaitMaxSeconds, defaultRetryWaitMax)
	switch {
	case lo <= hi:
	case m.RetryWaitMinSeconds.IsNull():
		diags.AddAttributeError(path.Root("retry_wait_max_seconds"), "Invalid Retry Waits",
			fmt.Sprintf("retry_wait_max_seconds is %d, below retry_wait_min_seconds, which defaults to %d: set retry_wait_min_seconds "+
				"as well (0 for no minimum).", hi, lo))
	case m.RetryWaitMaxSeconds.IsNull():
		diags.AddAttributeError(path.Root("retry_wait_min_seconds"), "Invalid Retry Waits",
			fmt.Sprintf("retry_wait_min_seconds is %d, above retry_wait_max_seconds, which defaults to %d: set retry_wait_max_seconds "+
				"as well.", lo, hi))
	default:
		diags.AddAttributeError(path.Root("retry_wait_min_seconds"), "Invalid Retry Waits",
			fmt.Sprintf("retry_wait_min_seconds (%d) must not be larger than retry_wait_max_seconds (%d).", lo, hi))
	}
	return diags
}

type int64Getter interface {
	IsNull() bool
	ValueInt64() int64
}

func intOr(v int64Getter, def int) int64 {
	if v.IsNull() {
		return int64(def)
	}
	return v.ValueInt64()
}

// noneIfZero maps a setting of 0 to sfx.Config's -1, which means none, where sfx reads 0
// as its default.
func noneIfZero(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-signalfx/" + version + " (+https://registry.terraform.io/providers/orgtokens/signalfx)"
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// clientLogger sends the API client's logs to tflog under their own subsystem. The client
// never passes secrets or the auth token in its fields.
type clientLogger struct{}

// clientLogContext adds the client's subsystem logger to ctx. Its lines name the client code
// that logged them as their @caller, not these wrappers: two frames up, past the Logger
// method and sfx's Client.log.
func clientLogContext(ctx context.Context) context.Context {
	return tflog.NewSubsystem(ctx, logSubsystem, tflog.WithAdditionalLocationOffset(2))
}

func (clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(clientLogContext(ctx), logSubsystem, msg, fields)
}

func (clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(clientLogContext(ctx), logSubsystem, msg, fields)
}
