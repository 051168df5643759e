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
ALTER TABLE "dataset_trigger_events" ADD CONSTRAINT "dataset_trigger_events_trigger_id_triggers_id_fk" FOREIGN KEY ("trigger_id") REFERENCES "public"."triggers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_trigger_events_trigger_version" ON "dataset_trigger_events" USING btree ("trigger_id","dataset","version");--> statement-breakpoint
CREATE INDEX "dataset_trigger_events_due" ON "dataset_trigger_events" USING btree ("next_attempt_at") WHERE delivered_at is null;