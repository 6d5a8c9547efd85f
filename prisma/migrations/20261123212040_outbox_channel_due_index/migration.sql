-- CreateIndex
CREATE INDEX "outbox_channel_status_next_attempt_at_idx" ON "outbox"("channel", "status", "next_attempt_at");

