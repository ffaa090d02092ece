package io.mimiredge.edgectl.gate;

/**
 * What one source says about the last window. {@code null} means "no data", which never passes.
 *
 * @param requests remote-write requests decided in the window
 * @param errorRate failed requests / requests, 0..1
 * @param latencyP99Seconds the 99th percentile of the time enforcement adds
 * @param denyRate (denied + shadow-denied) / requests, 0..1
 */
public record Readings(
    Double requests, Double errorRate, Double latencyP99Seconds, Double denyRate) {}
