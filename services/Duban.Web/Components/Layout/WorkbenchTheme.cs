using MudBlazor;

namespace Duban.Web.Components.Layout;

/// <summary>A sober government palette, and CJK fonts first so Chinese never falls back to a tofu box.</summary>
public static class WorkbenchTheme
{
    private static readonly string[] Fonts = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#b71c1c", Secondary = "#1565c0", AppbarBackground = "#b71c1c" },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = Fonts } },
    };
}
