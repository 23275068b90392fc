/**
 * Every custom metric, label and attribute name the kit emits, in one place.
 *
 * Metric names follow Prometheus naming (base units, `_total` on counters); span and log attributes
 * follow OpenTelemetry semantic conventions where one exists, and use the `kit.` prefix where not.
 */
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

export {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
};

/** Instrumentation scope of everything the kit's own code records. */
export const KIT_SCOPE = '@kit/telemetry';

// ---- HTTP server RED metrics (prom-client) ----
export const METRIC_HTTP_SERVER_DURATION = 'http_server_request_duration_seconds';
export const METRIC_HTTP_SERVER_ACTIVE = 'http_server_active_requests';
/** Requests a service refused (503 + Retry-After) because it was overloaded. */
export const METRIC_HTTP_SHED = 'kit_http_shed_requests_total';
// ---- outbound HTTP calls ----
export const METRIC_HTTP_CLIENT_DURATION = 'http_client_request_duration_seconds';
// ---- runtime metrics the prom-client defaults lack ----
export const METRIC_EVENT_LOOP_UTILIZATION = 'nodejs_eventloop_utilization_ratio';
/** Memory the process may use: its container's limit (cgroup), else the machine's memory. */
export const METRIC_PROCESS_MEMORY_LIMIT = 'kit_process_memory_limit_bytes';
/** Active chaos faults per service and fault type (the chaos module sets it). */
export const METRIC_CHAOS_FAULTS_ACTIVE = 'kit_chaos_faults_active';
export const LABEL_FAULT = 'fault';
// ---- the telemetry pipeline itself ----
export const METRIC_TELEMETRY_EXPORTED = 'kit_telemetry_exported_items_total';
export const METRIC_TELEMETRY_EXPORT_FAILURES = 'kit_telemetry_export_failures_total';
export const METRIC_LOG_RECORDS = 'kit_log_records_total';

// ---- business metrics of the sample services ----
export const METRIC_INVENTORY_RESERVATIONS = 'kit_inventory_reservations_total';
export const METRIC_INVENTORY_TRANSITIONS = 'kit_inventory_reservation_transitions_total';
export const METRIC_PAYMENTS_CHARGES = 'kit_payments_charges_total';
export const METRIC_ORDERS_CHECKOUTS = 'kit_orders_checkouts_total';
export const METRIC_OUTBOX_PENDING = 'kit_orders_outbox_pending';
export const METRIC_OUTBOX_PUBLISHED = 'kit_orders_outbox_published_total';
export const METRIC_NOTIFICATIONS = 'kit_notifications_messages_total';
/** Messages waiting in the notifications queues (ready, not yet delivered to a consumer). */
export const METRIC_NOTIFICATIONS_QUEUE = 'kit_notifications_queue_messages';
export const LABEL_QUEUE = 'queue';

export const METRIC_LOADGEN_JOURNEYS = 'kit_loadgen_journeys_total';
export const METRIC_LOADGEN_REQUEST_DURATION = 'kit_loadgen_request_duration_seconds';
export const LABEL_JOURNEY = 'journey';
export const LABEL_STEP = 'step';

// ---- runtime configuration ----
export const METRIC_CONFIG_RELOADS = 'kit_config_reloads_total';
export const METRIC_CONFIG_VERSION = 'kit_config_version';

// ---- resilience of outbound calls (per dependency) ----
/** 0 closed, 1 half-open, 2 open, 3 isolated by hand. */
export const METRIC_CIRCUIT_STATE = 'kit_dependency_circuit_state';
export const METRIC_DEPENDENCY_RETRIES = 'kit_dependency_retries_total';
export const METRIC_DEPENDENCY_TIMEOUTS = 'kit_dependency_timeouts_total';
export const METRIC_DEPENDENCY_REJECTIONS = 'kit_dependency_rejections_total';
export const METRIC_DEPENDENCY_FALLBACKS = 'kit_dependency_fallbacks_total';
/** Calls not made, or cut short, because the request's deadline left no time: counted per hop, never against the dependency. */
export const METRIC_DEPENDENCY_DEADLINE_EXCEEDED = 'kit_dependency_deadline_exceeded_total';
/** Retries refused because the dependency's retry budget (a share of its calls over a sliding window) was spent. */
export const METRIC_DEPENDENCY_RETRY_BUDGET_EXHAUSTED = 'kit_dependency_retry_budget_exhausted_total';
export const LABEL_DEPENDENCY = 'dependency';
export const LABEL_REASON = 'reason';
export const ATTR_KIT_DEPENDENCY = 'kit.dependency.name';

// ---- metric label names ----
export const LABEL_METHOD = 'method';
export const LABEL_ROUTE = 'route';
export const LABEL_STATUS_CODE = 'status_code';
export const LABEL_SERVER_ADDRESS = 'server_address';
export const LABEL_SIGNAL = 'signal';
export const LABEL_LEVEL = 'level';
export const LABEL_RESULT = 'result';
export const EXEMPLAR_TRACE_ID = 'trace_id';
export const EXEMPLAR_SPAN_ID = 'span_id';

/**
 * Route label for requests no Express route matched (404s, scanners). Every unknown path collapses
 * into this one value, so a flood of random URLs cannot create new series.
 */
export const ROUTE_UNMATCHED = 'unmatched';
/** Method label for verbs outside the HTTP standard set, as the semantic conventions advise. */
export const METHOD_OTHER = '_OTHER';
/** Status label when the client went away before a response was sent. */
export const STATUS_ABORTED = 'aborted';

/** Buckets the OpenTelemetry HTTP semantic conventions advise for request durations, in seconds. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

// ---- log record fields ----
export const LOG_TRACE_ID = 'trace_id';
export const LOG_SPAN_ID = 'span_id';
export const LOG_TRACE_FLAGS = 'trace_flags';
export const LOG_SERVICE_NAME = 'service.name';

// ---- headers the kit defines ----
/**
 * The caller's remaining budget for this request, in whole milliseconds (relative, so clock skew
 * between hosts does not matter). The gateway sets it from its policy; every hop sends what is left
 * of it, capped by the call's own attempt budget (packages/service/src/deadline.ts).
 */
export const HEADER_DEADLINE_MS = 'x-kit-deadline-ms';

// ---- custom span attributes ----
/** Request id assigned by the gateway and echoed by every service. */
export const ATTR_KIT_REQUEST_ID = 'kit.request.id';
/** The module an in-process call reached, in the monolith (one process, several modules). */
export const ATTR_KIT_MODULE = 'kit.module';
