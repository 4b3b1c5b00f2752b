//go:build !unix

package tfcli

import (
	"os"
	"os/exec"
)

// setProcessGroup does nothing where process groups are not available.
func setProcessGroup(*exec.Cmd) {}

// interrupt stops the process; Windows cannot deliver an interrupt to another process.
func interrupt(p *os.Process) error {
	return p.Kill()
}
