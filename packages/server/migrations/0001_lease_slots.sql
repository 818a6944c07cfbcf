ALTER TABLE "leases" ADD COLUMN "vault_id" text;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "slot" text NOT NULL;--> statement-breakpoint
CREATE INDEX "leases_machine_idx" ON "leases" USING btree ("machine_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "leases_live_slot_uq" ON "leases" USING btree ("secret_id","machine_id","slot") WHERE state in ('minting', 'active');