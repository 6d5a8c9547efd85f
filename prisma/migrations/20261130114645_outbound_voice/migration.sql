-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "voice_retry_minutes" INTEGER[] DEFAULT ARRAY[15, 30, 60]::INTEGER[];

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "answered_by" TEXT,
ADD COLUMN     "call_attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "call_url" TEXT,
ADD COLUMN     "listened_at" TIMESTAMP(3),
ADD COLUMN     "machine_detection" TEXT,
ADD COLUMN     "menu_choice" TEXT,
ADD COLUMN     "retry_of_id" INTEGER;

-- AlterTable
ALTER TABLE "subscribers" ADD COLUMN     "voice_opted_out_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "missed_calls" (
    "call_sid" TEXT NOT NULL,
    "from_phone" TEXT NOT NULL,
    "to_phone" TEXT NOT NULL,
    "call_status" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "outbox_id" INTEGER,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "missed_calls_pkey" PRIMARY KEY ("call_sid")
);

-- CreateIndex
CREATE INDEX "missed_calls_from_phone_received_at_idx" ON "missed_calls"("from_phone", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_retry_of_id_key" ON "outbox"("retry_of_id");

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_retry_of_id_fkey" FOREIGN KEY ("retry_of_id") REFERENCES "outbox"("id") ON DELETE SET NULL ON UPDATE CASCADE;

