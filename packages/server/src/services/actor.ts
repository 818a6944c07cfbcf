import type { NewAuditEvent } from "./audit/index.js";

/** Who is calling an operator service: the operator, the token they used, where from. */
export interface OperatorActor {
  operatorId: string;
  /** Null for actions not made through an API token (init, a dashboard session). */
  tokenId: string | null;
  sourceIp: string | null;
}

/** The audit view of an operator actor, so token use is traceable on every event. */
export function auditActor(actor: OperatorActor): Pick<NewAuditEvent, "actor" | "sourceIp"> {
  return {
    actor: { type: "operator", id: actor.operatorId, tokenId: actor.tokenId },
    sourceIp: actor.sourceIp,
  };
}
