using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReviewRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_weekly_reviews_scope_unit_id_week",
                table: "weekly_reviews");

            migrationBuilder.AddColumn<string>(
                name: "content_hash",
                table: "weekly_reviews",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "weekly_reviews",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateIndex(
                name: "ix_weekly_reviews_scope_unit_id_week_revision",
                table: "weekly_reviews",
                columns: new[] { "scope_unit_id", "week", "revision" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Before revisions a week had one review: keep each week's latest revision, so the old unique index holds.
            migrationBuilder.Sql("""
                DELETE FROM weekly_review_items i USING weekly_reviews r
                WHERE i.review_id = r.id
                  AND r.revision < (SELECT max(l.revision) FROM weekly_reviews l WHERE l.scope_unit_id = r.scope_unit_id AND l.week = r.week);
                DELETE FROM weekly_reviews r
                WHERE r.revision < (SELECT max(l.revision) FROM weekly_reviews l WHERE l.scope_unit_id = r.scope_unit_id AND l.week = r.week);
                """);

            migrationBuilder.DropIndex(
                name: "ix_weekly_reviews_scope_unit_id_week_revision",
                table: "weekly_reviews");

            migrationBuilder.DropColumn(
                name: "content_hash",
                table: "weekly_reviews");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "weekly_reviews");

            migrationBuilder.CreateIndex(
                name: "ix_weekly_reviews_scope_unit_id_week",
                table: "weekly_reviews",
                columns: new[] { "scope_unit_id", "week" },
                unique: true);
        }
    }
}
