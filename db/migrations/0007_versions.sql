ALTER TABLE "pipeline_versions" ADD COLUMN "author" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "pipeline_versions" ADD COLUMN "message" varchar(500);