using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Duban.Supervision.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenAssignmentsCountedByUnit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each unit's count of assignments with an open status (1, 2, 3), kept by triggers in the transaction that changes
            // the projection, so a weekly review reads 5,000 counts instead of counting a million rows, and reads them in the
            // same snapshot as the rows it lists. Triggers rather than the applier's code: every writer (the feed, a bulk
            // COPY) keeps the count. Inserts and deletes are counted per statement from their transition tables (a COPY of
            // a million rows is one upsert of its units); an update only when it moves a row in or out of open or to another
            // unit, which PostgreSQL checks before calling the function. A unit's count stays locked until its writer commits;
            // two writers locking the same counts in different orders deadlock, PostgreSQL rolls one back whole, and the feed
            // follower applies that batch again from its stored cursor.
            migrationBuilder.Sql("""
                CREATE TABLE open_assignments_by_unit (
                    lead_unit_id uuid PRIMARY KEY,
                    open_count integer NOT NULL
                );

                CREATE FUNCTION count_open_assignments(delta_unit uuid[], delta integer[]) RETURNS void LANGUAGE sql AS $$
                    INSERT INTO open_assignments_by_unit AS counted (lead_unit_id, open_count)
                    SELECT unit, sum(d) FROM unnest(delta_unit, delta) AS change(unit, d)
                    GROUP BY unit HAVING sum(d) <> 0 ORDER BY unit
                    ON CONFLICT (lead_unit_id) DO UPDATE SET open_count = counted.open_count + excluded.open_count
                $$;

                CREATE FUNCTION count_open_assignments_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM count_open_assignments(array_agg(lead_unit_id), array_agg(1)) FROM inserted WHERE status IN (1, 2, 3);
                    RETURN NULL;
                END $$;

                CREATE FUNCTION count_open_assignments_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM count_open_assignments(array_agg(lead_unit_id), array_agg(-1)) FROM deleted WHERE status IN (1, 2, 3);
                    RETURN NULL;
                END $$;

                CREATE FUNCTION count_open_assignments_updated() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM count_open_assignments(
                        ARRAY[OLD.lead_unit_id, NEW.lead_unit_id],
                        ARRAY[CASE WHEN OLD.status IN (1, 2, 3) THEN -1 ELSE 0 END, CASE WHEN NEW.status IN (1, 2, 3) THEN 1 ELSE 0 END]);
                    RETURN NULL;
                END $$;

                CREATE FUNCTION count_open_assignments_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM open_assignments_by_unit;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER open_assignments_inserted AFTER INSERT ON assignments
                    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION count_open_assignments_inserted();
                CREATE TRIGGER open_assignments_deleted AFTER DELETE ON assignments
                    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION count_open_assignments_deleted();
                CREATE TRIGGER open_assignments_updated AFTER UPDATE OF status, lead_unit_id ON assignments FOR EACH ROW
                    WHEN ((OLD.status IN (1, 2, 3)) IS DISTINCT FROM (NEW.status IN (1, 2, 3)) OR OLD.lead_unit_id IS DISTINCT FROM NEW.lead_unit_id)
                    EXECUTE FUNCTION count_open_assignments_updated();
                CREATE TRIGGER open_assignments_truncated AFTER TRUNCATE ON assignments
                    FOR EACH STATEMENT EXECUTE FUNCTION count_open_assignments_truncated();

                -- The triggers' lock on assignments holds writers off until this commits, so nothing is counted twice or missed.
                INSERT INTO open_assignments_by_unit (lead_unit_id, open_count)
                SELECT lead_unit_id, count(*) FROM assignments WHERE status IN (1, 2, 3) GROUP BY lead_unit_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER open_assignments_inserted ON assignments;
                DROP TRIGGER open_assignments_deleted ON assignments;
                DROP TRIGGER open_assignments_updated ON assignments;
                DROP TRIGGER open_assignments_truncated ON assignments;
                DROP FUNCTION count_open_assignments_inserted();
                DROP FUNCTION count_open_assignments_deleted();
                DROP FUNCTION count_open_assignments_updated();
                DROP FUNCTION count_open_assignments_truncated();
                DROP FUNCTION count_open_assignments(uuid[], integer[]);
                DROP TABLE open_assignments_by_unit;
                """);
        }
    }
}
