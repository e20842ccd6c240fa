using Duban.ServiceDefaults;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Tokens;
using Duban.Units;
using Duban.Units.Data;
using Duban.Units.Grpc;

var builder = WebApplication.CreateBuilder(args);
if (builder.RunTokenCommand(args))
    return;
builder.AddServiceDefaults("duban-units");
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrateCommandAsync<UnitsDb>(args))
    return;

app.MapDefaultEndpoints();
app.MapGrpcService<UnitsGrpcService>();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
