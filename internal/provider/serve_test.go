package provider_test

import (
	"maps"
	"testing"

	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

func TestSilenceDroppedLogs(t *testing.T) {
	t.Parallel()
	off := map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_SIGNALFX": "OFF",
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := maps.Clone(base)
		if m == nil {
			m = map[string]string{}
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		env      map[string]string
		want     map[string]string
		silenced bool
	}{
		{"nothing set: Terraform drops every line", map[string]string{}, off, true},
		{"TF_LOG_CORE only: core logs, provider lines still dropped",
			with(nil, "TF_LOG_CORE", "TRACE"), with(off, "TF_LOG_CORE", "TRACE"), true},
		{"an explicit level is kept",
			with(nil, "TF_LOG_SDK_FRAMEWORK", "DEBUG"), with(off, "TF_LOG_SDK_FRAMEWORK", "DEBUG"), true},
		{"TF_LOG shows provider lines", with(nil, "TF_LOG", "trace"), with(nil, "TF_LOG", "trace"), false},
		{"TF_LOG_PROVIDER shows provider lines", with(nil, "TF_LOG_PROVIDER", "DEBUG"), with(nil, "TF_LOG_PROVIDER", "DEBUG"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := maps.Clone(tt.env)
			got := provider.SilenceDroppedLogs(func(k string) string { return env[k] }, func(k, v string) error {
				env[k] = v
				return nil
			})
			if got != tt.silenced || !maps.Equal(env, tt.want) {
				t.Errorf("silenced %v, environment %v; want %v, %v", got, env, tt.silenced, tt.want)
			}
		})
	}
}
