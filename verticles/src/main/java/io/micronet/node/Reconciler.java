package io.micronet.node;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The elected reconciler (it runs in the agent that holds the {@code reconciler} lock): every round it compares the
 * desired counts with what the agents describe and carries out {@link Placement}'s steps; operators' lifecycle
 * commands come here too, so rounds and commands run one at a time, in order. Every change it makes is an activity
 * event (kind {@code scale}).
 */
final class Reconciler {

  static final String ACTOR = "reconciler";
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Vertx vertx;
  private final Agents agents;
  private final DesiredState desired;
  private Future<?> queue = Future.succeededFuture();
  private boolean roundQueued;
  /** What each agent last answered: used (frozen) for a round in which it stays silent. */
  private final Map<String, NodeState> lastKnown = new HashMap<>();
  /** What agents said as they started: their answer for a round in which they cannot answer yet. */
  private final Arrivals arrivals = new Arrivals();

  Reconciler(Vertx vertx, Agents agents, DesiredState desired) {
    this.vertx = vertx;
    this.agents = agents;
    this.desired = desired;
  }

  /** One round now (unless one is already waiting to run: it will see the same world). */
  Future<Void> round() {
    if (roundQueued) {
      return Future.succeededFuture();
    }
    roundQueued = true;
    return serially(() -> {
      roundQueued = false;
      return world().compose(world -> {
        if (world.unknown()) {
          return Future.succeededFuture(); // an agent we know nothing of did not answer: wait for it or for its member to leave
        }
        List<Placement.Step> steps = Placement.plan(world.desired(), world.nodes(), world.frozen());
        return execute(steps, ACTOR, new ArrayList<>()).mapEmpty();
      });
    }).onFailure(e -> LOG.warn("reconcile round failed", kv("reason", String.valueOf(e.getMessage())))).mapEmpty();
  }

  /** A node's agent has just started and says what it runs: a round now, which may place instances there at once. */
  Future<Void> arrived(NodeState state) {
    arrivals.arrived(state, System.currentTimeMillis());
    return round();
  }

  /**
   * Carries out an operator's command: the desired count changes, the steps run; the answer says what was done. It
   * comes once the steps are done or after {@code answerWithinMs} (the caller's time), then naming what is still
   * under way: starting instances may take longer than a caller waits, and the work goes on regardless.
   */
  Future<JsonObject> apply(LifecycleCommand command, long answerWithinMs) {
    Promise<JsonObject> answered = Promise.promise();
    Progress progress = new Progress();
    // the clock runs from now: the command may wait behind a round under way
    long timer = vertx.setTimer(Math.max(100, answerWithinMs), id -> answered.tryComplete(progress.answer == null
      ? new JsonObject().put("service", command.service()).put("pending", -1).put("actions", new JsonArray())
        .put("text", "accepted: the reconciler takes it up after the round under way (see GET /api/nodes)")
      : progress.answer.get()));
    answered.future().onComplete(ar -> vertx.cancelTimer(timer));
    serially(() -> worldWithNewAgents(2).compose(world -> plan(command, world, answered, progress)))
      .onFailure(answered::tryFail);
    return answered.future();
  }

  /** What a command has done so far, for an answer that cannot wait for the end. */
  private static final class Progress {
    private Supplier<JsonObject> answer;
  }

