import { SCHEMAS, type SchemaName } from "../openapi/routes.js";
import { unstorableText } from "../middleware/validation.js";

/**
 * Whether the server's input contract refuses a body, decided without the server: the protocol
 * schema the route documents, plus the edge's rule on text the store cannot hold.
 */
export function refusedByContract(schema: SchemaName, value: unknown): boolean {
  return !SCHEMAS[schema].safeParse(value).success || unstorableText(value).length > 0;
}
