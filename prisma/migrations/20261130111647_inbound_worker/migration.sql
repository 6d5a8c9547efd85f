-- CreateEnum
CREATE TYPE "InboundState" AS ENUM ('pending', 'processing', 'handled', 'failed');

-- AlterTable
ALTER TABLE "inbound_messages" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimed_at" TIMESTAMP(3),
ADD COLUMN     "claimed_by" TEXT,
ADD COLUMN     "handled_at" TIMESTAMP(3),
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "opt_out_type" TEXT,
ADD COLUMN     "reviewed_at" TIMESTAMP(3),
ADD COLUMN     "reviewed_by" TEXT,
ADD COLUMN     "state" "InboundState" NOT NULL DEFAULT 'pending';

-- CreateIndex
CREATE INDEX "inbound_messages_state_next_attempt_at_idx" ON "inbound_messages"("state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "inbound_messages_from_phone_id_idx" ON "inbound_messages"("from_phone", "id");


-- Messages handled inline before the worker existed are done; anything stored but unhandled is picked up.
UPDATE "inbound_messages" SET "state" = 'handled', "handled_at" = "received_at" WHERE "handled_as" IS NOT NULL;
