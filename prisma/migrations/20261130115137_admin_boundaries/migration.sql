-- CreateTable
CREATE TABLE "admin_boundaries" (
    "pcode" TEXT NOT NULL,
    "level" "AdminLevel" NOT NULL,
    "geometry" JSONB NOT NULL,
    "min_lon" DOUBLE PRECISION NOT NULL,
    "min_lat" DOUBLE PRECISION NOT NULL,
    "max_lon" DOUBLE PRECISION NOT NULL,
    "max_lat" DOUBLE PRECISION NOT NULL,
    "source" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_boundaries_pkey" PRIMARY KEY ("pcode")
);

-- AddForeignKey
ALTER TABLE "admin_boundaries" ADD CONSTRAINT "admin_boundaries_pcode_fkey" FOREIGN KEY ("pcode") REFERENCES "admin_units"("pcode") ON DELETE CASCADE ON UPDATE CASCADE;

