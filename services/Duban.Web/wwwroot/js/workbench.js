// Charts: each <div class="wb-chart" data-chart="…"> holds its ECharts option as JSON, rendered on the server. They are
// drawn when the page loads and again after Blazor's enhanced navigation swaps the page in.
(function () {
  function draw() {
    document.querySelectorAll('.wb-chart[data-chart]').forEach(function (element) {
      if (element.dataset.drawn === element.dataset.chart) return;
      var chart = echarts.getInstanceByDom(element) || echarts.init(element, null, { renderer: 'svg' });
      chart.setOption(JSON.parse(element.dataset.chart), true);
      element.dataset.drawn = element.dataset.chart;
    });
  }
  document.addEventListener('DOMContentLoaded', draw);
  if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', draw);
  else document.addEventListener('DOMContentLoaded', function () { if (window.Blazor) Blazor.addEventListener('enhancedload', draw); });
  window.addEventListener('resize', function () {
    document.querySelectorAll('.wb-chart').forEach(function (element) { var c = echarts.getInstanceByDom(element); if (c) c.resize(); });
  });
})();
