// upstream-config-check loads a config file with the config package of the exact upstream release the
// compose stack runs, so a key that release rejects fails here — without that release's binary:
//
//	upstream-config-check prometheus prometheus/prometheus.yml      (Prometheus 3.14: github.com/prometheus/prometheus v0.314.0)
//	upstream-config-check alertmanager alertmanager/alertmanager.yml (Alertmanager 0.34)
//	upstream-config-check rules alerts/services.yml ...              (Prometheus 3.14's rule-file parser)
//
// The Debian packages CI installs are older (Prometheus 2.42, Alertmanager 0.25); the tests run both.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/common/model"
	promconfig "github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	// the service discovery the kit's prometheus.yml uses (static is built in)
	_ "github.com/prometheus/prometheus/discovery/dns"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: upstream-config-check prometheus|alertmanager|rules FILE...")
		os.Exit(2)
	}
	kind, file := os.Args[1], os.Args[2]
	var err error
	switch kind {
	case "rules":
		count := 0
		for _, ruleFile := range os.Args[2:] {
			groups, errs := rulefmt.ParseFile(ruleFile, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(os.Stderr, nil)))
			if len(errs) > 0 {
				err = errors.Join(errs...)
				break
			}
			for _, group := range groups.Groups {
				count += len(group.Rules)
			}
		}
		if err == nil {
			fmt.Printf("rules: %d files valid (%d rules)\n", len(os.Args)-2, count)
		}
	case "prometheus":
		var cfg *promconfig.Config
		cfg, err = promconfig.LoadFile(file, false, slog.New(slog.NewTextHandler(os.Stderr, nil)))
		if err == nil {
			fmt.Printf("prometheus: %s is valid (%d scrape configs, %d rule file patterns)\n", file, len(cfg.ScrapeConfigs), len(cfg.RuleFiles))
		}
	case "alertmanager":
		var cfg *amconfig.Config
		cfg, err = amconfig.LoadFile(file)
		if err == nil {
			fmt.Printf("alertmanager: %s is valid (%d receivers)\n", file, len(cfg.Receivers))
		}
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", kind, err)
		os.Exit(1)
	}
}
