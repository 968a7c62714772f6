// Plain forms ask for confirmation where they carry data-confirm (HTMX forms use hx-confirm).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !event.target.hasAttribute("hx-confirm") && !window.confirm(message)) {
    event.preventDefault();
  }
});
