using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class EvidenceFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "attachment_blobs",
                columns: table => new
                {
                    storage_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    part = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attachment_blobs", x => new { x.storage_key, x.part });
                });

            // Photos, PDFs and Office files are compressed already: PostgreSQL's own compression of each piece would cost
            // time for nothing.
            migrationBuilder.Sql("ALTER TABLE attachment_blobs ALTER COLUMN data SET STORAGE EXTERNAL;");

            migrationBuilder.CreateTable(
                name: "attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(210)", maxLength: 210, nullable: false),
                    content_type = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    storage_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    uploader_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    uploader_unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    upload_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<int>(type: "integer", nullable: false),
                    record_kind = table.Column<int>(type: "integer", nullable: false),
                    history_version = table.Column<long>(type: "bigint", nullable: true),
                    record_id = table.Column<Guid>(type: "uuid", nullable: true),
                    bind_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attachments", x => x.id);
                    table.ForeignKey(
                        name: "fk_attachments_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_attachments_assignment_id_sha256",
                table: "attachments",
                columns: new[] { "assignment_id", "sha256" });

            migrationBuilder.CreateIndex(
                name: "ix_attachments_assignment_id_upload_time",
                table: "attachments",
                columns: new[] { "assignment_id", "upload_time" });

            migrationBuilder.CreateIndex(
                name: "ix_attachments_state_upload_time",
                table: "attachments",
                columns: new[] { "state", "upload_time" },
                filter: "state <> 3");

            migrationBuilder.CreateIndex(
                name: "ix_attachments_storage_key",
                table: "attachments",
                column: "storage_key");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attachment_blobs");

            migrationBuilder.DropTable(
                name: "attachments");
        }
    }
}
