//go:build unix

// Command rusagewrap measures a provider process that Terraform starts. The benchmark puts
// it in the dev_overrides directory under the provider's name (terraform-provider-signalfx)
// and the real binary under real/ beside it. It runs the real binary as its child with the
// same arguments, environment and standard streams (so go-plugin's handshake passes through
// untouched), waits for it, and writes the child's CPU time and peak RSS (wait4's rusage) to
// the directory named by BENCH_RUSAGE_DIR. It exits with the child's status.
//
// Terraform stops a provider by asking it over gRPC (go-plugin's Controller.Shutdown) and
// kills it only if it has not exited two seconds later; the benchmark counts processes that
// started but wrote no record, so a kill shows instead of silently dropping the numbers.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/bench/rusage"
)

func main() {
	os.Exit(run())
}

func run() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rusagewrap:", err)
		return 1
	}
	name := filepath.Base(exe)
	cmd := exec.Command(filepath.Join(filepath.Dir(exe), "real", name), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	setParentDeathSignal(cmd.SysProcAttr)
	// A Ctrl-C reaches the whole process group; the provider (go-plugin) ignores it and so
	// does the wrapper, which stays until its child exits. Notify, unlike Ignore, is not
	// inherited by the child.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)

	dir := os.Getenv(rusage.EnvDir)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "rusagewrap:", err)
		return 1
	}
	if dir != "" {
		if err := rusage.Started(dir, name, cmd.Process.Pid); err != nil {
			fmt.Fprintln(os.Stderr, "rusagewrap:", err)
		}
	}
	_ = cmd.Wait() // the exit status is in ProcessState
	st := cmd.ProcessState
	code := st.ExitCode()
	if dir != "" {
		rec := rusage.Record{Binary: name, PID: st.Pid(), Wall: time.Since(start), ExitCode: code}
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			rec.User = time.Duration(ru.Utime.Nano())
			rec.System = time.Duration(ru.Stime.Nano())
			rec.MaxRSS = maxRSSBytes(ru.Maxrss)
		}
		if err := rusage.Write(dir, rec); err != nil {
			fmt.Fprintln(os.Stderr, "rusagewrap:", err)
		}
	}
	if code < 0 {
		return 1
	}
	return code
}
