package io.securemail.operator.compliance.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** A UDP DNS responder on an ephemeral loopback port; the test decides every answer. */
public final class TestDnsServer implements AutoCloseable {

  private final DatagramSocket socket;

  public TestDnsServer(Function<Message, Message> answer) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread thread = new Thread(() -> serve(answer), "test-dns");
    thread.setDaemon(true);
    thread.start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
  }

  /** An empty response to the query: same id and question, QR and RA set. */
  public static Message responseTo(Message query) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    response.addRecord(query.getQuestion(), Section.QUESTION);
    return response;
  }

  private void serve(Function<Message, Message> answer) {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        byte[] wire = answer.apply(query).toWire(4096);
        socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
