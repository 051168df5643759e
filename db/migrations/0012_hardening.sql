ALTER TABLE "webhooks" ADD COLUMN "url_ciphertext" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "signing_secret_ciphertext" text;