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

// Live notices: ask /notices/live for the notices raised after the newest one seen; the answer waits until there is one
// (or about 25 s pass), then ask again. Plain HTTP requests: this works where WebSockets are blocked, in Chromium 87+.
(function () {
  var after = null;
  var count = 0;
  function panel() { return document.querySelector('[data-live-notices]'); }
  function show(notices) {
    var element = panel();
    if (!element || notices.length === 0) return;
    var list = element.querySelector('.wb-live-list');
    var hint = list.querySelector('.wb-muted');
    if (hint) hint.remove();
    notices.forEach(function (n) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = '/matters/' + encodeURIComponent(n.assignmentId);
      link.textContent = '【' + n.kind + '】' + (n.unit ? n.unit + '：' : '') + n.message;
      item.appendChild(link);
      list.insertBefore(item, list.firstChild);
    });
    count += notices.length;
    element.querySelector('.wb-live-count').textContent = String(count);
    element.classList.add('wb-live-new');
  }
  function poll() {
    var element = panel();
    if (!element) { setTimeout(poll, 5000); return; }
    if (after === null) after = element.dataset.after;
    fetch('/notices/live?after=' + encodeURIComponent(after), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (body) {
        var notices = body.notices || [];
        if (notices.length > 0) after = notices[notices.length - 1].raiseTime;
        show(notices);
        setTimeout(poll, 200);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  document.addEventListener('DOMContentLoaded', function () { setTimeout(poll, 500); });
})();
