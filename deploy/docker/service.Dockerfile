# One image recipe for every Duban service: docker build --build-arg PROJECT=Duban.Units -f deploy/docker/service.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY services/ services/
RUN dotnet publish services/${PROJECT}/${PROJECT}.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT
ENV SERVICE_DLL=${PROJECT}.dll \
    DOTNET_gcServer=0 \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:5100 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:5101
WORKDIR /app
COPY --from=build /app .
# /keys holds compose's local signing key (a named volume takes this folder's owner on first use).
RUN mkdir /keys && chown "$APP_UID:$APP_UID" /keys
# The image's non-root `app` user, by number (1654) so that Kubernetes' runAsNonRoot can check it.
USER $APP_UID
EXPOSE 5100 5101
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\" \"$@\"", "--"]
