package io.securemail.operator.tlsrpt.mail;

import io.securemail.operator.tlsrpt.ReportIntake;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A ReportIntake that records what it is handed and answers as told. */
final class RecordingIntake implements ReportIntake {

  record Received(byte[] body, String mediaType, Channel channel, String addressedTo) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Outcome> answer = r -> Outcome.accepted();

  RecordingIntake answering(Function<Received, Outcome> answer) {
    this.answer = answer;
    return this;
  }

  @Override
  public Outcome accept(byte[] body, String mediaType, Channel channel, String addressedTo) {
    Received r = new Received(body, mediaType, channel, addressedTo);
    received.add(r);
    return answer.apply(r);
  }
}
