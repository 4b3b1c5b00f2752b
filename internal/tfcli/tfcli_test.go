package tfcli

import "testing"

func TestDroppedEnv_keepsTheCallersCLIConfigurationAndCredentialsOut(t *testing.T) {
	for key, dropped := range map[string]bool{
		"TF_CLI_CONFIG_FILE": true, "TF_CLI_ARGS_plan": true, "TF_VAR_rotation": true, "TF_WORKSPACE": true,
		"SFX_REALM": true, "SFX_AUTH_TOKEN": true, "HOME": false, "PATH": false, "TF_LOG": false,
	} {
		if got := DroppedEnv(key); got != dropped {
			t.Errorf("DroppedEnv(%q) = %v, want %v", key, got, dropped)
		}
	}
}
