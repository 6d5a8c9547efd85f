-- AlterTable
ALTER TABLE "hazard_reports" ADD COLUMN     "recording_link" TEXT,
ADD COLUMN     "recording_url" TEXT;

-- AlterTable
ALTER TABLE "subscribers" ADD COLUMN     "commune_pcode" TEXT;

-- CreateTable
CREATE TABLE "ivr_calls" (
    "id" SERIAL NOT NULL,
    "call_sid" TEXT NOT NULL,
    "from_phone" TEXT NOT NULL,
    "to_phone" TEXT NOT NULL,
    "subscriber_id" INTEGER,
    "locale" TEXT,
    "step" TEXT NOT NULL,
    "state" JSONB NOT NULL DEFAULT '{}',
    "turn" INTEGER NOT NULL DEFAULT 0,
    "last_twiml" TEXT,
    "status" TEXT NOT NULL DEFAULT 'in_progress',
    "report_id" INTEGER,
    "settled_at" TIMESTAMP(3),
    "link_token" TEXT,
    "recording_url" TEXT,
    "recording_sid" TEXT,
    "recording_duration" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "ivr_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ivr_calls_call_sid_key" ON "ivr_calls"("call_sid");

-- CreateIndex
CREATE UNIQUE INDEX "ivr_calls_link_token_key" ON "ivr_calls"("link_token");

-- CreateIndex
CREATE INDEX "ivr_calls_from_phone_created_at_idx" ON "ivr_calls"("from_phone", "created_at");

-- CreateIndex
CREATE INDEX "ivr_calls_report_id_idx" ON "ivr_calls"("report_id");

-- AddForeignKey
ALTER TABLE "ivr_calls" ADD CONSTRAINT "ivr_calls_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ivr_calls" ADD CONSTRAINT "ivr_calls_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "hazard_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

