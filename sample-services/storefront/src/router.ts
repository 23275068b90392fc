/** Hash routes → views. A view renders into the main element and may run until its signal aborts. */
import type { Settings } from './settings';

export interface ViewContext {
  readonly settings: Settings;
  /** The part of the hash after `?`. */
  readonly query: string;
  /** Aborted when the user navigates away (views that poll stop then). */
  readonly signal: AbortSignal;
}
export type View = (root: HTMLElement, params: readonly string[], context: ViewContext) => Promise<void>;

export interface Route {
  readonly name: string;
  readonly pattern: RegExp;
  readonly view: View;
}

export function match(routes: readonly Route[], path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (found !== null) return { route, params: found.slice(1).map((value) => decodeURIComponent(value)) };
  }
  return undefined;
}
