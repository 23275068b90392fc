// compose-check loads docker-compose.yml the way Docker Compose v2 does — with compose-go, the
// Compose Specification's reference parser: schema validation, .env interpolation, profiles and
// normalisation — and prints the resolved project as JSON for the stack tests to inspect.
// Usage: go run . -file ../../docker-compose.yml -env ../../.env
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("file", "docker-compose.yml", "compose file")
	envFile := flag.String("env", ".env", "env file used for interpolation (the OS environment is ignored)")
	flag.Parse()

	if err := run(*file, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
}

func run(file, envFile string) error {
	absFile, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	options, err := cli.NewProjectOptions(
		[]string{absFile},
		cli.WithWorkingDirectory(filepath.Dir(absFile)),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithName("msa-kit"),
		// every profile, so optional services are validated too
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	return out.Encode(project)
}
