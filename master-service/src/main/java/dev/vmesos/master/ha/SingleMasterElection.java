package dev.vmesos.master.ha;

/** One master: it leads from the start, with fence 1, and needs nothing more. */
public final class SingleMasterElection implements LeaderElection {

  private volatile boolean leading;
  private volatile dev.vmesos.api.v1.Protos.MasterInfo info;

  @Override
  public void announce(dev.vmesos.api.v1.Protos.MasterInfo leaderInfo) {
    info = leaderInfo;
  }

  @Override
  public java.util.Optional<dev.vmesos.api.v1.Protos.MasterInfo> leader() {
    return leading ? java.util.Optional.ofNullable(info) : java.util.Optional.empty();
  }

  @Override
  public void start(Listener listener) {
    leading = true;
    listener.elected(1);
  }

  @Override
  public boolean leaseValid() {
    return leading;
  }

  @Override
  public long fence() {
    return leading ? 1 : 0;
  }

  @Override
  public boolean quorumReachable() {
    return true;
  }

  @Override
  public void stop() {
    leading = false;
  }
}
