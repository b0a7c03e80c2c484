package org.xmtpnode.bench;

/**
 * What every workload runs with: the suite's settings, the node's API as the load calls it, and the
 * shared load driver (its clock, closed-loop and paced drivers, latency recording).
 */
abstract class Workload {

    final Settings settings;
    final Api api;
    final LoadDriver driver;

    Workload(Settings settings, Api api, LoadDriver driver) {
        this.settings = settings;
        this.api = api;
        this.driver = driver;
    }
}
