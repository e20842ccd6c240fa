using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class IncrementalScan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scan_marks",
                columns: table => new
                {
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    next_scan_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_marks", x => x.assignment_id);
                });

            migrationBuilder.CreateTable(
                name: "scan_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    rules = table.Column<string>(type: "text", nullable: false),
                    last_as_of = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    scanned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_state", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "scan_state",
                columns: new[] { "id", "last_as_of", "rules", "scanned_at" },
                values: new object[] { 1, null, "", null });

            migrationBuilder.CreateIndex(
                name: "ix_scan_marks_next_scan_at",
                table: "scan_marks",
                column: "next_scan_at",
                filter: "next_scan_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scan_marks");

            migrationBuilder.DropTable(
                name: "scan_state");
        }
    }
}
