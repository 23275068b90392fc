/**
 * The chaos console: every service's health, circuits and active faults, refreshed every two
 * seconds; a form built from the API's own fault schema to inject any fault with its parameters and
 * TTL; cancel one fault or all of a service's; links to the Grafana dashboard that shows each effect.
 * It talks only to the gateway's chaos API, with the token the user types (kept for this tab only).
 */
import { ApiError, chaosApi, type ActiveFault, type FaultTypesSchema, type JsonSchemaProperty, type ServiceStatus } from '../api';
import { h } from '../dom';
import type { View } from '../router';

const TOKEN_KEY = 'kit.chaosToken';
const REFRESH_MS = 2_000;
/** Where a fault's effect shows (dashboard uids from grafana/dashboards/kit). */
const DASHBOARD_FOR: Record<string, string> = {
  latency: 'kit-service',
  error: 'kit-service',
  exception: 'kit-service',
  hang: 'kit-service',
  cpu: 'kit-autoscaling',
  memory: 'kit-autoscaling',
  block: 'kit-autoscaling',
  crash: 'kit-autoscaling',
  dependency: 'kit-resilience',
  database: 'kit-resilience',
  stall: 'kit-resilience',
};

const describeFault = (fault: ActiveFault) =>
  Object.entries(fault.spec)
    .filter(([key]) => key !== 'type' && key !== 'ttlSeconds')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');

const secondsLeft = (fault: ActiveFault) => Math.max(0, Math.round((Date.parse(fault.expiresAt) - Date.now()) / 1_000));

function field(name: string, property: JsonSchemaProperty, required: boolean): HTMLElement {
  const label = `${name}${required ? ' *' : ''}`;
  const hint = [property.description, property.minimum !== undefined && property.maximum !== undefined ? `${String(property.minimum)}–${String(property.maximum)}` : undefined]
    .filter(Boolean)
    .join(' · ');
  const placeholder = typeof property.default === 'string' || typeof property.default === 'number' ? String(property.default) : '';
  const input =
    property.enum !== undefined
      ? h('select', { name }, ...property.enum.map((value) => h('option', { value, selected: value === property.default }, value)))
      : h('input', {
          name,
          type: property.type === 'integer' || property.type === 'number' ? 'number' : 'text',
          step: property.type === 'integer' ? 1 : 'any',
          min: property.minimum,
          max: property.maximum,
          placeholder,
          required,
          'data-kind': property.type,
        });
  return h('label', { class: 'field' }, label, input, hint === '' ? null : h('small', {}, hint));
}

