package io.securemail.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A resolver on loopback that answers every query at once with NXDOMAIN, over UDP and TCP on the
 * same port: the operator's DNS, SMTP and policy probes find nothing and fail without waiting for
 * a timeout, so the benchmark measures the operator and the API server, not the network.
 */
final class NxdomainResolver implements AutoCloseable {

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Thread udpThread;
  private final Thread tcpThread;
  private volatile boolean closed;

  private NxdomainResolver(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.udpThread = new Thread(this::serveUdp, "nxdomain-udp");
    this.tcpThread = new Thread(this::serveTcp, "nxdomain-tcp");
    udpThread.setDaemon(true);
    tcpThread.setDaemon(true);
    udpThread.start();
    tcpThread.start();
  }

  static NxdomainResolver start() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; ; attempt++) {
      ServerSocket tcp = new ServerSocket();
      tcp.bind(new InetSocketAddress(loopback, 0));
      try {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()));
        return new NxdomainResolver(udp, tcp);
      } catch (IOException portTakenForUdp) {
        tcp.close();
        if (attempt == 10) {
          throw portTakenForUdp;
        }
      }
    }
  }

  /** host:port, as the operator's securemail.dns.resolvers takes it. */
  String address() {
    return "127.0.0.1:" + tcp.getLocalPort();
  }

  static byte[] answer(byte[] query) throws IOException {
    Message request = new Message(query);
    Message response = new Message(request.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    if (request.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setRcode(Rcode.NXDOMAIN);
    if (request.getQuestion() != null) {
      response.addRecord(request.getQuestion(), Section.QUESTION);
    }
    return response.toWire();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        byte[] reply = answer(query);
        udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serveTcp() {
    while (!closed) {
      try {
        Socket socket = tcp.accept();
        Thread connection = new Thread(() -> serveConnection(socket), "nxdomain-tcp-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private static void serveConnection(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      while (true) {
        int length = in.readUnsignedShort();
        byte[] query = in.readNBytes(length);
        byte[] reply = answer(query);
        out.writeShort(reply.length);
        out.write(reply);
        out.flush();
      }
    } catch (IOException endOfConnection) {
      // the client closed it
    }
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
