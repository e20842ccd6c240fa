using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Units.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotificationTargets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "dingtalk_secret",
                table: "units",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "dingtalk_webhook_url",
                table: "units",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "wecom_webhook_url",
                table: "units",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int[]>(
                name: "opted_out_channels",
                table: "people",
                type: "integer[]",
                nullable: false,
                defaultValue: new int[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "dingtalk_secret",
                table: "units");

            migrationBuilder.DropColumn(
                name: "dingtalk_webhook_url",
                table: "units");

            migrationBuilder.DropColumn(
                name: "wecom_webhook_url",
                table: "units");

            migrationBuilder.DropColumn(
                name: "opted_out_channels",
                table: "people");
        }
    }
}
