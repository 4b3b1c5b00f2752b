package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// commandTimeout bounds one terraform command; against the in-process emulator each takes
// about a second.
const commandTimeout = 3 * time.Minute

// terraformCLI runs terraform (or tofu) in the demo's working directory.
type terraformCLI struct {
	bin string
	dir string
	env []string
	// shownOverrideWarning is set once Terraform's dev_overrides warning has been shown;
	// later copies of it are hidden.
	shownOverrideWarning bool
}

func (tf *terraformCLI) name() string {
	return strings.TrimSuffix(filepath.Base(tf.bin), ".exe")
}

// run runs a command with its output streamed to the terminal and returns its exit code.
// err is set only when the command could not run or was stopped.
func (tf *terraformCLI) run(ctx context.Context, args ...string) (int, error) {
	fmt.Printf("\n$ %s %s\n", tf.name(), strings.Join(args, " "))
	stdout, stderr := tf.writers()
	defer stdout.Close()
	defer stderr.Close()
	return tf.exec(ctx, stdout, stderr, args...)
}

// mustRun runs a command like run and fails unless it exits 0.
func (tf *terraformCLI) mustRun(ctx context.Context, args ...string) error {
	code, err := tf.run(ctx, args...)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("%s %s exited with code %d (its output is above)", tf.name(), args[0], code)
	}
	return nil
}

// output runs a command quietly and returns its standard output (JSON, usually). Its
// standard error goes to the terminal only when the command fails. The output may hold
// secrets: callers must never print it.
func (tf *terraformCLI) output(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	code, err := tf.exec(ctx, &stdout, &stderr, args...)
	if err == nil && code != 0 {
		err = fmt.Errorf("%s %s exited with code %d", tf.name(), strings.Join(args, " "), code)
	}
	if err != nil {
		filtered := &overrideFilter{w: os.Stderr}
		_, _ = filtered.Write(stderr.Bytes())
		_ = filtered.Close()
		return nil, err
	}
	return stdout.Bytes(), nil
}

func (tf *terraformCLI) writers() (stdout, stderr io.WriteCloser) {
	if !tf.shownOverrideWarning {
		tf.shownOverrideWarning = true
		return nopCloser{os.Stdout}, nopCloser{os.Stderr}
	}
	return &overrideFilter{w: os.Stdout}, &overrideFilter{w: os.Stderr}
}

func (tf *terraformCLI) exec(ctx context.Context, stdout, stderr io.Writer, args ...string) (int, error) {
	return tfcli.Run(ctx, tf.bin, tf.dir, tf.env, commandTimeout, stdout, stderr, args...)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// overrideHeader starts the warning Terraform prints on every command while dev_overrides
// are in effect; overrideFooter is the last line of it (Terraform 1.x wording).
const (
	overrideHeader   = "Warning: Provider development overrides are in effect"
	overrideFooter   = "releases."
	overrideMaxLines = 15
)

// overrideFilter passes output through line by line, leaving out the dev_overrides
// warning (and the blank line before it). If the warning's wording changes, at most
// overrideMaxLines lines after the header are lost.
type overrideFilter struct {
	w            io.Writer
	partial      []byte
	pendingBlank bool
	skipped      int // lines of the warning left out so far; 0 when not inside it
}

func (f *overrideFilter) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(f.partial[:i])
		f.partial = f.partial[i+1:]
		if err := f.line(line); err != nil {
			return len(p), err
		}
	}
}

func (f *overrideFilter) line(line string) error {
	trimmed := strings.TrimRight(line, "\r")
	bare := strings.TrimSpace(strings.TrimLeft(trimmed, "│╷╵")) // in case colour is on
	switch {
	case f.skipped > 0:
		f.skipped++
		if bare == overrideFooter || f.skipped > overrideMaxLines {
			f.skipped = 0
		}
		return nil
	case bare == overrideHeader:
		f.pendingBlank = false
		f.skipped = 1
		return nil
	case trimmed == "":
		if f.pendingBlank {
			if _, err := io.WriteString(f.w, "\n"); err != nil {
				return err
			}
		}
		f.pendingBlank = true
		return nil
	}
	if f.pendingBlank {
		f.pendingBlank = false
		if _, err := io.WriteString(f.w, "\n"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(f.w, line+"\n")
	return err
}

// Close writes what is still held back.
func (f *overrideFilter) Close() error {
	if f.pendingBlank && f.skipped == 0 {
		if _, err := io.WriteString(f.w, "\n"); err != nil {
			return err
		}
	}
	if len(f.partial) > 0 && f.skipped == 0 {
		_, err := f.w.Write(f.partial)
		return err
	}
	return nil
}
