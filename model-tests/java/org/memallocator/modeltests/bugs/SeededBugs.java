package org.memallocator.modeltests.bugs;

import java.util.List;

/**
 * The seeded bugs: broken variants of {@code MonitorMemAllocator}, each one plausible-looking
 * edit of the real source. They exist only here, in test scope; the production class has no
 * switches. {@link VariantCompiler} builds each variant at test time from the current source, and
 * {@link SeededBugsTest} fails as soon as a snippet no longer matches exactly once.
 */
public final class SeededBugs {

    private SeededBugs() {
    }

    /** {@code block} (a text block, incidental indentation stripped) indented by {@code spaces}. */
    private static String at(int spaces, String block) {
        return block.indent(spaces);
    }

    public static final List<SeededBug> ALL = List.of(
            new SeededBug("DecommitSignalsOne",
                    "Decommit wakes one blocked getBuffer instead of all of them: with two "
                            + "waiters, the other sleeps for ever (a lost wake-up).",
                    "            bufferFreeOrNotCommitted.signalAll();",
                    "            bufferFreeOrNotCommitted.signal();"),

            new SeededBug("IfInsteadOfWhile",
                    "The wait is guarded by 'if', not 'while': a waiter woken spuriously, or "
                            + "after another thread took the released buffer first, goes on with "
                            + "nothing free and an untimed getBuffer fails with VFW_E_TIMEOUT.",
                    "            while (committed && freeCount == 0",
                    "            if (committed && freeCount == 0"),

            new SeededBug("DecommitDropsMemoryWithSamplesOut",
                    "Decommit drops the memory at once even with samples out, instead of "
                            + "deferring it to the last release: the outstanding samples' final "
                            + "release finds no free list.",
                    at(8, """
                    if (outstanding() > 0) {
                        decommitPending = true;
                    } else {
                        dropMemory();
                    }
                    """),
                    at(8, """
                    dropMemory(); // samples out keep their own views of the block
                    """)),

            new SeededBug("CommitDuringPendingDecommitReallocates",
                    "Commit while a decommit is pending allocates a new block instead of "
                            + "cancelling the decommit: the samples still out belong to the old "
                            + "block, and the counts no longer add up.",
                    at(12, """
                    if (decommitPending) {
                        decommitPending = false;
                        committed = true;
                    } else if (!committed) {
                    """),
                    at(12, """
                    if (!committed) {
                        decommitPending = false; // the new allocation replaces the old one
                    """)),

            new SeededBug("SetPropertiesWithSamplesOut",
                    "SetProperties is refused only while committed, not while samples are out: "
                            + "during a pending decommit the properties change under the "
                            + "outstanding samples.",
                    at(20, """
                    : outstanding() > 0 ? HResult.VFW_E_BUFFERS_OUTSTANDING
                    """),
                    ""),

            new SeededBug("InterruptLeaksWaiterCount",
                    "An interrupted getBuffer leaves without undoing its waiter registration: "
                            + "waitingCount() stays too high for ever.",
                    at(8, """
                    } catch (InterruptedException e) {
                        monitorStep(MonitorAction.AwaitThrows);
                        waiters--;
                    """),
                    at(8, """
                    } catch (InterruptedException e) {
                        monitorStep(MonitorAction.AwaitThrows);
                    """)),

            new SeededBug("LastReleaseKeepsDecommitPending",
                    "ReleaseBuffer checks for the last sample out before putting the buffer "
                            + "back, so the final release never completes a pending decommit: the "
                            + "memory is kept and the decommit stays pending.",
                    at(8, """
                    freeList[freeCount++] = s;
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signal();
                        monitorStep(MonitorAction.Signal);
                    }
                    if (decommitPending && freeCount == buffers.length) {
                        dropMemory();
                    }
                    """),
                    at(8, """
                    if (decommitPending && freeCount == buffers.length) {
                        dropMemory();
                    }
                    freeList[freeCount++] = s;
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signal();
                        monitorStep(MonitorAction.Signal);
                    }
                    """)),

            new SeededBug("CommittedReadOutsideLock",
                    "getBuffer reads the committed flag before taking the lock and acts on the "
                            + "stale value: racing a Decommit it hands out a sample after the "
                            + "decommit, or fails with VFW_E_TIMEOUT where only a sample or "
                            + "VFW_E_NOT_COMMITTED is possible.",
                    at(8, """
                    lock.lock(); // not lockInterruptibly(): a free buffer goes even to an interrupted thread
                    try {
                        checkOpen();
                        if (!committed) {
                    """),
                    at(8, """
                    boolean wasCommitted = committed; // look before queueing for the lock
                    lock.lock(); // not lockInterruptibly(): a free buffer goes even to an interrupted thread
                    try {
                        checkOpen();
                        if (!wasCommitted) {
                    """)),

            new SeededBug("SingleWaiterNeverSignalled",
                    "ReleaseBuffer signals only when more than one getBuffer waits (an "
                            + "off-by-one): a lone waiter is never woken by a release.",
                    at(8, """
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signal();
                    """),
                    at(8, """
                    if (waiters > 1) {
                        bufferFreeOrNotCommitted.signal();
                    """)),

            new SeededBug("AddRefReturnsCountOutsideLock",
                    "AddRef returns the count read after unlocking: racing another AddRef "
                            + "or Release on the same sample it returns their count, not its own.",
                    at(12, """
                        step(SpecAction.AddRef, number, null, HResult.S_OK, refs);
                        return refs;
                    } finally {
                        lock.unlock();
                    }
                    """),
                    at(12, """
                        step(SpecAction.AddRef, number, null, HResult.S_OK, refs);
                    } finally {
                        lock.unlock();
                    }
                    return refs; // read without the lock
                    """)));

