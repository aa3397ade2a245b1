package io.micronet.shared.discovery;

import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.types.HttpEndpoint;

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

  public static String instanceId(Record record) {
    String id = record.getMetadata() == null ? null : record.getMetadata().getString(INSTANCE_ID);
    return id != null ? id : record.getRegistration();
  }

  public static String nodeId(Record record) {
    return record.getMetadata() == null ? null : record.getMetadata().getString(NODE_ID);
  }
}
