package io.micronet.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reconciler's planning, without a network: from the desired instance count of each cluster-scope service and
 * what every node runs, the steps that make them agree. A missing instance goes to the node, among those allowed
 * to run the service, with the fewest instances of it (spread), then the fewest instances of anything, then by
 * name; an extra one leaves a node that may no longer run it first, then the node with the most instances of it.
 * Each step is counted before the next is chosen, so three missing instances on two empty nodes become 2 + 1.
 */
final class Placement {

  enum Kind { DEPLOY, UNDEPLOY }

  /** Deploy one instance of {@code service} on {@code node}, or undeploy {@code instanceId} there. */
  record Step(Kind kind, String service, String nodeId, String nodeName, String instanceId) {
  }

  /** What each node runs, changed as steps are planned. */
  private final Map<String, NodeState> nodes = new LinkedHashMap<>();
  private final Map<String, Map<String, List<String>>> running = new HashMap<>();
  private final Set<String> frozen;

  /**
   * @param frozen nodes whose agent did not answer this round: their instances count, but nothing is placed on or
   *               removed from them (they may be busy, or dying; once their member leaves, they are gone from the input)
   */
  Placement(List<NodeState> states, Set<String> frozen) {
    this.frozen = Set.copyOf(frozen);
    for (NodeState node : states) {
      nodes.put(node.id(), node);
      Map<String, List<String>> copy = new HashMap<>();
      node.running().forEach((service, ids) -> copy.put(service, new ArrayList<>(ids)));
      running.put(node.id(), copy);
    }
  }

  /** Every step that brings each service of {@code desired} to its count (services in name order). */
  static List<Step> plan(Map<String, Integer> desired, List<NodeState> nodes) {
    return plan(desired, nodes, Set.of());
  }

  static List<Step> plan(Map<String, Integer> desired, List<NodeState> nodes, Set<String> frozen) {
    Placement placement = new Placement(nodes, frozen);
    List<Step> steps = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : new TreeMap<>(desired).entrySet()) {
      String service = entry.getKey();
      int want = Math.max(0, entry.getValue());
      while (placement.total(service) < want) {
        Optional<Step> step = placement.placeOne(service, null);
        if (step.isEmpty()) {
          break; // no node may run it: nothing to do until one joins
        }
        steps.add(step.get());
      }
      while (placement.total(service) > want) {
        Optional<Step> step = placement.removeOne(service, null);
        if (step.isEmpty()) {
          break; // the extras are on nodes that did not answer: next round
        }
        steps.add(step.get());
      }
    }
    return steps;
  }

  /** Instances of {@code service} across the nodes. */
  int total(String service) {
    return running.values().stream().mapToInt(services -> services.getOrDefault(service, List.of()).size()).sum();
  }

  int count(String nodeId, String service) {
    return running.get(nodeId).getOrDefault(service, List.of()).size();
  }

  /** One more instance of {@code service}: on {@code onNode} when given (it must be allowed), else where it spreads best. */
  Optional<Step> placeOne(String service, String onNode) {
    Optional<NodeState> target = nodes.values().stream()
      .filter(node -> node.mayRun().contains(service) && !frozen.contains(node.id()))
      .filter(node -> onNode == null || node.id().equals(onNode))
      .min(Comparator.<NodeState>comparingInt(node -> count(node.id(), service))
        .thenComparingInt(node -> load(node.id()))
        .thenComparing(NodeState::name)
        .thenComparing(NodeState::id));
    target.ifPresent(node -> running.get(node.id()).computeIfAbsent(service, s -> new ArrayList<>()).add(null));
    return target.map(node -> new Step(Kind.DEPLOY, service, node.id(), node.name(), null));
  }

  /** One instance of {@code service} less: from {@code fromNode} when given, else from where it is most crowded. */
  Optional<Step> removeOne(String service, String fromNode) {
    Optional<NodeState> source = nodes.values().stream()
      .filter(node -> running.get(node.id()).getOrDefault(service, List.of()).stream().anyMatch(id -> id != null)
        && !frozen.contains(node.id()))
      .filter(node -> fromNode == null || node.id().equals(fromNode))
      .min(Comparator.<NodeState, Boolean>comparing(node -> node.mayRun().contains(service))
        .thenComparing(Comparator.<NodeState>comparingInt(node -> count(node.id(), service)).reversed())
        .thenComparing(Comparator.<NodeState>comparingInt(node -> load(node.id())).reversed())
        .thenComparing(NodeState::name)
        .thenComparing(NodeState::id));
    return source.map(node -> {
      List<String> ids = running.get(node.id()).get(service);
      // the newest running one first (the agent lists its instances in the order they started; null: only planned)
      int last = ids.lastIndexOf(ids.stream().filter(id -> id != null).reduce((x, y) -> y).orElseThrow());
      String instanceId = ids.remove(last);
      return new Step(Kind.UNDEPLOY, service, node.id(), node.name(), instanceId);
    });
  }

  private int load(String nodeId) {
    return running.get(nodeId).values().stream().mapToInt(List::size).sum();
  }
}
