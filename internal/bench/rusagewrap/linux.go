//go:build linux

package main

import "syscall"

// setParentDeathSignal kills the provider if the wrapper itself is killed, so it cannot
// outlive Terraform.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// maxRSSBytes converts ru_maxrss, in KiB on Linux.
func maxRSSBytes(v int64) int64 { return v << 10 }
