/**
 * The generated dashboards: identical to the committed files, import-safe (datasources and services
 * are variables; no uid written down), described, linked only to dashboards that exist, and every
 * query parses with the official grammars (PromQL, LogQL, TraceQL) after Grafana's variables are
 * filled in. That every PromQL returns data is proven against live Prometheus in packages/stack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { dashboards, GRAFANA_VARIABLES, interpolate, panelsOf, queriesOf, render, type DashboardJson } from '../src/index';

const folder = path.resolve(__dirname, '..', '..', '..', 'grafana', 'dashboards', 'kit');
const generated = dashboards().map(render);
const boards = generated.map((g) => JSON.parse(g.json) as DashboardJson);
const uids = new Set(boards.map((b) => b.uid));

/** Positions of the grammar's error nodes in a query (empty when it parses). */
function syntaxErrors(parser: typeof promqlParser, query: string): number[] {
  const positions: number[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) positions.push(node.from);
    },
  });
  return positions;
}

/** What a user's Grafana would substitute: a datasource per variable, a service, Grafana's own intervals. */
function sample(board: DashboardJson): Record<string, string> {
  const values: Record<string, string> = { ...GRAFANA_VARIABLES };
  for (const variable of board.templating?.list ?? []) values[variable.name] = variable.name === 'app' ? 'storefront' : variable.name === 'search' ? 'error' : 'gateway';
  return values;
}

describe('grafana/dashboards/kit', () => {
  it('holds exactly what the generator writes (run npm run dashboards after editing packages/dashboards)', () => {
    expect(readdirSync(folder).sort()).toEqual(generated.map((g) => g.file).sort());
    for (const { file, json } of generated) expect(readFileSync(path.join(folder, file), 'utf8'), file).toBe(json);
  });

  it('generates the same bytes twice', () => {
    expect(dashboards().map(render)).toEqual(generated);
  });

  it('has the seven dashboards with stable uids, each tagged kit and generated', () => {
    expect([...uids].sort()).toEqual(['kit-autoscaling', 'kit-frontend', 'kit-logs', 'kit-overview', 'kit-pipeline', 'kit-resilience', 'kit-service']);
    for (const board of boards) expect(board.tags, board.uid).toEqual(['kit', 'generated']);
  });

  it('is import-safe: every datasource is one of its variables, none is hard-coded, no __inputs', () => {
    for (const board of boards) {
      const text = JSON.stringify(board);
      expect(text, board.uid).not.toContain('__inputs');
      expect(text, board.uid).not.toContain('DS_');
      const variables = new Map((board.templating?.list ?? []).filter((v) => v.type === 'datasource').map((v) => [v.name, v.query]));
      expect(Object.fromEntries(variables), board.uid).toMatchObject({ prometheus: 'prometheus', loki: 'loki', tempo: 'tempo' });
      const refs = [...text.matchAll(/"datasource":\{"type":"(\w+)","uid":"([^"]*)"\}/g)].map((m) => [m[1], m[2]]);
      expect(refs.length, board.uid).toBeGreaterThan(0);
      for (const [type, uid] of refs) expect(uid, `${board.uid}: ${type ?? ''}`).toBe(`\${${type ?? ''}}`);
      expect(board).not.toHaveProperty('id');
    }
  });

  it('describes every panel: what it shows and what an empty panel means', () => {
    for (const board of boards) {
      for (const panel of panelsOf(board)) {
        expect(panel.title, board.uid).toMatch(/\S/);
        expect(panel.description ?? '', `${board.uid}: ${panel.title}`).toMatch(/^.{40,}Empty[^.]*\./s);
      }
    }
  });

  it('writes every query in a language its datasource speaks, and every query parses with the official grammar', () => {
    const failures: string[] = [];
    let count = 0;
    for (const board of boards) {
      const values = sample(board);
      const annotations = (board.annotations?.list ?? []).filter((a) => a.expr !== undefined).map((a) => ({ panel: `annotation ${a.name}`, language: 'promql', expr: a.expr ?? '' }));
      for (const query of [...queriesOf(board), ...annotations]) {
        count += 1;
        const text = interpolate(query.expr, values);
        const parser = query.language === 'promql' ? promqlParser : query.language === 'logql' ? logqlParser : query.language === 'traceql' ? traceqlParser : undefined;
        if (parser === undefined) continue;
        const errors = syntaxErrors(parser, text);
        if (errors.length > 0) failures.push(`${board.uid} / ${query.panel} (${query.language}) at ${String(errors[0])}: ${text}`);
      }
    }
    expect(count).toBeGreaterThan(60);
    expect(failures).toEqual([]);
  });

  it('is checked by grammars that do reject a broken query', () => {
    expect(syntaxErrors(promqlParser, 'sum by (service (rate(x[1m]))')).not.toEqual([]);
    expect(syntaxErrors(logqlParser, '{service_name="a"} | detected_level=~ [1m]')).not.toEqual([]);
    expect(syntaxErrors(traceqlParser, '{ resource.service.name = ')).not.toEqual([]);
  });

  it('refers only to variables it defines or Grafana provides, and links only to kit dashboards', () => {
    const builtins = new Set([...Object.keys(GRAFANA_VARIABLES), '__field', '__url_time_range', '__value', '__tags', '__trace']);
    for (const board of boards) {
      const defined = new Set([...(board.templating?.list ?? []).map((v) => v.name), ...builtins]);
      const text = JSON.stringify(board);
      const used = [...text.matchAll(/\$\{(\w+)|\$(\w+)/g)].map((m) => m[1] ?? m[2] ?? '');
      expect(used.filter((name) => !defined.has(name)), board.uid).toEqual([]);
      for (const panel of panelsOf(board)) {
        for (const link of panel.fieldConfig?.defaults?.links ?? []) {
          const target = /^\/d\/([\w-]+)/.exec(link.url)?.[1];
          expect(uids.has(target ?? ''), `${board.uid}: ${link.url}`).toBe(true);
          for (const variable of [...link.url.matchAll(/var-(\w+)=/g)].map((m) => m[1] ?? '')) {
            const targetBoard = boards.find((b) => b.uid === target);
            expect(targetBoard?.templating?.list?.some((v) => v.name === variable), `${link.url}: var-${variable}`).toBe(true);
          }
        }
      }
      expect(board.links, board.uid).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['kit'] })]);
    }
  });
});
