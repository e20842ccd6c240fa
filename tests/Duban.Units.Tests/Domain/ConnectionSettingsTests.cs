using Duban.ServiceDefaults.Data;
using Npgsql;

namespace Duban.Units.Tests.Domain;

/// <summary>The services prepare recurring statements unless the connection string an operator gives says otherwise.</summary>
public class ConnectionSettingsTests
{
    private static NpgsqlConnectionStringBuilder Tuned(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        DatabaseExtensions.Tune(settings, connectionString);
        return settings;
    }

    [Fact]
    public void Recurring_statements_are_prepared_by_default_and_pooled_connections_are_not_reset()
    {
        var settings = Tuned("Host=127.0.0.1;Database=duban_units;Username=postgres");
        Assert.Equal((DatabaseExtensions.DefaultMaxAutoPrepare, true), (settings.MaxAutoPrepare, settings.NoResetOnClose));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;max auto prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=0", 0)]
    [InlineData("Host=db;Max Auto Prepare=20", 20)]
    public void A_connection_string_that_names_its_own_preparation_keeps_it(string connectionString, int expected) =>
        Assert.Equal(expected, Tuned(connectionString).MaxAutoPrepare);
}
