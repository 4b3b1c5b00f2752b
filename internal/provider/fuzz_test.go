package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/zclconf/go-cty/cty"
)

// FuzzDurationAttribute: for any string, the plan-time validators of lifetime and
// rotation_grace_period and the apply-time conversion (durationSeconds) agree. A value
// the validator accepts converts to exactly the duration written, in whole seconds,
// within the API's bounds; a value it rejects gets one attribute error that quotes it.
// Seeds are in testdata/fuzz/FuzzDurationAttribute.
func FuzzDurationAttribute(f *testing.F) {
	for _, s := range []string{"720h", "90m", "1s", "0s", "1440h", "1441h", "90d", "1.5s", "500ms", "-1s", "", " 1h", "1h30m", "+5m", "157680h", "157680h1s", "5676000000s", "9223372036s", "1e3s", "٣s"} {
		f.Add(s)
	}
	bounds := []durationValidator{durationBetween(time.Second, maxLifetime), durationBetween(0, maxGracePeriod)}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, v := range bounds {
			req := validator.StringRequest{Path: path.Root("lifetime"), ConfigValue: types.StringValue(raw)}
			var resp validator.StringResponse
			v.ValidateString(context.Background(), req, &resp)
			secs := durationSeconds(types.StringValue(raw))
			if resp.Diagnostics.HasError() {
				if n := resp.Diagnostics.ErrorsCount(); n != 1 {
					t.Fatalf("%q: %d errors, want 1", raw, n)
				}
				d := resp.Diagnostics.Errors()[0]
				if _, ok := d.(interface{ Path() path.Path }); !ok {
					t.Fatalf("%q: the error is not an attribute error", raw)
				}
				if utf8.ValidString(raw) && !strings.Contains(d.Detail(), strconv.Quote(raw)) {
					t.Fatalf("%q: the error does not quote the value: %s", raw, d.Detail())
				}
				continue
			}
			if secs == nil {
				t.Fatalf("%q passes validation but converts to nothing: the API would silently get the default", raw)
			}
			d, err := time.ParseDuration(raw)
			if err != nil {
				t.Fatalf("%q passes validation but does not parse: %v", raw, err)
			}
			if time.Duration(*secs)*time.Second != d {
				t.Fatalf("%q passes validation but is sent as %d seconds, not %s", raw, *secs, d)
			}
			if got := time.Duration(*secs) * time.Second; got < v.min || got > v.max {
				t.Fatalf("%q passes validation but %d seconds is outside [%s, %s]", raw, *secs, v.min, v.max)
			}
		}
	})
}

// FuzzHCLQuote: hclQuote writes any token name (Terraform strings are UTF-8) as an HCL
// string literal that parses, with no template interpolation or directive, back to the name,
// so the import block an error message shows can be pasted as it is. Seeds are in
// testdata/fuzz/FuzzHCLQuote.
func FuzzHCLQuote(f *testing.F) {
	for _, s := range []string{"plain", `clash "quoted" ${x}`, "%{ if x }", "$${", "$$${", "%%{", "back\\slash", "tab\tnew\nline\r", "\x00\x1f\x7f", "ünïcødé ✓", "emoji 🔑", "trailing $", "trailing %", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			return
		}
		q := hclQuote(name)
		expr, diags := hclsyntax.ParseTemplate([]byte(q[1:len(q)-1]), "fuzz.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("hclQuote(%q) = %s does not parse: %s", name, q, diags.Error())
		}
		if vars := expr.Variables(); len(vars) != 0 {
			t.Fatalf("hclQuote(%q) = %s interpolates %d variables", name, q, len(vars))
		}
		// The whole literal, quotes included, as it appears in an import block.
		full, diags := hclsyntax.ParseExpression([]byte(q), "fuzz.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("hclQuote(%q) = %s is not an expression: %s", name, q, diags.Error())
		}
		v, diags := full.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("hclQuote(%q) = %s does not evaluate: %s", name, q, diags.Error())
		}
		// cty holds strings in Unicode normal form C, as Terraform holds every name.
		if want := cty.StringVal(name).AsString(); !v.Type().Equals(cty.String) || v.AsString() != want {
			t.Fatalf("hclQuote(%q) = %s evaluates to %#v", name, q, v)
		}
		if strings.ContainsAny(q, "\n\r") {
			t.Fatalf("hclQuote(%q) = %s spans lines", name, q)
		}
	})
}
