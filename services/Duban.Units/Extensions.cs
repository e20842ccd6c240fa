using Duban.ServiceDefaults.Data;
using Duban.Units.Data;

namespace Duban.Units;

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<UnitsDb>("Units");
        builder.Services.Configure<SeedOptions>(builder.Configuration.GetSection(SeedOptions.Section));
        builder.Services.AddScoped<UnitStore>();
        builder.Services.AddScoped<PeopleStore>();
        builder.Services.AddScoped<NameResolver>();
        builder.Services.AddScoped<CollectiveStore>();
        builder.Services.AddOptions<RobotOptions>().Bind(builder.Configuration.GetSection(RobotOptions.Section)).ValidateOnStart();
        builder.Services.AddScoped<NotificationTargets>();
        builder.Services.AddScoped<IDatabaseSeeder<UnitsDb>, SampleUnitsSeeder>();
        return builder;
    }
}
