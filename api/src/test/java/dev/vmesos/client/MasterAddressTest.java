package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MasterAddressTest {

  @Test
  void acceptsWhatUsersType() {
    assertThat(MasterAddress.parse("127.0.0.1:5050")).isEqualTo(new MasterAddress("127.0.0.1", 5050));
    assertThat(MasterAddress.parse("http://m1:6060/")).isEqualTo(new MasterAddress("m1", 6060));
    assertThat(MasterAddress.parse(" m1 ")).isEqualTo(new MasterAddress("m1", 5050));
  }

  @Test
  void rejectsWhatIsNotAMasterAddressWithAReason() {
    assertThatThrownBy(() -> MasterAddress.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> MasterAddress.parse("zk://z1:2181/mesos")).hasMessageContaining("ZooKeeper");
    assertThatThrownBy(() -> MasterAddress.parse("ftp://m1:21")).hasMessageContaining("only http://");
    assertThatThrownBy(() -> MasterAddress.parse("m1:99999")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> MasterAddress.parse("http://m1:5050/api/v1/scheduler"))
        .hasMessageContaining("expected host:port");
  }

  @Test
  void aListNamesTheStandbyMastersOfOneCluster() {
    assertThat(MasterAddress.parseList("m1:5050, http://m2:5050,m3")).containsExactly(new MasterAddress("m1", 5050),
        new MasterAddress("m2", 5050), new MasterAddress("m3", 5050));
    assertThat(MasterAddress.parseList("m1:5050")).containsExactly(new MasterAddress("m1", 5050));
    assertThat(MasterAddress.parseList("m1:5050,m1:5050")).as("listed twice, asked once").hasSize(1);
    assertThatThrownBy(() -> MasterAddress.parseList("m1:5050,,m2:5050")).hasMessageContaining("empty entry");
    assertThatThrownBy(() -> MasterAddress.parseList("zk://z1:2181,z2:2181/mesos"))
        .hasMessageContaining("vmesos has no ZooKeeper: list the masters, e.g. 10.0.0.1:5050,10.0.0.2:5050");
  }

  @Test
  void readsMesosProtocolRelativeLocations() {
    assertThat(MasterAddress.fromLocation("//m2:5050/api/v1/scheduler")).isEqualTo(new MasterAddress("m2", 5050));
    assertThat(MasterAddress.fromLocation("//m3")).isEqualTo(new MasterAddress("m3", 5050));
    assertThat(MasterAddress.fromLocation("http://m4:7070")).isEqualTo(new MasterAddress("m4", 7070));
    assertThatThrownBy(() -> MasterAddress.fromLocation(null)).hasMessageContaining("without a Location");
  }
}
