# The web workbench: docker build -f deploy/docker/web.Dockerfile .
# Its charts library (ECharts) comes from npm at build time and is served from the app's own files.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY services/ services/
RUN dotnet publish services/Duban.Web/Duban.Web.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ENV DOTNET_gcServer=0 \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:5400
WORKDIR /app
COPY --from=build /app .
RUN mkdir /keys && chown "$APP_UID:$APP_UID" /keys
USER $APP_UID
EXPOSE 5400
ENTRYPOINT ["dotnet", "Duban.Web.dll"]
