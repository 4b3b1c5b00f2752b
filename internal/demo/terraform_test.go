package main

import (
	"strings"
	"testing"
)

func TestOverrideFilter_hidesTheDevOverridesWarningOnly(t *testing.T) {
	in := "\nWarning: Provider development overrides are in effect\n\n" +
		"The following provider development overrides are set in the CLI\nconfiguration:\n" +
		" - orgtokens/signalfx in /tmp/x\n\n" +
		"The behavior may therefore not match any released version of the provider and\n" +
		"applying changes may cause the state to become incompatible with published\nreleases.\n" +
		"signalfx_org_token.ci: Refreshing state... [id=abc]\n\nNo changes.\n"
	var out strings.Builder
	f := &overrideFilter{w: &out}
	// Written in awkward pieces, as a pipe delivers them.
	for i := 0; i < len(in); i += 7 {
		if _, err := f.Write([]byte(in[i:min(i+7, len(in))])); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want := "signalfx_org_token.ci: Refreshing state... [id=abc]\n\nNo changes.\n"
	if out.String() != want {
		t.Errorf("filtered output:\n%q\nwant:\n%q", out.String(), want)
	}
}

func TestOverrideFilter_passesOtherOutputUnchanged(t *testing.T) {
	in := "\nWarning: Something else\n\nSome detail.\n\n\nPlan: 1 to add.\npartial line"
	var out strings.Builder
	f := &overrideFilter{w: &out}
	if _, err := f.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Errorf("filtered output:\n%q\nwant it unchanged:\n%q", out.String(), in)
	}
}
