ALTER TABLE "prediction_logs" ADD COLUMN "row_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "truncated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "prediction_logs_time" ON "prediction_logs" USING btree ("created_at");--> statement-breakpoint
UPDATE "prediction_logs" SET "row_count" = jsonb_array_length("inputs") WHERE jsonb_typeof("inputs") = 'array';