    /**
     * Lost wake-ups in the monitor: a signal that wakes nobody, a waiter left asleep, a woken waiter
     * that waits again or leaves with a buffer free. Most need two waiters and two wake-ups in
     * flight at once, which the contract does not record; the monitor-level checks see them
     * ({@code MonitorTraceValidationTest}, the two-waiter scenarios of
     * {@code BlockingGetBufferLincheckTest}). The kill matrix runs them in {@code -Plong}, or when
     * named with {@code -Dmemallocator.killmatrix.variants}.
     *
     * <p>Two shapes are not here because in this monitor they are not bugs: a decommit that signals
     * before it clears {@code committed}, and a release completing a pending decommit that skips its
     * signal. Both happen inside one locked region (no waiter runs before the lock is released), and
     * while a decommit is pending nobody is parked (the decommit woke every waiter, and no call
     * parks while not committed). "Signal before the waiter count is raised" cannot be one edit
     * here: the count is raised in the locked region that parks.
     */
    public static final List<SeededBug> MONITOR_LOST_WAKEUPS = List.of(
            new SeededBug("ReleaseSignalsOnlyIntoEmptyFreeList",
                    "A final release signals a waiter only when the free list was empty before "
                            + "the push ('the others were woken already'): two buffers that come "
                            + "back before the first woken waiter has run wake only one of two "
                            + "waiters (a lost wake-up).",
                    at(8, """
                    freeList[freeCount++] = s;
                    if (waiters > 0) {
                    """),
                    at(8, """
                    freeList[freeCount++] = s;
                    if (waiters > 0 && freeCount == 1) {
                    """)),

            new SeededBug("DecommitSkipsWakeupWhenBufferFree",
                    "Decommit wakes the waiters only when no buffer is free ('a free buffer has "
                            + "woken someone already'): a release that woke one of two waiters, "
                            + "then a decommit, leaves the other asleep (a lost wake-up).",
                    at(8, """
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signalAll();
                    """),
                    at(8, """
                    if (waiters > 0 && freeCount == 0) {
                        bufferFreeOrNotCommitted.signalAll();
                    """)),

            new SeededBug("SignalOnlyWithOneWaiter",
                    "A final release signals only when exactly one getBuffer waits ('with more, "
                            + "someone else will release soon'): with two waiters a release wakes nobody "
                            + "and its buffer idles beside them (a lost wake-up).",
                    at(8, """
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signal();
                    """),
                    at(8, """
                    if (waiters == 1) {
                        bufferFreeOrNotCommitted.signal();
                    """)),

            new SeededBug("PendingDecommitWakesNobody",
                    "A decommit that has to wait for samples out wakes no waiter ('the samples "
                            + "coming back will wake them'): each release then wakes one, and the "
                            + "waiters beyond the samples out sleep through the decommit for ever.",
                    at(8, """
                    if (waiters > 0) {
                        bufferFreeOrNotCommitted.signalAll();
                    """),
                    at(8, """
                    if (waiters > 0 && !decommitPending) {
                        bufferFreeOrNotCommitted.signalAll();
                    """)),

            new SeededBug("WokenWaiterDefersToOtherWaiters",
                    "The wait loop waits while fewer buffers are free than getBuffer calls wait "
                            + "('leave it to the others'): a woken waiter with one buffer free and "
                            + "another waiter parked waits again, and the buffer idles beside two "
                            + "sleeping waiters (waiting again after a wake-up).",
                    "            while (committed && freeCount == 0 &&",
                    "            while (committed && freeCount < waiters &&"),

            new SeededBug("TimedWaiterDropsItsSignal",
                    "A timed waiter that is signalled but runs after its deadline gives up even "
                            + "with a buffer free: it consumed the release's one signal, so the buffer "
                            + "idles while another waiter sleeps (a lost wake-up), and it returns "
                            + "VFW_E_TIMEOUT with a buffer free.",
                    "        if (freeCount == 0) { // only when timed: the deadline passed",
                    "        if (freeCount == 0 || timed && deadline - System.nanoTime() <= 0L) { // deadline passed"));

