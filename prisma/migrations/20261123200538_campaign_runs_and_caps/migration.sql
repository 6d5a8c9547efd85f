-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "last_run_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "outbox_subscriber_id_kind_created_at_idx" ON "outbox"("subscriber_id", "kind", "created_at");

