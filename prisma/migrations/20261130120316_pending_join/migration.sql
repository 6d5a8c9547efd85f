-- AlterTable
ALTER TABLE "subscribers" ADD COLUMN     "pending_join_pcode" TEXT,
ADD COLUMN     "pending_join_until" TIMESTAMP(3);

