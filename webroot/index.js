async function refresh() {
  const body = document.getElementById('services');
  try {
    const response = await fetch('/status');
    const status = await response.json();
    body.replaceChildren(...Object.entries(status.services).map(([name, s]) => {
      const row = document.createElement('tr');
      for (const [text, cls] of [[name], [s.status, s.status], [s.instances], [s.healthy]]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (cls) cell.className = cls;
        row.appendChild(cell);
      }
      return row;
    }));
  } catch (e) {
    body.innerHTML = '<tr><td colspan="4" class="DOWN">gateway unreachable</td></tr>';
  }
}
refresh();
setInterval(refresh, 2000);
