-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "dedupe_key" TEXT,
ADD COLUMN     "provider_status" TEXT;

-- CreateTable
CREATE TABLE "sender_pacing" (
    "sender" TEXT NOT NULL,
    "next_free_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "sender_pacing_pkey" PRIMARY KEY ("sender")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_dedupe_key_key" ON "outbox"("dedupe_key");

