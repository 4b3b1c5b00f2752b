// Package rusage is the file format between the benchmark and rusagewrap, the wrapper that
// runs a provider binary as its child and records the child's resource usage when it exits.
package rusage

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// EnvDir names the directory the wrapper writes its records to. Terraform passes its
// environment on to provider processes, so the benchmark sets it on the terraform command.
const EnvDir = "BENCH_RUSAGE_DIR"

// Record is the resource usage of one provider process, from wait4.
type Record struct {
	Binary string `json:"binary"`
	PID    int    `json:"pid"`
	// User and System are the CPU times of the provider process.
	User   time.Duration `json:"userNs"`
	System time.Duration `json:"systemNs"`
	// MaxRSS is the peak resident set size in bytes.
	MaxRSS int64 `json:"maxRssBytes"`
	// Wall is how long the process ran.
	Wall time.Duration `json:"wallNs"`
	// ExitCode is the process's exit status; -1 when a signal ended it.
	ExitCode int `json:"exitCode"`
}

// CPU is the process's user plus system time.
func (r Record) CPU() time.Duration { return r.User + r.System }

// Started marks that the wrapper started a provider process with the given pid, so the
// benchmark can tell a process that never reported (it was killed, not stopped) from none.
func Started(dir, binary string, pid int) error {
	return os.WriteFile(filepath.Join(dir, binary+"-"+strconv.Itoa(pid)+".start"), nil, 0o600)
}

// Write stores r in dir.
func Write(dir string, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	name := filepath.Join(dir, r.Binary+"-"+strconv.Itoa(r.PID))
	if err := os.WriteFile(name+".json.tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(name+".json.tmp", name+".json")
}

// Collect reads and removes every record in dir. missing counts processes that started but
// wrote no record.
func Collect(dir string) (records []Record, missing int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	started := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".start"):
			started[strings.TrimSuffix(name, ".start")] = true
		case strings.HasSuffix(name, ".json"):
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				err = errors.Join(err, rerr)
				continue
			}
			var r Record
			if uerr := json.Unmarshal(b, &r); uerr != nil {
				err = errors.Join(err, fmt.Errorf("%s: %w", name, uerr))
				continue
			}
			records = append(records, r)
		}
		if rmErr := os.Remove(path); rmErr != nil {
			err = errors.Join(err, rmErr)
		}
	}
	for _, r := range records {
		delete(started, r.Binary+"-"+strconv.Itoa(r.PID))
	}
	return records, len(started), err
}