export const chaosView: View = async (root, _params, { settings, signal }) => {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const tokenInput = h('input', { type: 'password', name: 'token', placeholder: 'CHAOS_TOKEN from .env', autocomplete: 'off', required: true, minlength: 16 });
  const connectMessage = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const connect = h(
    'form',
    {
      class: 'panel token',
      onsubmit: (event: Event) => {
        event.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, tokenInput.value);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      },
    },
    h('h2', {}, 'Connect'),
    h('p', { class: 'muted' }, 'The chaos API is on only when the stack runs with CHAOS_ENABLED=true; it needs the CHAOS_TOKEN.'),
    h('label', {}, 'Chaos token', tokenInput),
    connectMessage,
    h('button', { class: 'button', type: 'submit', 'data-faro-user-action-name': 'chaos-connect' }, 'Connect'),
  );
  const dashboards = h(
    'p',
    { class: 'links' },
    'Watch it in Grafana: ',
    ...['kit-overview', 'kit-resilience', 'kit-autoscaling'].map((uid) => h('a', { href: `${settings.grafanaUrl}/d/${uid}?from=now-15m&to=now&refresh=5s`, target: '_blank', rel: 'noopener' }, uid.replace('kit-', ''))),
  );
  const header = h('section', { class: 'hero small' }, h('h1', {}, 'Chaos console'), h('p', {}, 'Break a service on purpose and watch circuits, retries and fallbacks work.'), dashboards);
  if (token === null) {
    root.replaceChildren(header, connect);
    return;
  }
  const api = chaosApi(token);
  let schema: FaultTypesSchema;
  try {
    schema = await api.faultTypes();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    connectMessage.textContent = error instanceof ApiError && error.status === 401 ? 'That token was refused.' : `The chaos API is not available: ${error instanceof Error ? error.message : String(error)}`;
    connectMessage.hidden = false;
    root.replaceChildren(header, connect);
    return;
  }

  const grid = h('section', { class: 'services', 'aria-label': 'Services' });
  const serviceSelect = h('select', { name: 'service', 'aria-label': 'Service' });
  const typeSelect = h('select', { name: 'type', 'aria-label': 'Fault type' }, ...schema.oneOf.map((option) => h('option', { value: option.properties.type?.const ?? '' }, option.properties.type?.const ?? '')));
  const fields = h('div', { class: 'fields' });
  const result = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const showFields = () => {
    const option = schema.oneOf.find((candidate) => candidate.properties.type?.const === typeSelect.value);
    const required = new Set(option?.required ?? []);
    fields.replaceChildren(...Object.entries(option?.properties ?? {}).filter(([name]) => name !== 'type').map(([name, property]) => field(name, property, required.has(name))));
  };
  typeSelect.addEventListener('change', showFields);
  showFields();

  const inject = h(
    'form',
    {
      class: 'panel inject',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const fault: Record<string, unknown> = { type: typeSelect.value };
        for (const input of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
          if (input.value === '') continue;
          fault[input.name] = input.dataset.kind === 'integer' || input.dataset.kind === 'number' ? Number(input.value) : input.value;
        }
        result.hidden = true;
        try {
          const created = await api.inject(serviceSelect.value, fault);
          result.className = 'form-ok';
          result.textContent = `Injected ${created.spec.type} into ${serviceSelect.value} for ${String(secondsLeft(created))} s.`;
        } catch (error) {
          result.className = 'form-error';
          result.textContent = error instanceof Error ? error.message : String(error);
        }
        result.hidden = false;
        await refresh();
      },
    },
    h('h2', {}, 'Inject a fault'),
    h('div', { class: 'row' }, h('label', {}, 'Service', serviceSelect), h('label', {}, 'Fault', typeSelect)),
    fields,
    result,
    h('button', { class: 'button danger', type: 'submit', 'data-faro-user-action-name': 'chaos-inject' }, 'Inject fault'),
  );

  const serviceCard = (name: string, status: ServiceStatus) =>
    h(
      'article',
      { class: `service-card health-${status.health}`, 'data-service': name },
      h('header', {}, h('h3', {}, name), h('span', { class: `pill ${status.health}` }, status.health.replace('_', ' '))),
      status.error === undefined ? null : h('p', { class: 'form-error' }, status.error),
      h(
        'ul',
        { class: 'circuits' },
        ...Object.entries(status.circuits ?? {}).map(([dependency, state]) => h('li', {}, `→ ${dependency} `, h('span', { class: `pill circuit-${state}` }, state))),
      ),
      h(
        'ul',
        { class: 'faults' },
        ...(status.faults ?? []).map((fault) =>
          h(
            'li',
            { class: 'fault', 'data-fault-id': fault.id, 'data-fault-type': fault.spec.type },
            h('strong', {}, fault.spec.type),
            ` ${describeFault(fault)} · ${String(secondsLeft(fault))} s left `,
            h('a', { href: `${settings.grafanaUrl}/d/${DASHBOARD_FOR[fault.spec.type] ?? 'kit-overview'}?var-service=${name}&from=now-15m&to=now&refresh=5s`, target: '_blank', rel: 'noopener' }, 'see it'),
            h(
              'button',
              {
                type: 'button',
                class: 'button ghost small',
                'data-faro-user-action-name': 'chaos-cancel',
                onclick: async () => {
                  await api.cancel(name, fault.id).catch(() => undefined);
                  await refresh();
                },
              },
              'Cancel',
            ),
          ),
        ),
      ),
      (status.faults ?? []).length > 1
        ? h(
            'button',
            {
              type: 'button',
              class: 'button ghost small',
              'data-faro-user-action-name': 'chaos-cancel-all',
              onclick: async () => {
                await api.cancel(name).catch(() => undefined);
                await refresh();
              },
            },
            'Cancel all',
          )
        : null,
    );

  let refreshing = false;
  async function refresh(): Promise<void> {
    if (refreshing || signal.aborted) return;
    refreshing = true;
    try {
      const { services } = await api.status();
      if (serviceSelect.options.length === 0) serviceSelect.replaceChildren(...Object.keys(services).map((name) => h('option', { value: name }, name)));
      grid.replaceChildren(...Object.entries(services).map(([name, status]) => serviceCard(name, status)));
      grid.dataset.updatedAt = new Date().toISOString();
    } catch (error) {
      grid.replaceChildren(h('p', { class: 'form-error' }, `Status unavailable: ${error instanceof Error ? error.message : String(error)}`));
    } finally {
      refreshing = false;
    }
  }

  root.replaceChildren(header, h('div', { class: 'console' }, grid, inject));
  await refresh();
  // keep the status live until the user leaves the page
  void (async () => {
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
      await refresh();
    }
  })();
};
