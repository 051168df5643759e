DROP INDEX "endpoint_events_run_node_promotion";--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD COLUMN "slot" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "staging_model_version_id" uuid;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "owner_pipeline_id" uuid;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "challenger" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "canary_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "slot" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "shadow" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_staging_model_version_id_model_versions_id_fk" FOREIGN KEY ("staging_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_owner_pipeline_id_pipelines_id_fk" FOREIGN KEY ("owner_pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "endpoint_events_run_node_promotion" ON "endpoint_events" USING btree ("run_id","node_id") WHERE kind in ('promotion', 'takeover');