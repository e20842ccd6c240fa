using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class WeeklyReviewItems : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "weekly_review_items",
                columns: table => new
                {
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    list = table.Column<short>(type: "smallint", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    owner_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    days = table.Column<int>(type: "integer", nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    has_explanation = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_weekly_review_items", x => new { x.review_id, x.list, x.position });
                });

            // Reviews stored before kept their lists inside the report: move them to rows, in their order.
            migrationBuilder.Sql("""
                INSERT INTO weekly_review_items (review_id, list, position, assignment_id, title, unit_id, unit_name, owner_name,
                                                 due_date, days, progress_percent, has_explanation)
                SELECT r.id, l.list, i.n - 1, (i.item->>'assignmentId')::uuid, i.item->>'title', (i.item->>'unitId')::uuid,
                       i.item->>'unitName', coalesce(i.item->>'ownerName', ''), (i.item->>'dueDate')::date, (i.item->>'daysOverdue')::int,
                       (i.item->>'progressPercent')::int, (i.item->>'hasExplanation')::boolean
                FROM weekly_reviews r
                CROSS JOIN (VALUES (1, 'newlyOverdue'), (2, 'stillOverdue'), (3, 'completedThisWeek'), (4, 'dueNextWeek')) AS l(list, name)
                CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.report->l.name, '[]'::jsonb)) WITH ORDINALITY AS i(item, n);
                UPDATE weekly_reviews
                SET report = jsonb_set(jsonb_set(jsonb_set(jsonb_set(report, '{newlyOverdue}', '[]'), '{stillOverdue}', '[]'),
                                                 '{completedThisWeek}', '[]'), '{dueNextWeek}', '[]')
                WHERE report ? 'newlyOverdue';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE weekly_reviews r
                SET report = r.report || (
                    SELECT jsonb_object_agg(l.name, coalesce((
                        SELECT jsonb_agg(jsonb_build_object('assignmentId', i.assignment_id, 'title', i.title, 'unitId', i.unit_id,
                                    'unitName', i.unit_name, 'ownerName', i.owner_name, 'dueDate', i.due_date, 'daysOverdue', i.days,
                                    'progressPercent', i.progress_percent, 'hasExplanation', i.has_explanation) ORDER BY i.position)
                        FROM weekly_review_items i WHERE i.review_id = r.id AND i.list = l.list), '[]'::jsonb))
                    FROM (VALUES (1, 'newlyOverdue'), (2, 'stillOverdue'), (3, 'completedThisWeek'), (4, 'dueNextWeek')) AS l(list, name));
                """);
            migrationBuilder.DropTable(
                name: "weekly_review_items");
        }
    }
}
