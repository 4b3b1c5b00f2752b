//go:build !unix

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "rusagewrap: needs a Unix system (wait4's rusage)")
	os.Exit(1)
}
