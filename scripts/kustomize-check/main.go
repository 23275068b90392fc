// kustomize-check builds kustomization folders with kustomize's own library (sigs.k8s.io/kustomize/api,
// the code behind `kustomize build` and `kubectl kustomize`) and prints the rendered YAML, so the k8s
// tests can prove every folder under k8s/ builds and inspect exactly what `kubectl apply -k` would send.
// Usage: go run . DIR   (exit 1 with kustomize's message when the folder does not build)
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kustomize-check DIR")
		os.Exit(2)
	}
	out, err := build(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kustomize-check:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		os.Exit(1)
	}
}

func build(dir string) ([]byte, error) {
	kustomizer := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := kustomizer.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	return resources.AsYaml()
}
