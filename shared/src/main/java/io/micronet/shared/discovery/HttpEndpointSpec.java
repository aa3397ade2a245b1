package io.micronet.shared.discovery;

import io.micronet.shared.security.Access;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.types.HttpEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A plain HTTP service (not a verticle) as a conf file lists it:
 * {@code {"name":"legacy-stock","host":"10.0.0.7","port":8080,"root":"/v1","access":"manager"}}.
 * A node announces the ones in its {@code discovery.httpEndpoints}; the gateway fronts only the ones in its own
 * {@code gateway.httpEndpoints}, with the root and access written there (a record's word counts for nothing).
 * Both lists are read, and refused at start when wrong, by {@link #parse}.
 */
public record HttpEndpointSpec(String name, String host, int port, String root, String access) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Set<String> ACCESS = Set.of("public", "any", "manager");

  /**
   * The entries of a conf list.
   *
   * @param key           the conf key, for the messages ({@code discovery.httpEndpoints})
   * @param reservedNames names the entries may not take (MicroNet's own services, the gateway's own paths)
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static List<HttpEndpointSpec> parse(JsonArray endpoints, String key, Set<String> reservedNames) {
    List<HttpEndpointSpec> specs = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (!(endpoints.getValue(i) instanceof JsonObject endpoint)) {
        throw invalid(key, i, "must be an object");
      }
      String name = endpoint.getValue("name") instanceof String s ? s : null;
      if (name == null || !NAME.matcher(name).matches()) {
        throw invalid(key, i, "name must be lower-case letters, digits and dashes");
      }
      if (reservedNames.contains(name)) {
        throw invalid(key, i, "name '" + name + "' is taken by MicroNet itself");
      }
      String host = endpoint.getValue("host") instanceof String s ? s : null;
      if (host == null || host.isBlank()) {
        throw invalid(key, i, "host is required");
      }
      if (!(endpoint.getValue("port") instanceof Integer port) || port < 1 || port > 65535) {
        throw invalid(key, i, "port must be 1-65535");
      }
      String root = endpoint.getValue("root", "/") instanceof String s ? s : "";
      if (!root.startsWith("/")) {
        throw invalid(key, i, "root must start with /");
      }
      String access = endpoint.getValue("access", "any") instanceof String s ? s : "";
      if (!ACCESS.contains(access)) {
        throw invalid(key, i, "access must be public, any or manager");
      }
      specs.add(new HttpEndpointSpec(name, host, port, root, access));
    }
    return specs;
  }

  /** One instance per endpoint, however many records announce it. */
  public String instanceId() {
    return name + "-" + host + "-" + port;
  }

  public Access accessRule() {
    return switch (access) {
      case "public" -> Access.PUBLIC;
      case "manager" -> Access.MANAGER;
      default -> Access.ANY_ROLE;
    };
  }

  /** Whether an announced record is this endpoint: same name, host and port (its other fields are ignored). */
  public boolean matches(Record record) {
    if (!HttpEndpoint.TYPE.equals(record.getType()) || !name.equals(record.getName()) || record.getLocation() == null) {
      return false;
    }
    JsonObject location = record.getLocation();
    return host.equals(location.getValue("host")) && location.getValue("port") instanceof Number p && p.intValue() == port;
  }

  /** The record a node announces for this endpoint. */
  public Record record(String nodeId) {
    return InstanceRecords.httpInstance(name, instanceId(), nodeId, host, port, root, access);
  }

  private static IllegalArgumentException invalid(String key, int index, String problem) {
    return new IllegalArgumentException(key + "[" + index + "]: " + problem);
  }
}
