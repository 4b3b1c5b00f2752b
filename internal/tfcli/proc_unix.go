//go:build unix

package tfcli

import (
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own, out of reach of the terminal's
// Ctrl-C, which the caller forwards itself.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks the process to stop gracefully.
func interrupt(p *os.Process) error {
	return p.Signal(os.Interrupt)
}
