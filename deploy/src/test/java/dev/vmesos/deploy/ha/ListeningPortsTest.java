package dev.vmesos.deploy.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ListeningPorts}: the table format, and this JVM's own sockets as the kernel lists them. */
class ListeningPortsTest {

  @Test
  void onlyListeningSocketsOfTheGivenInodesCount() {
    List<String> tcp = List.of(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        // 127.0.0.1:5051 listening, ours
        "   0: 0100007F:13BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1111 1 0 100 0 0 10 0",
        // 0.0.0.0:5701 listening, another process's
        "   1: 00000000:1645 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2222 1 0 100 0 0 10 0",
        // 127.0.0.1:40000 -> 127.0.0.1:5050 established, ours
        "   2: 0100007F:9C40 0100007F:13BA 01 00000000:00000000 00:00000000 00000000  1000        0 3333 1 0 20 4 30 10 -1");
    List<String> tcp6 = List.of(
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        // [::]:15151 listening, ours
        "   0: 00000000000000000000000000000000:3B2F 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0 100 0 0 10 0");
    Set<Long> ours = Set.of(1111L, 3333L, 4444L);

    assertThat(ListeningPorts.listening(tcp, ours)).containsExactly(5051);
    assertThat(ListeningPorts.listening(tcp6, ours)).containsExactly(15151);
    assertThat(ListeningPorts.listening(tcp.subList(0, 1), ours)).isEmpty();
  }

  @Test
  void thisJvmListensOnAServerSocketItOpensAndNotOnTheSocketsItConnects() throws Exception {
    long self = ProcessHandle.current().pid();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket client = new Socket()) {
      client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      Set<Integer> listening = ListeningPorts.of(self);
      assertThat(listening).contains(server.getLocalPort()).doesNotContain(client.getLocalPort());
    }
    try (ServerSocket again = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = again.getLocalPort();
      again.close();
      assertThat(ListeningPorts.of(self)).as("once closed").doesNotContain(port);
    }
  }
}
