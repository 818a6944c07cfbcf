import { createServer, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import { ERROR_STATUS, type ErrorCode, PROBLEM_CONTENT_TYPE } from "@sikkerkey/protocol";
import { problemDocument } from "./middleware/problem.js";

/**
 * The HTTP server around the app. Node and the Hono adapter refuse some requests before any
 * route sees them, and on their own they answer in plain text or with an empty body: headers over
 * Node's limit (431), a request that does not parse or has no valid `Host` (400), one too slow to
 * arrive (408). Here they get the same `application/problem+json` with a stable code as every
 * other refusal, so a client or proxy can tell them apart without reading prose.
 */
export function createHttpServer(
  fetch: Parameters<typeof getRequestListener>[0],
  hostname: string,
  onUnexpected: (error: unknown) => void,
): Server {
  const listener = getRequestListener(fetch, {
    // What an HTTP/1.0 request without `Host` (a load balancer's health check) is taken to ask;
    // an IPv6 listen address needs its brackets to make a URL.
    hostname: hostname.includes(":") ? `[${hostname}]` : hostname,
    // The adapter calls this for a request line or `Host` it could not turn into a URL, and also
    // for an error that escaped the app (which the app's own handler should have answered): the
    // first is the client's fault, the second ours, and its message is never shown.
    errorHandler: (error) => {
      if (error instanceof RequestError) {
        return problemFetchResponse("MALFORMED_REQUEST", "the request line or Host header could not be read");
      }
      onUnexpected(error);
      return problemFetchResponse("INTERNAL", "the server could not answer this request");
    },
  });
  // Node's own missing-Host answer (HTTP/1.1 requires one) is a bare 400: this one says why.
  const server = createServer({ requireHostHeader: false }, (incoming, outgoing) => {
    if (incoming.headers.host === undefined && incoming.httpVersion === "1.1") {
      const { status, headers, body } = refusal(
        "MALFORMED_REQUEST",
        "an HTTP/1.1 request needs a Host header",
      );
      outgoing.writeHead(status, headers).end(body);
      return;
    }
    return listener(incoming, outgoing);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket),
  );
  return server;
}

/**
 * A refusal made before routing, in any of the three forms it is written (a fetch Response, a
 * ServerResponse, raw bytes): the problem document and the headers every one of them carries. A
 * request that could not be read leaves nothing to trust on the connection, so it is closed.
 */
function refusal(code: ErrorCode, detail: string) {
  const body = JSON.stringify(problemDocument(code, detail));
  const headers = {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    "Content-Length": String(Buffer.byteLength(body)),
    "Cache-Control": "no-store",
    Connection: "close",
  };
  return { status: ERROR_STATUS[code], headers, body };
}

function problemFetchResponse(code: ErrorCode, detail: string): Response {
  const { status, headers, body } = refusal(code, detail);
  return new Response(body, { status, headers });
}

const REASONS: Partial<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

/** What Node's parser reported, as a code and a sentence of ours (its message can quote input). */
function classify(error: NodeJS.ErrnoException): [ErrorCode, string] {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return ["HEADERS_TOO_LARGE", "the request headers are larger than this server accepts"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return ["REQUEST_TIMEOUT", "the request did not arrive in time"];
    default:
      return ["MALFORMED_REQUEST", "the request is not valid HTTP/1.1"];
  }
}

/**
 * Node gives a parse error no request or response object: the answer is written to the socket
 * as raw HTTP/1.1, and the connection closed (the parser's state is lost). A socket already gone,
 * or with a response under way, is only closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A pipelined request can fail to parse while the answer to the one before is being written:
  // anything written now would land in the middle of that answer.
  const underWay = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || underWay) {
    socket.destroy();
    return;
  }
  const { status, headers, body } = refusal(...classify(error));
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? "Bad Request"}\r\n${lines.join("")}\r\n${body}`);
}
