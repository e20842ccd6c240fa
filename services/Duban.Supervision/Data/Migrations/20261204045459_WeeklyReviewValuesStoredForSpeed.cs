using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class WeeklyReviewValuesStoredForSpeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A review's lists are gzipped by the service already: PostgreSQL's own compression would only try and fail
            // (EXTERNAL: moved out of line, not compressed). Its report (2.4 MB of JSON at 5,000 units) compresses with lz4
            // where the server has it, several times faster than the default pglz; a server built without lz4 keeps pglz.
            // Both apply to values written from now on.
            migrationBuilder.Sql("""
                ALTER TABLE weekly_reviews ALTER COLUMN lists SET STORAGE EXTERNAL;
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                        ALTER TABLE weekly_reviews ALTER COLUMN report SET COMPRESSION lz4;
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE weekly_reviews ALTER COLUMN lists SET STORAGE EXTENDED;
                ALTER TABLE weekly_reviews ALTER COLUMN report SET COMPRESSION DEFAULT;
                """);
        }
    }
}
