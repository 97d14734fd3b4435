package org.memallocator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reference {@link MemAllocator}: the contract of Microsoft's {@code CMemAllocator} as a
 * monitor, one step of {@code spec/MemAllocator.tla} per locked region.
 *
 * <p>State, named as in the spec, all guarded by {@code lock}: {@code props}, {@code committed},
 * {@code decommitPending}, {@code buffers} (the samples of this commit cycle: the memory),
 * {@code freeList} (a LIFO stack), the samples' {@code refs}, {@code waiters}, {@code selfRef} and
 * {@code clientRef}; below the spec, {@code block}, the direct memory under the samples. Whenever
 * the lock is free:
 * <pre>
 *   freeList[0 .. freeCount) == the samples of buffers with refs == 0, each once
 *   outstanding == buffers.length - freeCount == the samples of buffers with refs &gt; 0
 *   selfRef == (buffers != null);  committed =&gt; selfRef;  no buffers =&gt; freeCount == 0
 *   decommitPending =&gt; !committed &amp;&amp; outstanding &gt; 0
 *   waiters == getBuffer calls between their GetBufferBlocks step and their wake-up step
 *   a sample no longer in buffers (its memory dropped) has refs == 0 for ever
 *   buffers != null =&gt; block != null;  block != null =&gt; block is laid out for props
 * </pre>
 *
 * <p><b>Memory.</b> The samples are dropped when the decommit completes: in {@link #decommit()}
 * with nothing out, or in the final {@link MediaSample#release()} of the last outstanding sample
 * while a decommit is pending. The next {@link #commit()} makes new samples, so that a sample of a
 * finished commit cycle is detectably dead (count 0). The direct block under them is kept, as
 * Microsoft's {@code CMemAllocator} keeps its memory until the properties change: a commit that
 * finds the same properties lays its new samples over the kept block and allocates no direct
 * memory, so commit/decommit cycles need neither the garbage collector nor
 * {@code System.gc()} (they run under {@code -XX:+DisableExplicitGC} and a small
 * {@code -XX:MaxDirectMemorySize}). A successful {@link #setProperties} with other properties,
 * and {@link #close()}, let the block go; only then does the garbage collector free it (Java has
 * no safe explicit free: a stale {@link MediaSample#pointer()} view would read freed memory). A
 * stale view of a kept block aliases the next cycle's buffer, as a stale pointer does in COM.
 *
 * <p><b>Failures of Commit.</b> Everything {@code commit()} allocates (the samples, the two
 * arrays, the direct block) is allocated outside the lock, and nothing is assigned until it all
 * exists; a layout whose samples cannot fit the heap limit ({@code -Xmx}) is refused before
 * anything is allocated. Any failure (out of heap, out of direct memory, anything else) leaves
 * the allocator exactly as it was and gives {@link HResult#E_OUTOFMEMORY}. Another thread is
 * never blocked by a slow allocation, nor by the JDK's retries of a failing one.
 *
 * <p><b>Wake-ups.</b> A final release signals one waiter, and only when there are waiters;
 * {@code decommit} signals all of them. Microsoft broadcasts on every release; one signal is
 * enough because every woken waiter either takes a buffer or, finding none free, waits again (a
 * {@code while} loop), and because an AQS {@link Condition} passes a signal on to the next waiter
 * when the first has already left its wait by interrupt or timeout. So no free buffer is ever
 * left with a waiter asleep.
 *
 * <p><b>Interrupts.</b> A free buffer is handed out even to an interrupted thread (Stormpot's
 * rule): the lock is taken with {@link ReentrantLock#lock()}, not {@code lockInterruptibly()}.
 * Only a thread that has to wait, or is waiting, throws {@link InterruptedException}, which
 * clears its interrupt status and leaves the pool unchanged.
 *
 * <p><b>Tracing.</b> Each spec step calls the optional {@link SpecTrace} under the lock, right
 * after the step's effect; what the trace throws is contained (see {@link SpecTrace}). Misuse (a
 * sample released twice, a call after {@link #close()}) is refused with an exception, changes
 * nothing and is not a step. A {@link MonitorTrace} also receives the condition's waits, signals
 * and wake-ups ({@link MonitorAction}) and, with every step, its wait queue.
 *
 * <p>One {@link ReentrantLock} and one {@link Condition}, not {@code synchronized}: Lincheck
 * models park/unpark exactly but treats {@code notify} as {@code notifyAll}, and virtual threads
 * do not pin on a {@code ReentrantLock}.
 */
public final class MonitorMemAllocator implements MemAllocator {

    /** {@code Sample.refs}, for its release stores and lock-free acquire loads. */
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Sample.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Heap bytes one sample costs at least: the {@code Sample}, its {@code ByteBuffer} view and its
     * two array slots (measured on JDK 17 over 10^6 samples: 152 with compressed references, 196
     * without). A layout of more samples than the heap limit holds at this rate certainly cannot
     * be made, and is refused before anything is allocated.
     */
    static final long SAMPLE_HEAP_BYTES = 150;

    /** Guards all state, including each sample's reference count. */
    private final MonitorLock lock = new MonitorLock();

    /** Waiting getters wait for this: a buffer is free, or the allocator is not committed. */
    private final Condition bufferFreeOrNotCommitted = lock.newCondition();

    /** The properties in force, as rounded by {@code setProperties}. */
    private AllocatorProperties props = AllocatorProperties.NONE;

    /** {@code getBuffer} may hand out samples. */
    private boolean committed;

    /** A decommit waits for outstanding samples; the last one to come back completes it. */
    private boolean decommitPending;

    /** The samples of this commit cycle, buffer number i + 1 at index i; null without memory. */
    private Sample[] buffers;

    /**
     * The direct block under {@code buffers}, laid out for {@code props}; kept after the decommit
     * completes for the next commit with the same properties. Null before the first commit, after
     * a properties change and after close (the garbage collector then frees it).
     */
    private ByteBuffer block;

    /** The free samples: a LIFO stack in {@code freeList[0 .. freeCount)}, top last. */
    private Sample[] freeList;

    /** Number of samples on the free list. */
    private int freeCount;

    /** Number of {@code getBuffer} calls blocked (or woken and not yet returned). */
    private int waiters;

    /** The self-reference of Microsoft's allocating {@code Commit}: held exactly with memory. */
    private boolean selfRef;

    /** The client still holds the allocator: false once closed. */
    private boolean clientRef = true;

    /** Runs after each final sample release, outside the lock. */
    private Runnable notify;

    /** Receives the spec steps; null when not tracing. */
    private SpecTrace trace;

    /** {@code trace} when it is a {@link MonitorTrace}, else null: the monitor steps' receiver. */
    private MonitorTrace monitorTrace;

    /**
     * Test seam: the wait loop's hooks ({@link WaitLoopHook}), null unless a conformance runner
     * installed them with {@link WaitLoopHook#install}. Read by the waiting thread under the lock;
     * written once, before the allocator is shared.
     */
    private WaitLoopHook waitHook;

    /** A new allocator: no properties (all zero), not committed, no memory. */
    public MonitorMemAllocator() {
    }

    /**
     * Installs (or with {@code null} removes) the receiver of this allocator's spec steps; see
     * {@link SpecTrace} for what it may do. Not a spec step; allowed after close.
     */
    @Override
    public void setSpecTrace(SpecTrace trace) {
        lock.lock();
        try {
            this.trace = trace;
            this.monitorTrace = trace instanceof MonitorTrace m ? m : null;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ helpers, all under the lock

    /**
     * Reports a spec step, if tracing. What the trace throws is contained: the call goes on as if
     * it had returned (the state is already the step's), and the throwable goes to the thread's
     * uncaught-exception handler. Call only when holding lock.
     */
    private void step(SpecAction action, int buffer, AllocatorProperties request, HResult result,
                      int refs) {
        SpecTrace t = trace;
        if (t != null) {
            Thread me = Thread.currentThread();
            try {
                SpecEvent event = new SpecEvent(action, me, buffer, request, result, refs);
                if (monitorTrace != null) {
                    monitorTrace.step(event, lock.waitQueue(bufferFreeOrNotCommitted));
                } else {
                    t.step(event);
                }
            } catch (Throwable thrown) {
                me.getUncaughtExceptionHandler().uncaughtException(me, thrown);
            }
        }
    }

    /**
     * Reports a step of the condition to a {@link MonitorTrace}, if one is installed; what it
     * throws is contained as in {@link #step}. Call only when holding lock.
     */
    private void monitorStep(MonitorAction action) {
        MonitorTrace t = monitorTrace;
        if (t != null) {
            Thread me = Thread.currentThread();
            try {
                t.monitorStep(new MonitorEvent(action, me, lock.waitQueue(bufferFreeOrNotCommitted)));
            } catch (Throwable thrown) {
                me.getUncaughtExceptionHandler().uncaughtException(me, thrown);
            }
        }
    }

    /** Reports a failing step and returns the exception to throw. Call only when holding lock. */
    private MemAllocatorException failed(SpecAction action, HResult hr, String message) {
        step(action, 0, null, hr, 0);
        return new MemAllocatorException(hr, message);
    }

    /** Refuses calls after {@link #close()}. Call only when holding lock. */
    private void checkOpen() {
        if (!clientRef) {
            throw new IllegalStateException("allocator used after close()");
        }
    }

    /** Samples handed out and not finally released. Call only when holding lock. */
    private int outstanding() {
        return buffers == null ? 0 : buffers.length - freeCount;
    }

    /**
     * The memory of one commit cycle, made outside the lock: {@code block} laid out for
     * {@code props}, its samples ({@code buffers}) and a full free list. {@code buffers == null}
     * when it could not be made.
     */
    private record Allocation(AllocatorProperties props, ByteBuffer block, Sample[] buffers,
                              Sample[] freeList) {
    }

    /**
     * Makes the memory for {@code p}, over {@code kept} (a block laid out for {@code p}) when not
     * null, else over a new direct block. Runs WITHOUT the lock: it may take long (zeroing the
     * block, the JDK's retries when direct memory is short) and it may fail. Every failure, out of
     * heap, out of direct memory or anything else, gives an allocation without buffers; nothing
     * of the allocator is touched. Precondition: {@code p.commitError() == S_OK}.
     */
    private Allocation lay(AllocatorProperties p, ByteBuffer kept) {
        int n = p.cBuffers();
        if (n * SAMPLE_HEAP_BYTES > Runtime.getRuntime().maxMemory()) {
            return new Allocation(p, null, null, null); // cannot fit the heap: allocate nothing
        }
        try {
            Sample[] all = new Sample[n];
            Sample[] free = new Sample[n];
            ByteBuffer b = kept != null ? kept
                    : ByteBuffer.allocateDirect(n * p.stride() + p.cbAlign() - 1).alignedSlice(p.cbAlign());
            for (int i = 0; i < n; i++) {
                all[i] = new Sample(i + 1, b.slice(i * p.stride() + p.cbPrefix(), p.cbBuffer()));
                free[n - 1 - i] = all[i];
            }
            return new Allocation(p, b, all, free);
        } catch (OutOfMemoryError | RuntimeException allocationFailed) {
            return new Allocation(p, null, null, null); // VirtualAlloc failing; not a case the spec models
        }
    }

    /**
     * Installs memory made by {@link #lay}: every buffer free (buffer 1 on top), committed, the
     * self-reference taken; or {@link HResult#E_OUTOFMEMORY} with nothing changed. Only
     * assignments: nothing here allocates or can fail half-way. Call only when holding lock.
     * Precondition: no memory held, {@code a.props().equals(props)}.
     */
    private HResult publish(Allocation a) {
        if (a.buffers() == null) {
            return HResult.E_OUTOFMEMORY;
        }
        block = a.block();
        buffers = a.buffers();
        freeList = a.freeList();
        freeCount = buffers.length;
        committed = true;
        selfRef = true;
        return HResult.S_OK;
    }

    /**
     * Completes a decommit: the samples and the self-reference go; the old samples stay dead. The
     * block stays for the next commit with the same properties, unless the allocator is closed.
     * Call only when holding lock. Precondition: nothing outstanding.
     */
    private void dropMemory() {
        if (!clientRef) {
            block = null;
        }
        buffers = null;
        freeList = null;
        freeCount = 0;
        decommitPending = false;
        selfRef = false;
    }

    /** The effect of Decommit, shared with Close. Call only when holding lock. */
    private void decommitEffect() {
        if (!committed) {
            return; // never committed, decommitted, or a decommit already pending
        }
        committed = false;
        if (outstanding() > 0) {
            decommitPending = true;
        } else {
            dropMemory();
        }
        if (waiters > 0) {
            bufferFreeOrNotCommitted.signalAll();
            monitorStep(MonitorAction.SignalAll);
        }
    }

    /**
     * Pops the top of the free list, gives it count 1 and reports the step.
     * Call only when holding lock. Precondition: {@code committed && freeCount > 0}.
     */
    private Sample pop(SpecAction action) {
        Sample s = freeList[--freeCount];
        freeList[freeCount] = null;
        s.setRefs(1);
        step(action, s.number, null, HResult.S_OK, 0);
        return s;
    }

    /**
     * The effect of ReleaseBuffer: pushes a finally released sample on the free list, wakes one
     * waiter, and completes a pending decommit when this was the last sample out.
     * Call only when holding lock. Precondition: {@code s} is of this cycle, count 0, not free.
     */
    private void returnBuffer(Sample s) {
        freeList[freeCount++] = s;
        if (waiters > 0) {
            bufferFreeOrNotCommitted.signal();
            monitorStep(MonitorAction.Signal);
        }
        if (decommitPending && freeCount == buffers.length) {
            dropMemory();
        }
    }

    // ------------------------------------------------------------ IMemAllocator

    /**
     * {@code SetProperties}, spec action {@code SetProperties}: stores and returns
     * {@link AllocatorProperties#rounded() request.rounded()}; {@code request} is not modified,
     * and count, size and prefix are not validated until {@link #commit()}.
     *
     * <p>Checks, in Microsoft's order (Wine: outstanding, committed, alignment):
     * {@link HResult#VFW_E_BADALIGN} unless {@link AllocatorProperties#hasValidAlignment()} (the
     * documented rule; Microsoft's code is laxer);
     * {@link HResult#VFW_E_ALREADY_COMMITTED} while committed;
     * {@link HResult#VFW_E_BUFFERS_OUTSTANDING} while samples are out (also while a decommit is
     * pending). On failure nothing changes.
     *
     * @throws MemAllocatorException those codes, or {@link HResult#E_POINTER} for a null request
     *                               (not a spec step)
     */
    @Override
    public AllocatorProperties setProperties(AllocatorProperties request) {
        if (request == null) {
            throw new MemAllocatorException(HResult.E_POINTER, "request is null");
        }
        lock.lock();
        try {
            checkOpen();
            HResult hr = !request.hasValidAlignment() ? HResult.VFW_E_BADALIGN
                    : committed ? HResult.VFW_E_ALREADY_COMMITTED
                    : outstanding() > 0 ? HResult.VFW_E_BUFFERS_OUTSTANDING
                    : HResult.S_OK;
            if (hr == HResult.S_OK) {
                AllocatorProperties granted = request.rounded();
                if (!granted.equals(props)) {
                    block = null; // laid out for the old properties: left to the garbage collector
                }
                props = granted;
            }
            step(SpecAction.SetProperties, 0, request, hr, 0);
            if (hr.failed()) {
                throw new MemAllocatorException(hr, "refused " + request + ", keeping " + props);
            }
            return props;
        } finally {
            lock.unlock();
        }
    }

    /** {@code GetProperties}: the rounded properties in force; not a spec step. */
    @Override
    public AllocatorProperties getProperties() {
        lock.lock();
        try {
            checkOpen();
            return props;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code Commit}, spec action {@code Commit}. Already committed: {@code S_OK}, nothing done
     * (no re-validation; Wine re-validates). Decommit pending: cancels it ({@code S_OK}) without
     * allocating or taking a second self-reference; the outstanding samples come back to the free
     * list as usual. Otherwise makes {@code cBuffers} new samples, all free, in one direct block
     * aligned to {@code cbAlign}, each data area {@code cbPrefix} bytes after its buffer's start:
     * the block kept from the last cycle when the properties are the same (its bytes are not
     * cleared), else a new one (see the class comment: Memory, Failures of Commit).
     *
     * @throws MemAllocatorException {@link AllocatorProperties#commitError()}:
     *         {@link HResult#VFW_E_SIZENOTSET} or {@link HResult#E_OUTOFMEMORY}; also
     *         {@code E_OUTOFMEMORY} when the memory cannot be allocated (heap or direct memory
     *         exhausted, which the spec does not model). Either way nothing changes.
     */
    @Override
    public void commit() {
        Allocation fresh = null;
        Allocation wanted;
        while ((wanted = commitStep(fresh)) != null) {
            fresh = lay(wanted.props(), wanted.block()); // outside the lock
        }
    }

    /**
     * The spec's Commit, as one atomic step under the lock, if it can be taken now: with
     * {@code fresh} (made outside the lock by an earlier round, or null) when it needs memory.
     * Otherwise it changes nothing, reports nothing and returns what to make: the properties
     * in force and the kept block, if any.
     *
     * <p>Why a commit that has to allocate stays atomic: the lock is dropped while {@link #lay}
     * runs, so any call may come in between, but this round changed nothing and reported no
     * step, so it is not yet a step. The next round decides again from the state as it is then,
     * and its locked region is the linearization point: committed meanwhile (another commit
     * won), S_OK and the fresh memory is dropped; a decommit pending (committed and decommitted
     * meanwhile), it is cancelled as usual; properties changed (by a {@code setProperties}, which
     * succeeds only with no memory held), the fresh memory does not fit them and another round
     * makes memory for the new ones; closed, refused. So the memory installed is always laid out
     * for the properties in force, and at most one commit installs it. A failed allocation is
     * reported as {@code E_OUTOFMEMORY} only if, at that point, the properties are still the ones
     * it failed for.
     */
    private Allocation commitStep(Allocation fresh) {
        lock.lock();
        try {
            checkOpen();
            HResult hr = HResult.S_OK;
            if (decommitPending) {
                decommitPending = false;
                committed = true;
            } else if (!committed) {
                hr = props.commitError();
                if (hr == HResult.S_OK) {
                    if (fresh == null || !fresh.props().equals(props)) {
                        return new Allocation(props, block, null, null); // not a step yet
                    }
                    hr = publish(fresh);
                }
            }
            step(SpecAction.Commit, 0, null, hr, 0);
            if (hr.failed()) {
                throw new MemAllocatorException(hr, "cannot lay out " + props);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code Decommit}, spec action {@code Decommit}: always {@code S_OK}, never waits. If
     * committed: with samples out the decommit is pending (they stay fully usable, and the last
     * one's final release completes it), otherwise it completes now and the memory goes. Every
     * blocked {@code getBuffer} wakes and fails with {@link HResult#VFW_E_NOT_COMMITTED}. Not
     * committed (also while pending): nothing changes.
     */
    @Override
    public void decommit() {
        lock.lock();
        try {
            checkOpen();
            decommitEffect();
            step(SpecAction.Decommit, 0, null, HResult.S_OK, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code GetBuffer(ppSample, NULL, NULL, flags)}: a free sample with count 1, the most
     * recently released first (LIFO). Only {@link #AM_GBF_NOWAIT} of {@code flags} is honoured.
     * Spec actions:
     * <ul>
     * <li>{@code GetBufferOk}: a buffer is free (handed out even if the thread is interrupted);</li>
     * <li>{@code GetBufferNotCommitted}: {@link HResult#VFW_E_NOT_COMMITTED} when never committed,
     *     decommitted, or a decommit is pending;</li>
     * <li>{@code GetBufferTimeout}: {@link HResult#VFW_E_TIMEOUT} with {@code AM_GBF_NOWAIT} and
     *     nothing free (unlike Microsoft, no stale waiter registration is left behind);</li>
     * <li>{@code GetBufferBlocks}, then {@code WakeWithSample}, or {@code WakeNotCommitted}
     *     ({@link HResult#VFW_E_NOT_COMMITTED} after a decommit; Wine returns
     *     {@code VFW_E_TIMEOUT}), or {@code WaitInterrupted}. A waiter that finds the allocator
     *     committed again with nothing free (Decommit then Commit before it ran) waits again.</li>
     * </ul>
     *
     * @throws InterruptedException if interrupted while it has to wait; no buffer is taken
     */
    @Override
    public MediaSample getBuffer(int flags) throws InterruptedException {
        return take(flags, false, 0L);
    }

    /**
     * {@code GetBuffer(ppSample, pStart, pEnd, flags)}: the times are ignored, as in Microsoft's
     * and Wine's allocators (the sample has no time set); otherwise {@link #getBuffer(int)}.
     */
    @Override
    public MediaSample getBuffer(long startTime, long endTime, int flags)
            throws InterruptedException {
        return getBuffer(flags);
    }

    /**
     * {@link #getBuffer(int)} with one deadline, {@code timeout} from now, for the whole call.
     * Nothing free when it passes: {@link HResult#VFW_E_TIMEOUT}, spec action
     * {@code WaitTimedOut}, or {@code GetBufferTimeout} when the call never had to block (a
     * timeout {@code <= 0}). Otherwise as {@link #getBuffer(int)}, interrupts included.
     *
     * @throws MemAllocatorException {@link HResult#E_POINTER} for a null timeout (not a spec step)
     */
    @Override
    public MediaSample getBuffer(int flags, Duration timeout) throws InterruptedException {
        if (timeout == null) {
            throw new MemAllocatorException(HResult.E_POINTER, "timeout is null");
        }
        return take(flags, true, System.nanoTime() + saturatedNanos(timeout));
    }

    /**
     * {@code timeout} in nanoseconds from 0 to {@code Long.MAX_VALUE} (about 292 years), so that
     * {@code deadline - System.nanoTime()} cannot overflow.
     */
    private static long saturatedNanos(Duration timeout) {
        try {
            return Math.max(0L, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            return timeout.isNegative() ? 0L : Long.MAX_VALUE;
        }
    }

    /** The body of every {@code getBuffer}: the steps listed on {@link #getBuffer(int)}. */
    private MediaSample take(int flags, boolean timed, long deadline) throws InterruptedException {
        lock.lock(); // not lockInterruptibly(): a free buffer goes even to an interrupted thread
        try {
            checkOpen();
            if (!committed) {
                throw failed(SpecAction.GetBufferNotCommitted, HResult.VFW_E_NOT_COMMITTED,
                        decommitPending ? "decommit pending" : "not committed");
            }
            if (freeCount > 0) {
                return pop(SpecAction.GetBufferOk);
            }
            if ((flags & AM_GBF_NOWAIT) != 0 || timed && deadline - System.nanoTime() <= 0L) {
                throw failed(SpecAction.GetBufferTimeout, HResult.VFW_E_TIMEOUT, "no free buffer");
            }
            return awaitBuffer(timed, deadline);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a buffer is free or the allocator is not committed, then takes the buffer.
     * Call only when holding lock. Precondition: {@code committed && freeCount == 0}.
     */
    private Sample awaitBuffer(boolean timed, long deadline) throws InterruptedException {
        waiters++;
        step(SpecAction.GetBufferBlocks, 0, null, null, 0);
        try {
            while (committed && freeCount == 0 && (!timed || deadline - System.nanoTime() > 0L)) {
                monitorStep(MonitorAction.Await);
                WaitLoopHook hook = waitHook;
                if (hook != null) {
                    hook.beforePark(Thread.currentThread());
                }
                try {
                    if (timed) {
                        bufferFreeOrNotCommitted.awaitNanos(deadline - System.nanoTime());
                    } else {
                        bufferFreeOrNotCommitted.await();
                    }
                } finally {
                    if (hook != null) {
                        afterWake(hook);
                    }
                }
                monitorStep(MonitorAction.AwaitReturns);
            }
        } catch (InterruptedException e) {
            monitorStep(MonitorAction.AwaitThrows);
            waiters--;
            step(SpecAction.WaitInterrupted, 0, null, null, 0);
            throw e;
        }
        waiters--;
        if (!committed) {
            throw failed(SpecAction.WakeNotCommitted, HResult.VFW_E_NOT_COMMITTED,
                    "decommitted while waiting");
        }
        if (freeCount == 0) { // only when timed: the deadline passed
            throw failed(SpecAction.WaitTimedOut, HResult.VFW_E_TIMEOUT, "no free buffer in time");
        }
        return pop(SpecAction.WakeWithSample);
    }

    /** Test seam: calls {@code hook.afterWake} with the lock dropped, then retakes the lock. */
    private void afterWake(WaitLoopHook hook) {
        lock.unlock();
        try {
            hook.afterWake(Thread.currentThread());
        } finally {
            lock.lock();
        }
    }

    /**
     * {@code ReleaseBuffer}. A sample hands its buffer back by itself, within the same locked step
     * as its final {@link MediaSample#release()} (spec action {@code Release}), so no sample is
     * ever left waiting for this call: called directly it is always misuse, refused with nothing
     * changed. Microsoft accepts any sample here and corrupts its free list (Wine asserts).
     *
     * @throws MemAllocatorException {@link HResult#E_POINTER} for null; {@link HResult#E_INVALIDARG}
     *                               for any sample (of another allocator, free, dead, or still
     *                               referenced: release it instead)
     */
    @Override
    public void releaseBuffer(MediaSample sample) {
        if (sample == null) {
            throw new MemAllocatorException(HResult.E_POINTER, "sample is null");
        }
        lock.lock();
        try {
            checkOpen();
            String why = !(sample instanceof Sample s) || s.owner() != this
                    ? "sample of another allocator"
                    : s.refs > 0 ? "sample still referenced: call its release()"
                    : "sample not outstanding (released twice?)";
            throw new MemAllocatorException(HResult.E_INVALIDARG, why);
        } finally {
            lock.unlock();
        }
    }

    /** {@code IMemAllocatorCallbackTemp::GetFreeCount}; 0 without memory; readable after close. */
    @Override
    public int freeCount() {
        lock.lock();
        try {
            return freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** Samples handed out and not finally released; readable after close. */
    @Override
    public int outstandingCount() {
        lock.lock();
        try {
            return outstanding();
        } finally {
            lock.unlock();
        }
    }

    /** {@code getBuffer} calls blocked, or woken and not yet returned; readable after close. */
    @Override
    public int waitingCount() {
        lock.lock();
        try {
            return waiters;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code getBuffer} can hand out samples; readable after close. */
    @Override
    public boolean isCommitted() {
        lock.lock();
        try {
            return committed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a decommit waits for outstanding samples; readable after close. */
    @Override
    public boolean isDecommitPending() {
        lock.lock();
        try {
            return decommitPending;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code IMemAllocatorCallbackTemp::SetNotify}: {@code callback} runs after every final sample
     * release, on the releasing thread, after the buffer is back and outside the lock (so it may
     * call the allocator); what it throws reaches the releaser. Not a spec step.
     */
    @Override
    public void setNotify(Runnable callback) {
        lock.lock();
        try {
            checkOpen();
            notify = callback;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The client's last reference, spec action {@code Close}: {@link #decommit()}'s effect, then
     * every later allocator call throws {@link IllegalStateException} (the counters stay
     * readable). Samples out stay usable; the memory goes with the last of them. A second close
     * does nothing and is not a step.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!clientRef) {
                return;
            }
            clientRef = false;
            decommitEffect();
            if (buffers == null) {
                block = null; // else the last sample's final release lets it go (dropMemory)
            }
            step(SpecAction.Close, 0, null, HResult.S_OK, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The allocator's {@link ReentrantLock}, unchanged, with one addition for monitor tracing: the
     * list of a condition's waiters ({@code getWaitingThreads} is protected). Read only when a
     * {@link MonitorTrace} is installed.
     */
    private static final class MonitorLock extends ReentrantLock {

        /** The threads waiting on {@code c}, in the JDK's order (longest waiter first). Hold the lock. */
        List<Thread> waitQueue(Condition c) {
            return List.copyOf(getWaitingThreads(c));
        }
    }

    // ------------------------------------------------------------ IMediaSample

    /**
     * A buffer of one commit cycle. The reference count is guarded by the allocator's lock; the
     * per-use properties belong to the holder and are not synchronized, as in COM.
     */
    private final class Sample implements MediaSample {

        /** Buffer number 1..cBuffers, stable for the commit cycle. */
        final int number;

        /** The cbBuffer bytes after this buffer's prefix. */
        private final ByteBuffer data;

        /**
         * The reference count, 0 while not held. Guarded by lock, and written only through
         * {@link #setRefs} (a release store) so that {@link #requireHeld}, which runs without the
         * lock, reads a value some locked step wrote (an acquire load). Not {@code volatile}: a
         * volatile store is a full fence on every get and release, 13-23% of a get+release pair
         * (docs/benchmarks.md); the lock already orders everything else.
         */
        private int refs;

        private int actualLength;
        private long start;
        private long stop;
        private long mediaStart;
        private long mediaStop;
        private boolean timeValid;
        private boolean stopValid;
        private boolean mediaTimeValid;
        private boolean syncPoint;
        private boolean preroll;
        private boolean discontinuity;
        private Object mediaType;

        /** A fresh sample: actual length = size, times 0, no flags, no media type. */
        Sample(int number, ByteBuffer data) {
            this.number = number;
            this.data = data;
            this.actualLength = data.capacity();
        }

        MonitorMemAllocator owner() {
            return MonitorMemAllocator.this;
        }

        /** Call only when holding lock. */
        void setRefs(int n) {
            REFS.setRelease(this, n);
        }

        /** The misuse check of every method: the caller must hold a reference. Needs no lock. */
        private void requireHeld() {
            if ((int) REFS.getAcquire(this) == 0) {
                throw new IllegalStateException("sample " + number
                        + " has no references: released twice, or used after its final release?");
            }
        }

        /**
         * Spec action {@code AddRef}. Refused at {@code Integer.MAX_VALUE} (see
         * {@link MediaSample#addRef()}): {@link HResult#E_FAIL}, nothing changed, not a step.
         */
        @Override
        public int addRef() {
            lock.lock();
            try {
                requireHeld();
                if (refs == Integer.MAX_VALUE) {
                    throw new MemAllocatorException(HResult.E_FAIL,
                            "sample " + number + ": reference count at its limit " + refs);
                }
                setRefs(refs + 1);
                step(SpecAction.AddRef, number, null, HResult.S_OK, refs);
                return refs;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Spec action {@code Release}. The final one clears the per-use properties (sync point,
         * preroll, discontinuity, both time-valid flags, media time, media type and with it the
         * type-changed flag; the actual length and the time values stay, as in Microsoft's code)
         * and hands the buffer back (ReleaseBuffer) in the same step.
         */
        @Override
        public int release() {
            int left;
            Runnable callback;
            lock.lock();
            try {
                requireHeld();
                left = refs - 1;
                setRefs(left);
                if (left == 0) {
                    syncPoint = preroll = discontinuity = false;
                    timeValid = stopValid = mediaTimeValid = false;
                    mediaType = null;
                    returnBuffer(this);
                }
                step(SpecAction.Release, number, null, HResult.S_OK, left);
                callback = left == 0 ? notify : null;
            } finally {
                lock.unlock();
            }
            if (callback != null) {
                callback.run();
            }
            return left;
        }

        @Override
        public ByteBuffer pointer() {
            requireHeld();
            return data.duplicate();
        }

        @Override
        public int size() {
            requireHeld();
            return data.capacity();
        }

        @Override
        public int actualDataLength() {
            requireHeld();
            return actualLength;
        }

        @Override
        public void setActualDataLength(int length) {
            requireHeld();
            if (length < 0 || length > data.capacity()) {
                throw new MemAllocatorException(HResult.VFW_E_BUFFER_OVERFLOW,
                        length + " not in 0.." + data.capacity());
            }
            actualLength = length;
        }

        @Override
        public TimeRange time() {
            requireHeld();
            if (!timeValid) {
                throw new MemAllocatorException(HResult.VFW_E_SAMPLE_TIME_NOT_SET, "no sample time");
            }
            return stopValid ? new TimeRange(start, stop, HResult.S_OK)
                    : new TimeRange(start, start + 1, HResult.VFW_S_NO_STOP_TIME);
        }

        @Override
        public void setTime(Long start, Long end) {
            requireHeld();
            timeValid = start != null;
            stopValid = start != null && end != null;
            if (timeValid) {
                this.start = start;
            }
            if (stopValid) {
                this.stop = end;
            }
        }

        @Override
        public TimeRange mediaTime() {
            requireHeld();
            if (!mediaTimeValid) {
                throw new MemAllocatorException(HResult.VFW_E_MEDIA_TIME_NOT_SET, "no media time");
            }
            return new TimeRange(mediaStart, mediaStop, HResult.S_OK);
        }

        @Override
        public void setMediaTime(Long start, Long end) {
            requireHeld();
            if (start != null && end == null) {
                throw new MemAllocatorException(HResult.E_POINTER, "media start time without end");
            }
            mediaTimeValid = start != null;
            if (mediaTimeValid) {
                mediaStart = start;
                mediaStop = end;
            }
        }

        @Override
        public boolean isSyncPoint() {
            requireHeld();
            return syncPoint;
        }

        @Override
        public void setSyncPoint(boolean syncPoint) {
            requireHeld();
            this.syncPoint = syncPoint;
        }

        @Override
        public boolean isPreroll() {
            requireHeld();
            return preroll;
        }

        @Override
        public void setPreroll(boolean preroll) {
            requireHeld();
            this.preroll = preroll;
        }

        @Override
        public boolean isDiscontinuity() {
            requireHeld();
            return discontinuity;
        }

        @Override
        public void setDiscontinuity(boolean discontinuity) {
            requireHeld();
            this.discontinuity = discontinuity;
        }

        @Override
        public Object mediaType() {
            requireHeld();
            return mediaType;
        }

        @Override
        public void setMediaType(Object mediaType) {
            requireHeld();
            this.mediaType = mediaType;
        }

        @Override
        public String toString() {
            return "sample " + number + " (refs " + (int) REFS.getAcquire(this) + ")";
        }
    }
}
