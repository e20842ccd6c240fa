using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The ledger's default order (AssignmentQueries: due date with undated work last, then id) read from an
            // index rather than sorted: the office's first page of a million assignments is the first rows of this.
            migrationBuilder.Sql("CREATE INDEX ix_assignments_ledger_order ON assignments ((coalesce(due_date, DATE '9999-12-31')), id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_assignments_ledger_order;");
        }
    }
}
