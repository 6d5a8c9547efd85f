-- CreateIndex
CREATE INDEX "outbox_campaign_run_id_idx" ON "outbox"("campaign_run_id");

