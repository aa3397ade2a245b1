package io.micronet.gateway;

import io.micronet.shared.security.Access;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code openapi.json} true: every route of {@link ApiRoutes} and every {@link GatewayEndpoint} is
 * documented with the security its access asks for, nothing else is, and the gateway serves the
 * document and the swagger-ui page (with its files) through real HTTP.
 */
@ExtendWith(VertxExtension.class)
class OpenApiDocumentTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final Pattern PATH_PARAM = Pattern.compile(":(\\w+)");
  private static final Pattern SCRIPT = Pattern.compile("<script src=\"([^\"]+swagger-ui-bundle\\.js)\"");

  private static final JsonObject DOCUMENT = new JsonObject(ApiDocs.resource(ApiDocs.OPENAPI_RESOURCE));

  /** "GET /api/products/{id}" → access, for every route the gateway has. */
  private static Map<String, Access> routerOperations() {
    Map<String, Access> operations = new TreeMap<>();
    ApiRoutes.ALL.forEach(route -> operations.put(key(route.method(), route.path()), route.access()));
    for (GatewayEndpoint endpoint : GatewayEndpoint.values()) {
      operations.put(key(endpoint.method(), endpoint.path()), endpoint.access());
    }
    return operations;
  }

  /** "GET /api/products/{id}" → the operation, for every operation of the document. */
  private static Map<String, JsonObject> documentedOperations() {
    Map<String, JsonObject> operations = new TreeMap<>();
    JsonObject paths = DOCUMENT.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      item.fieldNames().stream().filter(METHODS::contains)
        .forEach(method -> operations.put(method.toUpperCase() + " " + path, item.getJsonObject(method)));
    }
    return operations;
  }

  private static String key(HttpMethod method, String vertxPath) {
    return method.name() + " " + PATH_PARAM.matcher(vertxPath).replaceAll("{$1}");
  }

  @Test
  void isOpenApi3() {
    assertTrue(DOCUMENT.getString("openapi", "").startsWith("3."), DOCUMENT.getString("openapi"));
    assertEquals("bearer", DOCUMENT.getJsonObject("components").getJsonObject("securitySchemes")
      .getJsonObject("bearerAuth").getString("scheme"));
  }

  @Test
  void documentsExactlyTheRoutesOfTheGateway() {
    Set<String> routes = routerOperations().keySet();
    Set<String> documented = documentedOperations().keySet();
    Set<String> missing = new TreeSet<>(routes);
    missing.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(routes);
    assertTrue(missing.isEmpty(), "routes without documentation: " + missing);
    assertTrue(unknown.isEmpty(), "documented operations the gateway does not have: " + unknown);
  }

  @Test
  void securityFollowsEachRoutesAccess() {
    Map<String, JsonObject> documented = documentedOperations();
    routerOperations().forEach((operation, access) -> {
      JsonArray security = documented.get(operation).getJsonArray("security");
      if (access == Access.PUBLIC) {
        assertEquals(new JsonArray(), security, operation + " is public");
      } else {
        assertEquals(new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())), security,
          operation + " needs a bearer token");
        assertTrue(documented.get(operation).getJsonObject("responses").containsKey("401"), operation + " answers 401");
      }
      if (access == Access.MANAGER) {
        assertTrue(documented.get(operation).getJsonObject("responses").containsKey("403"), operation + " answers 403");
      }
    });
  }

  @Test
  void pathParametersAreDeclared() {
    Pattern template = Pattern.compile("\\{(\\w+)}");
    documentedOperations().forEach((operation, body) -> {
      Set<String> inPath = new TreeSet<>();
      Matcher matcher = template.matcher(operation);
      while (matcher.find()) {
        inPath.add(matcher.group(1));
      }
      Set<String> declared = body.getJsonArray("parameters", new JsonArray()).stream()
        .map(p -> resolve((JsonObject) p))
        .filter(p -> "path".equals(p.getString("in")))
        .map(p -> p.getString("name"))
        .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(inPath, declared, operation);
    });
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject target = DOCUMENT;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part);
    }
    return target;
  }

  @Test
  void servedByTheGateway(@TempDir Path dataDir) {
    try (AllInOne app = AllInOne.start(dataDir, new JsonObject())) {
      HttpResponse<Buffer> document = app.call(HttpMethod.GET, GatewayEndpoint.OPENAPI.path()).send();
      assertEquals(200, document.statusCode());
      assertTrue(document.getHeader("Content-Type").startsWith("application/json"), document.getHeader("Content-Type"));
      assertTrue(document.bodyAsJsonObject().getString("openapi", "").startsWith("3."));

      HttpResponse<Buffer> page = app.call(HttpMethod.GET, GatewayEndpoint.DOCS.path()).send();
      assertEquals(200, page.statusCode());
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
      String html = page.bodyAsString();
      assertTrue(html.contains("/openapi.json"), "the page loads /openapi.json");
      Matcher script = SCRIPT.matcher(html);
      assertTrue(script.find(), "the page loads swagger-ui's bundle: " + html);
      assertTrue(script.group(1).startsWith("/webjars/"), "from the gateway, not a CDN: " + script.group(1));

      HttpResponse<Buffer> bundle = app.call(HttpMethod.GET, script.group(1)).send();
      assertEquals(200, bundle.statusCode(), script.group(1));
      assertTrue(bundle.body().length() > 10_000, "the bundle has content");
    }
  }
}
