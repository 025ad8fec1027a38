package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentInfo;

/** A registered agent: its info (with id) and total resources. */
public record Agent(String id, AgentInfo info, Resources total) {
}
