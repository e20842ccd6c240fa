using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReviewTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "assigned",
                table: "weekly_reviews",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "completed_on_time",
                table: "weekly_reviews",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "overdue",
                table: "weekly_reviews",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "overdue_without_explanation",
                table: "weekly_reviews",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "assigned",
                table: "weekly_reviews");

            migrationBuilder.DropColumn(
                name: "completed_on_time",
                table: "weekly_reviews");

            migrationBuilder.DropColumn(
                name: "overdue",
                table: "weekly_reviews");

            migrationBuilder.DropColumn(
                name: "overdue_without_explanation",
                table: "weekly_reviews");
        }
    }
}
