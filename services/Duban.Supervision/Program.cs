using Duban.ServiceDefaults;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Tokens;
using Duban.Supervision;
using Duban.Supervision.Data;
using Duban.Supervision.Grpc;

var builder = WebApplication.CreateBuilder(args);
if (builder.RunTokenCommand(args))
    return;
builder.AddServiceDefaults("duban-supervision");
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrateCommandAsync<SupervisionDb>(args))
    return;

app.MapDefaultEndpoints();
app.MapGrpcService<SupervisionGrpcService>();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
