package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	docs := k8sDocs(t)
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

// k8sDocs returns the objects of deploy/k8s/sweep-job.yaml by kind/name.
func k8sDocs(t *testing.T) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../deploy/k8s/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("sweep-job.yaml: %v", err)
		}
		docs[fmt.Sprint(d["kind"], "/", get(t, d, "metadata", "name"))] = d
	}
}

// TestDockerfile checks the Dockerfile against what it must agree with,
// as far as can be told without building it (.ci/run builds it where
// docker can): its build stage's Go is go.mod's go directive; the image
// it says to build is the one deploy/k8s/sweep-job.yaml runs, whose
// returnsim containers' command is its entry point and whose pods' fsGroup
// is its user, so that the jobs can write to their volume.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var have, want string
	if m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod); m != nil {
		want = string(m[1])
	}
	if m := regexp.MustCompile(`(?m)^FROM golang:(\S+) AS build$`).FindStringSubmatch(df); m != nil {
		have = m[1]
	}
	if have == "" || have != want {
		t.Errorf("the Dockerfile's build stage is FROM golang:%q, want go.mod's go %q", have, want)
	}
	tag := regexp.MustCompile(`(?m)^#.*docker build .*\n#\s+-t (\S+) \.$`).FindStringSubmatch(df)
	if tag == nil {
		t.Fatal("the Dockerfile's comment gives no docker build ... -t IMAGE . command")
	}
	// the last stage's entry point and user
	last := df[strings.LastIndex(df, "\nFROM "):]
	var entry []string
	if m := regexp.MustCompile(`(?m)^ENTRYPOINT (\[.*\])$`).FindStringSubmatch(last); m == nil || json.Unmarshal([]byte(m[1]), &entry) != nil || len(entry) != 1 {
		t.Fatalf("the final stage's ENTRYPOINT %v: want the binary alone, in exec form", m)
	}
	user := regexp.MustCompile(`(?m)^USER (\d+)(:\d+)?$`).FindStringSubmatch(last)
	if user == nil {
		t.Fatal("the final stage has no numeric USER: the jobs' fsGroup must match it")
	}
	if !strings.Contains(last, "COPY --from=build /returnsim "+entry[0]+"\n") {
		t.Errorf("the final stage does not copy the built binary to its entry point %s", entry[0])
	}
	n := 0
	for name, d := range k8sDocs(t) {
		if d["kind"] != "Job" {
			continue
		}
		pod := get(t, d, "spec", "template", "spec").(map[string]any)
		for _, c := range pod["containers"].([]any) {
			c := c.(map[string]any)
			n++
			if c["image"] != tag[1] {
				t.Errorf("%s: container %v runs %v, want the Dockerfile's %s", name, c["name"], c["image"], tag[1])
			}
			if cmd := strs(c["command"]); !slices.Equal(cmd, entry) {
				t.Errorf("%s: container %v's command %v, want the image's entry point %v", name, c["name"], cmd, entry)
			}
		}
		sc, _ := pod["securityContext"].(map[string]any)
		if fmt.Sprint(sc["fsGroup"]) != user[1] {
			t.Errorf("%s: fsGroup %v, want the image's user %s, or it cannot write to the volume", name, sc["fsGroup"], user[1])
		}
	}
	if n != 2 {
		t.Errorf("%d returnsim containers in the jobs, want 2 (shard and merge)", n)
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
