using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExtensionQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows written before the writer stored no value as SQL NULL held the JSON literal null.
            migrationBuilder.Sql("""
                UPDATE assignments SET pending_extension = NULL WHERE pending_extension = 'null'::jsonb;
                UPDATE assignments SET target = NULL WHERE target = 'null'::jsonb;
                """);
            migrationBuilder.CreateIndex(
                name: "ix_assignments_pending_extension",
                table: "assignments",
                column: "due_date",
                filter: "pending_extension IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_assignments_pending_extension",
                table: "assignments");
        }
    }
}
