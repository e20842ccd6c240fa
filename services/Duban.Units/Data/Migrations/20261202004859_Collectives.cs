using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Units.Data.Migrations
{
    /// <inheritdoc />
    public partial class Collectives : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "collectives",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    scope_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    create_request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    create_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collectives", x => x.id);
                    table.ForeignKey(
                        name: "FK_collectives_units_scope_unit_id",
                        column: x => x.scope_unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "collective_members",
                columns: table => new
                {
                    collective_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    member_collective_id = table.Column<Guid>(type: "uuid", nullable: true),
                    level_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    unit_kind = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collective_members", x => new { x.collective_id, x.position });
                    table.ForeignKey(
                        name: "FK_collective_members_collectives_collective_id",
                        column: x => x.collective_id,
                        principalTable: "collectives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_collective_members_collectives_member_collective_id",
                        column: x => x.member_collective_id,
                        principalTable: "collectives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_collective_members_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "collective_names",
                columns: table => new
                {
                    collective_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    normalized = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    scope_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    text = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_collective_names", x => new { x.collective_id, x.kind, x.normalized });
                    table.ForeignKey(
                        name: "FK_collective_names_collectives_collective_id",
                        column: x => x.collective_id,
                        principalTable: "collectives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_collective_members_member_collective_id",
                table: "collective_members",
                column: "member_collective_id");

            migrationBuilder.CreateIndex(
                name: "IX_collective_members_unit_id",
                table: "collective_members",
                column: "unit_id");

            migrationBuilder.CreateIndex(
                name: "IX_collective_names_normalized",
                table: "collective_names",
                column: "normalized");

            migrationBuilder.CreateIndex(
                name: "IX_collective_names_scope_unique",
                table: "collective_names",
                columns: new[] { "scope_unit_id", "normalized" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_collectives_create_request_id",
                table: "collectives",
                column: "create_request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_collectives_scope_unit_id",
                table: "collectives",
                column: "scope_unit_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "collective_members");

            migrationBuilder.DropTable(
                name: "collective_names");

            migrationBuilder.DropTable(
                name: "collectives");
        }
    }
}
