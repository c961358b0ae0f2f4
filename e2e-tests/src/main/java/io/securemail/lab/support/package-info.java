/**
 * Helpers every part of the lab uses: processes it starts and commands it runs, free ports, HTTP
 * probes, the cache that outlives a run, the lab's keys and certificates, directories laid out as
 * the kubelet lays out a volume, and the JVM's signal handlers after Helm's library ran. Depends on
 * no other part of the lab.
 */
package io.securemail.lab.support;
