import { type Counter, Registry } from "./registry.js";

/** The server's metrics, one registry per server instance (never a module global). */
export interface ServerMetrics {
  registry: Registry;
  requests: Counter;
  signatureFailures: Counter;
  reads: Counter;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  const requests = registry.counter(
    "sikkerkey_http_requests_total",
    "HTTP requests by method, route pattern and status.",
  );
  const signatureFailures = registry.counter(
    "sikkerkey_signature_failures_total",
    "Machine requests refused at signature verification, by reason.",
  );
  const reads = registry.counter("sikkerkey_secret_reads_total", "Machine secret reads by kind and outcome.");
  addProcessMetrics(registry);
  return { registry, requests, signatureFailures, reads };
}

function addProcessMetrics(registry: Registry): void {
  const startedAt = Date.now() / 1000 - process.uptime();
  registry.gauge("process_start_time_seconds", "Start time of the process, unix seconds.", () => startedAt);
  registry.gauge(
    "process_cpu_seconds_total",
    "User and system CPU time spent, seconds.",
    () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    "counter",
  );
  registry.gauge("process_resident_memory_bytes", "Resident memory size, bytes.", () =>
    process.memoryUsage.rss(),
  );
  registry.gauge("nodejs_heap_used_bytes", "V8 heap in use, bytes.", () => process.memoryUsage().heapUsed);
}
