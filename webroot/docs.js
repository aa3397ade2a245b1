// Renders the OpenAPI document on /docs. A token typed into "Authorize" lives in this page only: it is
// not kept in the browser's storage (persistAuthorization: false), so it is gone when the tab is.
window.ui = SwaggerUIBundle({
  url: document.getElementById('swagger-ui').dataset.openapi,
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false
});
