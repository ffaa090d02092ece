package io.mimiredge.edgectl.gate;

/**
 * One gate's verdict: its reading (as printed and as a number when there is one), its threshold and
 * whether it passed.
 */
public record GateResult(
    String gate, String source, Double value, String reading, String threshold, boolean passed) {}
