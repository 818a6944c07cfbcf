"use strict";
// A timeline of what the server says on the wire, for finding where a request's time goes:
//
//   BENCH_SERVER_NODE_ARGS="--require $PWD/bench/src/tools/trace-wire.cjs" pnpm bench --only mint --store postgres
//
// writes $TRACE_WIRE_DIR/trace-wire.<pid>.log (default /tmp): one line per HTTP request, per
// socket write and per socket read, with milliseconds since start. No values leave the process
// in it: HTTP responses show only their status line, and PostgreSQL messages only their types,
// the statement text of Parse and Bind (string literals blanked: a CREATE ROLE's verifier is
// one) and the tags of completed commands; never parameters, rows or notification payloads.
// For development only: it patches `net.Socket` and `http.Server` in the process it is loaded in.
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");

const out = fs.openSync(
  path.join(process.env.TRACE_WIRE_DIR || "/tmp", `trace-wire.${process.pid}.log`),
  "w",
);
const start = performance.now();
const line = (text) => fs.writeSync(out, `${(performance.now() - start).toFixed(3)} ${text}\n`);

/** Prepared statement name → its text, so a Bind says which statement it runs. */
const statements = new Map();
const sqlText = (s) =>
  s
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);

/** Reads the NUL-terminated string at `at`; answers it and where the next field starts. */
function cstring(buf, at) {
  const end = buf.indexOf(0, at);
  const stop = end < 0 ? buf.length : end;
  return [buf.subarray(at, stop).toString("utf8"), stop + 1];
}

/** Longer than any message the server sends: a "length" past it means this is not PostgreSQL's protocol. */
const MAX_MESSAGE = 1 << 26;

/**
 * Messages are a type byte and a length. Anything that does not parse as such (a startup
 * message, another protocol) is shown as "?" and nothing of it is printed; a message the chunk
 * holds only part of is shown by its type alone, with "…".
 */
function messages(buf, describe) {
  const parts = [];
  let i = 0;
  while (i + 5 <= buf.length) {
    const type = String.fromCharCode(buf[i]);
    const length = buf.readInt32BE(i + 1);
    if (length < 4 || length > MAX_MESSAGE || !/[A-Za-z0-9]/.test(type)) return [...parts, "?"].join(" ");
    if (i + 1 + length > buf.length) return [...parts, `${type}…`].join(" ");
    parts.push(describe(type, buf.subarray(i + 5, i + 1 + length)));
    i += 1 + length;
  }
  return i < buf.length ? [...parts, "…"].join(" ") : parts.join(" ");
}

function frontend(type, body) {
  if (type === "P") {
    const [name, next] = cstring(body, 0);
    const [text] = cstring(body, next);
    if (name) statements.set(name, sqlText(text));
    return `Parse[${sqlText(text)}]`;
  }
  if (type === "B") {
    const [, next] = cstring(body, 0);
    const [name] = cstring(body, next);
    return `Bind[${name ? (statements.get(name) ?? name) : "unnamed"}]`;
  }
  if (type === "Q") return `Query[${sqlText(cstring(body, 0)[0])}]`;
  return type;
}

function backend(type, body) {
  if (type === "C") return `C[${cstring(body, 0)[0]}]`;
  if (type === "Z") return `Z[${String.fromCharCode(body[0] ?? 63)}]`;
  if (type === "E") return "Error";
  return type;
}

/** Sockets of HTTP requests: what is written to them is a status line or a body, never parsed. */
const httpSockets = new WeakSet();

const write = net.Socket.prototype.write;
net.Socket.prototype.write = function traced(chunk, ...rest) {
  try {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (buf.length > 0) {
      const text = !httpSockets.has(this)
        ? messages(buf, frontend)
        : buf.subarray(0, 5).toString("latin1") === "HTTP/"
          ? buf.toString("latin1", 0, Math.max(0, buf.indexOf(13)))
          : "(body)";
      line(`W ${this.remotePort} ${buf.length} ${text}`);
    }
  } catch {}
  return write.call(this, chunk, ...rest);
};

const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function traced(event, data, ...rest) {
  if (event === "data" && Buffer.isBuffer(data)) {
    try {
      line(`R ${this.remotePort} ${data.length} ${messages(data, backend)}`);
    } catch {}
  }
  return emit.call(this, event, data, ...rest);
};

const serverEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function traced(event, req, ...rest) {
  if (event === "request") {
    httpSockets.add(req.socket);
    line(`HTTP ${req.method} ${req.url}`);
  }
  return serverEmit.call(this, event, req, ...rest);
};
