//go:build !unix

package main

import (
	"os"
	"os/exec"
	"time"
)

// The benchmark refuses to run off Unix (newHarness); these let the package build there.

func setProcessGroup(*exec.Cmd) {}

func processCPU(*os.ProcessState) time.Duration { return 0 }

func selfCPU() time.Duration { return 0 }
