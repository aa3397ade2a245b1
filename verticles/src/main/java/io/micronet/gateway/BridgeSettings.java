package io.micronet.gateway;

import io.vertx.core.json.JsonObject;

/**
 * The limits of the browser-facing sockets ({@code gateway.bridge}), shared by the event-bus bridge and the ChatOps
 * WebSocket: the largest frame a client may send, the frames per second a socket may send before it is refused and
 * before it is closed, and how long a bridge socket may stay silent (no ping) before it is closed.
 */
record BridgeSettings(int maxFrameBytes, int framesPerSecond, int closeAtFramesPerSecond, long pingTimeoutMs) {

  BridgeSettings {
    if (maxFrameBytes < 256) {
      throw new IllegalArgumentException("gateway.bridge.maxFrameBytes must be at least 256, got " + maxFrameBytes);
    }
    if (framesPerSecond < 1) {
      throw new IllegalArgumentException("gateway.bridge.framesPerSecond must be at least 1, got " + framesPerSecond);
    }
    if (closeAtFramesPerSecond <= framesPerSecond) {
      throw new IllegalArgumentException("gateway.bridge.closeAtFramesPerSecond must be above framesPerSecond ("
        + framesPerSecond + "), got " + closeAtFramesPerSecond);
    }
    if (pingTimeoutMs < 1000) {
      throw new IllegalArgumentException("gateway.bridge.pingTimeoutMs must be at least 1000, got " + pingTimeoutMs);
    }
  }

  /** From the {@code gateway.bridge} section; a missing key takes the default of conf/default.json. */
  static BridgeSettings from(JsonObject section) {
    JsonObject bridge = section == null ? new JsonObject() : section;
    try {
      return new BridgeSettings(bridge.getInteger("maxFrameBytes", 16_384), bridge.getInteger("framesPerSecond", 20),
        bridge.getInteger("closeAtFramesPerSecond", 100), bridge.getLong("pingTimeoutMs", 30_000L));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("gateway.bridge: every limit must be a whole number");
    }
  }
}
