using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Duban.Web.Localization;

/// <summary>
/// The components' own words in Chinese (the workbench is zh-CN throughout). Keys are MudBlazor's resource names; a key
/// not listed falls back to MudBlazor's English.
/// </summary>
public sealed class ChineseMudLocalizer : MudLocalizer
{
    private static readonly Dictionary<string, string> Texts = new()
    {
        ["MudDataGrid_AddFilter"] = "添加筛选",
        ["MudDataGrid_Apply"] = "应用",
        ["MudDataGrid_Cancel"] = "取消",
        ["MudDataGrid_Clear"] = "清除",
        ["MudDataGrid_Columns"] = "列",
        ["MudDataGrid_Contains"] = "包含",
        ["MudDataGrid_Filter"] = "筛选",
        ["MudDataGrid_Filters"] = "筛选",
        ["MudDataGrid_Hide"] = "隐藏",
        ["MudDataGrid_Loading"] = "加载中…",
        ["MudDataGrid_NoRecords"] = "没有记录",
        ["MudDataGrid_Sort"] = "排序",
        ["MudDataGrid_Value"] = "值",
        ["MudTablePager_InfoFormat"] = "{first_item}-{last_item}，共 {all_items} 条",
        ["MudTablePager_RowsPerPage"] = "每页行数：",
        ["MudTablePager_FirstPage"] = "首页",
        ["MudTablePager_LastPage"] = "末页",
        ["MudTablePager_NextPage"] = "下一页",
        ["MudTablePager_PreviousPage"] = "上一页",
        ["MudAlert_Close"] = "关闭",
        ["MudChip_Close"] = "移除",
        ["MudDialog_Close"] = "关闭",
        ["MudSnackbar_Close"] = "关闭",
        ["MudPagination_FirstPage"] = "首页",
        ["MudPagination_LastPage"] = "末页",
        ["MudPagination_NextPage"] = "下一页",
        ["MudPagination_PreviousPage"] = "上一页",
    };

    public override LocalizedString this[string key] =>
        Texts.TryGetValue(key, out var text) ? new LocalizedString(key, text) : new LocalizedString(key, key, resourceNotFound: true);

    public override LocalizedString this[string key, params object[] arguments] =>
        Texts.TryGetValue(key, out var text) ? new LocalizedString(key, string.Format(text, arguments)) : new LocalizedString(key, key, resourceNotFound: true);
}
