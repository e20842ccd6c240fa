using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class CompletionClaimant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "completion_requested_by",
                table: "assignments",
                type: "uuid",
                nullable: true);

            // Claims already waiting for verification keep their claimant: the person of the latest confirmation.
            migrationBuilder.Sql("""
                UPDATE assignments a SET completion_requested_by = (
                    SELECT h.person_id FROM assignment_history h
                    WHERE h.assignment_id = a.id AND h.type = 'COMPLETION_CONFIRMED' ORDER BY h.id DESC LIMIT 1)
                WHERE a.status = 4
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "completion_requested_by",
                table: "assignments");
        }
    }
}
