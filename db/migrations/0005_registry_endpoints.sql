CREATE TABLE "model_alias_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" uuid NOT NULL,
	"alias" text NOT NULL,
	"from_model_version_id" uuid,
	"to_model_version_id" uuid NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_aliases" (
	"model_id" uuid NOT NULL,
	"alias" text NOT NULL,
	"model_version_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_aliases_model_id_alias_pk" PRIMARY KEY("model_id","alias")
);
--> statement-breakpoint
DROP INDEX "endpoint_events_run_node_promotion";--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "latest_version" integer;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD COLUMN "slot" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "staging_model_version_id" uuid;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "owner_pipeline_id" uuid;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "challenger" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "canary_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "slot" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "shadow" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "model_alias_events" ADD CONSTRAINT "model_alias_events_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_alias_events" ADD CONSTRAINT "model_alias_events_from_model_version_id_model_versions_id_fk" FOREIGN KEY ("from_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_alias_events" ADD CONSTRAINT "model_alias_events_to_model_version_id_model_versions_id_fk" FOREIGN KEY ("to_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_alias_events_model" ON "model_alias_events" USING btree ("model_id","id");--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_staging_model_version_id_model_versions_id_fk" FOREIGN KEY ("staging_model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_owner_pipeline_id_pipelines_id_fk" FOREIGN KEY ("owner_pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "endpoint_events_run_node_promotion" ON "endpoint_events" USING btree ("run_id","node_id") WHERE kind in ('promotion', 'takeover');