package org.memallocator;

/**
 * The actions of {@code spec/MemAllocator.tla}, by the names the spec gives them.
 * The implementation reports each one, under its lock, at the point where it takes effect
 * (see {@link SpecTrace}); tests check that this list and the spec's {@code Next} agree.
 */
public enum SpecAction {
    SetProperties,
    Commit,
    Decommit,
    GetBufferOk,
    GetBufferNotCommitted,
    GetBufferTimeout,
    GetBufferBlocks,
    WakeWithSample,
    WakeNotCommitted,
    WaitTimedOut,
    WaitInterrupted,
    AddRef,
    Release,
    Close
}
