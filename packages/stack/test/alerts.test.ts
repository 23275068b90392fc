/**
 * The kit's Prometheus rules (alerts/*.yml): checked by promtool 2.42 and Prometheus 3.14's own rule
 * parser, unit-tested with `promtool test rules` (alerts/tests), and held to the house rules —
 * naming, severities, static summaries, templated descriptions, a runbook section per alert, and a
 * test that each alert does not fire just before its `for` and fires at it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { goTool, repoPath } from '../src/index';

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}
interface TestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: { name: string; alert_rule_test?: AlertTest[] }[];
}

const ruleFiles = readdirSync(repoPath('alerts')).filter((f) => f.endsWith('.yml')).sort();
const testFiles = readdirSync(repoPath('alerts', 'tests')).filter((f) => f.endsWith('.test.yml')).sort();
const rules: Rule[] = ruleFiles.flatMap((file) =>
  (parse(readFileSync(repoPath('alerts', file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules),
);
const alerts = rules.filter((r): r is Rule & { alert: string } => r.alert !== undefined);
const tests = testFiles.map((file) => parse(readFileSync(repoPath('alerts', 'tests', file), 'utf8')) as TestFile);

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: repoPath() });
  if (result.error) throw new Error(`${command} is missing (scripts/engines.sh installs it): ${result.error.message}`);
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout + result.stderr;
}

/** Seconds of a Prometheus duration such as 1m30s. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, value, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(value) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[unit as 'ms' | 's' | 'm' | 'h' | 'd'];
  }
  return total;
}

beforeAll(() => {
  goTool('upstream-config-check');
});

describe('alerts/*.yml', () => {
  it('pass promtool check rules (Prometheus 2.42) and the rule parser of Prometheus 3.14', () => {
    expect(run('promtool', ['check', 'rules', ...ruleFiles.map((f) => `alerts/${f}`)])).not.toMatch(/FAILED/);
    expect(run(goTool('upstream-config-check'), ['rules', ...ruleFiles.map((f) => `alerts/${f}`)])).toMatch(/valid/);
  });

  it('pass their unit tests (promtool test rules alerts/tests/*.test.yml)', () => {
    const out = run('promtool', ['test', 'rules', ...testFiles.map((f) => `alerts/tests/${f}`)]);
    expect(out).not.toMatch(/FAILED/);
    expect(out.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('have the alerts the kit promises', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      [
        'CheckoutErrorBudgetBurnFast', 'CheckoutErrorBudgetBurnSlow', 'CheckoutLatencyBudgetBurnFast', 'CheckoutLatencyBudgetBurnSlow',
        'ServiceDown', 'HighErrorRate', 'LatencyHigh', 'CircuitBreakerOpen', 'EventLoopSaturated', 'MemoryNearLimit', 'RestartLoop',
        'OutboxBacklog', 'DeadLetters', 'NotificationsQueueBacklog', 'TelemetryPipelineDropping', 'ChaosFaultActive',
      ].sort(),
    );
  });

  it('name recording rules level:metric:operation', () => {
    const records = rules.flatMap((r) => (r.record === undefined ? [] : [r.record]));
    expect(records.length).toBeGreaterThan(10);
    for (const name of records) expect(name).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  it('give every alert a CamelCase name, a for, a severity, a static summary, a templated description and its runbook section', () => {
    const runbook = readFileSync(repoPath('alerts', 'runbook.md'), 'utf8');
    for (const alert of alerts) {
      expect(alert.alert).toMatch(/^[A-Z][a-zA-Z]+$/);
      expect(alert.for, alert.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], alert.alert).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, alert.alert).toMatch(/^[^{}]+$/);
      expect(alert.annotations?.description, alert.alert).toMatch(/\{\{.+\}\}/);
      expect(alert.annotations?.runbook_url).toBe(`alerts/runbook.md#${alert.alert.toLowerCase()}`);
      expect(runbook, `runbook section for ${alert.alert}`).toContain(`\n## ${alert.alert}\n`);
    }
  });

  it('test every alert just before its for (quiet) and at it (firing with all labels and annotations)', () => {
    for (const alert of alerts) {
      const cases = tests.flatMap((file) =>
        file.tests.map((t) => ({ interval: seconds(file.evaluation_interval), checks: (t.alert_rule_test ?? []).filter((c) => c.alertname === alert.alert) })),
      );
      const bracketed = cases.some(({ interval, checks }) => {
        const firing = checks.find((c) => c.exp_alerts.length > 0);
        if (firing === undefined) return false;
        const expected = firing.exp_alerts[0];
        const complete =
          expected?.exp_labels.severity === alert.labels?.severity &&
          Object.keys(expected?.exp_annotations ?? {}).sort().join() === 'description,runbook_url,summary';
        return complete && checks.some((c) => c.exp_alerts.length === 0 && seconds(firing.eval_time) - seconds(c.eval_time) === interval);
      });
      expect(bracketed, `${alert.alert}: a quiet case one evaluation before a firing case`).toBe(true);
    }
  });
});
