-- CreateTable
CREATE TABLE "live_events" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "ref_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "live_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "live_events_at_idx" ON "live_events"("at");


-- Triggers, not application code, write the events: every path that changes a report or an outbox row
-- (workers, team commands, the API, status callbacks, reconciliation, raw SQL) is covered in its own
-- transaction. Outbox rows count from their first status change (the dispatcher claims a new row within
-- moments), so no row trigger sits on INSERT, where a campaign fan-out writes millions of rows in one
-- statement and every row would evaluate it. Campaign messages are left out unless they fail or become unknown.
CREATE FUNCTION live_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO live_events (topic, ref_id, kind)
  VALUES (TG_ARGV[0], NEW.id, CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END);
  RETURN NULL;
END
$$;

CREATE TRIGGER hazard_reports_live_event AFTER INSERT OR UPDATE ON hazard_reports
  FOR EACH ROW EXECUTE FUNCTION live_event('report');

CREATE TRIGGER outbox_live_event_update AFTER UPDATE OF status ON outbox
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    AND (NEW.kind <> 'campaign' OR NEW.status IN ('failed', 'unknown', 'undelivered')))
  EXECUTE FUNCTION live_event('outbox');
