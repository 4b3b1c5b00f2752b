package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const (
	// exampleDir is the configuration the demo applies, relative to the repository root.
	exampleDir = "examples/quickstart"
	// demoUser is the user id the emulator records as creator of the demo's tokens.
	demoUser = "DEMOADMIN"
)

// copyExample copies the quickstart's .tf files into dst (state is written there, never
// into the repository) and adds the values of its required variables.
func copyExample(root, dst string) error {
	src := filepath.Join(root, exampleDir)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no .tf files in %s", src)
	}
	// The emulator does not check principals, so any team id will do.
	return os.WriteFile(filepath.Join(dst, "demo.auto.tfvars"), []byte("reader_team_id = \"DEMOTEAM001\"\n"), 0o600)
}

// randomToken returns a fresh admin token for the emulator.
func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
