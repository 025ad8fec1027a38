package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import java.util.LinkedHashMap;
import java.util.Map;

/** A framework known to the master: its info, its current stream (if connected), offers and tasks. */
public final class Framework {

  private final String id;
  private FrameworkInfo info;
  private EventSink stream;
  private Long heartbeatTimer;
  private Long failoverTimer;
  private final Map<String, Offer> offers = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  public Framework(String id, FrameworkInfo info) {
    this.id = id;
    this.info = info;
  }

  public String id() {
    return id;
  }

  public FrameworkInfo info() {
    return info;
  }

  public void info(FrameworkInfo newInfo) {
    this.info = newInfo;
  }

  public EventSink stream() {
    return stream;
  }

  public void stream(EventSink sink) {
    this.stream = sink;
  }

  public boolean connected() {
    return stream != null && stream.isOpen();
  }

  public Long heartbeatTimer() {
    return heartbeatTimer;
  }

  public void heartbeatTimer(Long timer) {
    this.heartbeatTimer = timer;
  }

  public Long failoverTimer() {
    return failoverTimer;
  }

  public void failoverTimer(Long timer) {
    this.failoverTimer = timer;
  }

  public Map<String, Offer> offers() {
    return offers;
  }

  public Map<String, Task> tasks() {
    return tasks;
  }

  /** The roles offers are made for: {@code roles} (MULTI_ROLE) or the legacy single {@code role}. */
  public java.util.List<String> roles() {
    if (info.getRolesCount() > 0) {
      return info.getRolesList();
    }
    return java.util.List.of(info.hasRole() ? info.getRole() : "*");
  }

  /** The first of its roles: the one a task's resources belong to when they do not say. */
  public String role() {
    return roles().get(0);
  }
}
