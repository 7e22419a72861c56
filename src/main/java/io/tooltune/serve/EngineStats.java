package io.tooltune.serve;

/**
 * What an inference engine can say about its load: sequences being decoded, requests queued for a slot, and the
 * fraction of its KV cache in use (0..1).
 */
public record EngineStats(int running, int waiting, double kvCacheUse) {}