  private Future<Void> plan(LifecycleCommand command, World world, Promise<JsonObject> answered, Progress progress) {
      String service = command.service();
      int before = world.desired().getOrDefault(service, 0);
      Placement placement = new Placement(world.nodes(), world.frozen());
      int running = placement.total(service);
      List<Placement.Step> steps = new ArrayList<>();
      int after;
      switch (command.kind()) {
        case SCALE -> {
          after = command.instances();
          steps.addAll(Placement.plan(Map.of(service, after), world.nodes(), world.frozen()));
        }
        case START -> {
          if (before >= LifecycleRequests.MAX_INSTANCES) {
            throw new ServiceException(ErrorCode.CONFLICT, service + " already has the most instances allowed ("
              + LifecycleRequests.MAX_INSTANCES + ")");
          }
          after = before + 1;
          if (running < after) {
            Optional<Placement.Step> step = placement.placeOne(service, command.nodeId());
            if (step.isEmpty() && command.nodeId() != null) {
              throw new ServiceException(ErrorCode.CONFLICT, "node " + command.nodeId() + " cannot take an instance of " + service
                + " now (it may not run it, or its agent did not answer)");
            }
            step.ifPresent(steps::add);
          }
        }
        case STOP -> {
          if (before == 0 && running == 0) {
            throw new ServiceException(ErrorCode.CONFLICT, service + " has no instance to stop");
          }
          after = Math.max(0, before - 1);
          Optional<Placement.Step> step = placement.removeOne(service, command.nodeId());
          if (step.isEmpty() && command.nodeId() != null) {
            throw new ServiceException(ErrorCode.CONFLICT, "node " + command.nodeId() + " runs no instance of " + service);
          }
          if (running > after) {
            step.ifPresent(steps::add);
          }
        }
        default -> throw new IllegalStateException();
      }
      int previous = before;
      if (command.preview()) {
        answered.tryComplete(preview(service, previous, after, steps, running));
        return Future.succeededFuture();
      }
      List<JsonObject> done = new ArrayList<>();
      return desired.set(service, after)
        .onSuccess(v -> {
          Feeds.activity(vertx, ActivityEvent.of(command.actor(), ActivityEvent.Kind.SCALE, service, null, null,
            command.actor() + " set " + service + " to " + after + " instance" + (after == 1 ? "" : "s") + " (was " + previous + ")"));
          progress.answer = () -> answer(service, previous, after, List.copyOf(done), running, steps.size() - done.size());
        })
        .compose(v -> execute(steps, command.actor(), done))
        .onSuccess(v -> answered.tryComplete(answer(service, previous, after, done, running, 0)))
        .mapEmpty();
  }

  private JsonObject answer(String service, int previous, int after, List<JsonObject> done, int runningBefore, int pending) {
    int running = runningBefore;
    List<String> said = new ArrayList<>();
    for (JsonObject step : done) {
      if (step.getBoolean("ok")) {
        running += "placed".equals(step.getString("action")) ? 1 : -1;
      }
      said.add(step.getString("text"));
    }
    String text = service + ": desired " + after + " (was " + previous + ")" + (said.isEmpty() ? "" : "; " + String.join("; ", said));
    if (after == 0) {
      text += "; " + service + " now has no instance: requests to it answer 503 until it is started again";
    } else if (pending > 0) {
      text += "; " + pending + " more step(s) under way (see GET /api/nodes)";
    } else if (running < after) {
      text += "; " + (after - running) + " instance(s) wait for a node allowed to run " + service;
    }
    return new JsonObject().put("service", service).put("previous", previous).put("desired", after).put("running", running)
      .put("pending", pending).put("actions", new JsonArray(done)).put("text", text);
  }

  /** What a command would do, nothing done: the steps with their nodes and instances, the counts before and after. */
  private static JsonObject preview(String service, int previous, int after, List<Placement.Step> steps, int running) {
    List<JsonObject> planned = new ArrayList<>();
    List<String> said = new ArrayList<>();
    for (Placement.Step step : steps) {
      boolean deploy = step.kind() == Placement.Kind.DEPLOY;
      String text = deploy ? "place an instance of " + service + " on node " + step.nodeName()
        : "remove " + step.instanceId() + " from node " + step.nodeName();
      said.add(text);
      planned.add(new JsonObject().put("action", deploy ? "place" : "remove").put("instanceId", step.instanceId())
        .put("node", step.nodeId()).put("nodeName", step.nodeName()).put("text", text));
    }
    String text = service + ": desired " + previous + " → " + after + "; would " + (said.isEmpty() ? "change no instance" : String.join("; ", said));
    if (after == 0) {
      text += "; " + service + " would then have no instance: requests to it answer 503 until it is started again";
    }
    return new JsonObject().put("service", service).put("preview", true).put("previous", previous).put("desired", after)
      .put("running", running).put("actions", new JsonArray(planned)).put("text", text);
  }

