ALTER TABLE "prediction_logs" ADD COLUMN "status" integer DEFAULT 200 NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "error" text;