using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class NoticeQueuesIndexed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "queued_at",
                table: "notices",
                type: "timestamp with time zone",
                nullable: true);

            // The marks move onto the notices they mark: a notice queued before stays queued, and is not told twice.
            migrationBuilder.Sql("UPDATE notices n SET queued_at = f.queued_at FROM notification_fanouts f WHERE f.notice_id = n.id");

            migrationBuilder.DropTable(
                name: "notification_fanouts");

            migrationBuilder.CreateIndex(
                name: "ix_notices_awaiting_queue",
                table: "notices",
                column: "sequence",
                filter: "queued_at IS NULL AND recipient_person_ids IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_notices_awaiting_recipients",
                table: "notices",
                column: "sequence",
                filter: "recipient_person_ids IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notices_awaiting_queue",
                table: "notices");

            migrationBuilder.DropIndex(
                name: "ix_notices_awaiting_recipients",
                table: "notices");

            migrationBuilder.CreateTable(
                name: "notification_fanouts",
                columns: table => new
                {
                    notice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_fanouts", x => x.notice_id);
                    table.ForeignKey(
                        name: "fk_notification_fanouts_notices_notice_id",
                        column: x => x.notice_id,
                        principalTable: "notices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("INSERT INTO notification_fanouts (notice_id, queued_at) SELECT id, queued_at FROM notices WHERE queued_at IS NOT NULL");

            migrationBuilder.DropColumn(
                name: "queued_at",
                table: "notices");
        }
    }
}
