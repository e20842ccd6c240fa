using Duban.ServiceDefaults;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Tokens;
using Duban.Tasks;
using Duban.Tasks.Attachments;
using Duban.Tasks.Data;
using Duban.Tasks.Grpc;

var builder = WebApplication.CreateBuilder(args);
if (builder.RunTokenCommand(args))
    return;
builder.AddServiceDefaults("duban-tasks");
builder.AddApplicationServices();

var app = builder.Build();
if (await app.RunMigrateCommandAsync<TasksDb>(args))
    return;

app.MapDefaultEndpoints();
app.MapGrpcService<TasksGrpcService>();
app.MapAttachmentEndpoints();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
