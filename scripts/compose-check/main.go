// compose-check loads docker-compose.yml the way Docker Compose v2 does — with compose-go, the
// Compose Specification's reference parser: schema validation, .env interpolation, profiles and
// normalisation — and prints the resolved project as JSON for the stack tests to inspect.
// Usage: go run . -file ../../docker-compose.yml -env ../../.env [-profiles monolith|'*']
// Without -profiles the project is what `docker compose up` runs: the profiles COMPOSE_PROFILES in
// the env file turns on; with it, what `docker compose --profile <p> up` runs (the flag replaces
// COMPOSE_PROFILES); '*' enables every profile, so optional services are validated too.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("file", "docker-compose.yml", "compose file")
	envFile := flag.String("env", ".env", "env file used for interpolation (the OS environment is ignored)")
	profiles := flag.String("profiles", "", "comma-separated profiles, as --profile flags; empty: COMPOSE_PROFILES from the env file")
	flag.Parse()

	if err := run(*file, *envFile, *profiles); err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
}

func run(file, envFile, profiles string) error {
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
		profileOption(profiles),
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

// profileOption chooses the active profiles the way the docker compose CLI does: --profile flags
// when given, else COMPOSE_PROFILES (read after the env file, so .env can set it).
func profileOption(profiles string) cli.ProjectOptionsFn {
	if profiles == "" {
		return cli.WithDefaultProfiles()
	}
	return cli.WithProfiles(strings.Split(profiles, ","))
}
