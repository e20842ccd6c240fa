using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class WeeklyReviewListsCompressed : Migration
    {
        // The lists as StoredReviewLists reads them (its layout is made of PostgreSQL's send functions): DRL1, then per list
        // its count and items in order.
        private const string ListsFromItems = """
            SELECT 'DRL1'::bytea || string_agg(int4send(coalesce(n.count, 0)) || coalesce(n.items, ''::bytea), ''::bytea ORDER BY l.list)
            FROM (VALUES (1), (2), (3), (4)) AS l(list)
            LEFT JOIN LATERAL (
                SELECT count(*)::int AS count,
                       string_agg(uuid_send(i.assignment_id) || uuid_send(i.unit_id)
                                  || int4send(octet_length(convert_to(i.title, 'UTF8'))) || convert_to(i.title, 'UTF8')
                                  || int4send(octet_length(convert_to(i.unit_name, 'UTF8'))) || convert_to(i.unit_name, 'UTF8')
                                  || int4send(octet_length(convert_to(i.owner_name, 'UTF8'))) || convert_to(i.owner_name, 'UTF8')
                                  || int4send(coalesce(i.due_date - date '2000-01-01', -2147483648)) || int4send(i.days)
                                  || int2send(i.progress_percent::smallint) || boolsend(i.has_explanation), ''::bytea ORDER BY i.position) AS items
                FROM weekly_review_items i WHERE i.review_id = r.id AND i.list = l.list) n ON true
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "lists",
                table: "weekly_reviews",
                type: "bytea",
                nullable: true);

            // Each review's item rows become its lists, in their order (not gzipped: SQL cannot; the service reads both).
            migrationBuilder.Sql($"UPDATE weekly_reviews r SET lists = ({ListsFromItems});");

            migrationBuilder.AlterColumn<byte[]>(
                name: "lists",
                table: "weekly_reviews",
                type: "bytea",
                nullable: false,
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldNullable: true);

            migrationBuilder.DropTable(
                name: "weekly_review_items");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The lists are a binary value (gzipped when the service wrote it) SQL cannot take apart again: going down is
            // refused unless every review's lists are the four empty ones, as the migration up writes them.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM weekly_reviews WHERE lists <> '\x44524c3100000000000000000000000000000000'::bytea) THEN
                        RAISE EXCEPTION 'weekly reviews hold stored lists, which cannot be moved back to rows; going below WeeklyReviewListsCompressed would lose them';
                    END IF;
                END $$;
                """);

            migrationBuilder.CreateTable(
                name: "weekly_review_items",
                columns: table => new
                {
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    list = table.Column<short>(type: "smallint", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: true),
                    has_explanation = table.Column<bool>(type: "boolean", nullable: false),
                    owner_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_weekly_review_items", x => new { x.review_id, x.list, x.position });
                });

            migrationBuilder.DropColumn(
                name: "lists",
                table: "weekly_reviews");
        }
    }
}
