using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class RecentlyUpdatedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_assignments_recently_updated",
                table: "assignments",
                columns: new[] { "update_time", "id" });

            // Npgsql writes DateOnly.MaxValue, the ledger's key of undated work, as the date 'infinity': the index must say the same.
            migrationBuilder.Sql("DROP INDEX ix_assignments_ledger_order;");
            migrationBuilder.Sql("CREATE INDEX ix_assignments_ledger_order ON assignments ((coalesce(due_date, DATE 'infinity')), id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_assignments_ledger_order;");
            migrationBuilder.Sql("CREATE INDEX ix_assignments_ledger_order ON assignments ((coalesce(due_date, DATE '9999-12-31')), id);");

            migrationBuilder.DropIndex(
                name: "ix_assignments_recently_updated",
                table: "assignments");
        }
    }
}
