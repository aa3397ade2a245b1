package io.micronet.node;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.eventbus.EventBusOptions;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hazelcast configuration of a node: {@code conf/cluster.xml} (the file if it exists, else the copy
 * in the jar), then the member list and cluster name from the MicroNet config, TCP-IP join only.
 */
final class ClusterSettings {

  private ClusterSettings() {
  }

  static Config hazelcastConfig(MicronetConfig config) {
    Config hazelcast = load(System.getProperty("vertx.hazelcast.config", config.clusterConfigPath()));
    hazelcast.setClusterName(config.clusterName());
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.clusterMembers());
    return hazelcast;
  }

  /**
   * Binds Hazelcast to the address given with {@code -cluster-host}, so both transports use the same interface,
   * and to that interface only: by default Hazelcast listens on every interface (0.0.0.0) whatever address it
   * announces. Without a host it binds the one interface address it picks.
   */
  static void bindTo(Config hazelcast, String host, String publicHost) {
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    if (host != null && !host.isBlank() && !"0.0.0.0".equals(host)) {
      hazelcast.setProperty("hazelcast.local.localAddress", host);
    }
    if (publicHost != null && !publicHost.isBlank()) {
      hazelcast.getNetworkConfig().setPublicAddress(publicHost);
    }
  }

  /** The event-bus port from {@code cluster.eventBusPort} unless {@code -cluster-port} (or -options) already set one. */
  static void eventBusPort(EventBusOptions eventBus, int configured) {
    if (eventBus.getPort() == 0 && configured > 0) {
      eventBus.setPort(configured);
    }
  }

  private static Config load(String path) {
    try {
      if (path != null && Files.isRegularFile(Path.of(path))) {
        return new FileSystemXmlConfig(path);
      }
      return new ClasspathXmlConfig("conf/cluster.xml");
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("cannot read the Hazelcast configuration " + path);
    }
  }
}
