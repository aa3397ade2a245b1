package io.micronet.node;

import io.micronet.shared.discovery.InstanceRecords;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plain HTTP services (not verticles) that this node announces, from {@code discovery.httpEndpoints}:
 * {@code [{"name":"legacy-stock","host":"10.0.0.7","port":8080,"root":"/v1","access":"manager"}]}.
 * The gateway then fronts them under {@code /api/<name>/…} with the same balancing and breakers.
 */
final class HttpEndpoints {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Set<String> ACCESS = Set.of("public", "any", "manager");

  private HttpEndpoints() {
  }

  static List<Record> records(JsonArray endpoints, String nodeId, Set<String> reservedNames) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (!(endpoints.getValue(i) instanceof JsonObject endpoint)) {
        throw invalid(i, "must be an object");
      }
      String name = endpoint.getString("name");
      if (name == null || !NAME.matcher(name).matches()) {
        throw invalid(i, "name must be lower-case letters, digits and dashes");
      }
      if (reservedNames.contains(name)) {
        throw invalid(i, "name '" + name + "' is a MicroNet service");
      }
      String host = endpoint.getString("host");
      if (host == null || host.isBlank()) {
        throw invalid(i, "host is required");
      }
      Integer port = endpoint.getInteger("port");
      if (port == null || port < 1 || port > 65535) {
        throw invalid(i, "port must be 1-65535");
      }
      String root = endpoint.getString("root", "/");
      if (!root.startsWith("/")) {
        throw invalid(i, "root must start with /");
      }
      String access = endpoint.getString("access", "any");
      if (!ACCESS.contains(access)) {
        throw invalid(i, "access must be public, any or manager");
      }
      String instanceId = name + "-" + host + "-" + port;
      records.add(InstanceRecords.httpInstance(name, instanceId, nodeId, host, port, root, access));
    }
    return records;
  }

  private static IllegalArgumentException invalid(int index, String problem) {
    return new IllegalArgumentException("discovery.httpEndpoints[" + index + "]: " + problem);
  }
}
