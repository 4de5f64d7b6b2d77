// Swagger UI for /docs, from the npm package served by this site (no CDN): the OpenAPI document of this API.
window.ui = window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  // no deep links: they are links inside each operation's toggle button, a control nested in a control
  deepLinking: false,
  oauth2RedirectUrl: `${window.location.origin}/docs/oauth2-redirect`,
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
});
