package io.securemail.operator.compliance.smtp;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * At most one connection at a time to each address, for every probe that shares this gate: the
 * operator's MX key probe and its compliance checks go through one, so an MX sees one conversation
 * at a time from the operator whichever part of it asks. Fair, so no caller waits for ever.
 */
public final class AddressGate {

  private final Map<InetAddress, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** Runs {@code conversation} once no other conversation with {@code address} through this gate is running. */
  public <T> T oneAtATime(InetAddress address, Supplier<T> conversation) {
    ReentrantLock lock = locks.computeIfAbsent(address, a -> new ReentrantLock(true));
    lock.lock();
    try {
      return conversation.get();
    } finally {
      lock.unlock();
    }
  }
}
