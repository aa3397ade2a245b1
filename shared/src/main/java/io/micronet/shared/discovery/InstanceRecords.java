package io.micronet.shared.discovery;

import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.types.HttpEndpoint;

import java.util.regex.Pattern;

/**
 * The discovery record of one service instance. Every record carries the owner's cluster node id, so
 * the reaper can remove the records of a node that left the cluster.
 */
public final class InstanceRecords {

  /** Record type of a service instance reached over the event bus with the {@code Envelope} convention. */
  public static final String EVENT_BUS_ACTIONS = "micronet-actions";

  public static final String INSTANCE_ID = "instanceId";
  public static final String NODE_ID = "nodeId";
  public static final String VERSION = "version";
  public static final String ENDPOINT = "endpoint";
  /** Who may call an HTTP endpoint through the gateway: public, any (signed in) or manager. */
  public static final String ACCESS = "access";

  /** A service name: also the second segment of its instances' addresses, so no dots. */
  private static final Pattern SANE_SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  /** An instance id: the last segment of its address ({@code products-1f2e3d4c}). */
  private static final Pattern SANE_INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private InstanceRecords() {
  }

  public static Record eventBusInstance(String service, String instanceId, String nodeId, String address, String version) {
    return new Record()
      .setName(service)
      .setType(EVENT_BUS_ACTIONS)
      .setLocation(new JsonObject().put(ENDPOINT, address))
      .setMetadata(new JsonObject()
        .put(INSTANCE_ID, instanceId)
        .put(NODE_ID, nodeId)
        .put(VERSION, version));
  }

  /** A plain HTTP service (not a verticle) that the gateway fronts like the others. */
  public static Record httpInstance(String service, String instanceId, String nodeId, String host, int port, String root,
                                    String access) {
    return HttpEndpoint.createRecord(service, host, port, root, new JsonObject()
      .put(INSTANCE_ID, instanceId)
      .put(NODE_ID, nodeId)
      .put(ACCESS, access));
  }

  public static String address(String service, String instanceId) {
    return "micronet.service." + service + "." + instanceId;
  }

  /**
   * Whether an event-bus record points into its own service's address space: a sane name and instance id, an
   * owner node, and exactly the address {@link #address} gives them. Anything else (another service's address,
   * a node agent's, a {@code __vertx.*} one) is not an instance of that service, whatever the record says.
   */
  public static boolean inOwnAddressSpace(Record record) {
    JsonObject metadata = record.getMetadata();
    JsonObject location = record.getLocation();
    if (!EVENT_BUS_ACTIONS.equals(record.getType()) || metadata == null || location == null || record.getName() == null) {
      return false;
    }
    String instanceId = metadata.getValue(INSTANCE_ID) instanceof String s ? s : null;
    String nodeId = metadata.getValue(NODE_ID) instanceof String s ? s : null;
    return SANE_SERVICE_NAME.matcher(record.getName()).matches()
      && instanceId != null && SANE_INSTANCE_ID.matcher(instanceId).matches()
      && nodeId != null && !nodeId.isBlank()
      && address(record.getName(), instanceId).equals(location.getValue(ENDPOINT));
  }

  public static String instanceId(Record record) {
    String id = record.getMetadata() == null ? null : record.getMetadata().getString(INSTANCE_ID);
    return id != null ? id : record.getRegistration();
  }

  public static String nodeId(Record record) {
    return record.getMetadata() == null ? null : record.getMetadata().getString(NODE_ID);
  }
}
