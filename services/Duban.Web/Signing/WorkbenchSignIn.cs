using System.Security.Claims;
using Duban.ServiceDefaults.Auth;
using Duban.Web.Backends;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Web.Signing;

/// <summary>
/// Sign-in. With Auth:Authority set, OpenID Connect (code flow with PKCE) against that provider: the access token it
/// issues is what the services see. Without one, the local run's sign-in page: pick a person of the units service and
/// get a token signed with the local key, for that person's own unit and roles (marked as local only). Either way the
/// token stays in the encrypted cookie on the server side of each call; the browser never sees it.
/// </summary>
public static class WorkbenchSignIn
{
    public const string TokenName = "access_token";
    /// <summary>The unit kind of a supervision office (督查室): its people sign in with the office role.</summary>
    public const string OfficeKind = "督查机构";

    public static bool IsLocal(IConfiguration configuration) => string.IsNullOrWhiteSpace(configuration["Auth:Authority"]);

    public static WebApplicationBuilder AddWorkbenchSignIn(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var local = IsLocal(builder.Configuration);
        var authentication = builder.Services.AddAuthentication(options =>
        {
            options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.DefaultChallengeScheme = local ? CookieAuthenticationDefaults.AuthenticationScheme : OpenIdConnectDefaults.AuthenticationScheme;
        }).AddCookie(options =>
        {
            options.Cookie.Name = "duban.workbench";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = "/signin";
            options.AccessDeniedPath = "/signin";
            // The cookie lives as long as the token in it (ExpiresUtc is set from the token at sign-in).
            options.SlidingExpiration = false;
        });
        if (!local)
        {
            authentication.AddOpenIdConnect(options =>
            {
                options.Authority = auth.Authority;
                options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                options.ClientId = auth.ClientId;
                options.ClientSecret = auth.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                // The code comes back on a top-level redirect (not a cross-site form post), so the correlation and nonce
                // cookies can be SameSite=Lax and work on an intranet's plain http as well as on https.
                options.ResponseMode = "query";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SaveTokens = true;
                options.MapInboundClaims = false;
                options.Scope.Clear();
                foreach (var scope in ("openid profile " + auth.Scope).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct())
                    options.Scope.Add(scope);
                options.Events.OnTokenValidated = context =>
                {
                    // Who the person is for Duban is what the access token says (the services read that one).
                    var token = context.TokenEndpointResponse?.AccessToken ?? "";
                    context.Principal = PrincipalFromToken(token, auth.ClaimNames, context.Scheme.Name);
                    context.Properties!.ExpiresUtc = new JsonWebToken(token).ValidTo;
                    return Task.CompletedTask;
                };
            });
        }
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>A principal carrying Duban's claims as the token names them (not validated here: the services validate each call).</summary>
    public static ClaimsPrincipal PrincipalFromToken(string token, ClaimNameOptions names, string authenticationType)
    {
        var identity = new ClaimsIdentity(new JsonWebToken(token).Claims, authenticationType, DubanClaims.Name, DubanClaims.Roles);
        ClaimNameMapping.Apply(identity, names);
        return new ClaimsPrincipal(identity);
    }

    public static void MapSignInEndpoints(this WebApplication app)
    {
        // The local sign-in: the form names a person and one of their units; the roles come from the units service.
        app.MapPost("/signin/local", async ([FromForm] string personId, [FromForm] string unitId, HttpContext http, LocalSignIn signIn) =>
        {
            if (!IsLocal(app.Configuration))
                return Results.NotFound();
            var token = await signIn.TokenForAsync(personId, unitId, http.RequestAborted);
            if (token is null)
                return Results.Redirect("/signin?refused=1");
            var properties = new AuthenticationProperties { ExpiresUtc = new JsonWebToken(token).ValidTo, IsPersistent = false };
            properties.StoreTokens([new AuthenticationToken { Name = TokenName, Value = token }]);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                PrincipalFromToken(token, new ClaimNameOptions(), CookieAuthenticationDefaults.AuthenticationScheme), properties);
            return Results.Redirect("/");
        }).AllowAnonymous();

        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (!IsLocal(app.Configuration))
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme]);
            return Results.Redirect("/signin");
        });
    }
}

/// <summary>
/// The local run's sign-in: tokens minted with the local key for a person of the units service. The roles follow the
/// person's role in the chosen unit — 负责人 or 副职: lead; 联络员 or 工作人员: staff — and anyone of a supervision
/// office's unit (kind 督查机构) signs in as the office.
/// </summary>
public sealed class LocalSignIn(IConfiguration configuration, Units.UnitsService.UnitsServiceClient units, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>Where a request keeps the workbench's own token while it lists people to sign in as.</summary>
    public const string WorkbenchTokenItem = "duban.workbench-token";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly AuthOptions _auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

    private byte[] Key => AuthenticationExtensions.LocalKey(_auth);

    /// <summary>This request's calls go with the workbench's own short token: for listing the people to sign in as.</summary>
    public void ActAsWorkbench() => http.HttpContext!.Items[WorkbenchTokenItem] =
        LocalTokens.Mint(Key, "duban-web", "", [DubanRoles.Service], TimeSpan.FromMinutes(5), "duban-web", _auth.Issuer, _auth.Audience, time);

    public static IReadOnlyList<string> RolesIn(Units.Unit unit, Units.UnitRole role)
    {
        var roles = new List<string>();
        if (unit.Kind == WorkbenchSignIn.OfficeKind)
            roles.Add(DubanRoles.Office);
        roles.Add(role is Units.UnitRole.Lead or Units.UnitRole.Deputy ? DubanRoles.Lead : DubanRoles.Staff);
        return roles;
    }

    public async Task<string?> TokenForAsync(string personId, string unitId, CancellationToken ct)
    {
        if (!Guid.TryParse(personId, out _) || !Guid.TryParse(unitId, out _))
            return null;
        ActAsWorkbench();
        var person = await units.GetPersonAsync(new Units.GetPersonRequest { Id = personId }, cancellationToken: ct);
        var role = person.Roles.FirstOrDefault(r => r.UnitId == unitId);
        if (role is null || !person.Active)
            return null;
        var unit = await units.GetUnitAsync(new Units.GetUnitRequest { Id = unitId }, cancellationToken: ct);
        return LocalTokens.Mint(Key, person.Id, unit.Id, RolesIn(unit, role.Role), Lifetime, person.Name, _auth.Issuer, _auth.Audience, time);
    }
}
