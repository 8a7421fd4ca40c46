// Live progress of the campaign page (served as a file: the Content-Security-Policy allows no inline script).
// Ask every second whether the campaign moved; repaint only the cells that changed.
(function () {
  const badge = document.getElementById("trang-thai-truc-tiep");
  if (!badge) return;
  let token = badge.dataset.token;
  const url = badge.dataset.url + window.location.search;
  const pollMs = Number(badge.dataset.pollMs) || 1000;
  async function tick() {
    try {
      const sep = url.includes("?") ? "&" : "?";
      const r = await fetch(url + sep + "token=" + encodeURIComponent(token), {credentials: "same-origin"});
      if (r.ok) {
        const data = await r.json();
        token = data.token;
        badge.textContent = "cập nhật trực tiếp · " + new Date().toLocaleTimeString("vi-VN");
        if (data.changed) {
          for (const [organ, cells] of Object.entries(data.cells)) {
            const row = document.querySelector('tr[data-organ="' + organ + '"]');
            if (!row) continue;
            for (const [test, state] of Object.entries(cells)) {
              const td = row.querySelector('td[data-test="' + test + '"]');
              if (!td) continue;
              if (test === "_complete") {
                td.textContent = state;
                td.className = "verdict " + (state === "Hoàn thành" ? "passed" : "failed");
              } else if (!td.classList.contains(state)) {
                td.className = "cell " + state;
                td.textContent = data.labels[state];
                td.title = test + ": " + data.labels[state];
              }
            }
          }
          document.getElementById("so-hoan-thanh").textContent = data.complete;
        }
      } else {
        badge.textContent = "mất kết nối, đang thử lại";
      }
    } catch (e) {
      badge.textContent = "mất kết nối, đang thử lại";
    }
    setTimeout(tick, pollMs);
  }
  setTimeout(tick, pollMs);
})();
