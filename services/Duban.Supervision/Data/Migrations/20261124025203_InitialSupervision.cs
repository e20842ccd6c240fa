using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSupervision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assignments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lead_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    assigning_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    original_due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    deadline_version = table.Column<int>(type: "integer", nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completion_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    rejected_completions = table.Column<int>(type: "integer", nullable: false),
                    approved_extensions = table.Column<int>(type: "integer", nullable: false),
                    extension_approved_before_original_due = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "explanations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    notice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lead_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reasons = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    remedy_date = table.Column<DateOnly>(type: "date", nullable: true),
                    status = table.Column<int>(type: "integer", nullable: false),
                    decision_remark = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    submitted_by = table.Column<Guid>(type: "uuid", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_explanations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "feed_position",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    transaction_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    last_event_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feed_position", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    deadline_version = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lead_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    recipient_unit_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<Guid>(type: "uuid", nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reply_by = table.Column<DateOnly>(type: "date", nullable: true),
                    request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "weekly_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    scope_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    week = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    as_of = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    scope_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    report = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_weekly_reviews", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "feed_position",
                columns: new[] { "id", "applied_at", "last_event_time", "sequence", "transaction_id" },
                values: new object[] { 1, null, null, 0L, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_lead_unit_id",
                table: "assignments",
                column: "lead_unit_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_status_due_at",
                table: "assignments",
                columns: new[] { "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_explanations_assignment_id",
                table: "explanations",
                column: "assignment_id");

            migrationBuilder.CreateIndex(
                name: "ix_explanations_notice_id",
                table: "explanations",
                column: "notice_id");

            migrationBuilder.CreateIndex(
                name: "ix_notices_assignment_id_kind_deadline_version_level",
                table: "notices",
                columns: new[] { "assignment_id", "kind", "deadline_version", "level" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_lead_unit_id_status",
                table: "notices",
                columns: new[] { "lead_unit_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_notices_request_id",
                table: "notices",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_weekly_reviews_scope_unit_id_week",
                table: "weekly_reviews",
                columns: new[] { "scope_unit_id", "week" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assignments");

            migrationBuilder.DropTable(
                name: "explanations");

            migrationBuilder.DropTable(
                name: "feed_position");

            migrationBuilder.DropTable(
                name: "notices");

            migrationBuilder.DropTable(
                name: "weekly_reviews");
        }
    }
}
