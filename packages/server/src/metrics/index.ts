export { Counter, Gauge, type Labels, PROMETHEUS_CONTENT_TYPE, Registry } from "./registry.js";
export { createServerMetrics, type ServerMetrics } from "./server-metrics.js";
