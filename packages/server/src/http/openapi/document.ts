import { z } from "zod";
import { type RouteDoc, ROUTES, SCHEMAS, type SchemaName } from "./routes.js";

type Json = Record<string, unknown>;

/** JSON Schema of a protocol schema; requests are described as sent, responses as received. */
function jsonSchema(name: SchemaName, io: "input" | "output"): Json {
  const schema = z.toJSONSchema(SCHEMAS[name], {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Json;
  delete schema["$schema"];
  return schema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});

function operation(route: RouteDoc): Json {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
    name,
    in: "query",
    required: false,
    description,
    schema: { type: "string" },
  }));
  const status = String(route.status ?? 200);
  const body = route.response
    ? route.list
      ? {
          type: "object",
          required: ["items"],
          properties: {
            items: { type: "array", items: ref(route.response) },
            nextCursor: { type: "string" },
          },
        }
      : ref(route.response)
    : undefined;
  return {
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth === "bearer"
      ? { security: [{ bearer: [] }] }
      : route.auth === "signature"
        ? { security: [{ httpSignature: [] }] }
        : {}),
    ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { "application/json": { schema: ref(`${route.body}Input`) } },
          },
        }
      : {}),
    responses: {
      [status]: body
        ? { description: "OK", content: { "application/json": { schema: body } } }
        : { description: "OK" },
      ...(route.auth !== "none" ? { "401": problem("Not authenticated (see `code`)") } : {}),
      "4XX": problem("Refused; `code` says why"),
      "5XX": problem("Server-side failure; never carries a secret"),
    },
  };
}

/** OpenAPI 3.1 built from the protocol's zod schemas, so the document cannot drift from the wire. */
export function openApiDocument(version: string): Json {
  const schemas: Json = {};
  for (const name of Object.keys(SCHEMAS) as SchemaName[]) schemas[name] = jsonSchema(name, "output");
  // Request bodies as sent: defaults make fields optional on the way in.
  for (const route of ROUTES) if (route.body) schemas[`${route.body}Input`] = jsonSchema(route.body, "input");
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "SikkerKey",
      version,
      description: "Machine API (RFC 9421 signed) and operator API (bearer token).",
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An operator API token (skt_…)" },
        httpSignature: {
          type: "apiKey",
          in: "header",
          name: "Signature",
          description: "RFC 9421 HTTP Message Signature, ed25519, label sk; see docs/signing.md",
        },
      },
    },
  };
}
