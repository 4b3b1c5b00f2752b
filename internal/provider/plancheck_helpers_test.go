package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
)

// secretAbsent fails if the secret appears anywhere in the plan or the state.
type secretAbsent struct{ secret string }

func (c secretAbsent) find(what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if strings.Contains(string(b), c.secret) {
		return fmt.Errorf("the secret is in the %s", what)
	}
	return nil
}

func (c secretAbsent) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.find("plan", req.Plan)
}

func (c secretAbsent) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.find("state", req.State)
}

// secretAbsentNow is secretAbsent for the named token's current secret.
type secretAbsentNow struct {
	env  *acctest.Env
	name string
}

func (c secretAbsentNow) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	tok, ok := c.env.Emulator.Token(c.name)
	if !ok {
		resp.Error = fmt.Errorf("the emulator has no token %q", c.name)
		return
	}
	secretAbsent{tok.Secret}.CheckState(ctx, req, resp)
}

// withEphemeral adapts a step whose configuration has an ephemeral resource to the CLI.
// OpenTofu (1.11) lists each ephemeral resource in the plan's resource changes with the
// action "open", which terraform-plugin-testing (1.16) counts as a planned change; Terraform
// lists none. Under OpenTofu such a step therefore expects a non-empty plan after the
// apply, and with either CLI onlyEphemeralOpens checks that nothing else is planned.
func withEphemeral(t *testing.T, step resource.TestStep) resource.TestStep {
	step.ExpectNonEmptyPlan = cliIsOpenTofu(t)
	step.ConfigPlanChecks.PostApplyPreRefresh = append(step.ConfigPlanChecks.PostApplyPreRefresh, onlyEphemeralOpens{})
	step.ConfigPlanChecks.PostApplyPostRefresh = append(step.ConfigPlanChecks.PostApplyPostRefresh, onlyEphemeralOpens{})
	return step
}

var openTofu = sync.OnceValues(func() (bool, error) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH") // set by acctest.SetupTerraform in TestMain
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version").Output()
	return strings.HasPrefix(string(out), "OpenTofu"), err
})

func cliIsOpenTofu(t *testing.T) bool {
	t.Helper()
	tofu, err := openTofu()
	if err != nil {
		t.Fatalf("running the Terraform CLI for its version: %v", err)
	}
	return tofu
}

// onlyEphemeralOpens checks that a plan changes nothing: every resource change is a no-op
// or the opening of an ephemeral resource, and every output change is a no-op.
type onlyEphemeralOpens struct{}

func (onlyEphemeralOpens) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		opens := rc.Mode == "ephemeral" && len(rc.Change.Actions) == 1 && rc.Change.Actions[0] == "open"
		if !opens && !rc.Change.Actions.NoOp() {
			resp.Error = fmt.Errorf("%s: planned %v after the apply, want no change", rc.Address, rc.Change.Actions)
			return
		}
	}
	for name, oc := range req.Plan.OutputChanges {
		if !oc.Actions.NoOp() {
			resp.Error = fmt.Errorf("output %s: planned %v after the apply, want no change", name, oc.Actions)
			return
		}
	}
}

// expectForget checks that the plan removes a resource from state without destroying it.
type expectForget struct{ addr string }

func (c expectForget) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == c.addr {
			if len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "forget" {
				resp.Error = fmt.Errorf("%s: planned actions %v, want forget", c.addr, rc.Change.Actions)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s: no planned change", c.addr)
}

// Stand-ins for other providers. Each has the real provider's name and the real resource
// type's attribute names (those the examples could use), and does only what the examples
// need.
