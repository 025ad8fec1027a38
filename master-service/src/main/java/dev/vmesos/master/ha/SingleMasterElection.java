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

  private Listener listener;

  @Override
  public void start(Listener electionListener) {
    listener = electionListener;
    leading = true;
    listener.elected(1);
  }

  /** One master has no one to hand over to: it tries again after a second. */
  @Override
  public void resign() {
    leading = false;
    Thread retry = new Thread(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      leading = true;
      listener.elected(1);
    }, "vmesos-election-retry");
    retry.setDaemon(true);
    retry.start();
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
