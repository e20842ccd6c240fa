using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class NoticeRecipients : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid[]>(
                name: "recipient_person_ids",
                table: "notices",
                type: "uuid[]",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "recipient_person_ids",
                table: "notices");
        }
    }
}
