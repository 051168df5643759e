CREATE TABLE "prediction_feedback" (
	"endpoint_id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"row" integer DEFAULT 0 NOT NULL,
	"label" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prediction_feedback_endpoint_id_request_id_row_pk" PRIMARY KEY("endpoint_id","request_id","row")
);
--> statement-breakpoint
ALTER TABLE "prediction_logs" ALTER COLUMN "latency_ms" SET DATA TYPE double precision;--> statement-breakpoint
ALTER TABLE "prediction_logs" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "prediction_feedback" ADD CONSTRAINT "prediction_feedback_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prediction_feedback_time" ON "prediction_feedback" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "prediction_logs_endpoint_request" ON "prediction_logs" USING btree ("endpoint_id","request_id");