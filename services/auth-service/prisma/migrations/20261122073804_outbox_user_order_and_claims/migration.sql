-- The relay publishes a user's events one at a time, in (created_at, id) order, and claims rows
-- with a lease instead of holding a transaction open while it publishes.

-- user_id: added nullable, filled from the envelope every existing row holds, then required.
ALTER TABLE "outbox_events" ADD COLUMN "user_id" UUID;
UPDATE "outbox_events" SET "user_id" = ("payload"->>'userId')::uuid WHERE "user_id" IS NULL;
ALTER TABLE "outbox_events" ALTER COLUMN "user_id" SET NOT NULL;

-- claimed_until: the lease of the relay that claimed the row (null: not claimed).
ALTER TABLE "outbox_events" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);

-- The time of the INSERT rather than of the transaction's start: a change that waited for an
-- earlier change's lock on the user row is then ordered after it.
ALTER TABLE "outbox_events" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();

-- A user's earliest unpublished event, and whether an earlier one is unpublished.
CREATE INDEX "outbox_events_unpublished_user_idx" ON "outbox_events"("user_id", "created_at", "id") WHERE (published_at IS NULL);