    /**
     * More variants, one per bug class that {@link #ALL} lacks, for PORTING.md's table of what each
     * oracle can and cannot see ({@code OracleVisibilityTest}); not in the kill matrix, since
     * some are invisible to every spec-derived checker by design (a release after the final one
     * has no spec step).
     */
    public static final List<SeededBug> MORE_CLASSES = List.of(
            new SeededBug("SetPropertiesChecksCommittedFirst",
                    "SetProperties checks 'committed' before the alignment: a bad alignment on a "
                            + "committed allocator answers VFW_E_ALREADY_COMMITTED, not VFW_E_BADALIGN "
                            + "(the wrong check order).",
                    at(12, """
                    HResult hr = !request.hasValidAlignment() ? HResult.VFW_E_BADALIGN
                            : committed ? HResult.VFW_E_ALREADY_COMMITTED
                    """),
                    at(12, """
                    HResult hr = committed ? HResult.VFW_E_ALREADY_COMMITTED
                            : !request.hasValidAlignment() ? HResult.VFW_E_BADALIGN
                    """)),

            new SeededBug("SetPropertiesDoesNotRound",
                    "SetProperties keeps the request as it is instead of rounding cbBuffer up to the "
                            + "alignment: GetProperties and the samples' size are too small.",
                    "                AllocatorProperties granted = request.rounded();",
                    "                AllocatorProperties granted = request; // the caller asked for this size"),

            new SeededBug("WokenGetBufferLeavesItOnTheFreeList",
                    "A woken getBuffer takes the top of the free list without popping it: the buffer "
                            + "it got stays free and is handed out again to the next caller (a double "
                            + "hand-out). Calls that never wait are right.",
                    "        return pop(SpecAction.WakeWithSample);",
                    "        Sample s = freeList[freeCount - 1]; // popped by the next taker\n"
                            + "        s.setRefs(1);\n"
                            + "        step(SpecAction.WakeWithSample, s.number, null, HResult.S_OK, 0);\n"
                            + "        return s;"),

            new SeededBug("ReleaseOfAFreedSample",
                    "A sample's release() does not check that the sample is still held: a release "
                            + "after the final one drives the count negative and hands the buffer "
                            + "back twice (use after final release).",
                    at(16, """
                    requireHeld();
                    left = refs - 1;
                    """),
                    at(16, """
                    left = refs - 1;
                    """)));
}
