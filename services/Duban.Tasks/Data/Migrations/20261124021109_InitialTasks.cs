using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Duban.Tasks.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "plans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    issuing_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    issue_date = table.Column<DateOnly>(type: "date", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    source_text = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    create_request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    create_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "task_events",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    transaction_id = table.Column<ulong>(type: "xid8", nullable: false, defaultValueSql: "pg_current_xact_id()"),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    snapshot = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_events", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "plan_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    numbering = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    path_label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    attributes = table.Column<string>(type: "jsonb", nullable: false),
                    source_line = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    depth = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_items_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "assignments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_assignment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    assigning_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lead_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    co_unit_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    owner_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    deadline_kind = table.Column<int>(type: "integer", nullable: false),
                    deadline_text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    due_precision = table.Column<int>(type: "integer", nullable: true),
                    milestones = table.Column<string>(type: "jsonb", nullable: false),
                    original_due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    deadline_version = table.Column<int>(type: "integer", nullable: false),
                    deadline_context_date = table.Column<DateOnly>(type: "date", nullable: false),
                    target = table.Column<string>(type: "jsonb", nullable: true),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    create_request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    create_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completion_requested_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pending_extension = table.Column<string>(type: "jsonb", nullable: true),
                    child_count = table.Column<int>(type: "integer", nullable: false),
                    open_child_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignments", x => x.id);
                    table.ForeignKey(
                        name: "fk_assignments_assignments_parent_assignment_id",
                        column: x => x.parent_assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assignments_plan_items_item_id",
                        column: x => x.item_id,
                        principalTable: "plan_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assignments_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "assignment_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status_after = table.Column<int>(type: "integer", nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    links = table.Column<string[]>(type: "text[]", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignment_history", x => x.id);
                    table.ForeignKey(
                        name: "fk_assignment_history_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_assignment_history_assignment_id_id",
                table: "assignment_history",
                columns: new[] { "assignment_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_create_request_id",
                table: "assignments",
                column: "create_request_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_item_id",
                table: "assignments",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_lead_unit_id_due_date",
                table: "assignments",
                columns: new[] { "lead_unit_id", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_owner_person_id",
                table: "assignments",
                column: "owner_person_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_parent_assignment_id",
                table: "assignments",
                column: "parent_assignment_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_plan_id_item_id",
                table: "assignments",
                columns: new[] { "plan_id", "item_id" });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_status_due_date",
                table: "assignments",
                columns: new[] { "status", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_plan_items_plan_id_position",
                table: "plan_items",
                columns: new[] { "plan_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ix_plans_create_request_id",
                table: "plans",
                column: "create_request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_plans_issuing_unit_id",
                table: "plans",
                column: "issuing_unit_id");

            migrationBuilder.CreateIndex(
                name: "ix_task_events_transaction_id_sequence",
                table: "task_events",
                columns: new[] { "transaction_id", "sequence" },
                unique: true);

            // Wake feed watchers once per statement that adds events (a bulk COPY included), at commit.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_task_events() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('task_events', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER task_events_notify AFTER INSERT ON task_events
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_task_events();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER task_events_notify ON task_events; DROP FUNCTION notify_task_events();");

            migrationBuilder.DropTable(
                name: "assignment_history");

            migrationBuilder.DropTable(
                name: "task_events");

            migrationBuilder.DropTable(
                name: "assignments");

            migrationBuilder.DropTable(
                name: "plan_items");

            migrationBuilder.DropTable(
                name: "plans");
        }
    }
}
