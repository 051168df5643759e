CREATE TABLE "dataset_trigger_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trigger_id" uuid NOT NULL,
	"dataset" text NOT NULL,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_model_version_id" uuid,
	"to_model_version_id" uuid NOT NULL,
	"run_id" uuid,
	"node_id" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_trigger_events" ADD CONSTRAINT "dataset_trigger_events_trigger_id_triggers_id_fk" FOREIGN KEY ("trigger_id") REFERENCES "public"."triggers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_from_model_version_id_model_versions_id_fk" FOREIGN KEY ("from_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_to_model_version_id_model_versions_id_fk" FOREIGN KEY ("to_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_trigger_events_trigger_version" ON "dataset_trigger_events" USING btree ("trigger_id","dataset","version");--> statement-breakpoint
CREATE INDEX "dataset_trigger_events_due" ON "dataset_trigger_events" USING btree ("next_attempt_at") WHERE delivered_at is null;--> statement-breakpoint
CREATE INDEX "endpoint_events_endpoint" ON "endpoint_events" USING btree ("endpoint_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "endpoint_events_run_node_promotion" ON "endpoint_events" USING btree ("run_id","node_id") WHERE kind = 'promotion';