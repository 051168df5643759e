ALTER TABLE "schedule_notes" ADD COLUMN "created_role" text;--> statement-breakpoint
ALTER TABLE "triggers" ADD COLUMN "created_role" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "url_ciphertext" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "signing_secret_ciphertext" text;--> statement-breakpoint
ALTER TABLE "schedule_notes" ADD CONSTRAINT "schedule_notes_created_role" CHECK (created_role in ('viewer', 'editor', 'deployer', 'admin'));--> statement-breakpoint
ALTER TABLE "triggers" ADD CONSTRAINT "triggers_created_role" CHECK (created_role in ('viewer', 'editor', 'deployer', 'admin'));