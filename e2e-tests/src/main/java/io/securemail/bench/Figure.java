package io.securemail.bench;

/** One row of the benchmark's table; {@code met} is null where the figure has no target. */
record Figure(String name, String measured, String target, Boolean met) {

  String metText() {
    return met == null ? "" : met ? "yes" : "no";
  }
}
