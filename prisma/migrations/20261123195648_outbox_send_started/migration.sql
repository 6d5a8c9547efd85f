-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "send_started_at" TIMESTAMP(3);