  /** Steps one after another; a failed step is reported (and the next round tries again), the others still run. */
  private Future<List<JsonObject>> execute(List<Placement.Step> steps, String actor, List<JsonObject> done) {
    Future<Void> chain = Future.succeededFuture();
    for (Placement.Step step : steps) {
      chain = chain.compose(v -> run(step, actor).map(result -> {
        done.add(result);
        return null;
      }));
    }
    return chain.map(v -> done);
  }

  private Future<JsonObject> run(Placement.Step step, String actor) {
    boolean deploy = step.kind() == Placement.Kind.DEPLOY;
    JsonObject body = new JsonObject().put("service", step.service());
    if (!deploy) {
      body.put("instanceId", step.instanceId());
    }
    return agents.command(step.nodeId(), deploy ? NodeAgent.DEPLOY : NodeAgent.UNDEPLOY, body)
      .map(reply -> {
        String instance = reply.getString("instanceId", step.instanceId());
        String text = (deploy ? "placed " : "removed ") + instance + (deploy ? " on node " : " from node ") + step.nodeName();
        LOG.info(text, kv("service", step.service()), kv("instance", instance), kv("node", step.nodeId()), kv("actor", actor));
        Feeds.activity(vertx, ActivityEvent.of(actor, ActivityEvent.Kind.SCALE, step.service(), instance, step.nodeId(), text));
        return new JsonObject().put("ok", true).put("action", deploy ? "placed" : "removed").put("instanceId", instance)
          .put("node", step.nodeId()).put("nodeName", step.nodeName()).put("text", text);
      })
      .recover(e -> {
        String text = "could not " + (deploy ? "place " + step.service() + " on" : "remove " + step.instanceId() + " from")
          + " node " + step.nodeName() + ": " + e.getMessage();
        LOG.warn(text, kv("service", step.service()), kv("node", step.nodeId()));
        return Future.succeededFuture(new JsonObject().put("ok", false).put("action", deploy ? "place" : "remove")
          .put("node", step.nodeId()).put("nodeName", step.nodeName()).put("text", text));
      });
  }

  /** The desired counts and the nodes as their agents describe them now. */
  private Future<World> world() {
    return agents.refresh()
      .compose(v -> Future.all(desired.all(), agents.describeAll()))
      .map(both -> {
        Map<String, Integer> counts = both.resultAt(0);
        Map<String, Optional<NodeState>> described = both.resultAt(1);
        List<NodeState> nodes = new ArrayList<>();
        Set<String> silent = new HashSet<>();
        long now = System.currentTimeMillis();
        described.forEach((nodeId, state) -> {
          NodeState arrival = arrivals.take(nodeId, now);
          if (state.isPresent()) {
            nodes.add(state.get());
            lastKnown.put(nodeId, state.get());
          } else if (arrival != null && !lastKnown.containsKey(nodeId)) {
            // a new node whose first describe is still on its way: its own word of a moment ago
            nodes.add(arrival);
            lastKnown.put(nodeId, arrival);
          } else if (lastKnown.containsKey(nodeId)) {
            nodes.add(lastKnown.get(nodeId));
            silent.add(nodeId);
          } else {
            silent.add(nodeId);
          }
        });
        lastKnown.keySet().retainAll(described.keySet());
        arrivals.prune(now);
        boolean unknown = silent.stream().anyMatch(id -> nodes.stream().noneMatch(n -> n.id().equals(id)));
        return new World(counts, nodes, silent, unknown);
      });
  }

  /**
   * The world, asked again (at most {@code retries} times) while an agent nothing is known of yet stays silent: a node
   * that just joined answers its first call late (a new TLS connection), and a command planned without it would place
   * nothing there. Rounds do not need this: they wait for the next round instead.
   */
  private Future<World> worldWithNewAgents(int retries) {
    return world().compose(world -> world.unknown() && retries > 0 ? worldWithNewAgents(retries - 1) : Future.succeededFuture(world));
  }

  private record World(Map<String, Integer> desired, List<NodeState> nodes, Set<String> frozen, boolean unknown) {
  }

  private <T> Future<T> serially(Supplier<Future<T>> step) {
    Future<T> next = queue.transform(ignored -> {
      try {
        return step.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    queue = next;
    return next;
  }
}
