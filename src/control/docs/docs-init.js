// The browsable API docs of dth serve: Swagger UI on the hub's OpenAPI document (the
// same bytes as /api/v1/openapi.json, served beside this page without a token). Sign in
// with POST /api/v1/auth/token ("Try it out"), then "Authorize" with the token.
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
  validatorUrl: null
});
