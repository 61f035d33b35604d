package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestKubernetesJob parses deploy/k8s/sweep-job.yaml (no cluster is
// available here) and checks what a cluster would only find out when it
// runs: the Indexed Job's completions agree with its --shard .../N, the
// merge lists every shard folder and waits for as many, both jobs see the
// same shared volume, the sweep file in the ConfigMap is a valid sweep
// file, and every argument is one returnsim accepts.
func TestKubernetesJob(t *testing.T) {
	data, err := os.ReadFile("../../deploy/k8s/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{} // by kind/name
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("sweep-job.yaml: %v", err)
		}
		docs[fmt.Sprint(d["kind"], "/", get(t, d, "metadata", "name"))] = d
	}
	sweepJob, merge := docs["Job/returnsim-sweep"], docs["Job/returnsim-merge"]
	cm, pvc := docs["ConfigMap/returnsim-sweep"], docs["PersistentVolumeClaim/returnsim-results"]
	if sweepJob == nil || merge == nil || cm == nil || pvc == nil {
		t.Fatalf("want the jobs returnsim-sweep and returnsim-merge, the ConfigMap and the claim; have %v", keys(docs))
	}
	if !slices.Contains(get(t, pvc, "spec", "accessModes").([]any), any("ReadWriteMany")) {
		t.Error("the results claim must be ReadWriteMany: pods on several nodes write to it")
	}
	spec := get(t, sweepJob, "spec").(map[string]any)
	if spec["completionMode"] != "Indexed" {
		t.Errorf("completionMode %v, want Indexed", spec["completionMode"])
	}
	n, _ := spec["completions"].(int)
	if n < 1 || spec["parallelism"].(int) > n {
		t.Fatalf("completions %v, parallelism %v", spec["completions"], spec["parallelism"])
	}
	pod := get(t, sweepJob, "spec", "template", "spec").(map[string]any)
	shardC := pod["containers"].([]any)[0].(map[string]any)
	args := strs(shardC["args"])
	if i := slices.Index(args, "--shard"); i < 0 || args[i+1] != fmt.Sprintf("$(JOB_COMPLETION_INDEX)/%d", n) {
		t.Errorf("shard args %v: want --shard $(JOB_COMPLETION_INDEX)/%d", args, n)
	}
	if i := slices.Index(args, "--out"); i < 0 || args[i+1] != "/results/shards/$(JOB_COMPLETION_INDEX)" {
		t.Errorf("shard args %v: want --out /results/shards/$(JOB_COMPLETION_INDEX)", args)
	}
	mpod := get(t, merge, "spec", "template", "spec").(map[string]any)
	mergeC := mpod["containers"].([]any)[0].(map[string]any)
	margs := strs(mergeC["args"])
	var want []string
	for k := range n {
		want = append(want, fmt.Sprintf("/results/shards/%d", k))
	}
	if margs[0] != "merge" || !slices.Equal(margs[1:len(margs)-2], want) || margs[len(margs)-2] != "--out" {
		t.Errorf("merge args %v: want merge, the %d shard folders, --out DIR", margs, n)
	}
	wait := mpod["initContainers"].([]any)[0].(map[string]any)
	if env := wait["env"].([]any)[0].(map[string]any); env["name"] != "SHARDS" || env["value"] != fmt.Sprint(n) {
		t.Errorf("the merge waits for SHARDS = %v, want %d", env["value"], n)
	}
	for name, p := range map[string]map[string]any{"sweep": pod, "merge": mpod} {
		claim := ""
		for _, v := range p["volumes"].([]any) {
			if v := v.(map[string]any); v["name"] == "results" {
				claim = v["persistentVolumeClaim"].(map[string]any)["claimName"].(string)
			}
		}
		if claim != get(t, pvc, "metadata", "name") {
			t.Errorf("the %s job's results volume is claim %q, want the file's claim", name, claim)
		}
	}
	// the sweep file of the ConfigMap is valid, with every factor key
	dir := t.TempDir()
	sweepFile := filepath.Join(dir, "sweep.toml")
	os.WriteFile(sweepFile, []byte(get(t, cm, "data", "sweep.toml").(string)), 0o644)
	// every flag parses: the run stops only at the missing --design file
	sub := strings.NewReplacer("$(JOB_COMPLETION_INDEX)", "0", "/config/sweep.toml", sweepFile, "/results", dir)
	a := make([]string, len(args))
	for i := range args {
		a[i] = sub.Replace(args[i])
	}
	if _, err := runArgs(t, append(a, "--design", filepath.Join(dir, "none.csv"))...); err == nil || !strings.Contains(err.Error(), "none.csv") {
		t.Errorf("returnsim %v: %v, want only the missing design reported", a, err)
	}
	for i := range margs {
		margs[i] = sub.Replace(margs[i])
	}
	if _, err := runArgs(t, margs...); err == nil || !strings.Contains(err.Error(), "no manifest.json") && !strings.Contains(err.Error(), "no such folder") {
		t.Errorf("returnsim %v: %v, want only the missing shards reported", margs, err)
	}
}

// TestSlurmScript checks the syntax of deploy/slurm's scripts; .ci/run
// submits both to a real Slurm (.ci/slurm-sweep).
func TestSlurmScript(t *testing.T) {
	for _, f := range []string{"sweep.sbatch", "calibrate.sbatch"} {
		if out, err := exec.Command("bash", "-n", "../../deploy/slurm/"+f).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", f, err, out)
		}
	}
}

func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok || mm[p] == nil {
			t.Fatalf("no %s in %v", strings.Join(path, "."), m["kind"])
		}
		v = mm[p]
	}
	return v
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
