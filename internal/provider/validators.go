package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

const (
	// maxLifetime is 18 years of 365 days, the longest lifetime SignalFx documents. The API
	// reference also gives 5,676,000,000 s, which is 180 years: a typo for 567,600,000 or
	// so. The smaller, documented-in-words bound is the one that cannot be refused.
	maxLifetime = 18 * 365 * 24 * time.Hour
	// maxGracePeriod is the API's upper bound for a rotation's graceful: 60 days.
	maxGracePeriod = 5_184_000 * time.Second
)

// durationValidator checks that a string is a Go duration ("2160h", "90m") within bounds.
type durationValidator struct {
	min, max time.Duration
}

func durationBetween(minimum, maximum time.Duration) durationValidator {
	return durationValidator{min: minimum, max: maximum}
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration in whole seconds such as \"720h\" or \"90m\" (units h, m, s), from %s to %s",
		formatDuration(v.min), formatDuration(v.max))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(raw)
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a duration: the value %s. Days are not a unit: write 30 days as \"720h\".", raw, v.Description(ctx)))
		return
	}
	if d%time.Second != 0 {
		// The API counts in seconds: a fraction would be dropped without a word.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a whole number of seconds: the value %s.", raw, v.Description(ctx)))
		return
	}
	if d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Duration Out of Range",
			fmt.Sprintf("%q is out of range: the value %s.", raw, v.Description(ctx)))
	}
}

// formatDuration prints whole hours as hours ("43800h"), the way users write lifetimes.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return d.String()
}

// setStrings returns a set's known string elements; ok is false while any is unknown.
func setStrings(ctx context.Context, req validator.SetRequest) (values []string, ok bool) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return nil, false
	}
	for _, e := range req.ConfigValue.Elements() {
		if e.IsUnknown() {
			return nil, false
		}
	}
	if diags := req.ConfigValue.ElementsAs(ctx, &values, false); diags.HasError() {
		return nil, false
	}
	return values, true
}

// rumAlone rejects RUM combined with another scope: the API allows RUM only on its own.
type rumAlone struct{}

func (rumAlone) Description(context.Context) string {
	return "`RUM` cannot be combined with `API` or `INGEST`"
}

func (v rumAlone) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rumAlone) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	scopes, ok := setStrings(ctx, req)
	if !ok || len(scopes) < 2 || !slices.Contains(scopes, "RUM") {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Scope Combination",
		"A RUM token cannot also have the API or INGEST scope: use [\"RUM\"] alone, or create a second token for the other scopes.")
}

// writeNeedsRead rejects ["WRITE"] without READ: the API grants WRITE only with READ.
type writeNeedsRead struct{}

func (writeNeedsRead) Description(context.Context) string {
	return "`WRITE` must come with `READ`"
}

func (v writeNeedsRead) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v writeNeedsRead) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	actions, ok := setStrings(ctx, req)
	if !ok || !slices.Contains(actions, "WRITE") || slices.Contains(actions, "READ") {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Permission Actions",
		"WRITE must be granted together with READ: use [\"READ\"] or [\"READ\", \"WRITE\"].")
}

// nonEmptyObject rejects an object with every attribute null: `limits = {}` would otherwise
// read back as no limits and diff forever.
type nonEmptyObject struct{}

func (nonEmptyObject) Description(context.Context) string {
	return "must set at least one attribute"
}

func (v nonEmptyObject) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nonEmptyObject) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, v := range req.ConfigValue.Attributes() {
		if !v.IsNull() {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty Limits",
		"limits sets no limit: set at least one of its attributes, or remove limits to have none.")
}

// exclusiveLimitKinds rejects DPM limits combined with category limits: an organization
// is on one kind of subscription, and the API refuses a token that mixes them.
type exclusiveLimitKinds struct{}

func (exclusiveLimitKinds) Description(context.Context) string {
	return "DPM limits and category limits cannot be combined"
}

func (v exclusiveLimitKinds) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (exclusiveLimitKinds) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	set := func(names []string) []string {
		var out []string
		for _, n := range names {
			if v, ok := attrs[n]; ok && !v.IsNull() {
				out = append(out, n)
			}
		}
		return out
	}
	pairs := []struct{ dpm, category []string }{
		{[]string{"dpm_quota"}, categoryQuotaAttributes},
		{[]string{"dpm_notification_threshold"}, categoryThresholdAttributes},
	}
	for _, p := range pairs {
		if d, c := set(p.dpm), set(p.category); len(d) > 0 && len(c) > 0 {
			resp.Diagnostics.AddAttributeError(req.Path.AtName(d[0]), "Conflicting Limits",
				fmt.Sprintf("%s (for DPM subscriptions) cannot be combined with %s (for host- and usage-based subscriptions): "+
					"set the kind that matches your organization's subscription and remove the other.", d[0], strings.Join(c, ", ")))
		}
	}
}
