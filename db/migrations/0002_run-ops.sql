CREATE TABLE "approvals" (
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "approvals_run_id_node_id_pk" PRIMARY KEY("run_id","node_id")
);
--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "cached_from" uuid;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_steps_cache_key" ON "run_steps" USING btree ("cache_key");