package io.securemail.operator.compliance.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

  private static final TargetGuard REFUSING = TargetGuard.of(false);

  @ParameterizedTest
  @CsvSource({
      "10.1.2.3, private, RFC 1918",
      "172.16.0.1, private, RFC 1918",
      "172.31.255.254, private, RFC 1918",
      "192.168.10.5, private, RFC 1918",
      "127.0.0.1, loopback",
      "127.200.1.1, loopback",
      "169.254.169.254, link-local",
      "100.64.0.7, shared address space",
      "0.0.0.0, this network",
      "255.255.255.255, reserved",
      "::1, loopback",
      "::, unspecified",
      "fe80::1, link-local",
      "fd12:3456::1, unique local",
      "::ffff:10.0.0.1, private, RFC 1918",
      "64:ff9b::a9fe:a9fe, link-local",
      "224.0.0.251, multicast"})
  void refusesAddressesOutsideThePublicInternetNamingTheRange(String address, String range) throws Exception {
    assertThat(REFUSING.refusal(InetAddress.getByName(address))).hasValueSatisfying(why -> assertThat(why)
        .contains(range).contains(TargetGuard.PROPERTY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.10", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "11.0.0.1",
      "169.255.0.1", "2001:db8::25", "2a00:1450:4001::1b", "64:ff9b::808:808"})
  void letsPublicAddressesThrough(String address) throws Exception {
    assertThat(REFUSING.refusal(InetAddress.getByName(address))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.1.2.3", "127.0.0.1", "169.254.169.254", "::1", "fe80::1"})
  void allowingPrivateTargetsLetsEveryAddressThrough(String address) throws Exception {
    assertThat(TargetGuard.of(true).refusal(InetAddress.getByName(address))).isEmpty();
    assertThat(TargetGuard.of(true).refuses()).isFalse();
  }
}
