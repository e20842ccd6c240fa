using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class NoticeRounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notices_assignment_id_kind_deadline_version_level",
                table: "notices");

            migrationBuilder.AddColumn<string>(
                name: "lead_unit_name",
                table: "notices",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "round",
                table: "notices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "supervision_round",
                table: "assignments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "urgency",
                table: "notices",
                type: "integer",
                nullable: false,
                computedColumnSql: "CASE kind WHEN 3 THEN 10 + least(level, 80) WHEN 2 THEN 10\nWHEN 6 THEN 9 WHEN 4 THEN 8 WHEN 5 THEN 7\nWHEN 7 THEN 5 + least(level, 1) ELSE 4 END",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_assignment_id_kind_deadline_version_level_round",
                table: "notices",
                columns: new[] { "assignment_id", "kind", "deadline_version", "level", "round" },
                unique: true);

            // Work returned (退办) before rounds existed had every notice resolved by its claim: each return counts as a
            // round, so the next scan raises what is due again.
            migrationBuilder.Sql("UPDATE assignments SET supervision_round = rejected_completions WHERE rejected_completions > 0");
            // Work still awaiting verification had its notices resolved by the claim alone: they are paused instead.
            migrationBuilder.Sql("""
                UPDATE notices n SET status = 4, resolved_at = NULL
                FROM assignments a
                WHERE a.id = n.assignment_id AND a.status = 4 AND n.status = 3 AND n.kind <> 6 AND n.deadline_version = a.deadline_version
                """);
            // One open notice per chain from now on: the open ones below a higher level already raised are superseded (a scan
            // supersedes only as it raises).
            migrationBuilder.Sql("""
                UPDATE notices o SET status = 5, resolved_at = now()
                WHERE o.status IN (1, 2) AND o.kind IN (1, 2, 3, 7)
                  AND EXISTS (SELECT 1 FROM notices n
                              WHERE n.assignment_id = o.assignment_id AND n.deadline_version = o.deadline_version
                                AND ((o.kind IN (1, 2, 3) AND n.kind IN (1, 2, 3)
                                      AND CASE n.kind WHEN 1 THEN 0 WHEN 2 THEN 1 ELSE 1 + n.level END > CASE o.kind WHEN 1 THEN 0 WHEN 2 THEN 1 ELSE 1 + o.level END)
                                     OR (o.kind = 7 AND n.kind = 7 AND n.level > o.level)))
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notices_assignment_id_kind_deadline_version_level_round",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "urgency",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "lead_unit_name",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "round",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "supervision_round",
                table: "assignments");

            migrationBuilder.CreateIndex(
                name: "ix_notices_assignment_id_kind_deadline_version_level",
                table: "notices",
                columns: new[] { "assignment_id", "kind", "deadline_version", "level" },
                unique: true);
        }
    }
}
